// The view graph as an ELK graph (blocks are compound nodes, collapsed blocks are single nodes),
// the ELK options, and the way back to plain boxes and polylines. The ELK instance is passed in:
// elk.bundled in Node (the model process, the CLI, the build's shipped zoo views), elk-api with its
// worker build in a web worker in an exported standalone page.
import { ViewGraph, ViewGroup, groupIndex } from './viewGraph';
import { compactNumber } from './text';
import { clearHeaderText } from './headerClearance';
import { CHAR_W_NAME, CHAR_W_SUB, GROUP_HEADER, GROUP_NODE_H, MAX_W, NODE_H } from './geometry';
import type { Box, GraphLayout, LayoutEdge } from './layoutTypes';

/** Bump when sizes or options change so cached layouts are not reused. */
export const LAYOUT_VERSION = 5;

export { NODE_H, GROUP_NODE_H, GROUP_HEADER, MAX_W, CHAR_W_NAME, CHAR_W_SUB } from './geometry';
const MIN_W = 128;
const PAD_X = 26;

export const ELK_ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Balanced Brandes-Köpf placement: straight main paths and the fastest of the placements tried
  // on ResNet-50 (see BENCHMARKS.md).
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  'elk.layered.spacing.nodeNodeBetweenLayers': '26',
  'elk.layered.spacing.edgeNodeBetweenLayers': '12',
  'elk.spacing.nodeNode': '22',
  'elk.spacing.edgeNode': '12',
  'elk.spacing.edgeEdge': '8',
  'elk.padding': '[top=20,left=20,bottom=20,right=20]',
};

export const ELK_GROUP_OPTIONS: Record<string, string> = {
  'elk.padding': `[top=${GROUP_HEADER + 6},left=12,bottom=12,right=12]`,
};

export interface ElkInputNode {
  id: string;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkInputNode[];
  edges?: ElkInputEdge[];
}
export interface ElkInputEdge { id: string; sources: string[]; targets: string[] }

/** ELK's answer, only the fields read back. */
export interface ElkOutputNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: ElkOutputNode[];
  edges?: { id: string; sections?: { startPoint: Pt; endPoint: Pt; bendPoints?: Pt[] }[] }[];
}
interface Pt { x: number; y: number }

export type { Box, LayoutEdge, GraphLayout } from './layoutTypes';

export const layerId = (i: number): string => `n${i}`;
export const groupId = (i: number): string => `g${i}`;

export function layerSize(name: string, sub: string): { w: number; h: number } {
  const w = Math.max(name.length * CHAR_W_NAME, sub.length * CHAR_W_SUB) + PAD_X;
  return { w: Math.round(Math.min(MAX_W, Math.max(MIN_W, w))), h: NODE_H };
}

export const layerSub = (className: string, shape: string): string => `${className} · ${shape}`;
export const groupSub = (g: ViewGroup): string =>
  `${g.sums.layers} layers · ${compactNumber(g.sums.params)} params · ${compactNumber(g.sums.macs)} MACs`;

/** For each layer, the element that stands for it: itself, or its outermost collapsed block. */
export function visibleElements(graph: ViewGraph, collapsed: ReadonlySet<string>): { rep: string[]; hiddenGroups: Set<string> } {
  const byId = groupIndex(graph);
  const outermostCollapsed = new Map<string, string | null>();
  const resolve = (gid: string | null): string | null => {
    if (gid === null) return null;
    const cached = outermostCollapsed.get(gid);
    if (cached !== undefined) return cached;
    const g = byId.get(gid)!;
    const up = resolve(g.parent);
    const r = up ?? (collapsed.has(gid) ? gid : null);
    outermostCollapsed.set(gid, r);
    return r;
  };
  const hiddenGroups = new Set<string>();
  for (const g of graph.groups) {
    const r = resolve(g.id);
    if (r !== null && r !== g.id) hiddenGroups.add(g.id);
  }
  const rep = graph.nodes.map((n) => {
    const r = resolve(n.group);
    return r === null ? layerId(n.index) : groupId(byId.get(r)!.index);
  });
  return { rep, hiddenGroups };
}

