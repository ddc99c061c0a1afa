// Which tensor layout the WebGPU provider computes convolutions in, chosen per model and checked.
// ONNX Runtime's WebGPU provider prefers NHWC (channels last), which is its fast path (2.2x NCHW
// on ResNet-50 at batch 1 on an H200, issue 20), but in onnxruntime-node 1.30 NHWC miscomputes
// some convolutions (odd channel counts such as 6, 9, 18, 30 input channels with 3x3 or 5x5
// kernels; relative error ~7e-2 on SwiftShader, 0.54 on an H200) while NCHW is exact. So:
//   auto: run NHWC and the CPU provider on one seeded input of the model at hand; outputs within
//         LAYOUT_TOLERANCE (max relative error) -> NHWC; else check NCHW the same way -> NCHW;
//         neither -> the WebGPU route is refused for this model (the profile goes to the CPU).
//   nhwc / nchw: that layout, checked the same way and reported, never changed.
// A check that cannot run (the CPU provider cannot run the model, a session that fails for a
// reason other than the device) keeps NCHW and says why. Decisions are cached per model bytes
// (SHA-256), adapter, ONNX Runtime version and optimisation level, in memory and in
// gpu-layout.json in NetLens's cache directory (machinePeaks.ts cacheDir: NETLENS_CACHE_DIR, else
// ~/.cache/netlens, ~/Library/Caches/netlens on macOS, %LOCALAPPDATA%\netlens on Windows).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetLensError } from '../../ir/types';
import type { OrtModule } from './runtime';
import { webGpuFailure } from './webgpu';
import { cacheDir } from '../../profile/machinePeaks';

export const GPU_LAYOUT_REQUESTS = ['auto', 'nhwc', 'nchw'] as const;
export type GpuLayoutRequest = typeof GPU_LAYOUT_REQUESTS[number];
export type GpuLayout = 'NHWC' | 'NCHW';

/** Outputs agree when the max relative error (see maxRelError) is at most this. */
export const LAYOUT_TOLERANCE = 1e-4;

/** Max relative error per layout against the CPU provider; null: not checked (or the check could not run). */
export interface GpuLayoutCheck { NHWC: number | null; NCHW: number | null }

export interface GpuLayoutDecision {
  request: GpuLayoutRequest;
  /** The layout the profile runs in. */
  layout: GpuLayout;
  check: GpuLayoutCheck;
  /** false: neither layout agreed with the CPU provider (auto only): the WebGPU route is refused. */
  agrees: boolean;
  /** Why the check could not run, when it could not. */
  unchecked?: string;
  /** When the decision was taken, if it came from the cache. */
  cachedAt?: string;
}

export function parseGpuLayout(v: unknown, what = '--gpu-layout'): GpuLayoutRequest {
  const r = (v ?? 'auto') as GpuLayoutRequest;
  if (typeof r !== 'string' || !GPU_LAYOUT_REQUESTS.includes(r)) throw new NetLensError(`${what} must be one of ${GPU_LAYOUT_REQUESTS.join(', ')}, got "${String(v)}"`);
  return r;
}

/** The WebGPU provider entry for a layout. */
export const webGpuProviderFor = (layout: GpuLayout): { name: 'webgpu'; preferredLayout: GpuLayout } => ({ name: 'webgpu', preferredLayout: layout });

/** A NaN or infinite output where the CPU provider's is finite counts as this (JSON has no Infinity). */
export const NON_FINITE_ERROR = Number.MAX_VALUE;

/**
 * Max relative error of `got` against `ref`, output by output: the largest absolute difference over
 * the largest magnitude of the reference output (relative to the output's scale, so a
 * near-zero element does not blow it up); the worst output counts. Equal non-finite values agree.
 */
export function maxRelError(got: Float32Array[], ref: Float32Array[]): number {
  if (got.length !== ref.length) return NON_FINITE_ERROR;
  let worst = 0;
  for (let o = 0; o < ref.length; o++) {
    const a = got[o];
    const b = ref[o];
    if (a.length !== b.length) return NON_FINITE_ERROR;
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < b.length; i++) {
      if (Number.isFinite(b[i])) scale = Math.max(scale, Math.abs(b[i]));
      if (Object.is(a[i], b[i])) continue;
      if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return NON_FINITE_ERROR;
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    worst = Math.max(worst, scale > 0 ? diff / scale : diff);
  }
  return worst;
}

