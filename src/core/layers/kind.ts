// What one Keras layer class is to NetLens, in one object: a LayerKind. The analyser reads its
// category, output shape, parameters, multiply-accumulates (and the formula written out), other
// FLOPs and receptive-field window; the Keras -> ONNX lowering reads its `lowering` (the tfjs
// weights the layer owns, the ONNX nodes that compute it, and why a configuration has none).
// Conventions are in README.md ("How the numbers are counted"): MACs count conv/dense products
// only; FLOPs = 2 x MACs + the element-wise operations. The lowering follows tfjs-layers'
// semantics, the engine the lowered model is checked against (docs/onnx-lowering.md).
import type { Shape } from '../ir/types';
import { Cfg, fail } from '../analysis/config';
import type { OnnxGraph } from '../engines/ort/lowering/graph';
import type { Value } from '../engines/ort/lowering/perm';

export type Category =
  | 'input' | 'preprocessing' | 'conv' | 'pool' | 'norm' | 'activation' | 'dense' | 'merge' | 'reshape' | 'regularization';

/** What the analyser knows of a layer: its name, config and input shapes (batch first). */
export interface LayerInput {
  name: string;
  cfg: Cfg;
  inputs: Shape[];
}

export interface Params {
  trainable: number;
  nonTrainable: number;
}

/** How a layer widens the receptive field: a window (effective kernel and stride per axis) or all of its input. */
export type Window = { kernel: [number, number]; stride: [number, number] } | 'global' | 'identity';

/** The analyser's part of a kind. */
export interface LayerRule {
  category: Category;
  shape(r: LayerInput): Shape;
  params?(r: LayerInput, out: Shape): Params;
  macs?(r: LayerInput, out: Shape): number;
  /** The MAC count written out as factors, for people: "5x5x3 x 150x100 x 200". */
  formula?(r: LayerInput, out: Shape): string;
  /** Element-wise FLOPs per sample other than the 2 x MACs. */
  ops?(r: LayerInput, out: Shape): number;
  window?(r: LayerInput): Window;
}

/** How randomWeights draws a weight (see src/core/engines/ort/lowering/weights.ts). */
export type Init = 'kernel' | 'bias' | 'gamma' | 'residualGamma' | 'beta' | 'mean' | 'variance' | 'alpha' | 'count';

export interface WeightSpec {
  /** tfjs attribute name: the weight is "<layer>/<attr>". */
  attr: string;
  shape: number[];
  init: Init;
  /** Inputs per output for kernels (the He/Glorot fan-in). */
  fanIn?: number;
  /** Variance x fan-in for kernels: 2 (He) before a ReLU, 1 where no nonlinearity follows (depthwise). */
  gain?: number;
}

/** What the lowering knows of a layer: its config, its consumers and its Keras shapes (from the analyser). */
export interface LoweringInput {
  name: string;
  cfg: Cfg;
  /** Classes of the layers that take this layer's output. */
  consumers: string[];
  /** Keras shapes of the inputs and of the output, batch first (from the analyser). */
  inShapes: Shape[];
  outShape: Shape;
}

export interface LowerInput extends LoweringInput {
  g: OnnxGraph;
  inputs: Value[];
  /** The layer's weight "<layer>/<attr>", checked against the shape the lowering expects. */
  weight(attr: string): Float32Array;
}

/** The Keras -> ONNX part of a kind. */
export interface KerasLowering {
  lower(r: LowerInput): Value;
  weights?(r: LoweringInput): WeightSpec[];
  /** Why this layer's configuration has no ONNX lowering, if it has none. */
  unsupported?(r: LoweringInput): string | undefined;
}

export interface LayerKind extends LayerRule {
  /** Undefined only for InputLayer, which becomes the ONNX graph input (src/core/engines/ort/lowering/lower.ts). */
  lowering?: KerasLowering;
  /**
   * The class name NetLens registers with tfjs for this Keras class (src/core/engines/tfjs/customLayers.ts),
   * where tfjs-layers lacks the class or reads its config differently; absent where tfjs' own runs it.
   */
  tfjsClass?: string;
}

/** A family's kinds: Keras class name -> kind (aliases are added by index.ts). */
export type LayerKinds = Readonly<Record<string, LayerKind>>;

export const NO_PARAMS: Params = { trainable: 0, nonTrainable: 0 };

/** The layer's one input (an error naming the layer when it has another count). */
export const one = (r: LayerInput): Shape => {
  if (r.inputs.length !== 1) fail(r.name, `expects 1 input, got ${r.inputs.length}`);
  return r.inputs[0];
};