/** A stable 53-bit hash (cyrb53) as base36, for cache keys. */
export function hash(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

const structureCache = new WeakMap<ViewGraph, string>();
/** Hash of everything the layout depends on (names, classes, shapes, groups, edges), not the stats. */
export function structureHash(graph: ViewGraph): string {
  let h = structureCache.get(graph);
  if (h === undefined) {
    const parts: string[] = [String(LAYOUT_VERSION)];
    for (const n of graph.nodes) parts.push(`${n.name}\u0000${n.className}\u0000${n.shape}\u0000${n.group ?? ''}\u0000${n.stats.inbound.join('\u0001')}`);
    for (const g of graph.groups) parts.push(`${g.id}\u0000${g.label}\u0000${g.parent ?? ''}`);
    h = hash(parts.join('\u0002'));
    structureCache.set(graph, h);
  }
  return h;
}

export function layoutKey(graph: ViewGraph, collapsed: ReadonlySet<string>): string {
  const ids = graph.groups.filter((g) => collapsed.has(g.id)).map((g) => g.index);
  return `${structureHash(graph)}-${hash(ids.join(','))}`;
}

/** The ELK input for the graph with these blocks collapsed. Cheap: no layout happens here. */
export function toElkGraph(graph: ViewGraph, collapsed: ReadonlySet<string>): { elk: ElkInputNode; edges: LayoutEdge[] } {
  const byId = groupIndex(graph);
  const { rep } = visibleElements(graph, collapsed);
  const root: ElkInputNode = { id: 'root', layoutOptions: ELK_ROOT_OPTIONS, children: [], edges: [] };
  const containers = new Map<string, ElkInputNode>();
  const container = (gid: string | null): ElkInputNode => {
    if (gid === null) return root;
    let c = containers.get(gid);
    if (!c) {
      const g = byId.get(gid)!;
      c = { id: groupId(g.index), layoutOptions: ELK_GROUP_OPTIONS, children: [] };
      containers.set(gid, c);
      container(g.parent).children!.push(c);
    }
    return c;
  };
  // Children are added in model (topological) order so ELK's model-order strategy keeps the
  // main path and shortcuts where a reader expects them.
  const placed = new Set<string>();
  for (const n of graph.nodes) {
    const id = rep[n.index];
    if (placed.has(id)) continue;
    placed.add(id);
    if (id.startsWith('n')) {
      const s = layerSize(n.name, layerSub(n.className, n.shape));
      container(n.group).children!.push({ id, width: s.w, height: s.h });
    } else {
      const g = graph.groups[Number(id.slice(1))];
      const s = layerSize(`▸ ${g.label}`, groupSub(g));
      container(g.parent).children!.push({ id, width: s.w, height: GROUP_NODE_H });
    }
  }
  const edges: LayoutEdge[] = [];
  const seen = new Set<string>();
  const index = new Map(graph.nodes.map((n) => [n.name, n.index] as const));
  for (const e of graph.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined) continue;
    const a = rep[s];
    const b = rep[t];
    if (a === b) continue;
    const k = `${a}>${b}`;
    if (seen.has(k)) continue;
    seen.add(k);
    root.edges!.push({ id: `e${edges.length}`, sources: [a], targets: [b] });
    edges.push({ source: a, target: b, points: [], shape: e.shape });
  }
  return { elk: root, edges };
}

/**
 * Reads ELK's answer back into boxes and polylines (coordinates are absolute: shapeCoords ROOT);
 * with the graph, edges that ELK ran through block-header text are moved to a gap in the header
 * (headerClearance.ts: no ELK option keeps them off it).
 */
export function fromElk(key: string, out: ElkOutputNode, edges: LayoutEdge[], graph?: ViewGraph): GraphLayout {
  const boxes: Record<string, Box> = {};
  const nodes: string[] = [];
  const frames: string[] = [];
  const walk = (n: ElkOutputNode): void => {
    for (const c of n.children ?? []) {
      boxes[c.id] = { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 };
      if (c.children && c.children.length) {
        frames.push(c.id);
        walk(c);
      } else {
        nodes.push(c.id);
      }
    }
  };
  walk(out);
  const byId = new Map<string, { startPoint: Pt; endPoint: Pt; bendPoints?: Pt[] }[]>();
  const collect = (n: ElkOutputNode): void => {
    for (const e of n.edges ?? []) if (e.sections) byId.set(e.id, e.sections);
    for (const c of n.children ?? []) collect(c);
  };
  collect(out);
  const laid = edges.map((e, i) => {
    const sections = byId.get(`e${i}`) ?? [];
    const points: number[] = [];
    for (const s of sections) {
      points.push(s.startPoint.x, s.startPoint.y);
      for (const b of s.bendPoints ?? []) points.push(b.x, b.y);
      points.push(s.endPoint.x, s.endPoint.y);
    }
    return { ...e, points: points.map((v) => Math.round(v * 10) / 10) };
  });
  // Model order for nodes, outermost-first for frames (drawn beneath their children).
  const order = (id: string): number => Number(id.slice(1)) + (id[0] === 'g' ? 1e9 : 0);
  nodes.sort((a, b) => order(a) - order(b));
  const placed = { key, width: Math.ceil(out.width ?? 0), height: Math.ceil(out.height ?? 0), boxes, edges: laid, nodes, frames };
  return graph ? { ...placed, edges: clearHeaderText(graph, placed, laid) } : placed;
}