/** The check's input: uniform in [-1, 1), from a fixed seed (the same every time for the same shape). */
export function seededInput(dims: number[], seed = 20): Float32Array {
  let s = seed >>> 0;
  const n = dims.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** "5e-7", "0.07", "0": one significant digit, as the label and the page show it. */
export function formatRelError(e: number | null): string {
  if (e === null) return 'not checked';
  if (e >= NON_FINITE_ERROR) return 'non-finite outputs';
  if (e === 0) return '0';
  const r = Number(e.toPrecision(1));
  return r >= 0.01 ? String(r) : r.toExponential(0);
}

/** The label and results-page text: "NHWC, checked against the CPU provider: 5e-7". */
export function layoutText(d: GpuLayoutDecision): string {
  const cached = d.cachedAt ? ` (decided ${d.cachedAt.slice(0, 10)}, cached)` : '';
  if (d.unchecked) return `${d.layout}, not checked against the CPU provider (${d.unchecked})`;
  const own = d.check[d.layout];
  const other: GpuLayout = d.layout === 'NHWC' ? 'NCHW' : 'NHWC';
  const otherNote = d.check[other] !== null && d.request === 'auto' ? `; ${other} differs: ${formatRelError(d.check[other])}` : '';
  const asked = d.request === 'auto' ? '' : ' (asked for)';
  const wrong = own !== null && own > LAYOUT_TOLERANCE ? `, over ${formatRelError(LAYOUT_TOLERANCE)}: its outputs are wrong` : '';
  return `${d.layout}${asked}, checked against the CPU provider: ${formatRelError(own)}${wrong}${otherNote}${cached}`;
}

/** The chain line when auto finds neither layout right. */
export function layoutRefusal(d: GpuLayoutDecision): string {
  return `outputs differ from the CPU provider's in both layouts (NHWC ${formatRelError(d.check.NHWC)}, NCHW ${formatRelError(d.check.NCHW)}; ` +
    `tolerance ${formatRelError(LAYOUT_TOLERANCE)}), so this model is profiled on the CPU`;
}

// ---- cache ----

interface CacheEntry { layout: GpuLayout; check: GpuLayoutCheck; agrees: boolean; request: GpuLayoutRequest; at: string }

export interface LayoutCache {
  get(key: string): CacheEntry | undefined;
  set(key: string, e: CacheEntry): void;
}

/** The JSON file cache (best effort: an unreadable or unwritable file only costs a check). */
export function fileLayoutCache(dir = cacheDir()): LayoutCache {
  const file = join(dir, 'gpu-layout.json');
  const memory = new Map<string, CacheEntry>();
  const read = (): Record<string, CacheEntry> => {
    try { return JSON.parse(readFileSync(file, 'utf8')) as Record<string, CacheEntry>; } catch { return {}; }
  };
  return {
    get: (key) => memory.get(key) ?? read()[key],
    set: (key, e) => {
      memory.set(key, e);
      try {
        mkdirSync(dir, { recursive: true });
        const all = { ...read(), [key]: e };
        // Keep the file small: the 200 newest decisions.
        const kept = Object.fromEntries(Object.entries(all).sort((a, b) => b[1].at.localeCompare(a[1].at)).slice(0, 200));
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify(kept));
        renameSync(tmp, file);
      } catch { /* a read-only home: decided again next time */ }
    },
  };
}

let defaultCache: LayoutCache | undefined;

export function layoutCacheKey(modelBytes: Uint8Array, adapter: string, ortVersion: string, optimization: string): string {
  const h = createHash('sha256').update(modelBytes).digest('hex');
  return `${h}|${adapter}|${ortVersion}|${optimization}`;
}

// ---- the check ----

export interface LayoutCheckOptions {
  request: GpuLayoutRequest;
  /** The profile's input dims; the check runs at batch 1 (the first dim set to 1 when it is the batch). */
  dims: number[];
  optimization: string;
  threads: number;
  /** Adapter name and ORT version for the cache key. */
  adapter: string;
  ortVersion: string;
  cache?: LayoutCache | null;
  signal?: AbortSignal;
}

/**
 * Thrown when a GPU session fails because of the device (lost, no adapter, out of memory): the
 * route's failure, not the check's. `cause` is ONNX Runtime's error, for gpuRouteError (which also
 * forgets the probe and marks a lost device, so the profiler process is replaced).
 */
export class LayoutDeviceError extends Error {
  constructor(message: string, readonly original: unknown) {
    super(message);
  }
}

type Session = Awaited<ReturnType<OrtModule['InferenceSession']['create']>>;

