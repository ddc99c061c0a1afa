// Collapsed-first: a big model opens with its blocks collapsed, opened outermost first while the
// numbers of drawn elements and edges stay within budgets; small models open fully expanded.
import { ViewGraph, ViewNode, groupIndex } from './viewGraph';
import { groupId, layerId, visibleElements } from './layout';

export interface CollapseOptions {
  /** Models with more layers than this open collapsed-first. */
  threshold?: number;
  /** How many elements (layers and collapsed blocks) the first view may draw. */
  budget?: number;
  /** How many edges the first view may draw. */
  edgeBudget?: number;
}

export const DEFAULT_COLLAPSE_THRESHOLD = 300;
export const DEFAULT_COLLAPSE_BUDGET = 120;
/**
 * ELK's layered layout slows sharply with edges: DenseNet-121 as PyTorch exports it concatenates
 * every earlier layer of a block, and its view with the dense layers collapsed still draws 617
 * edges (3.2 s to lay out). The zoo's first views draw at most 151.
 */
export const DEFAULT_EDGE_BUDGET = 300;

/** The edges a view draws: distinct pairs of drawn elements (as toElkGraph builds them). */
export function drawnEdgeCount(graph: ViewGraph, collapsed: ReadonlySet<string>): number {
  const { rep } = visibleElements(graph, collapsed);
  const index = new Map(graph.nodes.map((n) => [n.name, n.index] as const));
  const pairs = new Set<string>();
  for (const e of graph.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || rep[s] === rep[t]) continue;
    pairs.add(`${rep[s]}>${rep[t]}`);
  }
  return pairs.size;
}

export function initialCollapsed(graph: ViewGraph, options: CollapseOptions = {}): Set<string> {
  const threshold = options.threshold ?? DEFAULT_COLLAPSE_THRESHOLD;
  const budget = options.budget ?? DEFAULT_COLLAPSE_BUDGET;
  const edgeBudget = options.edgeBudget ?? DEFAULT_EDGE_BUDGET;
  if (graph.nodes.length <= threshold || graph.groups.length === 0) return new Set();
  /** Whether opening these groups keeps the drawn edges within their budget. */
  const edgesFit = (open: readonly { id: string }[]): boolean =>
    drawnEdgeCount(graph, new Set([...collapsed].filter((id) => !open.some((g) => g.id === id)))) <= edgeBudget;
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
    if (drawn + total <= budget && edgesFit(level)) {
      for (const g of level) collapsed.delete(g.id);
      drawn += total;
      level = level.flatMap((g) => g.groups.map((c) => byId.get(c)!));
      first = false;
      continue;
    }
    if (first) {
      for (const g of level) {
        if (drawn + cost(g) > budget || !edgesFit([g])) continue;
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
