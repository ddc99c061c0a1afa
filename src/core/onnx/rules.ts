// One ONNX rule per Keras layer class: which tfjs weights the layer owns (names, shapes, how to
// draw random ones) and which ONNX nodes compute it. Semantics follow tfjs-layers, the engine the
// lowered model is checked against. A class not in the table is listed by onnxUnsupported.
import { Shape, NetLensError } from '../ir/types';
import { Cfg, activationName, channelsFirst, intPair, padding, positiveInt } from '../analysis/config';
import { activationRule, emitter } from './activations';
import { attr, channelsSecond, identity, isIdentity, NCHW, OnnxGraph, Perm, Value } from './graph';
import { depthwiseToOnnx, kernelToOnnx, permuteData, samePads } from './layout';
import { RANDOM_AUGMENTATIONS } from '../analysis/rules';
import { withAliases } from '../analysis/aliases';

/** How randomWeights draws a weight (see weights.ts). */
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

export interface RuleInput {
  name: string;
  cfg: Cfg;
  /** Classes of the layers that take this layer's output. */
  consumers: string[];
  /** Keras shapes of the inputs and of the output, batch first (from the analyser). */
  inShapes: Shape[];
  outShape: Shape;
}

export interface LowerInput extends RuleInput {
  g: OnnxGraph;
  inputs: Value[];
  /** The layer's weight "<layer>/<attr>", checked against the shape the rule expects. */
  weight(attr: string): Float32Array;
}

export interface OnnxRule {
  lower(r: LowerInput): Value;
  weights?(r: RuleInput): WeightSpec[];
  /** Why this layer's configuration has no ONNX lowering, if it has none. */
  unsupported?(r: RuleInput): string | undefined;
}

// --- helpers -------------------------------------------------------------------------------------

const fail = (layer: string, message: string): never => {
  throw new NetLensError(`ONNX lowering, layer "${layer}": ${message}`);
};

const dim = (r: RuleInput, d: number | null, what: string): number => (d === null ? fail(r.name, `${what} must be known`) : d);
const useBias = (cfg: Cfg): boolean => cfg.use_bias !== false;
const rankOf = (r: RuleInput): number => r.inShapes[0].length;

/** The layout a spatial layer runs in: ONNX channels-first (NCHW, NCL) over the Keras tensor. */
function imagePerm(r: RuleInput): Perm {
  const rank = rankOf(r);
  return channelsFirst(r.name, r.cfg) ? identity(rank) : [0, rank - 1, ...identity(rank).slice(1, rank - 1)];
}

/** Keras' spatial axes of an image ([h, w]) in its data format. */
const spatialAxes = (r: RuleInput): [number, number] => (channelsFirst(r.name, r.cfg) ? [2, 3] : [1, 2]);

/** A constant laid out like `x`: `kerasShape` is full rank (batch 1) in Keras order. */
function constLike(r: LowerInput, part: string, x: Value, kerasShape: number[], data: Float32Array): string {
  return r.g.floatTensor(`${r.name}/${part}`, x.perm.map((a) => kerasShape[a]), permuteData(data, kerasShape, x.perm));
}

