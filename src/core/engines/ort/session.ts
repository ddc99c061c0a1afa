// Runs an ONNX model on ONNX Runtime with its profiler on: creates the session (execution
// providers, thread count and optimisation level of this profile), feeds one input for
// warmup + runs rounds with a clock around each run, then ends profiling and reads the trace
// back from a private temp directory, which is removed before returning (or throwing).
// Cancel is checked between runs; a single run of the largest zoo model is well under a second.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetLensError } from '../../ir/types';
import { ProfileCancelledError } from '../../profile/errors';
import type { OrtExecutionProvider } from '../../profile/registry';
import type { ModelFeed } from '../../profile/modelFeeds';
import type { OrtModule } from './runtime';
import { parseTrace, TraceRuns } from './trace';
import { applyGpuTimes, GpuTimes, OrtTraceEvent, usesWebGpu } from './webgpu';

/** ONNX Runtime's graph optimisation levels NetLens offers ('all' is ONNX Runtime's default). */
export const OPTIMIZATION_LEVELS = ['all', 'extended', 'basic', 'disabled'] as const;
export type OptimizationLevel = typeof OPTIMIZATION_LEVELS[number];

export function parseOptimization(v: string | undefined): OptimizationLevel {
  const r = (v ?? 'all') as OptimizationLevel;
  if (!OPTIMIZATION_LEVELS.includes(r)) throw new NetLensError(`optimization must be one of ${OPTIMIZATION_LEVELS.join(', ')}, got "${v}"`);
  return r;
}

export interface OrtRunOptions {
  executionProviders: OrtExecutionProvider[];
  threads: number;
  optimization: OptimizationLevel;
  runs: number;
  warmup: number;
  signal?: AbortSignal;
  onRun?: (done: number, total: number) => void;
  /** Maps a kernel name in ONNX Runtime's messages back to the model's node (errors only). */
  nodeName?: (kernel: string) => string;
  /**
   * Also time end to end on a second session with profiling (and so GPU timestamps) off, otherwise
   * identical: warmup + runs after the profiled session is released. `endToEnd` is then that
   * session's; the profiled runs' times are in `endToEndProfiled`.
   */
  plainEndToEnd?: boolean;
  onPlainRun?: (done: number, total: number) => void;
}

export interface OrtRunResult {
  /** End-to-end session.run times of the timed runs, ms (output read back: CPU outputs are host memory). */
  endToEnd: number[];
  /** The profiled session's end-to-end times; equal to endToEnd unless plainEndToEnd was asked for. */
  endToEndProfiled: number[];
  /** Whether endToEnd comes from a session with profiling off. */
  plain: boolean;
  /** Highest mem_in_use_peak ONNX Runtime's kernel events report, per execution provider (its allocator's arena). */
  peakByProvider: Record<string, number>;
  /** Per timed run, the kernels the profiler recorded. */
  trace: TraceRuns;
  output: Float32Array;
  /** Every output of the last run (detectors give boxes, scores and labels). */
  outputs: RunOutput[];
  outputName: string;
  inputName: string;
  sessionMs: number;
  /** WebGPU: whether kernel times were replaced by GPU timestamps, and nodes placed on the CPU (webgpu.ts). */
  gpu?: GpuTimes;
}

/** The node an ONNX Runtime message names: "Node (x) Op (Conv)", "node with name 'x'", "Name:'x'". */
export function failedNode(message: string): string | undefined {
  return /Node \(([^)]*)\)/.exec(message)?.[1] ?? /node with name '([^']*)'/i.exec(message)?.[1] ?? /Name:\s*'([^']*)'/.exec(message)?.[1];
}

/** One line naming the node that failed; `nodeName` maps a kernel name of the optimised graph back to the model's node. */
export function sessionError(what: 'load' | 'run', source: string, e: unknown, nodeName: (k: string) => string = (k) => k): NetLensError {
  const msg = String((e as Error)?.message ?? e).replace(/\s+/g, ' ').trim();
  const node = failedNode(msg);
  return new NetLensError(`ONNX Runtime could not ${what} ${source}${node ? ` at node "${nodeName(node)}"` : ''}: ${msg.slice(0, 400)}`);
}

/** Highest mem_in_use_peak per provider in the raw trace events (the allocator of the device each kernel ran on). */
export function peakByProvider(events: { cat?: string; args?: Record<string, unknown> }[]): Record<string, number> {
  const peaks: Record<string, number> = {};
  for (const e of events) {
    if (e.cat !== 'Node' || !e.args) continue;
    const p = Number(e.args.mem_in_use_peak);
    const provider = String(e.args.provider ?? '');
    if (provider && Number.isFinite(p) && p > 0) peaks[provider] = Math.max(peaks[provider] ?? 0, p);
  }
  return peaks;
}

type Session = Awaited<ReturnType<OrtModule['InferenceSession']['create']>>;

async function createSession(ort: OrtModule, model: Uint8Array | string, source: string, opts: OrtRunOptions, profileDir?: string): Promise<Session> {
  const options = {
    executionProviders: opts.executionProviders as never,
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential' as const,
    graphOptimizationLevel: opts.optimization,
    enableProfiling: profileDir !== undefined,
    ...(profileDir !== undefined ? { profileFilePrefix: join(profileDir, 'profile') } : {}),
    // Failures come back as one NetLensError each; ONNX Runtime's own log lines would only repeat them on stderr.
    logSeverityLevel: 4 as const,
  };
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  } catch (e) {
    throw sessionError('load', source, e, opts.nodeName);
  }
}

