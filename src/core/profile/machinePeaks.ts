// The machine's roof, measured by NetLens on the engine it profiles with: peak fp32 GFLOP/s from a
// large MatMul and memory bandwidth from a large element-wise Add, each run as a one-node ONNX model
// through the same profiled ONNX Runtime session as a model's layers (session.ts), and timed the
// same way: ONNX Runtime's own kernel time, best of several runs after warm-up. About 1-2 s; the
// figures are cached per machine, backend and thread count with the date (cacheDir() below), so a
// profile measures them once. A cancelled measurement throws ProfileCancelledError and nothing is
// cached: the caller leaves the fields out (roofline.ts), never guesses.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, homedir, hostname, platform, arch } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { NetLensError } from '../ir/types';
import type { OrtExecutionProvider } from './registry';
import { loadOrt, ortVersion } from '../engines/ort/runtime';
import type { OrtModule } from '../engines/ort/runtime';
import { runProfiled } from '../engines/ort/session';
import type { MachinePeaks } from './result';

export type { MachinePeaks };

export interface PeakOptions {
  backend?: string;
  threads: number;
  executionProviders?: OrtExecutionProvider[];
  signal?: AbortSignal;
  /** Square MatMul size (default 1024: 2.1 GFLOP, 12 MB of operands, beyond L2). */
  matmulSize?: number;
  /** Elements of the element-wise Add (default 16M: 64 MB in, 64 MB out, twice a 32 MB L3). */
  copyElements?: number;
  /** Timed runs of each model (default 60, about 1 s in all: the best of many finds a quiet moment on a busy machine). */
  runs?: number;
  warmup?: number;
  onProgress?: (message: string, fraction: number) => void;
}

const OPSET = 17;
export const DEFAULT_PEAK_RUNS = 60;
const IR_VERSION = 8;