/** A number or a (nested) list of numbers from a config, flattened. */
function numbers(r: RuleInput, field: string, v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap((x) => numbers(r, field, x));
  return fail(r.name, `${field} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
}

function imageDims(r: RuleInput): { h: number; w: number; c: number } {
  const s = r.inShapes[0];
  if (s.length !== 4) fail(r.name, `expects a rank-4 input, got rank ${s.length}`);
  const [h, w, c] = channelsFirst(r.name, r.cfg) ? [s[2], s[3], s[1]] : [s[1], s[2], s[3]];
  return { h: dim(r, h, 'the input height'), w: dim(r, w, 'the input width'), c: dim(r, c, 'the channel count') };
}

/** Conv/pool window attributes with explicit pads (TensorFlow's "same" puts the odd pixel after). */
function windowAttrs(r: RuleInput, kernelField: string, stridesCfg: Cfg = r.cfg, withDilation = true) {
  const { h, w } = imageDims(r);
  const k = intPair(r.name, r.cfg, kernelField);
  const s = intPair(r.name, stridesCfg, 'strides', 1);
  const d = withDilation ? intPair(r.name, r.cfg, 'dilation_rate', 1) : [1, 1];
  let pads = [0, 0, 0, 0];
  if (padding(r.name, r.cfg) === 'same') {
    const [t, b] = samePads(h, k[0], s[0], d[0]);
    const [l, rt] = samePads(w, k[1], s[1], d[1]);
    pads = [t, l, b, rt];
  }
  const attributes = [attr.ints('kernel_shape', k), attr.ints('strides', s), attr.ints('pads', pads)];
  if (withDilation) attributes.push(attr.ints('dilations', d));
  return attributes;
}

/** Keras [kh, kw, in, out] kernel as ONNX [out, in, kh, kw]. */
const convKernel = (data: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array => kernelToOnnx(data, kh * kw, cin, cout);

/** The layer's fused `activation`, as helper nodes after its main node. */
function fusedActivation(r: LowerInput, y: Value): Value {
  const name = activationName(r.cfg);
  if (name === 'linear') return y;
  const rule = activationRule(name) ?? fail(r.name, `activation "${name}" has no ONNX lowering`);
  return { ...y, name: rule(emitter(r.g, r.name, `${r.name}/${name}`), y) };
}

const fusedActivationUnsupported = (r: RuleInput): string | undefined => {
  const name = activationName(r.cfg);
  return activationRule(name) ? undefined : `activation "${name}" has no ONNX lowering`;
};

const out = (r: LowerInput, name: string, perm: Perm): Value => ({ name, perm, layer: r.name });

// --- convolutions and dense ----------------------------------------------------------------------

/** A Conv2D's kernel size, filters, groups and input channels per group (its weights and its node read them alike). */
function convShape(r: RuleInput): { kh: number; kw: number; f: number; g: number; cin: number } {
  const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
  const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
  return { kh, kw, f: positiveInt(r.name, 'filters', r.cfg.filters), g, cin: imageDims(r).c / g };
}

const conv2d: OnnxRule = {
  weights: (r) => {
    const { kh, kw, f, cin } = convShape(r);
    return [
      // A convolution that feeds an Add directly (ResNetV2's branch ends) starts small, like a residual BN's gamma.
      { attr: 'kernel', shape: [kh, kw, cin, f], init: 'kernel', fanIn: kh * kw * cin, gain: r.consumers.includes('Add') ? 0.1 : 2 },
      ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [f], init: 'bias' as const }] : []),
    ];
  },
  unsupported: fusedActivationUnsupported,
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const { kh, kw, f, g, cin } = convShape(r);
    const inputs = [x.name, r.g.floatTensor(`${r.name}/kernel`, [f, cin, kh, kw], convKernel(r.weight('kernel'), [kh, kw, cin, f]))];
    if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [f], r.weight('bias')));
    const y = r.g.node(r.name, r.name, 'Conv', inputs, [...windowAttrs(r, 'kernel_size'), attr.int('group', g)]);
    return fusedActivation(r, out(r, y, perm));
  },
};

/** A depthwise kernel [kh, kw, c, m] as a grouped-conv weight [c*m, 1, kh, kw] (output channel c*m + j). */
function depthwiseWeight(r: LowerInput, name: string, data: Float32Array, shape: number[]): string {
  const [kh, kw, c, m] = shape;
  return r.g.floatTensor(name, [c * m, 1, kh, kw], depthwiseToOnnx(data, kh * kw, c * m));
}

/** A depthwise kernel's size, the input channels and the depth multiplier. */
function depthwiseShape(r: RuleInput): { kh: number; kw: number; c: number; m: number } {
  const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
  return { kh, kw, c: imageDims(r).c, m: positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1) };
}

const depthwiseConv2d: OnnxRule = {
  weights: (r) => {
    const { kh, kw, c, m } = depthwiseShape(r);
    return [
      { attr: 'depthwise_kernel', shape: [kh, kw, c, m], init: 'kernel', fanIn: kh * kw, gain: 1 },
      ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [c * m], init: 'bias' as const }] : []),
    ];
  },
  unsupported: fusedActivationUnsupported,
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const { kh, kw, c, m } = depthwiseShape(r);
    const inputs = [x.name, depthwiseWeight(r, `${r.name}/depthwise_kernel`, r.weight('depthwise_kernel'), [kh, kw, c, m])];
    if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [c * m], r.weight('bias')));
    const y = r.g.node(r.name, r.name, 'Conv', inputs, [...windowAttrs(r, 'kernel_size'), attr.int('group', c)]);
    return fusedActivation(r, out(r, y, perm));
  },
};

/** Depthwise (helper node "<layer>/depthwise": strides, dilation, padding) then pointwise 1x1 (the main node). */
const separableConv2d: OnnxRule = {
  weights: (r) => {
    const { kh, kw, c, m } = depthwiseShape(r);
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    return [
      { attr: 'depthwise_kernel', shape: [kh, kw, c, m], init: 'kernel', fanIn: kh * kw, gain: 1 },
      { attr: 'pointwise_kernel', shape: [1, 1, c * m, f], init: 'kernel', fanIn: c * m },
      ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [f], init: 'bias' as const }] : []),
    ];
  },
  unsupported: fusedActivationUnsupported,
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const { kh, kw, c, m } = depthwiseShape(r);
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const dw = depthwiseWeight(r, `${r.name}/depthwise_kernel`, r.weight('depthwise_kernel'), [kh, kw, c, m]);
    const mid = r.g.node(r.name, `${r.name}/depthwise`, 'Conv', [x.name, dw], [...windowAttrs(r, 'kernel_size'), attr.int('group', c)]);
    const pw = r.g.floatTensor(`${r.name}/pointwise_kernel`, [f, c * m, 1, 1], convKernel(r.weight('pointwise_kernel'), [1, 1, c * m, f]));
    const inputs = [mid, pw];
    if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [f], r.weight('bias')));
    const y = r.g.node(r.name, r.name, 'Conv', inputs, [attr.ints('kernel_shape', [1, 1])]);
    return fusedActivation(r, out(r, y, perm));
  },
};

/**
 * ConvTranspose. "valid": out = (in - 1) * s + k. "same": out = in * s, cropping k - s pixels
 * split as TensorFlow's forward "same" convolution pads (the odd one after); when k < s the
 * missing s - k pixels come from output_padding at the end.
 */
const conv2dTranspose: OnnxRule = {
  weights: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const c = imageDims(r).c;
    return [
      { attr: 'kernel', shape: [kh, kw, f, c], init: 'kernel', fanIn: kh * kw * c },
      ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [f], init: 'bias' as const }] : []),
    ];
  },
  unsupported: (r) => {
    const d = intPair(r.name, r.cfg, 'dilation_rate', 1);
    if (d[0] !== 1 || d[1] !== 1) return 'dilated transposed convolution has no ONNX lowering';
    if (r.cfg.output_padding !== undefined && r.cfg.output_padding !== null) return 'output_padding has no ONNX lowering';
    return fusedActivationUnsupported(r);
  },
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const k = intPair(r.name, r.cfg, 'kernel_size');
    const s = intPair(r.name, r.cfg, 'strides', 1);
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const c = imageDims(r).c;
    const pads = [0, 0, 0, 0];
    const extra = [0, 0];
    if (padding(r.name, r.cfg) === 'same') {
      for (let i = 0; i < 2; i++) {
        const crop = k[i] - s[i];
        if (crop >= 0) { pads[i] = Math.floor(crop / 2); pads[i + 2] = crop - pads[i]; } else extra[i] = -crop;
      }
    }
    // Keras [kh, kw, out, in] -> ONNX ConvTranspose [in, out, kh, kw].
    const w = r.g.floatTensor(`${r.name}/kernel`, [c, f, k[0], k[1]], kernelToOnnx(r.weight('kernel'), k[0] * k[1], f, c));
    const inputs = [x.name, w];
    if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [f], r.weight('bias')));
    const y = r.g.node(r.name, r.name, 'ConvTranspose', inputs, [
      attr.ints('kernel_shape', k), attr.ints('strides', s), attr.ints('pads', pads), attr.ints('output_padding', extra),
    ]);
    return fusedActivation(r, out(r, y, perm));
  },
};

const dense: OnnxRule = {
  weights: (r) => {
    const s = r.inShapes[0];
    const cin = dim(r, s[s.length - 1], 'the last input dimension');
    const u = positiveInt(r.name, 'units', r.cfg.units);
    return [
      { attr: 'kernel', shape: [cin, u], init: 'kernel', fanIn: cin },
      ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [u], init: 'bias' as const }] : []),
    ];
  },
  unsupported: fusedActivationUnsupported,
  // Rank 2: one Gemm. Higher ranks: MatMul over the last Keras axis, then "<layer>/bias" (Add).
  lower: (r) => {
    const rank = rankOf(r);
    const x = r.g.layout(r.inputs[0], identity(rank));
    const s = r.inShapes[0];
    const cin = dim(r, s[s.length - 1], 'the last input dimension');
    const u = positiveInt(r.name, 'units', r.cfg.units);
    const w = r.g.floatTensor(`${r.name}/kernel`, [cin, u], r.weight('kernel'));
    const b = useBias(r.cfg) ? r.g.floatTensor(`${r.name}/bias`, [u], r.weight('bias')) : undefined;
    let y: string;
    if (rank === 2) y = r.g.node(r.name, r.name, 'Gemm', b ? [x.name, w, b] : [x.name, w]);
    else {
      y = r.g.node(r.name, r.name, 'MatMul', [x.name, w]);
      if (b) y = r.g.node(r.name, `${r.name}/bias`, 'Add', [y, b]);
    }
    return fusedActivation(r, out(r, y, identity(rank)));
  },
};

// --- normalisation -------------------------------------------------------------------------------

function normAxis(r: RuleInput): number {
  const raw = Array.isArray(r.cfg.axis) ? r.cfg.axis[0] : r.cfg.axis ?? -1;
  const rank = rankOf(r);
  if (typeof raw !== 'number') return fail(r.name, `axis must be an integer, got ${JSON.stringify(raw)}`);
  return raw < 0 ? rank + raw : raw;
}

const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

const batchNorm: OnnxRule = {
  weights: (r) => {
    const c = dim(r, r.inShapes[0][normAxis(r)], 'the normalised axis');
    return [
      // A residual branch's last BN (it feeds an Add) starts small, as in zero-gamma initialisation:
      // random residual stacks (ResNet-152) then keep activations of order one.
      ...(r.cfg.scale !== false ? [{ attr: 'gamma', shape: [c], init: r.consumers.includes('Add') ? 'residualGamma' as const : 'gamma' as const }] : []),
      ...(r.cfg.center !== false ? [{ attr: 'beta', shape: [c], init: 'beta' as const }] : []),
      { attr: 'moving_mean', shape: [c], init: 'mean' },
      { attr: 'moving_variance', shape: [c], init: 'variance' },
    ];
  },
  unsupported: (r) => (Array.isArray(r.cfg.axis) && r.cfg.axis.length > 1 ? 'batch normalisation over several axes has no ONNX lowering' : undefined),
  // ONNX normalises axis 1: put the Keras axis there (for NHWC images that is NCHW, no extra work).
  lower: (r) => {
    const axis = normAxis(r);
    const c = dim(r, r.inShapes[0][axis], 'the normalised axis');
    const perm = channelsSecond(rankOf(r), axis);
    const x = r.g.layout(r.inputs[0], perm);
    const eps = typeof r.cfg.epsilon === 'number' ? r.cfg.epsilon : 1e-3;
    const t = (a: string, data: Float32Array): string => r.g.floatTensor(`${r.name}/${a}`, [c], data);
    const y = r.g.node(r.name, r.name, 'BatchNormalization', [
      x.name,
      t('gamma', r.cfg.scale !== false ? r.weight('gamma') : ones(c)),
      t('beta', r.cfg.center !== false ? r.weight('beta') : new Float32Array(c)),
      t('moving_mean', r.weight('moving_mean')),
      t('moving_variance', r.weight('moving_variance')),
    ], [attr.float('epsilon', eps)]);
    return out(r, y, perm);
  },
};

/** The normalised axes of a LayerNormalization, ascending. */
function layerNormAxes(r: RuleInput): number[] {
  const rank = rankOf(r);
  const raw = Array.isArray(r.cfg.axis) ? r.cfg.axis : [r.cfg.axis ?? -1];
  return raw.map((a) => (typeof a === 'number' ? (a < 0 ? rank + a : a) : fail(r.name, `axis must be integers, got ${JSON.stringify(r.cfg.axis)}`)))
    .sort((a, b) => a - b);
}

const layerNorm: OnnxRule = {
  weights: (r) => {
    const shape = layerNormAxes(r).map((a) => dim(r, r.inShapes[0][a], 'a normalised axis'));
    return [
      ...(r.cfg.scale !== false ? [{ attr: 'gamma', shape, init: 'gamma' as const }] : []),
      ...(r.cfg.center !== false ? [{ attr: 'beta', shape, init: 'beta' as const }] : []),
    ];
  },
  // ONNX LayerNormalization normalises every axis from `axis` to the last.
  unsupported: (r) => {
    const axes = layerNormAxes(r);
    const rank = rankOf(r);
    return axes.every((a, i) => a === rank - axes.length + i) ? undefined : 'normalising axes other than the trailing ones has no ONNX lowering';
  },
  lower: (r) => {
    const rank = rankOf(r);
    const axes = layerNormAxes(r);
    const shape = axes.map((a) => dim(r, r.inShapes[0][a], 'a normalised axis'));
    const n = shape.reduce((a, b) => a * b, 1);
    const x = r.g.layout(r.inputs[0], identity(rank));
    const eps = typeof r.cfg.epsilon === 'number' ? r.cfg.epsilon : 1e-3;
    const inputs = [x.name, r.g.floatTensor(`${r.name}/gamma`, shape, r.cfg.scale !== false ? r.weight('gamma') : ones(n))];
    if (r.cfg.center !== false) inputs.push(r.g.floatTensor(`${r.name}/beta`, shape, r.weight('beta')));
    const y = r.g.node(r.name, r.name, 'LayerNormalization', inputs, [attr.int('axis', axes[0]), attr.float('epsilon', eps)]);
    return out(r, y, identity(rank));
  },
};

/**
 * tfjs' localResponseNormalization sums squares over channels c-r..c+r and divides by
 * (bias + alpha * sum)^beta; ONNX LRN divides alpha by the window size, so alpha is scaled back.
 */
const lrn: OnnxRule = {
  lower: (r) => {
    const x = r.g.layout(r.inputs[0], NCHW);
    const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
    const radius = num(r.cfg.depth_radius ?? r.cfg.depthRadius, 5);
    const size = 2 * radius + 1;
    const y = r.g.node(r.name, r.name, 'LRN', [x.name], [
      attr.int('size', size), attr.float('alpha', num(r.cfg.alpha, 1) * size), attr.float('beta', num(r.cfg.beta, 0.5)),
      attr.float('bias', num(r.cfg.bias, 1)),
    ]);
    return out(r, y, NCHW);
  },
};

// --- activations ---------------------------------------------------------------------------------

/** Runs an activation rule with its last node named after the layer. */
function asLayer(r: LowerInput, name: string, x: Value = r.inputs[0]): Value {
  const rule = activationRule(name) ?? fail(r.name, `activation "${name}" has no ONNX lowering`);
  return out(r, rule(emitter(r.g, r.name, r.name), x), x.perm);
}

const activation: OnnxRule = {
  unsupported: fusedActivationUnsupported,
  lower: (r) => asLayer(r, activationName(r.cfg)),
};

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * Keras' ReLU(max_value, negative_slope, threshold): max_value from max_value up, x from the
 * threshold up, negative_slope * (x - threshold) below it (as src/core/tfjs/relu.ts computes it).
 */
const reluLayer: OnnxRule = {
  lower: (r) => {
    const x = r.inputs[0];
    const max = num(r.cfg.max_value);
    const slope = num(r.cfg.negative_slope) ?? 0;
    const threshold = num(r.cfg.threshold) ?? 0;
    const e = emitter(r.g, r.name, r.name);
    const capped = (part: string, y: string): Value => out(r, max === undefined ? y : e.main('Min', [y, r.g.scalar(max)]), x.perm);
    if (threshold === 0) {
      if (slope === 0 && max === undefined) return asLayer(r, 'relu');
      if (slope === 0) return out(r, e.main('Clip', [x.name, r.g.scalar(0), r.g.scalar(max!)]), x.perm);
      const leaky = (max === undefined ? e.main : (op: string, ins: string[], a?: Parameters<OnnxGraph['node']>[4]) => e.helper('leaky', op, ins, a));
      return capped('leaky', leaky('LeakyRelu', [x.name], [attr.float('alpha', slope)]));
    }
    const above = e.helper('above', 'GreaterOrEqual', [x.name, r.g.scalar(threshold)]);
    const below = slope === 0 ? r.g.scalar(0)
      : e.helper('below', 'Mul', [e.helper('shift', 'Sub', [x.name, r.g.scalar(threshold)]), r.g.scalar(slope)]);
    const pick = (op: string, ins: string[]): string => (max === undefined ? e.main(op, ins) : e.helper('select', op, ins));
    return capped('select', pick('Where', [above, x.name, below]));
  },
};

const leakyRelu: OnnxRule = {
  // Keras 2 and tfjs call the slope alpha (default 0.3); Keras 3 negative_slope.
  lower: (r) => out(r, r.g.node(r.name, r.name, 'LeakyRelu', [r.inputs[0].name], [
    attr.float('alpha', num(r.cfg.alpha) ?? num(r.cfg.negative_slope) ?? 0.3),
  ]), r.inputs[0].perm),
};

const eluLayer: OnnxRule = {
  lower: (r) => out(r, r.g.node(r.name, r.name, 'Elu', [r.inputs[0].name], [attr.float('alpha', num(r.cfg.alpha) ?? 1)]), r.inputs[0].perm),
};

/** The ONNX axis holding Keras axis `raw` (negative counts from the end). */
function onnxAxis(x: Value, raw: number): number {
  const rank = x.perm.length;
  return x.perm.indexOf(raw < 0 ? rank + raw : raw);
}

const softmaxLayer: OnnxRule = {
  unsupported: (r) => (Array.isArray(r.cfg.axis) && r.cfg.axis.length > 1 ? 'softmax over several axes has no ONNX lowering' : undefined),
  lower: (r) => {
    const x = r.inputs[0];
    const axis = num(Array.isArray(r.cfg.axis) ? r.cfg.axis[0] : r.cfg.axis) ?? -1;
    return out(r, r.g.node(r.name, r.name, 'Softmax', [x.name], [attr.int('axis', onnxAxis(x, axis))]), x.perm);
  },
};

// --- pooling, padding, reshaping -----------------------------------------------------------------

const pool = (op: 'MaxPool' | 'AveragePool'): OnnxRule => ({
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    // Keras: strides=None means strides = pool_size. Average pooling with "same" padding divides
    // by the pixels inside the image (TensorFlow), which is ONNX's count_include_pad=0.
    const strides = r.cfg.strides === null || r.cfg.strides === undefined ? { strides: r.cfg.pool_size } : r.cfg;
    const y = r.g.node(r.name, r.name, op, [x.name], windowAttrs(r, 'pool_size', strides, false));
    return out(r, y, perm);
  },
});

const globalPool = (op: 'GlobalMaxPool' | 'GlobalAveragePool'): OnnxRule => ({
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const y = r.g.node(r.name, r.name, op, [x.name]);
    if (r.cfg.keepdims === true) return out(r, y, perm);
    // [N, C, 1, 1] -> [N, C]
    return out(r, r.g.node(r.name, `${r.name}/flatten`, 'Flatten', [y], [attr.int('axis', 1)]), identity(2));
  },
});

/** Keras padding config -> [top, bottom, left, right]. */
function zeroPads(r: RuleInput): [number, number, number, number] {
  const p = r.cfg.padding ?? 1;
  if (typeof p === 'number') return [p, p, p, p];
  if (Array.isArray(p) && p.every((q) => typeof q === 'number')) return [p[0], p[0], p[1], p[1]] as [number, number, number, number];
  const [[a, b], [c, d]] = p as number[][];
  return [a, b, c, d];
}

/** Layers ONNX Runtime's PadFusion may fold a zero Pad into without changing the result. */
const PAD_FUSES_CORRECTLY = new Set(['Conv2D', 'Convolution2D', 'DepthwiseConv2D', 'SeparableConv2D', 'SeparableConvolution2D']);

const zeroPadding: OnnxRule = {
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const [t, b, left, right] = zeroPads(r);
    // Begin/end per Keras axis, then in the value's ONNX order.
    const [hAxis, wAxis] = channelsFirst(r.name, r.cfg) ? [2, 3] : [1, 2];
    const begin = [0, 0, 0, 0];
    const end = [0, 0, 0, 0];
    begin[hAxis] = t; end[hAxis] = b; begin[wAxis] = left; end[wAxis] = right;
    const pads = r.g.int64Tensor(`${r.name}/pads`, [...perm.map((a) => begin[a]), ...perm.map((a) => end[a])]);
    // ONNX Runtime (1.30, PadFusion) folds a Pad of 0 into a following MaxPool/AveragePool as the
    // pool's own padding, which MaxPool fills with -inf and AveragePool leaves out of the count:
    // wrong for Keras (ResNetV2's pool1 sees negative values). Padding with -0.0 (equal to 0 in
    // every use, but not zero bytes) keeps the Pad; in front of convolutions the fold is right and kept.
    if (r.consumers.every((c) => PAD_FUSES_CORRECTLY.has(c))) return out(r, r.g.node(r.name, r.name, 'Pad', [x.name, pads]), perm);
    const value = r.g.floatTensor(`${r.name}/value`, [], Float32Array.of(-0));
    return out(r, r.g.node(r.name, r.name, 'Pad', [x.name, pads, value]), perm);
  },
};

/** Keras flattens in its own order (channels last; channels_first configs move channels last first). */
const flatten: OnnxRule = {
  lower: (r) => {
    const rank = rankOf(r);
    const first = r.cfg.data_format === 'channels_first' && rank > 2;
    const want = first ? [0, ...identity(rank).slice(2), 1] : identity(rank);
    const x = r.g.layout(r.inputs[0], want);
    return out(r, r.g.node(r.name, r.name, 'Flatten', [x.name], [attr.int('axis', 1)]), identity(2));
  },
};

const reshape: OnnxRule = {
  lower: (r) => {
    const x = r.g.layout(r.inputs[0], identity(rankOf(r)));
    // 0 keeps the batch; the other dims are the analyser's (it resolved any -1).
    const shape = r.g.int64Tensor(`${r.name}/shape`, [0, ...r.outShape.slice(1).map((d) => d ?? -1)]);
    return out(r, r.g.node(r.name, r.name, 'Reshape', [x.name, shape]), identity(r.outShape.length));
  },
};

/** Inference-time identities (dropout, noise): one Identity node so the layer still maps to a node. */
const passThrough: OnnxRule = {
  lower: (r) => out(r, r.g.node(r.name, r.name, 'Identity', [r.inputs[0].name]), r.inputs[0].perm),
};

// --- merges --------------------------------------------------------------------------------------

/** Brings every input to one layout: the first non-Keras order among them (the convolutions' NCHW), else Keras'. */
function commonLayout(r: LowerInput): Value[] {
  const want = r.inputs.find((v) => !isIdentity(v.perm))?.perm ?? identity(rankOf(r));
  return r.inputs.map((v) => r.g.layout(v, want));
}

/**
 * Element-wise merges: `binary` for two inputs (what ONNX Runtime's fusions look for), `variadic`
 * for more, else a chain of binary nodes "<layer>/1", "<layer>/2", ... ending in the main node.
 */
const merge = (binary: string, variadic?: string): OnnxRule => ({
  unsupported: (r) => (binary === 'Sub' && r.inShapes.length !== 2 ? 'Subtract takes exactly 2 inputs' : undefined),
  lower: (r) => {
    const xs = commonLayout(r);
    const perm = xs[0].perm;
    if (xs.length === 2) return out(r, r.g.node(r.name, r.name, binary, [xs[0].name, xs[1].name]), perm);
    if (variadic) return out(r, r.g.node(r.name, r.name, variadic, xs.map((x) => x.name)), perm);
    let acc = xs[0].name;
    for (let i = 1; i < xs.length - 1; i++) acc = r.g.node(r.name, `${r.name}/${i}`, binary, [acc, xs[i].name]);
    return out(r, r.g.node(r.name, r.name, binary, [acc, xs[xs.length - 1].name]), perm);
  },
});

/** Keras Applications' InceptionResNetV2 CustomScaleLayer: inputs[0] + inputs[1] * scale. */
const customScale: OnnxRule = {
  lower: (r) => {
    const [x, residual] = commonLayout(r);
    const e = emitter(r.g, r.name, r.name);
    const scaled = e.helper('scale', 'Mul', [residual.name, r.g.floatTensor(`${r.name}/scale`, [], Float32Array.of(num(r.cfg.scale) ?? 1))]);
    return out(r, e.main('Add', [x.name, scaled]), x.perm);
  },
};

const concatenate: OnnxRule = {
  lower: (r) => {
    const xs = commonLayout(r);
    const axis = onnxAxis(xs[0], num(r.cfg.axis) ?? -1);
    return out(r, r.g.node(r.name, r.name, 'Concat', xs.map((x) => x.name), [attr.int('axis', axis)]), xs[0].perm);
  },
};


// --- preprocessing, resizing and cropping --------------------------------------------------------

/** x * scale + offset, each one value or one per channel (Keras' last axis). */
const rescaling: OnnxRule = {
  lower: (r) => {
    const x = r.inputs[0];
    const rank = rankOf(r);
    const vec = (field: string, v: number[]): string => (v.length === 1
      ? r.g.floatTensor(`${r.name}/${field}`, [], Float32Array.from(v))
      : constLike(r, field, x, [...new Array<number>(rank - 1).fill(1), v.length], Float32Array.from(v)));
    const scale = numbers(r, 'scale', r.cfg.scale ?? 1);
    const offset = numbers(r, 'offset', r.cfg.offset ?? 0);
    const e = emitter(r.g, r.name, r.name);
    if (offset.every((o) => o === 0)) return out(r, e.main('Mul', [x.name, vec('scale', scale)]), x.perm);
    const scaled = e.helper('scale', 'Mul', [x.name, vec('scale', scale)]);
    return out(r, e.main('Add', [scaled, vec('offset', offset)]), x.perm);
  },
};

/** Normalization's kept axes, ascending (their sizes are the mean's shape). */
function keptAxes(r: RuleInput): number[] {
  const rank = rankOf(r);
  const raw = r.cfg.axis === undefined ? -1 : r.cfg.axis;
  if (raw === null) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((a) => (typeof a === 'number' ? (a < 0 ? rank + a : a) : fail(r.name, 'axis must be integers')))
    .sort((a, b) => a - b);
}
const givenStats = (cfg: Cfg): boolean => cfg.mean !== undefined && cfg.mean !== null;

/** (x - mean) / max(sqrt(variance), 1e-7), or mean + x * that when invert (Keras and tfjs alike). */
const normalization: OnnxRule = {
  weights: (r) => {
    if (givenStats(r.cfg)) return [];
    const shape = keptAxes(r).map((a) => dim(r, r.inShapes[0][a], 'a normalised axis'));
    return [
      { attr: 'mean', shape, init: 'beta' },
      { attr: 'variance', shape, init: 'variance' },
      { attr: 'count', shape: [], init: 'count' },
    ];
  },
  lower: (r) => {
    const x = r.inputs[0];
    const rank = rankOf(r);
    const kept = keptAxes(r);
    const full = identity(rank).map((a) => (kept.includes(a) ? dim(r, r.inShapes[0][a], 'a normalised axis') : 1));
    const size = full.reduce((a, b) => a * b, 1);
    const values = (field: 'mean' | 'variance'): Float32Array => {
      if (!givenStats(r.cfg)) return r.weight(field);
      const v = numbers(r, field, r.cfg[field]);
      return v.length === 1 ? new Float32Array(size).fill(v[0]) : Float32Array.from(v);
    };
    const std = values('variance').map((v) => Math.max(Math.fround(Math.sqrt(v)), 1e-7));
    const mean = constLike(r, 'mean', x, full, values('mean'));
    const scale = constLike(r, 'std', x, full, std);
    const e = emitter(r.g, r.name, r.name);
    if (r.cfg.invert === true) return out(r, e.main('Add', [e.helper('scale', 'Mul', [x.name, scale]), mean]), x.perm);
    return out(r, e.main('Div', [e.helper('center', 'Sub', [x.name, mean]), scale]), x.perm);
  },
};

/** ConvNeXt's LayerScale: x * gamma over Keras' last axis. */
const layerScale: OnnxRule = {
  weights: (r) => [{ attr: 'gamma', shape: [positiveInt(r.name, 'projection_dim', r.cfg.projection_dim)], init: 'gamma' }],
  lower: (r) => {
    const x = r.inputs[0];
    const rank = rankOf(r);
    const c = positiveInt(r.name, 'projection_dim', r.cfg.projection_dim);
    const gamma = constLike(r, 'gamma', x, [...new Array<number>(rank - 1).fill(1), c], r.weight('gamma'));
    return out(r, r.g.node(r.name, r.name, 'Mul', [x.name, gamma]), x.perm);
  },
};

/** Slices Keras' spatial axes [top, top + h) x [left, left + w), in whatever layout x has. */
function cropNode(r: LowerInput, part: string | null, x: Value, top: number, left: number, h: number, w: number): Value {
  const [ha, wa] = spatialAxes(r);
  const t = (n: string, v: number[]): string => r.g.int64Tensor(`${r.name}/${part ?? 'crop'}_${n}`, v);
  const name = part ? `${r.name}/${part}` : r.name;
  const y = r.g.node(r.name, name, 'Slice', [x.name, t('starts', [top, left]), t('ends', [top + h, left + w]),
    t('axes', [x.perm.indexOf(ha), x.perm.indexOf(wa)])]);
  return out(r, y, x.perm);
}

/** Keras' crop_to_aspect_ratio window: the largest centred crop with the target's aspect ratio. */
function cropToAspect(r: LowerInput, x: Value, th: number, tw: number): Value {
  const { h, w } = imageDims(r);
  const ch = Math.max(Math.min(h, Math.trunc((w * th) / tw)), 1);
  const cw = Math.max(Math.min(w, Math.trunc((h * tw) / th)), 1);
  if (ch === h && cw === w) return x;
  return cropNode(r, 'crop', x, Math.trunc((h - ch) / 2), Math.trunc((w - cw) / 2), ch, cw);
}

/**
 * tf.image.resize as Keras and tfjs run it (half-pixel centres, no antialiasing): ONNX Resize on
 * NCHW with output sizes [N, C] (read at run time: the batch is symbolic) + [h, w].
 */
function resizeNode(r: LowerInput, x0: Value, h: number, w: number, interpolation: string): Value {
  const x = r.g.layout(x0, imagePerm(r));
  const nc = r.g.node(r.name, `${r.name}/batch_channels`, 'Shape', [x.name], [attr.int('start', 0), attr.int('end', 2)]);
  const sizes = r.g.node(r.name, `${r.name}/sizes`, 'Concat', [nc, r.g.int64Tensor(`${r.name}/hw`, [h, w])], [attr.int('axis', 0)]);
  const mode = interpolation === 'nearest'
    // TensorFlow's floor((o + 0.5) * in/out) is ONNX's half_pixel (o + 0.5) * in/out - 0.5 rounded half up
    // (the same as tf_half_pixel_for_nn + floor, which ONNX Runtime warns is deprecated).
    ? [attr.str('mode', 'nearest'), attr.str('coordinate_transformation_mode', 'half_pixel'), attr.str('nearest_mode', 'round_prefer_ceil')]
    : [attr.str('mode', 'linear'), attr.str('coordinate_transformation_mode', 'half_pixel')];
  return out(r, r.g.node(r.name, r.name, 'Resize', [x.name, '', '', sizes], mode), x.perm);
}

const interpolationOf = (r: RuleInput, dflt: string): string => (typeof r.cfg.interpolation === 'string' ? r.cfg.interpolation : dflt);
const resizeUnsupported = (dflt: string) => (r: RuleInput): string | undefined => {
  const m = interpolationOf(r, dflt);
  return m === 'bilinear' || m === 'nearest' ? undefined : `${m} interpolation has no ONNX lowering (bilinear and nearest do)`;
};
const target = (r: RuleInput): [number, number] => [positiveInt(r.name, 'height', r.cfg.height), positiveInt(r.name, 'width', r.cfg.width)];

/** Keras 3's pad_to_aspect_ratio: pad (centred, with fill_value) to the target's aspect ratio. */
function padToAspect(r: LowerInput, x0: Value, th: number, tw: number): Value {
  const { h, w } = imageDims(r);
  const ph = Math.max(h, Math.trunc((w * th) / tw));
  const pw = Math.max(w, Math.trunc((h * tw) / th));
  if (ph === h && pw === w) return x0;
  const x = r.g.layout(x0, imagePerm(r));
  const top = Math.trunc((ph - h) / 2);
  const left = Math.trunc((pw - w) / 2);
  const [ha, wa] = spatialAxes(r);
  const begin = [0, 0, 0, 0];
  const end = [0, 0, 0, 0];
  begin[ha] = top; end[ha] = ph - h - top; begin[wa] = left; end[wa] = pw - w - left;
  const pads = r.g.int64Tensor(`${r.name}/pads`, [...x.perm.map((a) => begin[a]), ...x.perm.map((a) => end[a])]);
  const fill = r.g.floatTensor(`${r.name}/fill_value`, [], Float32Array.of(num(r.cfg.fill_value) ?? 0));
  return out(r, r.g.node(r.name, `${r.name}/pad`, 'Pad', [x.name, pads, fill]), x.perm);
}

const resizing: OnnxRule = {
  unsupported: resizeUnsupported('bilinear'),
  lower: (r) => {
    const [h, w] = target(r);
    const x = r.cfg.crop_to_aspect_ratio === true ? cropToAspect(r, r.inputs[0], h, w)
      : r.cfg.pad_to_aspect_ratio === true ? padToAspect(r, r.inputs[0], h, w) : r.inputs[0];
    return resizeNode(r, x, h, w, interpolationOf(r, 'bilinear'));
  },
};

/** The centre when the input is large enough (one Slice), else Resizing with crop_to_aspect_ratio. */
const centerCrop: OnnxRule = {
  lower: (r) => {
    const [th, tw] = target(r);
    const { h, w } = imageDims(r);
    if (h >= th && w >= tw) return cropNode(r, null, r.inputs[0], Math.trunc((h - th) / 2), Math.trunc((w - tw) / 2), th, tw);
    return resizeNode(r, cropToAspect(r, r.inputs[0], th, tw), th, tw, 'bilinear');
  },
};

/** RandomCrop at inference: the centred aspect-ratio window, resized. */
const randomCrop: OnnxRule = {
  lower: (r) => {
    const [th, tw] = target(r);
    return resizeNode(r, cropToAspect(r, r.inputs[0], th, tw), th, tw, 'bilinear');
  },
};

const upSampling2d: OnnxRule = {
  unsupported: resizeUnsupported('nearest'),
  lower: (r) => {
    const { h, w } = imageDims(r);
    const [sh, sw] = intPair(r.name, r.cfg, 'size', 2);
    return resizeNode(r, r.inputs[0], h * sh, w * sw, interpolationOf(r, 'nearest'));
  },
};

const cropping2d: OnnxRule = {
  lower: (r) => {
    const { h, w } = imageDims(r);
    const p = r.cfg.cropping ?? 0;
    const [t, b, left, right] = typeof p === 'number' ? [p, p, p, p]
      : Array.isArray(p) && p.every((q) => typeof q === 'number') ? [p[0], p[0], p[1], p[1]]
        : (p as number[][]).flat();
    return cropNode(r, null, r.inputs[0], t, left, h - t - b, w - left - right);
  },
};

// --- 1-D layers: [batch, steps, channels] run as ONNX [batch, channels, steps] --------------------

function intOne(r: RuleInput, field: string, fallback?: number): number {
  const v = r.cfg[field] ?? fallback;
  return positiveInt(r.name, field, Array.isArray(v) ? v[0] : v);
}

function steps(r: RuleInput): { len: number; c: number } {
  const s = r.inShapes[0];
  const [len, c] = channelsFirst(r.name, r.cfg) ? [s[2], s[1]] : [s[1], s[2]];
  return { len: dim(r, len, 'the sequence length'), c: dim(r, c, 'the channel count') };
}

/** kernel_shape, strides, pads (and dilations) of a 1-D window; "causal" pads (k - 1) * d on the left. */
function window1d(r: RuleInput, kernelField: string, strides: number, withDilation: boolean) {
  const k = intOne(r, kernelField);
  const d = withDilation ? intOne(r, 'dilation_rate', 1) : 1;
  const p = r.cfg.padding ?? 'valid';
  const pads = p === 'causal' ? [(k - 1) * d, 0] : padding(r.name, r.cfg) === 'same' ? samePads(steps(r).len, k, strides, d) : [0, 0];
  const attributes = [attr.ints('kernel_shape', [k]), attr.ints('strides', [strides]), attr.ints('pads', pads)];
  if (withDilation) attributes.push(attr.ints('dilations', [d]));
  return attributes;
}

const conv1d: OnnxRule = {
  weights: (r) => {
    const k = intOne(r, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const cin = steps(r).c / positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    return [
      { attr: 'kernel', shape: [k, cin, f], init: 'kernel', fanIn: k * cin },
      ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [f], init: 'bias' as const }] : []),
    ];
  },
  unsupported: fusedActivationUnsupported,
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const k = intOne(r, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    const cin = steps(r).c / g;
    const inputs = [x.name, r.g.floatTensor(`${r.name}/kernel`, [f, cin, k], kernelToOnnx(r.weight('kernel'), k, cin, f))];
    if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [f], r.weight('bias')));
    const y = r.g.node(r.name, r.name, 'Conv', inputs, [...window1d(r, 'kernel_size', intOne(r, 'strides', 1), true), attr.int('group', g)]);
    return fusedActivation(r, out(r, y, perm));
  },
};

const pool1d = (op: 'MaxPool' | 'AveragePool'): OnnxRule => ({
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const k = intOne(r, 'pool_size');
    const strides = r.cfg.strides === null || r.cfg.strides === undefined ? k : intOne(r, 'strides');
    return out(r, r.g.node(r.name, r.name, op, [x.name], window1d(r, 'pool_size', strides, false)), perm);
  },
});

// --- parametric activations and shuffles ---------------------------------------------------------

/** PReLU: alpha has the input's shape (batch left out) with 1 along shared_axes. */
function preluShape(r: RuleInput): number[] {
  const s = r.inShapes[0];
  const shared = r.cfg.shared_axes === undefined || r.cfg.shared_axes === null ? []
    : Array.isArray(r.cfg.shared_axes) ? r.cfg.shared_axes : [r.cfg.shared_axes];
  return s.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : dim(r, d, `dimension ${i + 1}`)));
}

const prelu: OnnxRule = {
  weights: (r) => [{ attr: 'alpha', shape: preluShape(r), init: 'alpha' }],
  lower: (r) => {
    const x = r.inputs[0];
    const slope = constLike(r, 'alpha', x, [1, ...preluShape(r)], r.weight('alpha'));
    return out(r, r.g.node(r.name, r.name, 'PRelu', [x.name, slope]), x.perm);
  },
};

/** Permute(dims): one Transpose from whatever layout x has straight to the new Keras order. */
const permute: OnnxRule = {
  lower: (r) => {
    const x = r.inputs[0];
    const d = [0, ...(r.cfg.dims as number[])];
    const y = r.g.node(r.name, r.name, 'Transpose', [x.name], [attr.ints('perm', d.map((a) => x.perm.indexOf(a)))]);
    return out(r, y, identity(d.length));
  },
};

/** The table: Keras class name -> ONNX rule. InputLayer becomes the graph input (lower.ts). */
export const ONNX_RULES: Record<string, OnnxRule> = withAliases({
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Conv2DTranspose: conv2dTranspose,
  Dense: dense,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  LRN: lrn,
  Activation: activation,
  ReLU: reluLayer,
  LeakyReLU: leakyRelu,
  ELU: eluLayer,
  Softmax: softmaxLayer,
  MaxPooling2D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  ZeroPadding2D: zeroPadding,
  Flatten: flatten,
  Reshape: reshape,
  Dropout: passThrough,
  SpatialDropout2D: passThrough,
  GaussianNoise: passThrough,
  Add: merge('Add', 'Sum'),
  Subtract: merge('Sub'),
  Multiply: merge('Mul'),
  Average: merge('Mean', 'Mean'),
  Maximum: merge('Max', 'Max'),
  Minimum: merge('Min', 'Min'),
  Concatenate: concatenate,
  Rescaling: rescaling,
  Normalization: normalization,
  LayerScale: layerScale,
  CustomScaleLayer: customScale, // InceptionResNetV2
  StochasticDepth: passThrough,
  Resizing: resizing,
  CenterCrop: centerCrop,
  RandomCrop: randomCrop,
  ...Object.fromEntries(RANDOM_AUGMENTATIONS.map((c) => [c, passThrough])),
  UpSampling2D: upSampling2d,
  Cropping2D: cropping2d,
  Conv1D: conv1d,
  MaxPooling1D: pool1d('MaxPool'),
  AveragePooling1D: pool1d('AveragePool'),
  GlobalAveragePooling1D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling1D: globalPool('GlobalMaxPool'),
  PReLU: prelu,
  Identity: passThrough,
  Permute: permute,
  SpatialDropout1D: passThrough,
  GaussianDropout: passThrough,
  AlphaDropout: passThrough,
});
