// A view graph's first view in one step: the blocks drawn collapsed at the user's threshold
// (collapse.ts) and that view's layout (layout.ts), so the process that read a model answers the
// page's first picture with the graph, and a shipped zoo view is made the same way.
import { initialCollapsed } from './collapse';
import { ElkLike, layoutGraph } from './layout';
import type { GraphLayout } from './layoutTypes';
import type { ViewGraph } from './viewTypes';

export interface FirstView {
  /** Group ids drawn collapsed. */
  collapsed: string[];
  layout: GraphLayout;
}

/** The first collapsed set at this threshold and its layout. */
export async function layoutFirstView(elk: ElkLike, graph: ViewGraph, threshold: number): Promise<FirstView> {
  const collapsed = initialCollapsed(graph, { threshold });
  return { collapsed: [...collapsed], layout: await layoutGraph(elk, graph, collapsed) };
}
