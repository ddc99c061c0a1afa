// The generalised IR: a model is a graph of nodes (op, attributes, input and output tensors, the
// weights it reads). Keras configs lower into it (one node per layer, tensors named after layers)
// and so do ONNX graphs (one node per ONNX node, graph inputs as Input nodes). The analyser runs
// over this graph with one rule per op, looked up in the table of the graph's format. Plain data,
// JSON-safe (the webview receives it): weights are described (shape, dtype), never carried.
import type { KerasModel, Shape } from './keras';

/** Which rule table the ops belong to. */
export type GraphFormat = 'keras' | 'onnx';

/** A weight tensor (an ONNX initializer): what the file holds, never its values. */
export interface WeightInfo {
  shape: number[];
  /** "float32", "float16", "bfloat16", "int8", "uint8", "int32", "int64", ... */
  dtype: string;
}

/** A small tensor whose values are known before running (ONNX int64 shape data, Constant nodes). */
export interface ConstantInfo {
  shape: number[];
  dtype: string;
  values: number[];
}

export interface GraphNode {
  /** Unique, readable: the layer name every view and the profile use. */
  name: string;
  /** Keras class name or ONNX op type. */
  op: string;
  attrs: Record<string, unknown>;
  /** Tensor names read, in argument order; '' marks an omitted optional input. */
  inputs: string[];
  /** Tensor names written. */
  outputs: string[];
  /** The name in the file, when the readable name differs from it. */
  sourceName?: string;
  /**
   * Inside If/Loop/Scan bodies (formats/onnx/controlFlow.ts), outermost first: how often the layer runs.
   * An If branch runs when its condition tensor folds to `when`; a loop body runs as many times as
   * its trip tensor says. Unknown at analysis time: the layer's figures depend on data.
   */
  runs?: RunScope[];
}

export type RunScope =
  | { kind: 'if'; cond: string; when: boolean; owner: string }
  | { kind: 'loop'; trips: string; owner: string };

export interface ModelGraph {
  /** Tells a ModelGraph from a KerasModel (which has class_name). */
  kind: 'graph';
  format: GraphFormat;
  name: string;
  /** Where the channels sit in rank-4 activations. */
  layout: 'channels_last' | 'channels_first';
  /** In file order; the analyser sorts them topologically. */
  nodes: GraphNode[];
  /** Tensor names that are the model's outputs. */
  outputs: string[];
  /** Weight tensors by name (read by nodes through their inputs). */
  weights: Record<string, WeightInfo>;
  /** Tensors with known values by name (folded into shapes, never counted as layers). */
  constants: Record<string, ConstantInfo>;
  /** Shapes the file itself declares for tensors (ONNX value_info), a cross-check of the computed ones. */
  declared?: Record<string, Shape>;
  /** ONNX default-domain opset. */
  opset?: number;
  /** External data files the model names that are not beside it: it draws and counts, but cannot run. */
  missingWeights?: string[];
}

export const isModelGraph = (m: unknown): m is ModelGraph =>
  typeof m === 'object' && m !== null && (m as ModelGraph).kind === 'graph';

/** A Keras functional config as a graph: one node per layer, each layer's output tensor named after it. */
export function kerasToGraph(model: KerasModel, order: KerasModel['config']['layers'], inbound: Map<string, string[]>, outputs: string[]): ModelGraph {
  return {
    kind: 'graph',
    format: 'keras',
    name: model.config.name ?? 'model',
    layout: 'channels_last',
    nodes: order.map((l) => ({ name: l.name, op: l.class_name, attrs: l.config, inputs: inbound.get(l.name) ?? [], outputs: [l.name] })),
    outputs,
    weights: {},
    constants: {},
  };
}

/** The attributes of each node by layer name (the Keras config of a Keras layer). */
export function nodeAttributes(m: KerasModel | ModelGraph): Map<string, Record<string, unknown>> {
  if (isModelGraph(m)) return new Map(m.nodes.map((n) => [n.name, n.attrs] as const));
  return new Map(m.config.layers.map((l) => [l.name, l.config] as const));
}

/** A model's name, from either form. */
export const modelName = (m: KerasModel | ModelGraph): string => (isModelGraph(m) ? m.name : m.config.name);

export type { Shape };
