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

/**
 * Where words start in a layer name or class: the start, after a separator (`_`, `/`, `.`, ...),
 * at a lower-to-upper case step (Zero|Padding2D), before the last capital of a run followed by a
 * lower-case letter (ReLU stays one word, HTMLParser splits as HTML|Parser) and at a letter-to-digit
 * step (block|1). Digits then letters stay together (2D).
 */
export function wordStarts(text: string): number[] {
  const starts: number[] = [];
  const alnum = (c: string) => /[A-Za-z0-9]/.test(c);
  const upper = (c: string) => c >= 'A' && c <= 'Z';
  const lower = (c: string) => c >= 'a' && c <= 'z';
  const digit = (c: string) => c >= '0' && c <= '9';
  for (let i = 0; i < text.length; i++) {
    const c = text[i], p = i > 0 ? text[i - 1] : '';
    if (!alnum(c)) continue;
    if (i === 0 || !alnum(p) || (lower(p) && upper(c)) || (!digit(p) && digit(c))
      || (upper(p) && upper(c) && i + 1 < text.length && lower(text[i + 1]))) starts.push(i);
  }
  return starts;
}

/** Whether the query (lower case) starts at a word start of the text: a whole word or a word's prefix. */
function matchesAtWordStart(text: string, q: string): boolean {
  const low = text.toLowerCase();
  // A query that opens with a separator ("_add", "/conv") may start anywhere that separator is.
  if (!/[a-z0-9]/.test(q[0])) return low.includes(q);
  return wordStarts(text).some((i) => low.startsWith(q, i));
}

/**
 * Names of the layers whose name or class has the query (case-insensitive) as a whole word or a
 * word's prefix, in graph order: "add" finds Add and conv2_block1_add, never ZeroPadding2D.
 */
export function searchMatches(nodes: readonly Pick<ViewNode, 'name' | 'className'>[], query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return nodes.filter((n) => matchesAtWordStart(n.name, q) || matchesAtWordStart(n.className, q)).map((n) => n.name);
}
