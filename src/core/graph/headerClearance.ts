// Edges clear of block-header text. ELK routes an edge into a block straight through the block's
// header band (its top padding) at the x of the child it enters, so a residual shortcut entering at
// the right runs through the header's totals ("220K params · 1.2G MACs") and a main path in a
// narrow block through its name. No ELK option avoids it: a taller padding moves nothing and ELK's
// own compound-node labels are crossed as much (measured on eight zoo models, docs/graph-view.md).
// So after the layout each vertical run that would cross header text jogs sideways just above the
// block to a gap in its header (between the name and the totals), crosses there, and jogs back
// below the header, where the top padding leaves room before the first child.
import type { Box, GraphLayout, LayoutEdge } from './layoutTypes';
import { CHAR_W_SUB, GROUP_HEADER } from './geometry';
import { compactNumber } from './text';
import type { ViewGraph } from './viewGraph';

/** Height of the drawn header band (svg.ts draws it GROUP_HEADER - 4 high). */
const band = (): number => GROUP_HEADER - 4;
/** Width per character of the totals text (10 px font), as svg.ts measures it. */
const CHAR_W_SUM = 6.1;
/** Room kept between an edge and header text. */
const MARGIN = 4;

export interface HeaderText {
  frame: string;
  box: Box;
  /** Horizontal extents of the name and of the totals (when drawn). */
  texts: [number, number][];
}

/** Where svg.ts writes each block header's name and totals (the same fitting rules). */
export function headerTexts(graph: ViewGraph, layout: Pick<GraphLayout, 'frames' | 'boxes'>): HeaderText[] {
  const out: HeaderText[] = [];
  for (const id of layout.frames) {
    const g = graph.groups[Number(id.slice(1))];
    const b = layout.boxes[id];
    if (!g || !b) continue;
    const label = `▾ ${g.label}`;
    const labelW = Math.min(label.length * CHAR_W_SUB, b.w - 16);
    const sum = `${compactNumber(g.sums.params)} params · ${compactNumber(g.sums.macs)} MACs`;
    const texts: [number, number][] = [[b.x + 8, b.x + 8 + labelW]];
    if (b.w > label.length * CHAR_W_SUB + sum.length * CHAR_W_SUM + 30) texts.push([b.x + b.w - 8 - sum.length * CHAR_W_SUM, b.x + b.w - 8]);
    out.push({ frame: id, box: b, texts });
  }
  return out;
}

const inBand = (h: HeaderText, y0: number, y1: number): boolean => y1 > h.box.y && y0 < h.box.y + band();
const inFrame = (h: HeaderText, x: number): boolean => x > h.box.x && x < h.box.x + h.box.w;
const onText = (h: HeaderText, x: number): boolean => h.texts.some(([a, b]) => x > a - MARGIN && x < b + MARGIN);

/** Free x ranges of a header: inside the block, off its texts. */
function freeRanges(h: HeaderText): [number, number][] {
  const cuts = [...h.texts].sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  let at = h.box.x + 3;
  for (const [a, b] of cuts) {
    if (a - MARGIN > at) out.push([at, a - MARGIN]);
    at = Math.max(at, b + MARGIN);
  }
  if (h.box.x + h.box.w - 3 > at) out.push([at, h.box.x + h.box.w - 3]);
  return out;
}

function intersect(a: [number, number][], b: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [p, q] of a) for (const [r, s] of b) if (Math.max(p, r) < Math.min(q, s)) out.push([Math.max(p, r), Math.min(q, s)]);
  return out;
}

/** The x in the ranges nearest to x, 6 px off the x's other edges already use there. */
function nearestFree(ranges: [number, number][], x: number, taken: number[]): number | undefined {
  let best: number | undefined;
  for (const [a, b] of ranges) {
    const lo = a + 2;
    const hi = b - 2;
    if (lo > hi) continue;
    const start = Math.min(Math.max(x, lo), hi);
    for (let d = 0; d <= hi - lo; d += 6) {
      const found = [start - d, start + d].filter((c) => c >= lo && c <= hi && !taken.some((t) => Math.abs(t - c) < 6));
      if (!found.length) continue;
      const c = found.sort((p, q) => Math.abs(p - x) - Math.abs(q - x))[0];
      if (best === undefined || Math.abs(c - x) < Math.abs(best - x)) best = c;
      break;
    }
  }
  return best;
}

