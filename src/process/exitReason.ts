// Why a child process ended, in one line for people: the one place that tells running out of
// memory from a crash or a kill, for the profiler and the model process alike.

/**
 * What V8, Node.js, ONNX Runtime's wasm build and typed-array allocation write to stderr when the
 * heap cap (or the machine) runs out; matched on the tail of the process's stderr.
 */
export const OUT_OF_MEMORY = /heap out of memory|Allocation failed|out of memory|Invalid array length|Array buffer allocation failed|WebAssembly\.Memory|Cannot enlarge memory/i;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last characters the process wrote to stderr. */
  stderrTail: string;
  /** The heap cap it ran under, in MiB. */
  heapMb: number;
}

/** "ran out of memory (limit 64 MiB)", "was killed by SIGKILL", "exited with code 1: <last stderr line>". */
export function describeExit(exit: ProcessExit): string {
  if (OUT_OF_MEMORY.test(exit.stderrTail)) return `ran out of memory (limit ${exit.heapMb} MiB)`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  const last = exit.stderrTail.trim().split('\n').filter(Boolean).pop();
  return `exited with code ${exit.code}${last ? `: ${last.slice(0, 300)}` : ''}`;
}
