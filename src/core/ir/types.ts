// A model as NetLens carries it (ModelSpec): the Keras functional-model config (ir/keras.ts,
// re-exported here) or the node graph of an imported file (ir/graph.ts), with its groups, weights
// and labels; and the errors a user can act on.

import type { KerasModel } from './keras';
import type { ModelGraph } from './graph';

export type { Dim, Shape, InboundRef, KerasLayer, KerasModelConfig, KerasModel } from './keras';

/** A block of layers drawn as one collapsible group (a residual block, an inception module, a stage). */
export interface LayerGroup {
  id: string;
  label: string;
  parent: string | null;
}

/** A model as NetLens carries it: the IR plus the grouping the zoo (or a heuristic) knows. */
export interface ModelSpec {
  name: string;
  /** The Keras config (zoo, Keras and tfjs files), or the node graph of an imported ONNX file (see isModelGraph). */
  model: KerasModel | ModelGraph;
  /**
   * An ONNX file: the ONNX Runtime engine runs the file itself. nodeLayer maps each ONNX node name
   * to the layer (LayerStats.name) it is shown as; nodes folded away (shape arithmetic) map to none.
   */
  onnx?: { path: string; nodeLayer: Record<string, string> };
  groups: LayerGroup[];
  /** Innermost group of each layer that is in one. */
  layerGroup: Record<string, string>;
  /** How to turn an image into the model input ('caffe', 'tf', 'torch', 'grayscale01', 'none'). */
  preprocessing?: Preprocessing;
  /** Trained weights, when the model came from a file that carries them (keyed by tfjs weight name). */
  weights?: NamedWeight[];
  /** Weight files the model names that are not beside it (it draws and counts from declared shapes; it cannot be profiled). */
  missingWeights?: string[];
  /** Class labels for the output, when known (ImageNet for 1000-class models, or a labels file). */
  labels?: string[];
}

export interface NamedWeight {
  /** tfjs/Keras weight name, e.g. "conv1_conv/kernel". */
  name: string;
  shape: number[];
  data: Float32Array;
}

export type Preprocessing = 'caffe' | 'tf' | 'torch' | 'grayscale01' | 'none';

/** Errors a user can act on: printed as one line, never with a stack trace. */
export class NetLensError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetLensError';
  }
}

/** A weights file the model names is not beside it: the model still draws and counts; it cannot run. */
export class MissingWeightsFile extends NetLensError {
  constructor(message: string, readonly file: string) {
    super(message);
  }
}

/** The analysis ran, but some layers could not be counted (unknown classes). */
export class IncompleteAnalysis extends NetLensError {
  readonly exitCode = 3;
}

/** The Keras config of a spec, or one clear error for a model that has none (an ONNX file). */
export function kerasModelOf(spec: Pick<ModelSpec, 'name' | 'model'>, what = 'This'): KerasModel {
  if ((spec.model as { kind?: string }).kind === 'graph') {
    throw new NetLensError(`${what} needs a Keras model; "${spec.name}" is an ONNX graph (TensorFlow.js cannot build it: use the onnxruntime backend)`);
  }
  return spec.model as KerasModel;
}