async function runOnce(ort: OrtModule, model: Uint8Array | string, providers: unknown[], opts: LayoutCheckOptions, input: Float32Array, dims: number[]): Promise<Float32Array[]> {
  let s: Session | undefined;
  try {
    const o = { executionProviders: providers as never, graphOptimizationLevel: opts.optimization as never, intraOpNumThreads: opts.threads, logSeverityLevel: 4 as const };
    s = typeof model === 'string' ? await ort.InferenceSession.create(model, o) : await ort.InferenceSession.create(model, o);
    if (s.inputNames.length !== 1) throw new Error(`the check feeds one input, and the model has ${s.inputNames.length}`);
    const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    const r = s.outputNames.map((n) => out[n]).filter((t) => t && t.type === 'float32').map((t) => Float32Array.from(t.data as Float32Array));
    for (const v of Object.values(out)) v.dispose?.();
    return r;
  } finally {
    await s?.release().catch(() => undefined);
  }
}

const oneLine = (e: unknown): string => String((e as Error)?.message ?? e).replace(/\s+/g, ' ').trim().slice(0, 200);

/**
 * Decides the WebGPU layout for one model. Throws LayoutDeviceError when the device itself fails
 * (the caller turns it into the route's one line); every other failure keeps NCHW, unchecked.
 */
export async function decideGpuLayout(ort: OrtModule, model: Uint8Array | string, modelBytes: Uint8Array, opts: LayoutCheckOptions): Promise<GpuLayoutDecision> {
  const cache = opts.cache === null ? undefined : (opts.cache ?? (defaultCache ??= fileLayoutCache()));
  const key = `${layoutCacheKey(modelBytes, opts.adapter, opts.ortVersion, opts.optimization)}|${opts.request}`;
  const hit = cache?.get(key);
  if (hit) return { request: opts.request, layout: hit.layout, check: hit.check, agrees: hit.agrees, cachedAt: hit.at };

  const dims = [1, ...opts.dims.slice(1)];
  const input = seededInput(dims);
  const check: GpuLayoutCheck = { NHWC: null, NCHW: null };
  let ref: Float32Array[];
  try {
    ref = await runOnce(ort, model, ['cpu'], opts, input, dims);
  } catch (e) {
    return { request: opts.request, layout: opts.request === 'nhwc' ? 'NHWC' : 'NCHW', check, agrees: true, unchecked: `the CPU provider could not run the model: ${oneLine(e)}` };
  }
  const why: Partial<Record<GpuLayout, string>> = {};
  const measure = async (layout: GpuLayout): Promise<void> => {
    if (opts.signal?.aborted) return;
    try {
      check[layout] = maxRelError(await runOnce(ort, model, [webGpuProviderFor(layout)], opts, input, dims), ref);
    } catch (e) {
      const f = webGpuFailure(String((e as Error)?.message ?? e));
      if (f.kind === 'device-lost' || f.kind === 'no-adapter' || f.kind === 'no-device' || f.kind === 'out-of-memory') throw new LayoutDeviceError(f.line, e);
      why[layout] = `${layout}: ${oneLine(e)}`;
    }
  };
  const ok = (l: GpuLayout): boolean => check[l] !== null && check[l]! <= LAYOUT_TOLERANCE;
  let d: GpuLayoutDecision;
  if (opts.request !== 'auto') {
    const layout: GpuLayout = opts.request === 'nhwc' ? 'NHWC' : 'NCHW';
    await measure(layout);
    d = { request: opts.request, layout, check, agrees: ok(layout), ...(check[layout] === null ? { unchecked: why[layout] ?? 'cancelled' } : {}) };
  } else {
    await measure('NHWC');
    if (!ok('NHWC')) await measure('NCHW');
    if (ok('NHWC')) d = { request: 'auto', layout: 'NHWC', check, agrees: true };
    else if (ok('NCHW')) d = { request: 'auto', layout: 'NCHW', check, agrees: true };
    else if (check.NHWC === null && check.NCHW === null) {
      d = { request: 'auto', layout: 'NCHW', check, agrees: true, unchecked: Object.values(why).join('; ') || 'cancelled' };
    } else if (check.NCHW === null) {
      // NHWC ran and is wrong; NCHW could not be checked: keep NCHW (the layout that was right where it could be measured), saying so.
      d = { request: 'auto', layout: 'NCHW', check, agrees: true, unchecked: `${why.NCHW ?? 'cancelled'}; NHWC differs: ${formatRelError(check.NHWC)}` };
    } else d = { request: 'auto', layout: 'NCHW', check, agrees: false };
  }
  // Only complete checks are remembered (an unchecked one is tried again next time).
  if (!d.unchecked && !opts.signal?.aborted) cache?.set(key, { layout: d.layout, check: d.check, agrees: d.agrees, request: d.request, at: new Date().toISOString() });
  return d;
}
