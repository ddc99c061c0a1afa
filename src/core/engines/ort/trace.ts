// ONNX Runtime's profiler output: with enableProfiling a session records Chrome-trace events and
// endProfiling() writes them to <profileFilePrefix>_<date>.json. Per executed kernel there is one
// "Node" event named "<node name>_kernel_time" with its duration (us) and args (op_name,
// output_size, mem_in_use_peak, provider, ...); each session.run is one "Session" event named
// "model_run". This module turns the events into kernels per run. Pure: no ONNX Runtime import.
import { NetLensError } from '../../ir/types';

export interface KernelEvent {
  /** The executed node's name in the optimised graph (fused nodes get new names). */
  node: string;
  /** The kernel's op, e.g. "Conv", "FusedConv", "ReorderOutput". */
  op: string;
  provider: string;
  us: number;
  /** Bytes of the kernel's outputs, when the profiler gives them. */
  outputBytes?: number;
}

export interface TraceRuns {
  /** One list per model_run, in execution order. */
  runs: KernelEvent[][];
  /** model_run durations, ms. */
  runMs: number[];
  /** Highest arena bytes in use the profiler saw (activations and temporaries), if reported. */
  peakBytes?: number;
  /** Session initialisation (graph optimisation, kernel creation), ms. */
  initMs?: number;
}

interface RawEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: Record<string, unknown>;
}

const SUFFIX = '_kernel_time';

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : undefined;
}

export function parseTrace(json: string): TraceRuns {
  let events: RawEvent[];
  try {
    events = JSON.parse(json) as RawEvent[];
  } catch (e) {
    // One line, not a stack (node names are made safe before a session: safeNames.ts).
    throw new NetLensError(`ONNX Runtime's profile could not be read (${String((e as Error).message).split('\n')[0].slice(0, 120)})`);
  }
  if (!Array.isArray(events)) throw new NetLensError('the ONNX Runtime profile is not a JSON array of events');
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  const kernels = events.filter((e) => e.cat === 'Node' && typeof e.name === 'string' && e.name.endsWith(SUFFIX))
    .sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  const out: KernelEvent[][] = runs.map(() => []);
  let peak: number | undefined;
  let r = 0;
  for (const k of kernels) {
    const ts = k.ts ?? 0;
    while (r < runs.length && ts > (runs[r].ts ?? 0) + (runs[r].dur ?? 0)) r++;
    if (r >= runs.length) break;
    if (ts < (runs[r].ts ?? 0)) continue;
    const args = k.args ?? {};
    const p = num(args.mem_in_use_peak);
    if (p !== undefined) peak = Math.max(peak ?? 0, p);
    out[r].push({
      node: k.name!.slice(0, -SUFFIX.length),
      op: String(args.op_name ?? ''),
      provider: String(args.provider ?? ''),
      us: k.dur ?? 0,
      outputBytes: num(args.output_size),
    });
  }
  const init = events.find((e) => e.cat === 'Session' && e.name === 'session_initialization');
  return { runs: out, runMs: runs.map((e) => (e.dur ?? 0) / 1000), peakBytes: peak, initMs: init?.dur !== undefined ? init.dur / 1000 : undefined };
}
