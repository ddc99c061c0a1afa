// One ONNX rule per Keras layer class: which tfjs weights the layer owns (names, shapes, how to
// draw random ones) and which ONNX nodes compute it. Semantics follow tfjs-layers, the engine the
// lowered model is checked against. A class not in the table is listed by onnxUnsupported.
import { Shape, NetLensError } from '../ir/types';
import { Cfg, activationName, channelsFirst, intPair, padding, positiveInt } from '../analysis/config';
import { activationRule, emitter } from './activations';
import { attr, channelsSecond, identity, isIdentity, NCHW, OnnxGraph, Perm, Value } from './graph';
import { depthwiseToOnnx, kernelToOnnx, samePads } from './layout';

/** How randomWeights draws a weight (see weights.ts). */
export type Init = 'kernel' | 'bias' | 'gamma' | 'beta' | 'mean' | 'variance' | 'alpha';

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

/** The image layout a spatial layer runs in: ONNX NCHW over the Keras tensor. */
const imagePerm = (r: RuleInput): Perm => (channelsFirst(r.name, r.cfg) ? identity(4) : NCHW);

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

const conv2d: OnnxRule = {
  weights: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    const cin = imageDims(r).c / g;
    return [
      { attr: 'kernel', shape: [kh, kw, cin, f], init: 'kernel', fanIn: kh * kw * cin },
      ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [f], init: 'bias' as const }] : []),
    ];
  },
  unsupported: fusedActivationUnsupported,
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    const cin = imageDims(r).c / g;
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

const depthMultiplier = (r: RuleInput): number => positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1);

const depthwiseConv2d: OnnxRule = {
  weights: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const c = imageDims(r).c;
    const m = depthMultiplier(r);
    return [
      { attr: 'depthwise_kernel', shape: [kh, kw, c, m], init: 'kernel', fanIn: kh * kw, gain: 1 },
      ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [c * m], init: 'bias' as const }] : []),
    ];
  },
  unsupported: fusedActivationUnsupported,
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const c = imageDims(r).c;
    const m = depthMultiplier(r);
    const inputs = [x.name, depthwiseWeight(r, `${r.name}/depthwise_kernel`, r.weight('depthwise_kernel'), [kh, kw, c, m])];
    if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [c * m], r.weight('bias')));
    const y = r.g.node(r.name, r.name, 'Conv', inputs, [...windowAttrs(r, 'kernel_size'), attr.int('group', c)]);
    return fusedActivation(r, out(r, y, perm));
  },
};

/** Depthwise (helper node "<layer>/depthwise": strides, dilation, padding) then pointwise 1x1 (the main node). */
const separableConv2d: OnnxRule = {
  weights: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const c = imageDims(r).c;
    const m = depthMultiplier(r);
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
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const c = imageDims(r).c;
    const m = depthMultiplier(r);
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
      ...(r.cfg.scale !== false ? [{ attr: 'gamma', shape: [c], init: 'gamma' as const }] : []),
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

/** ReLU(max_value, negative_slope, threshold) as tfjs computes it (tfjs itself reads max_value only). */
const reluLayer: OnnxRule = {
  unsupported: (r) => ((num(r.cfg.threshold) ?? 0) !== 0 ? 'ReLU with a threshold has no ONNX lowering yet' : undefined),
  lower: (r) => {
    const x = r.inputs[0];
    const max = num(r.cfg.max_value);
    const slope = num(r.cfg.negative_slope) ?? 0;
    if (slope === 0 && max === undefined) return asLayer(r, 'relu');
    const e = emitter(r.g, r.name, r.name);
    if (slope === 0) return out(r, e.main('Clip', [x.name, r.g.scalar(0), r.g.scalar(max!)]), x.perm);
    if (max === undefined) return out(r, e.main('LeakyRelu', [x.name], [attr.float('alpha', slope)]), x.perm);
    const leaky = e.helper('leaky', 'LeakyRelu', [x.name], [attr.float('alpha', slope)]);
    return out(r, e.main('Min', [leaky, r.g.scalar(max)]), x.perm);
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
    return out(r, r.g.node(r.name, r.name, 'Pad', [x.name, pads]), perm);
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

const concatenate: OnnxRule = {
  lower: (r) => {
    const xs = commonLayout(r);
    const axis = onnxAxis(xs[0], num(r.cfg.axis) ?? -1);
    return out(r, r.g.node(r.name, r.name, 'Concat', xs.map((x) => x.name), [attr.int('axis', axis)]), xs[0].perm);
  },
};

/** The table: Keras class name -> ONNX rule. InputLayer becomes the graph input (lower.ts). */
export const ONNX_RULES: Record<string, OnnxRule> = {
  Conv2D: conv2d,
  Convolution2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  SeparableConvolution2D: separableConv2d,
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
  MaxPool2D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  AvgPool2D: pool('AveragePool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  GlobalAvgPool2D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  GlobalMaxPool2D: globalPool('GlobalMaxPool'),
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
};
