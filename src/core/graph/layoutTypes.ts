// A computed layout as drawn: element boxes, routed edges, which elements are nodes and which are
// frames. Types only: graph/layout.ts computes it and re-exports these, graph/headerClearance.ts
// (which layout.ts calls) reads them from here.

export interface Box { x: number; y: number; w: number; h: number }

export interface LayoutEdge {
  /** Element ids: `n<layer index>` or `g<group index>`. */
  source: string;
  target: string;
  /** Flat x,y list. */
  points: number[];
  /** Tensor shape carried (the first of the merged tensors when a block is collapsed). */
  shape: string;
}

export interface GraphLayout {
  key: string;
  width: number;
  height: number;
  /** Boxes by element id; expanded groups included (their frames). */
  boxes: Record<string, Box>;
  edges: LayoutEdge[];
  /** Element ids drawn as nodes, in model order (layers and collapsed groups). */
  nodes: string[];
  /** Expanded groups drawn as frames, outermost first. */
  frames: string[];
}
