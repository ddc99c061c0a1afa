// Collapsed-first: a big model opens with its blocks collapsed, opened outermost first while the
// number of drawn elements stays within a budget; small models open fully expanded.
import { ViewGraph, groupIndex } from './viewGraph';

export interface CollapseOptions {
  /** Models with more layers than this open collapsed-first. */
  threshold?: number;
  /** How many elements (layers and collapsed blocks) the first view may draw. */
  budget?: number;
}

export const DEFAULT_COLLAPSE_THRESHOLD = 300;
export const DEFAULT_COLLAPSE_BUDGET = 120;

export function initialCollapsed(graph: ViewGraph, options: CollapseOptions = {}): Set<string> {
  const threshold = options.threshold ?? DEFAULT_COLLAPSE_THRESHOLD;
  const budget = options.budget ?? DEFAULT_COLLAPSE_BUDGET;
  if (graph.nodes.length <= threshold || graph.groups.length === 0) return new Set();
  const byId = groupIndex(graph);
  const collapsed = new Set(graph.groups.map((g) => g.id));
  // Everything collapsed: the top-level layers and top-level groups are drawn.
  let drawn = graph.nodes.filter((n) => n.group === null).length + graph.groups.filter((g) => g.parent === null).length;
  // Open breadth-first (outermost first, model order within a depth) while the budget allows.
  const queue = graph.groups.filter((g) => g.parent === null).map((g) => g.id);
  while (queue.length) {
    const id = queue.shift()!;
    const g = byId.get(id)!;
    const cost = g.layers.length + g.groups.length - 1;
    if (drawn + cost > budget) continue;
    collapsed.delete(id);
    drawn += cost;
    queue.push(...g.groups);
  }
  return collapsed;
}

/** The groups to open so that a layer is drawn (its collapsed ancestors). */
export function groupsHiding(graph: ViewGraph, layerGroup: string | null, collapsed: ReadonlySet<string>): string[] {
  const byId = groupIndex(graph);
  const out: string[] = [];
  for (let g = layerGroup; g !== null; g = byId.get(g)?.parent ?? null) if (collapsed.has(g)) out.push(g);
  return out;
}