/** What a run feeds: one float input (an image), or every input of the model by name (modelFeeds.ts). */
export type RunInput = { data: Float32Array; dims: number[] } | ModelFeed[];

/** The feeds of a session: the single image input, or the named feeds, each checked against the model's inputs. */
function feedsFor(ort: OrtModule, session: Session, source: string, input: RunInput): Parameters<Session['run']>[0] {
  if (!Array.isArray(input)) {
    if (session.inputNames.length !== 1) {
      throw new NetLensError(`${source}: the model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); an image feeds one (profile it with --input random)`);
    }
    return { [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.dims) };
  }
  const feeds: Record<string, InstanceType<OrtModule['Tensor']>> = {};
  for (const f of input) feeds[f.name] = new ort.Tensor(f.type, f.data as Float32Array, f.dims);
  const missing = session.inputNames.filter((n) => !Object.hasOwn(feeds, n));
  if (missing.length) throw new NetLensError(`${source}: no data for input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return feeds;
}

/** An output read back as numbers (int64 class ids and bool masks included), with its dimensions. */
export interface RunOutput { name: string; dims: number[]; data: Float32Array<ArrayBufferLike> }

/** warmup + runs timed session.run calls with the outputs read back; returns the timed ones and the last outputs. */
async function timedRuns(ort: OrtModule, session: Session, source: string, input: RunInput, opts: OrtRunOptions,
  onRun?: (done: number, total: number) => void): Promise<{ times: number[]; output: Float32Array; outputs: RunOutput[]; inputName: string; outputName: string }> {
  const feeds = feedsFor(ort, session, source, input);
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const times: number[] = [];
  let output: Float32Array<ArrayBufferLike> = new Float32Array(0);
  let outputs: RunOutput[] = [];
  const total = opts.warmup + opts.runs;
  for (let r = 0; r < total; r++) {
    if (opts.signal?.aborted) throw new ProfileCancelledError();
    const t = performance.now();
    let out;
    try {
      out = await session.run(feeds);
    } catch (e) {
      throw sessionError('run', source, e, opts.nodeName);
    }
    const ms = performance.now() - t;
    if (r >= opts.warmup) times.push(ms);
    outputs = session.outputNames.map((name) => {
      const y = out[name];
      const d = y.data as ArrayLike<number | bigint>;
      const data = d instanceof Float32Array ? d.slice() : Float32Array.from(d as ArrayLike<number>, Number);
      return { name, dims: (y.dims as readonly number[]).map(Number), data };
    });
    output = outputs[0]?.data ?? new Float32Array(0);
    for (const v of Object.values(out)) v.dispose?.();
    onRun?.(r + 1, total);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { times, output, outputs, inputName, outputName };
}

export async function runProfiled(ort: OrtModule, model: Uint8Array | string, source: string, input: RunInput,
  opts: OrtRunOptions): Promise<OrtRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-ort-'));
  const check = (): void => { if (opts.signal?.aborted) throw new ProfileCancelledError(); };
  let session: Session | undefined;
  try {
    const t0 = performance.now();
    session = await createSession(ort, model, source, opts, dir);
    const sessionMs = performance.now() - t0;
    check();
    const profiled = await timedRuns(ort, session, source, input, opts, opts.onRun);
    session.endProfiling();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error('ONNX Runtime wrote no profile');
    const json = readFileSync(join(dir, file), 'utf8');
    const trace = parseTrace(json);
    const events = JSON.parse(json) as OrtTraceEvent[];
    // WebGPU: a kernel's time becomes the GPU timestamps of its programs (all runs, warm-up included).
    const gpu = usesWebGpu(opts.executionProviders) ? applyGpuTimes(trace.runs, events) : undefined;
    // Warm-up runs are in the trace too: keep the timed ones.
    trace.runs = trace.runs.slice(opts.warmup);
    trace.runMs = trace.runMs.slice(opts.warmup);
    await session.release().catch(() => undefined);
    session = undefined;
    let endToEnd = profiled.times;
    if (opts.plainEndToEnd) {
      check();
      // The same session options with profiling off: no profiler events, no GPU timestamp queries.
      session = await createSession(ort, model, source, opts);
      endToEnd = (await timedRuns(ort, session, source, input, opts, opts.onPlainRun)).times;
    }
    return {
      endToEnd, endToEndProfiled: profiled.times, plain: Boolean(opts.plainEndToEnd), peakByProvider: peakByProvider(events),
      trace, output: profiled.output, outputs: profiled.outputs, outputName: profiled.outputName, inputName: profiled.inputName, sessionMs, gpu,
    };
  } finally {
    await session?.release().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
