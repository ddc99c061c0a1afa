// Keyboard navigation and search over a laid-out graph, as pure functions the webview calls:
// which element an arrow key moves to, and which layers a search text matches.
import type { GraphLayout } from './layout';
import type { ViewNode } from './viewGraph';

export type Direction = 'up' | 'down' | 'left' | 'right';

/** Arrow keys and the direction each moves the selection. */
export const ARROW_DIRECTIONS: Readonly<Record<string, Direction>> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

/**
 * The element an arrow key moves to from element `id`: up/down follow the edges (the most central
 * neighbour first, the main path); left/right take the nearest element on roughly the same row.
 */
export function neighbour(layout: GraphLayout, id: string, dir: Direction): string | null {
  const b = layout.boxes[id];
  if (!b) return null;
  if (dir === 'up' || dir === 'down') {
    const next = layout.edges.filter((e) => (dir === 'down' ? e.source === id : e.target === id)).map((e) => (dir === 'down' ? e.target : e.source));
    next.sort((p, q) => Math.abs(layout.boxes[p].x - b.x) - Math.abs(layout.boxes[q].x - b.x));
    return next[0] ?? null;
  }
  let best: string | null = null;
  let bestD = Infinity;
  for (const other of layout.nodes) {
    if (other === id) continue;
    const o = layout.boxes[other];
    // Rows overlapping, or less than 40 px apart, count as the same row.
    const overlap = Math.min(b.y + b.h, o.y + o.h) - Math.max(b.y, o.y);
    if (overlap <= -40) continue;
    const dx = o.x - b.x;
    if ((dir === 'right' && dx <= 0) || (dir === 'left' && dx >= 0)) continue;
    const d = Math.abs(dx) + Math.abs(o.y - b.y) * 2;
    if (d < bestD) { bestD = d; best = other; }
  }
  return best;
}

/** Names of the layers whose name or class contains the query (case-insensitive), in graph order. */
export function searchMatches(nodes: readonly Pick<ViewNode, 'name' | 'className'>[], query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return nodes.filter((n) => n.name.toLowerCase().includes(q) || n.className.toLowerCase().includes(q)).map((n) => n.name);
}
