// The Keras functional-model config, as written by `model.toJSON()` in tfjs and `model.to_json()`
// in Keras 2: only the fields NetLens reads are typed; the rest passes through. Types only, imports
// nothing (ir/graph.ts and ir/types.ts both build on it; types.ts re-exports it).

/** A dimension is a positive integer, or null for the batch (or an unknown) dimension. */
export type Dim = number | null;
export type Shape = Dim[];

/** One inbound tensor reference: [layerName, nodeIndex, tensorIndex, kwargs]. */
export type InboundRef = [string, number, number, Record<string, unknown>?];

export interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown> & { name?: string };
  /** One entry per call of the layer; NetLens supports layers called once. */
  inbound_nodes: InboundRef[][];
}

export interface KerasModelConfig {
  name: string;
  layers: KerasLayer[];
  input_layers: [string, number, number][];
  output_layers: [string, number, number][];
}

export interface KerasModel {
  class_name: string; // "Model" (tfjs), "Functional" (Keras 2.4+)
  config: KerasModelConfig;
  keras_version?: string;
  backend?: string;
}
