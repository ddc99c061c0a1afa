// The view graph's shape: one node per layer, the block tree with its sums, one edge per tensor.
// Types only (graph/viewGraph.ts builds it and re-exports these; graph/runs.ts and the layout
// read them without importing the builder).
import type { LayerStats, Totals } from '../analysis/analyze';
import type { Shape } from '../ir/types';
import type { GraphFormat } from '../ir/graph';
import type { NodeCategory } from './nodeStyles';

export interface ViewNode {
  /** Index in `nodes` (topological order); DOM ids and data attributes use it, never the name. */
  index: number;
  name: string;
  className: string;
  category: NodeCategory;
  /** Output shape without the batch dimension: "112×112×64". */
  shape: string;
  /** Innermost group, or null at the top level. */
  group: string | null;
  stats: LayerStats;
  /** Config attributes the category's table row lists, as display strings; an ONNX node's every attribute, in file order. */
  attrs: [string, string][];
  /** ONNX nodes: the weight tensors (initializers) the node reads, name and "shape dtype" ("32×1×3×3 float32"). */
  weights?: [string, string][];
  /** Acts only while training (Dropout, random augmentations): the identity at inference. */
  trainingOnly: boolean;
}

export interface GroupSums {
  layers: number;
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  macs: number;
  flops: number;
  weightBytes: number;
  activationBytes: number;
}

export interface ViewGroup {
  index: number;
  id: string;
  label: string;
  parent: string | null;
  depth: number;
  /** Child groups, in model order. */
  groups: string[];
  /** Layers directly in this group (not in a child group). */
  layers: string[];
  /** Sums over every layer inside, child groups included. */
  sums: GroupSums;
}

export interface ViewEdge {
  source: string;
  target: string;
  /** The tensor's shape, for labels on demand. */
  shape: string;
}

export interface ViewGraph {
  model: string;
  /**
   * Which rule table the nodes' classes come from: Keras layer classes or ONNX ops (the host's
   * "does this model rescale itself" check applies to Keras graphs only). Absent in graphs made
   * before it was added.
   */
  format?: GraphFormat;
  input: Shape;
  batch: number;
  totals: Totals;
  unsupported: { name: string; className: string }[];
  /** Layers whose sizes depend on data, with why (absent when there are none). */
  unknown?: { name: string; className: string; reason: string }[];
  /** Weight files the model names that are not beside it: it draws and counts, but cannot run (absent when none). */
  missingWeights?: string[];
  nodes: ViewNode[];
  groups: ViewGroup[];
  edges: ViewEdge[];
}
