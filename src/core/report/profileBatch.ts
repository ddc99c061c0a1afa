// The results page's and the text report's lines for a profile's batch, throughput, where its end
// to end comes from, and its memory measured beside the memory planner's estimate (issue 20).
// Pure string building.
import type { ProfileResult } from '../profile/result';
import { bytes, msText } from '../text/format';

/** "4 images per run, 120.3 images/s; end to end on a session with profiling off (profiled runs: 35.1 ms)". */
export function batchText(r: ProfileResult): string {
  const b = r.batch ?? 1;
  const ips = r.imagesPerSecond ?? (r.endToEndMs.median > 0 ? (1000 * b) / r.endToEndMs.median : 0);
  const plain = r.endToEndSource === 'plain session' && r.endToEndProfiledMs
    ? `; end to end on a session with profiling off (the profiled runs: ${msText(r.endToEndProfiledMs.median)} ms)` : '';
  return `${b} image${b === 1 ? '' : 's'} per run, ${ips.toFixed(1)} images/s${plain}`;
}

/** "97.8 MiB measured (CPU arena peak ... + initializers); planner: 120 MiB at batch 1" or the planner's figure labelled computed. */
export function memoryText(r: ProfileResult): string {
  const m = r.memory;
  if (!m) return `${bytes(r.peakBytes)} ${r.peakMeasured === false ? 'computed' : 'during predict'}`;
  const where = m.device === 'gpu' ? 'GPU' : 'host';
  const at = `at batch ${r.batch ?? 1}`;
  return m.measuredBytes !== null
    ? `${bytes(m.measuredBytes)} ${where} memory measured (${m.measuredBy}); the memory planner estimates ${bytes(m.plannedBytes)} ${at}`
    : `${bytes(m.plannedBytes)} ${where} memory computed by the memory planner ${at} (${m.measuredBy.replace(/; computed by the memory planner$/, '')})`;
}