const r1 = (v: number): number => Math.round(v * 10) / 10;

/** The layout's edges with every vertical run through header text moved to a gap in the header. */
export function clearHeaderText(graph: ViewGraph, layout: Pick<GraphLayout, 'frames' | 'boxes'>, edges: LayoutEdge[]): LayoutEdge[] {
  const headers = headerTexts(graph, layout);
  if (!headers.length) return edges;
  const taken = new Map<string, number[]>();
  return edges.map((e) => {
    const p = e.points;
    if (p.length < 4) return e;
    const out: number[] = [p[0], p[1]];
    let changed = false;
    for (let k = 0; k + 3 < p.length; k += 2) {
      const [x, ya, x2, yb] = [p[k], p[k + 1], p[k + 2], p[k + 3]];
      const down = yb > ya;
      const y0 = Math.min(ya, yb);
      const y1 = Math.max(ya, yb);
      const crossed = x === x2 ? headers.filter((h) => inBand(h, y0, y1) && inFrame(h, x)).sort((a, b) => a.box.y - b.box.y) : [];
      if (!crossed.some((h) => onText(h, x))) { out.push(x2, yb); continue; }
      // Headers stacked together (a block's first child is a block) are crossed in one jog; a long
      // run (a shortcut) jogs at each stack it meets, so it never runs sideways past the nodes between.
      const stacks: HeaderText[][] = [];
      for (const h of crossed) {
        const last = stacks[stacks.length - 1];
        if (last && h.box.y - Math.max(...last.map((g) => g.box.y + band())) < GROUP_HEADER) last.push(h);
        else stacks.push([h]);
      }
      const jogs: number[][] = [];
      for (const stack of stacks) {
        if (!stack.some((h) => onText(h, x))) continue;
        // Jog just above the stack's top header and just below its lowest; both on this run.
        const above = Math.min(...stack.map((h) => h.box.y)) - 6;
        const below = Math.max(...stack.map((h) => h.box.y + band())) + 4;
        if (!(y0 < above && y1 > below)) continue;
        const key = stack.map((h) => h.frame).join(',');
        const xf = nearestFree(stack.map(freeRanges).reduce(intersect), x, taken.get(key) ?? []);
        if (xf === undefined) continue;
        taken.set(key, [...(taken.get(key) ?? []), xf]);
        const [first, second] = down ? [above, below] : [below, above];
        jogs.push([x, r1(first), r1(xf), r1(first), r1(xf), r1(second), x, r1(second)]);
      }
      if (!down) jogs.reverse();
      for (const j of jogs) out.push(...j);
      if (jogs.length) changed = true;
      out.push(x2, yb);
    }
    return changed ? { ...e, points: out } : e;
  });
}

/** Edge runs through header text: what clearHeaderText removes (tests, the bench). */
export function headerTextCrossings(graph: ViewGraph, layout: Pick<GraphLayout, 'frames' | 'boxes' | 'edges'>): number {
  const headers = headerTexts(graph, layout);
  let n = 0;
  for (const e of layout.edges) {
    for (let k = 0; k + 3 < e.points.length; k += 2) {
      const [ax, ay, bx, by] = e.points.slice(k, k + 4);
      for (const h of headers) {
        if (!inBand(h, Math.min(ay, by), Math.max(ay, by)) && !(ay === by && ay > h.box.y && ay < h.box.y + band())) continue;
        if (h.texts.some(([a, b]) => Math.max(ax, bx) > a && Math.min(ax, bx) < b)) n++;
      }
    }
  }
  return n;
}