/** Anything with elkjs' `layout` method: an ELK instance from elk.bundled, or elk-api with a worker. */
export interface ElkLike {
  layout(graph: ElkInputNode): Promise<ElkOutputNode>;
}

/**
 * Above this many drawn boxes elkjs is not asked: it recurses along a chain and overflows the stack
 * between 4,000 and 8,000 nodes (a chain of 4,000 takes 2.6 s). Runs (runs.ts) keep every view
 * the model opens with far below this; only a user expanding thousands of layers at once gets here.
 */
export const MAX_ELK_ELEMENTS = 2500;

export async function layoutGraph(elk: ElkLike, graph: ViewGraph, collapsed: ReadonlySet<string>): Promise<GraphLayout> {
  const { elk: input, edges } = toElkGraph(graph, collapsed);
  const key = layoutKey(graph, collapsed);
  if (countBoxes(input) > MAX_ELK_ELEMENTS) return stackedLayout(key, input, edges);
  const out = await elk.layout(input);
  return fromElk(key, out, edges, graph);
}

/** Boxes in an ELK input graph (nodes and frames), by a loop. */
export function countBoxes(root: ElkInputNode): number {
  let n = 0;
  const stack = [...(root.children ?? [])];
  for (let c = stack.pop(); c; c = stack.pop()) {
    n++;
    for (const k of c.children ?? []) stack.push(k);
  }
  return n;
}

const STACK_GAP = 26;
const ROOT_PAD = 20;
const FRAME_PAD = { top: GROUP_HEADER + 6, side: 12, bottom: 12 };

/**
 * The fallback for views too big for elkjs: every container stacks its children top to bottom in
 * model order, centred; edges go straight down, or around the right side when they go up or skip.
 * Loops over the elements; recursion only follows the nesting of blocks (a few levels).
 */
export function stackedLayout(key: string, root: ElkInputNode, edges: LayoutEdge[]): GraphLayout {
  const size = new Map<ElkInputNode, { w: number; h: number }>();
  const measure = (c: ElkInputNode, pad: { top: number; side: number; bottom: number }): { w: number; h: number } => {
    const kids = c.children ?? [];
    let s: { w: number; h: number };
    if (kids.length === 0 && c !== root) {
      s = { w: c.width ?? 0, h: c.height ?? 0 };
    } else {
      let w = 0;
      let h = 0;
      for (const k of kids) {
        const ks = measure(k, FRAME_PAD);
        w = Math.max(w, ks.w);
        h += ks.h;
      }
      s = { w: w + 2 * pad.side, h: h + Math.max(0, kids.length - 1) * STACK_GAP + pad.top + pad.bottom };
    }
    size.set(c, s);
    return s;
  };
  const rootPad = { top: ROOT_PAD, side: ROOT_PAD, bottom: ROOT_PAD };
  const total = measure(root, rootPad);
  const boxes: Record<string, Box> = {};
  const nodes: string[] = [];
  const frames: string[] = [];
  const place = (c: ElkInputNode, x: number, y: number, pad: { top: number; side: number }): void => {
    const s = size.get(c)!;
    let cy = y + pad.top;
    for (const k of c.children ?? []) {
      const ks = size.get(k)!;
      const kx = Math.round(x + (s.w - ks.w) / 2);
      boxes[k.id] = { x: kx, y: cy, w: ks.w, h: ks.h };
      if (k.children?.length) {
        frames.push(k.id);
        place(k, kx, cy, FRAME_PAD);
      } else {
        nodes.push(k.id);
      }
      cy += ks.h + STACK_GAP;
    }
  };
  place(root, 0, 0, rootPad);
  const right = total.w - ROOT_PAD / 2;
  const laid = edges.map((e) => {
    const a = boxes[e.source];
    const b = boxes[e.target];
    if (!a || !b) return { ...e, points: [] };
    const sx = a.x + a.w / 2;
    const sy = a.y + a.h;
    const tx = b.x + b.w / 2;
    if (b.y >= sy && sx === tx) return { ...e, points: [sx, sy, tx, b.y] };
    if (b.y >= sy) return { ...e, points: [sx, sy, sx, b.y - STACK_GAP / 2, tx, b.y - STACK_GAP / 2, tx, b.y] };
    // Upwards (a block placed at its first layer, fed from later): around the right side.
    return { ...e, points: [a.x + a.w, a.y + a.h / 2, right, a.y + a.h / 2, right, b.y + b.h / 2, b.x + b.w, b.y + b.h / 2] };
  });
  const order = (id: string): number => Number(id.slice(1)) + (id[0] === 'g' ? 1e9 : 0);
  nodes.sort((p, q) => order(p) - order(q));
  return { key, width: Math.ceil(total.w), height: Math.ceil(total.h), boxes, edges: laid, nodes, frames };
}
