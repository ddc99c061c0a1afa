// One small model per layer class (or activation) NetLens added for Keras breadth: an input, the
// layer under test, in Keras' config form. The tfjs cross-check builds each in tfjs and compares;
// `expect` computes the layer's output independently (plain arithmetic on the input) where the
// layer is deterministic, so "numerically sane" means equal to Keras' definition.
import { KerasModel, ModelSpec } from '../../../src/core/ir/types';
import { normalizeModel } from '../../../src/core/ir/normalize';

export interface LayerCase {
  /** Test title and model name. */
  name: string;
  /** Input shape without the batch dimension. */
  input: number[];
  layers: { class_name: string; config: Record<string, unknown> }[];
  /** The output expected from an input x (flat, row-major), when it is a closed form. */
  expect?: (x: Float32Array) => number[];
  keras_version?: string;
}

export function caseModel(c: LayerCase): ModelSpec {
  const layers = c.layers.map((l, i) => ({
    class_name: l.class_name,
    config: { name: `${l.class_name.toLowerCase()}_${i}`, ...l.config, ...(i === 0 ? { batch_input_shape: [null, ...c.input] } : {}) },
  }));
  const model: KerasModel = normalizeModel({ class_name: 'Sequential', config: { name: c.name, layers } });
  return { name: c.name, model: { ...model, keras_version: c.keras_version ?? 'tfjs-layers 4.22.0' }, groups: [], layerGroup: {} };
}

const map = (f: (v: number, i: number) => number) => (x: Float32Array): number[] => Array.from(x, f);
const relu6 = (v: number): number => Math.min(Math.max(v, 0), 6);
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const softplus = (v: number): number => Math.log1p(Math.exp(v));
/** erf by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7), for exact GELU. */
function erf(v: number): number {
  const s = Math.sign(v);
  const a = Math.abs(v);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const act = (activation: string, f: (v: number) => number, keras_version?: string): LayerCase => ({
  name: `Activation ${activation}${keras_version ? ` (Keras ${keras_version})` : ''}`,
  input: [4, 4, 3],
  layers: [{ class_name: 'Activation', config: { activation } }],
  expect: map(f),
  keras_version,
});

/** Channel index of flat element i for a channels-last tensor with c channels. */
const ch = (i: number, c: number): number => i % c;

export const LAYER_CASES: LayerCase[] = [
  {
    name: 'Rescaling 1/255',
    input: [8, 8, 3],
    layers: [{ class_name: 'Rescaling', config: { scale: 1 / 255, offset: 0 } }],
    expect: map((v) => v / 255),
  },
  {
    name: 'Rescaling per channel with offset',
    input: [8, 8, 3],
    layers: [{ class_name: 'Rescaling', config: { scale: [0.5, 2, 4], offset: -1 } }],
    expect: map((v, i) => v * [0.5, 2, 4][ch(i, 3)] - 1),
  },
  {
    name: 'Normalization adapted (mean, variance, count weights)',
    input: [8, 8, 3],
    layers: [{ class_name: 'Normalization', config: { axis: -1, mean: null, variance: null } }],
    // Fresh weights: mean 0, variance 1.
    expect: map((v) => v),
  },
  {
    name: 'Normalization with given mean and variance (ConvNeXt PreStem)',
    input: [8, 8, 3],
    layers: [{ class_name: 'Normalization', config: { axis: -1, mean: [123.675, 116.28, 103.53], variance: [3409.976, 3262.6944, 3291.890625] } }],
    expect: map((v, i) => (v - [123.675, 116.28, 103.53][ch(i, 3)]) / Math.sqrt([3409.976, 3262.6944, 3291.890625][ch(i, 3)])),
  },
  {
    name: 'Normalization inverted, scalar mean',
    input: [8, 8, 3],
    layers: [{ class_name: 'Normalization', config: { axis: -1, mean: 2, variance: 4, invert: true } }],
    expect: map((v) => v * 2 + 2),
  },
  {
    name: 'Normalization over two axes',
    input: [4, 5, 3],
    layers: [{ class_name: 'Normalization', config: { axis: [2, 3], mean: null, variance: null } }],
    expect: map((v) => v),
  },
  {
    name: 'LayerScale (ConvNeXt)',
    input: [7, 7, 96],
    layers: [{ class_name: 'LayerScale', config: { init_values: 1e-6, projection_dim: 96 } }],
    expect: map((v) => v * 1e-6),
  },
  {
    name: 'StochasticDepth (ConvNeXt)',
    input: [7, 7, 96],
    layers: [{ class_name: 'StochasticDepth', config: { drop_path_rate: 0.1 } }],
    expect: map((v) => v),
  },
  act('gelu', (v) => 0.5 * v * (1 + erf(v / Math.SQRT2))),
  act('relu6', relu6),
  act('hard_sigmoid', (v) => Math.min(Math.max(0.2 * v + 0.5, 0), 1)),
  act('hard_sigmoid', (v) => relu6(v + 3) / 6, '3.5.0'),
  act('hard_swish', (v) => v * relu6(v + 3) / 6),
  act('hard_silu', (v) => v * relu6(v + 3) / 6),
  act('swish', (v) => v * sigmoid(v)),
  act('silu', (v) => v * sigmoid(v)),
  act('selu', (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * (Math.exp(v) - 1))),
  act('elu', (v) => (v > 0 ? v : Math.exp(v) - 1)),
  act('softplus', softplus),
  act('softsign', (v) => v / (1 + Math.abs(v))),
  act('exponential', Math.exp),
  act('mish', (v) => v * Math.tanh(softplus(v))),
  act('leaky_relu', (v) => (v > 0 ? v : 0.2 * v)),
  {
    name: 'Dense with hard_swish (fused activation)',
    input: [5],
    layers: [{ class_name: 'Dense', config: { units: 4, activation: 'hard_swish', use_bias: true } }],
  },
];
