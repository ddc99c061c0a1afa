// Refuses a profile run that cannot fit in memory, before any weight is allocated. The analyser
// knows what a run needs without allocating it; a config with a few 1 GiB Dense layers is fine to
// count and draw, but handed to an engine it would exhaust the machine (or the process, which in
// the worst case is shared with the editor). Node only (reads the free memory).
import { freemem } from 'node:os';
import { NetLensError } from '../ir/types';
import { bytes } from '../text/format';

/** A run may use at most this fraction of the memory free when it starts. */
export const MEMORY_FRACTION = 0.5;

/** The analyser's totals a run's memory is estimated from (ModelAnalysis['totals']). */
export interface MemoryFigures {
  weightBytes: number;
  /** Weights + the largest set of activations alive at once. */
  peakInferenceBytes: number;
}

/**
 * Bytes a profile run needs, estimated: the analyser's peak inference memory plus one more copy
 * of the weights, since every engine builds its runnable model from an in-memory copy (the tfjs
 * weight arrays, or the lowered ONNX bytes that ONNX Runtime copies into its session).
 */
export const runBytes = (t: MemoryFigures): number => t.peakInferenceBytes + t.weightBytes;

/** Free memory now: the system's, or the cgroup limit when a container sets a lower one. */
export function availableBytes(): number {
  const free = freemem();
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  return limit && limit > 0 ? Math.min(free, limit) : free;
}

/** Throws one line when `model` needs more than `fraction` of the available memory. */
export function checkMemoryFits(model: string, totals: MemoryFigures, available = availableBytes(), fraction = MEMORY_FRACTION): void {
  const need = runBytes(totals);
  if (!(need <= fraction * available)) {
    throw new NetLensError(`cannot profile ${model}: a run needs about ${bytes(need)} (weights ${bytes(totals.weightBytes)} twice, ` +
      `plus activations), more than ${Math.round(fraction * 100)}% of the ${bytes(available)} of free memory; not building it`);
  }
}
