// Adds the roofline to a finished profile (the CLI and the profiler process call it after
// profileModel): the machine's peaks for the profile's backend and thread count (cached, else
// measured now, machinePeaks.ts), the analyser's per-layer FLOPs and bytes, then roofline.ts.
// Peaks that cannot be measured (an engine NetLens cannot measure, a cancelled run, a failure)
// leave `machine` and every `roofline` out and say why in `rooflineNote`.
import { analyzeModel } from '../analysis/analyze';
import type { ModelSpec } from '../ir/types';
import { ProfileCancelledError } from './errors';
import { CachedPeakOptions, machinePeaks, peaksMeasurable } from './machinePeaks';
import type { MachinePeaks, ProfileResult } from './result';
import { withRoofline } from './roofline';

/** A layer faster than this times the cached peak sends the peaks to be measured again. */
export const RECHECK_MARGIN = 1.15;

export interface RooflineOptions {
  signal?: AbortSignal;
  onProgress?: (message: string, fraction: number) => void;
  /** Measure the peaks again even when cached. */
  refresh?: boolean;
  /** Sizes of the ONNX input's named dimensions, as the profile was given them (--dim). */
  dims?: Record<string, number>;
  /** Tests: the cache directory, and a stand-in for the measurement. */
  dir?: string;
  measure?: CachedPeakOptions['measure'];
}

export async function addRoofline(spec: ModelSpec, r: ProfileResult, o: RooflineOptions = {}): Promise<ProfileResult> {
  const batch = r.batch ?? 1;
  let layers: ReturnType<typeof analyzeModel>['layers'];
  try {
    layers = analyzeModel(spec.model, { batch: 1, dims: o.dims }).layers;
  } catch (e) {
    return withRoofline(r, [], undefined, `the analyser could not count the model: ${String((e as Error)?.message ?? e).split('\n')[0]}`, batch);
  }
  const blocked = peaksMeasurable(r);
  if (blocked) return withRoofline(r, layers, undefined, blocked, batch);
  let machine: MachinePeaks;
  const peaks = (refresh: boolean, keepHigher = false): Promise<MachinePeaks> => machinePeaks({ backend: r.backend, threads: r.threads ?? 1, signal: o.signal,
    onProgress: o.onProgress, refresh, keepHigher, dir: o.dir, measure: o.measure });
  try {
    machine = await peaks(Boolean(o.refresh));
    // A cached peak that a layer beats by more than the margin was measured on a busy machine:
    // measure again now and keep each figure's higher value (cached too).
    const fastest = Math.max(0, ...r.layers.map((l) => l.gflops));
    if (machine.source === 'cached' && fastest > RECHECK_MARGIN * machine.peakGflops) machine = await peaks(true, true);
  } catch (e) {
    const why = e instanceof ProfileCancelledError ? 'machine peak measurement cancelled' : `machine peaks could not be measured: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
    return withRoofline(r, layers, undefined, why, batch);
  }
  return withRoofline(r, layers, machine, undefined, batch);
}
