// The graph's roofline colour modes (issue 21), pure: each drawn element's colour and figure under
//   efficiency  achieved / attainable of its kernel (a block: time at the roof / time taken), red
//               (far below its roof) to green (at it)
//   bound       memory-bound (charts orange) or compute-bound (charts blue); a block: the bound
//               holding most of its time
//   diff        after / before against the run the profile is compared with (`comparedTo`):
//               green faster, red slower, saturating at 2x either way
// A layer fused into another entry's kernel takes that kernel's colour. null: nothing to show.
import type { ProfileLayer, ProfileResult } from '../profile/result';
import { entryByLayer } from '../profile/fusedGroups';
import { diffByLayer } from '../profile/runDiff';
import { layersIn } from './cards';
import type { ViewGraph } from './viewGraph';

export type RooflineMode = 'efficiency' | 'bound' | 'diff';
export const ROOFLINE_MODES: readonly RooflineMode[] = ['efficiency', 'bound', 'diff'];
export const isRooflineMode = (m: string): m is RooflineMode => (ROOFLINE_MODES as readonly string[]).includes(m);

export const BOUND_COLOURS = {
  memory: 'var(--vscode-charts-orange, #d97706)',
  compute: 'var(--vscode-charts-blue, #3b82f6)',
} as const;

/** Efficiency 0..1 as red (0) to green (1). */
export function efficiencyColour(e: number): string {
  const t = Math.max(0, Math.min(1, e));
  return `hsl(${Math.round(120 * t)}, 70%, 45%)`;
}

/** after/before as green (faster) through grey (same) to red (slower), log scale, saturating at 2x. */
export function diffColour(ratio: number): string {
  const t = Math.max(-1, Math.min(1, Math.log2(ratio)));
  if (Math.abs(t) < 0.02) return 'hsl(0, 0%, 55%)';
  return t < 0 ? `hsl(120, ${Math.round(25 + 50 * -t)}%, 42%)` : `hsl(0, ${Math.round(25 + 50 * t)}%, 50%)`;
}

/** The entries (kernels) an element stands for: a layer's own or its host's; a block's, each once. */
function entriesOf(graph: ViewGraph, id: string, profile: ProfileResult): ProfileLayer[] {
  const byLayer = entryByLayer(profile);
  const i = Number(id.slice(1));
  if (id[0] === 'n') {
    const n = graph.nodes[i];
    const e = n ? byLayer.get(n.name) : undefined;
    return e ? [e] : [];
  }
  const g = graph.groups[i];
  if (!g) return [];
  const seen = new Set<ProfileLayer>();
  for (const name of layersIn(graph, g.id)) { const e = byLayer.get(name); if (e) seen.add(e); }
  return [...seen];
}

export interface ElementShade {
  colour: string | null;
  /** The figure shown in the legend/tooltip: efficiency (0..1), after/before, or 1 memory / 0 compute. */
  value: number | null;
  label: string;
}

export function rooflineShade(graph: ViewGraph, id: string, mode: RooflineMode, profile: ProfileResult | null): ElementShade {
  const none = { colour: null, value: null, label: '' };
  if (!profile) return none;
  if (mode === 'diff') {
    if (!profile.comparedTo) return none;
    const rows = diffByLayer(profile.comparedTo);
    const i = Number(id.slice(1));
    const names = id[0] === 'n' ? (graph.nodes[i] ? [graph.nodes[i].name] : []) : graph.groups[i] ? layersIn(graph, graph.groups[i].id) : [];
    const hit = new Set(names.map((n) => rows.get(n)).filter((r) => r !== undefined));
    let before = 0;
    let after = 0;
    for (const r of hit) { before += r!.beforeMs; after += r!.afterMs; }
    if (!hit.size || !(before > 0)) return none;
    const ratio = after / before;
    return { colour: diffColour(ratio), value: ratio, label: `${ratio.toFixed(2)}× the earlier run (${before.toFixed(3)} → ${after.toFixed(3)} ms)` };
  }
  const entries = entriesOf(graph, id, profile).filter((e) => e.roofline);
  if (!entries.length) return none;
  if (mode === 'efficiency') {
    const ms = entries.reduce((a, e) => a + e.ms.median, 0);
    const atRoof = entries.reduce((a, e) => a + (e.ms.median - e.roofline!.savedMs), 0);
    const eff = entries.length === 1 ? entries[0].roofline!.efficiency : ms > 0 ? atRoof / ms : 0;
    return { colour: efficiencyColour(eff), value: eff, label: `${(100 * eff).toFixed(0)}% of its roof` };
  }
  const memMs = entries.filter((e) => e.roofline!.bound === 'memory').reduce((a, e) => a + e.ms.median, 0);
  const cmpMs = entries.filter((e) => e.roofline!.bound === 'compute').reduce((a, e) => a + e.ms.median, 0);
  const bound = memMs > cmpMs ? 'memory' : 'compute';
  return { colour: BOUND_COLOURS[bound], value: bound === 'memory' ? 1 : 0, label: `${bound}-bound` };
}
