// The figure each drawn element is coloured by: analysed params, MACs or memory (a block sums its
// layers), or measured time/bytes once a profile is in (summed over the layers an element holds).
import type { ProfileResult } from '../profile/result';
import { layersIn } from './cards';
import { entryByLayer } from '../profile/fusedGroups';
import type { ColorBy } from './nodeStyles';
import { isRooflineMode, rooflineShade, RooflineMode } from './rooflineColours';
import type { GroupSums, ViewGraph, ViewGroup, ViewNode } from './viewGraph';

export type GraphElement = { kind: 'layer'; node: ViewNode } | { kind: 'group'; group: ViewGroup };

/** The layer or block a drawn element id names ('n<index>' or 'g<index>'). */
export function elementOf(graph: ViewGraph, id: string): GraphElement | null {
  const i = Number(id.slice(1));
  if (id[0] === 'n') return graph.nodes[i] ? { kind: 'layer', node: graph.nodes[i] } : null;
  return graph.groups[i] ? { kind: 'group', group: graph.groups[i] } : null;
}

/** The analysed column a colour mode reads (memory: weights plus activations). */
const ANALYSED: Record<Exclude<ColorBy, 'category' | 'time' | RooflineMode>, (s: Pick<GroupSums, 'params' | 'macs' | 'weightBytes' | 'activationBytes'>) => number> = {
  params: (s) => s.params,
  macs: (s) => s.macs,
  memory: (s) => s.weightBytes + s.activationBytes,
};

/** The value element `id` is coloured by under `colorBy` (0 for 'category' or an unknown id). */
export function elementMetric(graph: ViewGraph, id: string, colorBy: ColorBy, profile: ProfileResult | null): number {
  const e = elementOf(graph, id);
  if (!e || colorBy === 'category') return 0;
  if (isRooflineMode(colorBy)) return rooflineShade(graph, id, colorBy, profile).value ?? 0;
  if (colorBy === 'time' || (colorBy === 'memory' && profile)) {
    // A layer that ran fused inside another entry's kernel takes that kernel's figure, so a fused
    // run is one colour; a block sums the entries (kernels) inside it, each once.
    if (e.kind === 'layer') {
      const l = entryByLayer(profile).get(e.node.name);
      return l ? (colorBy === 'time' ? l.ms.median : l.bytes) : 0;
    }
    const names = new Set(layersIn(graph, e.group.id));
    let v = 0;
    for (const l of profile?.layers ?? []) if (names.has(l.name)) v += colorBy === 'time' ? l.ms.median : l.bytes;
    return v;
  }
  return ANALYSED[colorBy](e.kind === 'group' ? e.group.sums : e.node.stats);
}
