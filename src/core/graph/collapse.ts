// Collapsed-first: a big model opens with its blocks collapsed, opened outermost first while the
// number of drawn elements stays within a budget; small models open fully expanded.
import { ViewGraph, ViewNode, groupIndex } from './viewGraph';
import { groupId, layerId } from './layout';

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
  // Open one depth at a time (outermost first) while a whole depth fits, so the first view is
  // uniform (every stage open, every block closed) rather than some blocks open and some not.
  // Only when not even the outermost depth fits are its groups opened one by one in model order.
  let level = graph.groups.filter((g) => g.parent === null);
  let first = true;
  while (level.length) {
    const cost = (g: typeof level[number]): number => g.layers.length + g.groups.length - 1;
    const total = level.reduce((a, g) => a + cost(g), 0);
    if (drawn + total <= budget) {
      for (const g of level) collapsed.delete(g.id);
      drawn += total;
      level = level.flatMap((g) => g.groups.map((c) => byId.get(c)!));
      first = false;
      continue;
    }
    if (first) {
      for (const g of level) {
        if (drawn + cost(g) > budget) continue;
        collapsed.delete(g.id);
        drawn += cost(g);
      }
    }
    break;
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

/** The element id drawn for a layer: its own, or that of the outermost collapsed block holding it. */
export function drawnElement(graph: ViewGraph, node: ViewNode, collapsed: ReadonlySet<string>): string {
  const hiding = groupsHiding(graph, node.group, collapsed);
  if (!hiding.length) return layerId(node.index);
  return groupId(groupIndex(graph).get(hiding[hiding.length - 1])!.index);
}
