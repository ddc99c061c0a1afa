// The IR is the Keras functional-model config, as written by `model.toJSON()` in tfjs and
// `model.to_json()` in Keras 2. Only the fields NetLens reads are typed; the rest passes through.

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

/** A block of layers drawn as one collapsible group (a residual block, an inception module, a stage). */
export interface LayerGroup {
  id: string;
  label: string;
  parent: string | null;
}

/** A model as NetLens carries it: the IR plus the grouping the zoo (or a heuristic) knows. */
export interface ModelSpec {
  name: string;
  model: KerasModel;
  groups: LayerGroup[];
  /** Innermost group of each layer that is in one. */
  layerGroup: Record<string, string>;
  /** How to turn an image into the model input ('caffe', 'tf', 'torch', 'grayscale01', 'none'). */
  preprocessing?: Preprocessing;
}

export type Preprocessing = 'caffe' | 'tf' | 'torch' | 'grayscale01' | 'none';

/** Errors a user can act on: printed as one line, never with a stack trace. */
export class NetLensError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetLensError';
  }
}
