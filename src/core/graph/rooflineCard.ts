// The hover card's roofline lines (issue 21): where the layer's kernel sits under the machine's
// roof, or why it has no roofline, and its change against the run the profile is compared with.
import type { ProfileLayer, ProfileResult } from '../profile/result';
import { diffByLayer } from '../profile/runDiff';

/** The hover card's roofline lines for a layer's entry (cards.ts). */
export function rooflineCardRows(entry: ProfileLayer | undefined, profile: ProfileResult | null | undefined): { label: string; value: string; detail?: string }[] {
  if (!entry || !profile) return [];
  const rows: { label: string; value: string; detail?: string }[] = [];
  const r = entry.roofline;
  if (r) {
    rows.push({ label: 'Roofline', value: `${r.bound}-bound, ${(100 * r.efficiency).toFixed(0)}% of its roof`,
      detail: `${r.intensity.toFixed(2)} FLOP/byte · ${r.achievedGflops.toFixed(1)} of ${r.attainableGflops.toFixed(1)} GFLOP/s attainable` +
        `${r.savedMs > 0 ? ` · ${r.savedMs.toFixed(3)} ms saved at the roof` : ''}` });
  } else if (entry.rooflineSkipped) {
    rows.push({ label: 'Roofline', value: 'none', detail: entry.rooflineSkipped });
  } else if (profile.rooflineNote) {
    rows.push({ label: 'Roofline', value: 'none', detail: profile.rooflineNote });
  }
  const d = profile.comparedTo ? diffByLayer(profile.comparedTo).get(entry.name) : undefined;
  if (d) {
    rows.push({ label: 'Against earlier run', value: `${d.deltaMs > 0 ? '+' : ''}${d.deltaMs.toFixed(3)} ms${d.ratio !== undefined ? ` (${d.ratio.toFixed(2)}×)` : ''}`,
      detail: `${d.beforeMs.toFixed(3)} → ${d.afterMs.toFixed(3)} ms${d.layers.length > 1 ? ` · ${d.layers.length} layers compared together` : ''}` });
  }
  return rows;
}
