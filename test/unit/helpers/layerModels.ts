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


/** An image helper on flat channels-last data: the value at (y, x, c). */
const at = (x: Float32Array, w: number, c: number) => (i: number, j: number, k: number): number => x[(i * w + j) * c + k];

/** Builds an [h, w, c] output from f(i, j, k), flat. */
function image(h: number, w: number, c: number, f: (i: number, j: number, k: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) out.push(f(i, j, k));
  return out;
}

/** TF's bilinear resize with half-pixel centres (tf.image.resize), written out. */
function bilinear(x: Float32Array, h: number, w: number, c: number, oh: number, ow: number, top = 0, left = 0, ch = h, cw = w): number[] {
  const px = at(x, w, c);
  const axis = (o: number, n: number, out: number): [number, number, number] => {
    const v = Math.max(0, (o + 0.5) * (n / out) - 0.5);
    const lo = Math.min(Math.floor(v), n - 1);
    return [lo, Math.min(lo + 1, n - 1), v - Math.floor(v)];
  };
  return image(oh, ow, c, (i, j, k) => {
    const [y0, y1, fy] = axis(i, ch, oh);
    const [x0, x1, fx] = axis(j, cw, ow);
    const p = (y: number, xx: number): number => px(top + y, left + xx, k);
    return (p(y0, x0) * (1 - fx) + p(y0, x1) * fx) * (1 - fy) + (p(y1, x0) * (1 - fx) + p(y1, x1) * fx) * fy;
  });
}

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
    name: 'LeakyReLU with Keras 3 negative_slope',
    input: [4, 4, 3],
    layers: [{ class_name: 'LeakyReLU', config: { negative_slope: 0.1 } }],
    expect: map((v) => (v > 0 ? v : 0.1 * v)),
    keras_version: '3.8.0',
  },
  {
    name: 'Dense with hard_swish (fused activation)',
    input: [5],
    layers: [{ class_name: 'Dense', config: { units: 4, activation: 'hard_swish', use_bias: true } }],
  },
  {
    name: 'Resizing 8x8 to 4x4 bilinear',
    input: [8, 8, 3],
    layers: [{ class_name: 'Resizing', config: { height: 4, width: 4, interpolation: 'bilinear', crop_to_aspect_ratio: false } }],
    expect: (x) => bilinear(x, 8, 8, 3, 4, 4),
  },
  {
    name: 'Resizing 6x6 to 9x5 bilinear',
    input: [6, 6, 2],
    layers: [{ class_name: 'Resizing', config: { height: 9, width: 5, interpolation: 'bilinear' } }],
    expect: (x) => bilinear(x, 6, 6, 2, 9, 5),
  },
  {
    name: 'Resizing 8x8 to 4x4 nearest',
    input: [8, 8, 3],
    layers: [{ class_name: 'Resizing', config: { height: 4, width: 4, interpolation: 'nearest' } }],
    expect: (x) => image(4, 4, 3, (i, j, k) => at(x, 8, 3)(2 * i + 1, 2 * j + 1, k)),
  },
  {
    name: 'Resizing 8x12 to 4x4 with crop_to_aspect_ratio',
    input: [8, 12, 3],
    layers: [{ class_name: 'Resizing', config: { height: 4, width: 4, crop_to_aspect_ratio: true } }],
    expect: (x) => bilinear(x, 8, 12, 3, 4, 4, 0, 2, 8, 8),
  },
  {
    name: 'Resizing 8x12 to 6x6 with pad_to_aspect_ratio (Keras 3)',
    input: [8, 12, 2],
    layers: [{ class_name: 'Resizing', config: { height: 6, width: 6, pad_to_aspect_ratio: true, fill_value: 0.5 } }],
    // Padded to 12x12: two rows of 0.5 above and below, then resized.
    expect: (x) => {
      const padded = Float32Array.from(image(12, 12, 2, (i, j, k) => (i < 2 || i >= 10 ? 0.5 : at(x, 12, 2)(i - 2, j, k))));
      return bilinear(padded, 12, 12, 2, 6, 6);
    },
  },
  {
    name: 'CenterCrop 8x9 to 4x6',
    input: [8, 9, 3],
    layers: [{ class_name: 'CenterCrop', config: { height: 4, width: 6 } }],
    expect: (x) => image(4, 6, 3, (i, j, k) => at(x, 9, 3)(i + 2, j + 1, k)),
  },
  {
    name: 'CenterCrop from a smaller input resizes (4x6 to 8x8)',
    input: [4, 6, 1],
    layers: [{ class_name: 'CenterCrop', config: { height: 8, width: 8 } }],
    expect: (x) => bilinear(x, 4, 6, 1, 8, 8, 0, 1, 4, 4),
  },
  {
    name: 'RandomCrop at inference: crop to aspect ratio and resize',
    input: [8, 12, 3],
    layers: [{ class_name: 'RandomCrop', config: { height: 4, width: 4, seed: 1 } }],
    expect: (x) => bilinear(x, 8, 12, 3, 4, 4, 0, 2, 8, 8),
  },
  ...['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness'].map((cls): LayerCase => ({
    name: `${cls} at inference is the identity`,
    input: [6, 6, 3],
    layers: [{ class_name: cls, config: { factor: 0.2, height_factor: 0.2, width_factor: 0.2, mode: 'horizontal', seed: 3 } }],
    expect: map((v) => v),
  })),
  { name: 'Identity', input: [6, 6, 3], layers: [{ class_name: 'Identity', config: {} }], expect: map((v) => v) },
  {
    name: 'UpSampling2D nearest 2x3',
    input: [3, 4, 2],
    layers: [{ class_name: 'UpSampling2D', config: { size: [2, 3], interpolation: 'nearest' } }],
    expect: (x) => image(6, 12, 2, (i, j, k) => at(x, 4, 2)(Math.floor(i / 2), Math.floor(j / 3), k)),
  },
  {
    name: 'UpSampling2D bilinear 2x2',
    input: [3, 4, 2],
    layers: [{ class_name: 'UpSampling2D', config: { size: [2, 2], interpolation: 'bilinear' } }],
    expect: (x) => bilinear(x, 3, 4, 2, 6, 8),
  },
  {
    name: 'Cropping2D ((1, 2), (0, 3))',
    input: [8, 9, 3],
    layers: [{ class_name: 'Cropping2D', config: { cropping: [[1, 2], [0, 3]] } }],
    expect: (x) => image(5, 6, 3, (i, j, k) => at(x, 9, 3)(i + 1, j, k)),
  },
  {
    name: 'Conv1D 3 taps, stride 2, same',
    input: [16, 4],
    layers: [{ class_name: 'Conv1D', config: { filters: 8, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu', use_bias: true } }],
  },
  {
    name: 'Conv1D causal, dilated',
    input: [16, 4],
    layers: [{ class_name: 'Conv1D', config: { filters: 6, kernel_size: [3], dilation_rate: 2, padding: 'causal', use_bias: false } }],
  },
  {
    name: 'MaxPooling1D 2',
    input: [8, 3],
    layers: [{ class_name: 'MaxPooling1D', config: { pool_size: 2, strides: null, padding: 'valid' } }],
    expect: (x) => image(4, 1, 3, (i, _j, k) => Math.max(x[2 * i * 3 + k], x[(2 * i + 1) * 3 + k])),
  },
  {
    name: 'AveragePooling1D 3, stride 1',
    input: [8, 3],
    layers: [{ class_name: 'AveragePooling1D', config: { pool_size: 3, strides: 1, padding: 'valid' } }],
    expect: (x) => image(6, 1, 3, (i, _j, k) => (x[i * 3 + k] + x[(i + 1) * 3 + k] + x[(i + 2) * 3 + k]) / 3),
  },
  {
    name: 'GlobalAveragePooling1D',
    input: [5, 3],
    layers: [{ class_name: 'GlobalAveragePooling1D', config: {} }],
    expect: (x) => [0, 1, 2].map((k) => [0, 1, 2, 3, 4].reduce((a, i) => a + x[i * 3 + k], 0) / 5),
  },
  {
    name: 'GlobalMaxPooling1D',
    input: [5, 3],
    layers: [{ class_name: 'GlobalMaxPooling1D', config: {} }],
    expect: (x) => [0, 1, 2].map((k) => Math.max(...[0, 1, 2, 3, 4].map((i) => x[i * 3 + k]))),
  },
  {
    name: 'PReLU with shared spatial axes (alpha starts at 0)',
    input: [6, 6, 4],
    layers: [{ class_name: 'PReLU', config: { shared_axes: [1, 2] } }],
    expect: map((v) => Math.max(v, 0)),
  },
  {
    name: 'PReLU per element',
    input: [3, 3, 2],
    layers: [{ class_name: 'PReLU', config: {} }],
    expect: map((v) => Math.max(v, 0)),
  },
  {
    name: 'ReLU with max_value, negative_slope and threshold',
    input: [4, 4, 3],
    layers: [{ class_name: 'ReLU', config: { max_value: 2.5, negative_slope: 0.1, threshold: 1 } }],
    expect: map((v) => (v >= 2.5 ? 2.5 : v >= 1 ? v : 0.1 * (v - 1))),
  },
  {
    name: 'ReLU max_value 6 (MobileNet)',
    input: [4, 4, 3],
    layers: [{ class_name: 'ReLU', config: { max_value: 6 } }],
    expect: map(relu6),
  },
  {
    name: 'Permute (2, 1, 3)',
    input: [3, 4, 2],
    layers: [{ class_name: 'Permute', config: { dims: [2, 1, 3] } }],
    expect: (x) => image(4, 3, 2, (i, j, k) => at(x, 4, 2)(j, i, k)),
  },
];