function floatInit(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function valueInfo(name: string, dims: number[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

function oneNodeModel(op: string, input: { name: string; dims: number[] }, init: onnx.ITensorProto, outDims: number[]): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    producerName: 'NetLens machine peaks',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: `peak_${op}`,
      node: [{ name: `peak_${op}`, opType: op, input: [input.name, init.name!], output: ['y'] }],
      initializer: [init],
      input: [valueInfo(input.name, input.dims)],
      output: [valueInfo('y', outDims)],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

/** Values in [-1, 1) from a fixed LCG: deterministic, no denormals, no zeros to shortcut. */
function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2147483648 - 1;
  }
  return a;
}

/** The one-node MatMul and Add models (exported for the tests: shapes and the FLOP/byte counts). */
export function matmulModel(n: number): { bytes: Uint8Array; flops: number; feed: { data: Float32Array; dims: number[] } } {
  const b = floatInit('b', [n, n], filled(n * n, 7));
  return { bytes: oneNodeModel('MatMul', { name: 'a', dims: [n, n] }, b, [n, n]), flops: 2 * n * n * n, feed: { data: filled(n * n, 3), dims: [n, n] } };
}

export function addModel(elements: number): { bytes: Uint8Array; moved: number; feed: { data: Float32Array; dims: number[] } } {
  const one = floatInit('one', [], Float32Array.of(1));
  // Read once, written once; the scalar stays in a register.
  return { bytes: oneNodeModel('Add', { name: 'x', dims: [elements] }, one, [elements]), moved: 2 * 4 * elements, feed: { data: filled(elements, 5), dims: [elements] } };
}

/** Best kernel time of the model's one node over the timed runs, in seconds. */
async function bestKernelSeconds(ort: OrtModule, bytes: Uint8Array, what: string, feed: { data: Float32Array; dims: number[] }, o: PeakOptions, op: string): Promise<number> {
  const run = await runProfiled(ort, bytes, what, feed, {
    executionProviders: o.executionProviders ?? ['cpu'], threads: o.threads, optimization: 'all',
    runs: o.runs ?? DEFAULT_PEAK_RUNS, warmup: o.warmup ?? 2, signal: o.signal,
  });
  const times = run.trace.runs.map((k) => k.filter((e) => e.op === op).reduce((a, e) => a + e.us, 0)).filter((us) => us > 0);
  if (!times.length) throw new NetLensError(`machine peaks: ONNX Runtime recorded no ${op} kernel for ${what}`);
  return Math.min(...times) / 1e6;
}

export function cpuDescription(): string {
  const c = cpus();
  return `${(c[0]?.model ?? 'unknown CPU').trim()}, ${c.length} logical CPU${c.length === 1 ? '' : 's'}`;
}

/** Measures both peaks now on ONNX Runtime (nothing cached). Throws ProfileCancelledError when cancelled. */
export async function measurePeaks(o: PeakOptions): Promise<MachinePeaks> {
  const loaded = loadOrt();
  if (!loaded.ok) throw new NetLensError(`machine peaks need ONNX Runtime: ${loaded.detail}`);
  const n = o.matmulSize ?? 1024;
  const e = o.copyElements ?? 16 * 1024 * 1024;
  const runs = o.runs ?? DEFAULT_PEAK_RUNS;
  o.onProgress?.(`measuring peak GFLOP/s (MatMul ${n}x${n}x${n}, ${o.threads} threads)`, 0);
  const mm = matmulModel(n);
  const mmS = await bestKernelSeconds(loaded.ort, mm.bytes, 'the peak MatMul', mm.feed, o, 'MatMul');
  o.onProgress?.(`measuring memory bandwidth (Add over ${e / (1024 * 1024)}M floats)`, 0.5);
  const add = addModel(e);
  const addS = await bestKernelSeconds(loaded.ort, add.bytes, 'the bandwidth Add', add.feed, o, 'Add');
  return {
    peakGflops: mm.flops / mmS / 1e9,
    bandwidthGBs: add.moved / addS / 1e9,
    backend: o.backend ?? 'onnxruntime',
    threads: o.threads,
    measuredAt: new Date().toISOString(),
    cpu: cpuDescription(),
    engine: `onnxruntime ${ortVersion(loaded.ort)}`,
    method: {
      compute: `MatMul ${n}x${n}x${n} fp32 (${(mm.flops / 1e9).toFixed(2)} GFLOP), best kernel time of ${runs} runs`,
      memory: `Add of a scalar to ${e} floats (${(add.moved / 1e6).toFixed(0)} MB read + written), best kernel time of ${runs} runs`,
    },
    source: 'measured',
  };
}

/** Where NetLens keeps its machine figures: NETLENS_CACHE_DIR, else the platform's user cache dir + /netlens. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETLENS_CACHE_DIR) return env.NETLENS_CACHE_DIR;
  const p = platform();
  if (p === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'netlens');
  if (p === 'darwin') return join(homedir(), 'Library', 'Caches', 'netlens');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'netlens');
}

/** The cache key: this machine (host, CPU, OS), the backend and the thread count. */
export function peaksKey(backend: string, threads: number): string {
  return `${hostname()}|${cpuDescription()}|${platform()}-${arch()}|${backend}|${threads}`;
}

const CACHE_FILE = 'machine-peaks.json';
/** Cached figures older than this are measured again. */
export const PEAKS_MAX_AGE_DAYS = 30;

function readCache(dir: string): Record<string, MachinePeaks> {
  try {
    const j = JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')) as { entries?: Record<string, MachinePeaks> };
    return j && typeof j.entries === 'object' && j.entries ? j.entries : {};
  } catch {
    return {};
  }
}

function valid(p: MachinePeaks | undefined, now: number): p is MachinePeaks {
  if (!p || !(p.peakGflops > 0) || !(p.bandwidthGBs > 0) || typeof p.measuredAt !== 'string') return false;
  const t = Date.parse(p.measuredAt);
  return Number.isFinite(t) && now - t < PEAKS_MAX_AGE_DAYS * 86400e3 && t <= now + 60e3;
}

export interface CachedPeakOptions extends PeakOptions {
  /** Measure even when the cache has figures. */
  refresh?: boolean;
  /** With refresh: keep the cached figure where it is higher (a peak measured again on a busy machine does not lower the roof). */
  keepHigher?: boolean;
  dir?: string;
  /** Tests: stands in for measurePeaks. */
  measure?: (o: PeakOptions) => Promise<MachinePeaks>;
}

/** The cached figures for this machine/backend/threads, else measured now and cached (a failure to write the cache is not an error). */
export async function machinePeaks(o: CachedPeakOptions): Promise<MachinePeaks> {
  const dir = o.dir ?? cacheDir();
  const backend = o.backend ?? 'onnxruntime';
  const key = peaksKey(backend, o.threads);
  const entries = readCache(dir);
  const hit = Object.prototype.hasOwnProperty.call(entries, key) ? entries[key] : undefined;
  if (!o.refresh && valid(hit, Date.now())) return { ...hit, source: 'cached' };
  const measured = await (o.measure ?? measurePeaks)({ ...o, backend });
  const fresh = o.keepHigher && valid(hit, Date.now())
    ? { ...measured, peakGflops: Math.max(measured.peakGflops, hit.peakGflops), bandwidthGBs: Math.max(measured.bandwidthGBs, hit.bandwidthGBs) }
    : measured;
  try {
    mkdirSync(dir, { recursive: true });
    const all = { ...readCache(dir), [key]: { ...fresh, source: undefined } };
    const tmp = join(dir, `${CACHE_FILE}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify({ entries: all }, null, 1));
    renameSync(tmp, join(dir, CACHE_FILE));
  } catch {
    // A read-only home still gets its figures, measured again next time.
  }
  return fresh;
}

/** Backends whose peaks NetLens can measure: ONNX Runtime's CPU provider. */
export function peaksMeasurable(r: { engine?: string; backend: string }): string | undefined {
  if (r.engine !== 'onnxruntime') return `machine peaks are measured on ONNX Runtime; this profile ran on ${r.backend} (TensorFlow.js)`;
  if (r.backend !== 'onnxruntime') return `machine peaks are measured on ONNX Runtime's CPU provider; this profile ran on ${r.backend}`;
  return undefined;
}
