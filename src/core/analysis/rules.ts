// One rule per Keras layer class: output shape, parameters, multiply-accumulates, other FLOPs,
// and the sliding window it adds to the receptive field. Conventions are in README.md ("How the numbers are counted"):
// MACs count conv/dense products only; FLOPs = 2 x MACs + the element-wise operations below.
import { Shape } from '../ir/types';
import { lookup } from '../safeLookup';
import {
  Cfg, activationName, channelsFirst, elements, fail, formatShape, intPair, known, padding, positiveInt,
  nonNegativeInt, rank,
} from './config';
import { RANDOM_AUGMENTATIONS } from './trainingOnly';
import { withAliases } from './aliases';

export { RANDOM_AUGMENTATIONS, TRAINING_ONLY } from './trainingOnly';

export type Category =
  | 'input' | 'preprocessing' | 'conv' | 'pool' | 'norm' | 'activation' | 'dense' | 'merge' | 'reshape' | 'regularization';

export interface RuleInput {
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

export interface LayerRule {
  category: Category;
  shape(r: RuleInput): Shape;
  params?(r: RuleInput, out: Shape): Params;
  macs?(r: RuleInput, out: Shape): number;
  /** The MAC count written out as factors, for people: "5x5x3 x 150x100 x 200". */
  formula?(r: RuleInput, out: Shape): string;
  /** Element-wise FLOPs per sample other than the 2 x MACs. */
  ops?(r: RuleInput, out: Shape): number;
  window?(r: RuleInput): Window;
}

/** FLOPs per element of each activation function (documented estimates: exp counts 1, a divide 1). */
export const ACTIVATION_OPS: Record<string, number> = {
  linear: 0, relu: 1, relu6: 2, elu: 3, selu: 4, leaky_relu: 2, sigmoid: 4, hard_sigmoid: 3, tanh: 5,
  softmax: 3, softplus: 3, softsign: 3, swish: 5, silu: 5, gelu: 8, mish: 8, exponential: 1,
  // hard_sigmoid's multiply-add and clip, then the multiply by x.
  hard_swish: 4, hard_silu: 4,
  // softmax's exp, sum and divide, plus a log.
  log_softmax: 4,
};
const activationOps = (name: string): number => lookup(ACTIVATION_OPS, name.toLowerCase()) ?? 1;

const NO_PARAMS: Params = { trainable: 0, nonTrainable: 0 };
const one = (r: RuleInput): Shape => {
  if (r.inputs.length !== 1) fail(r.name, `expects 1 input, got ${r.inputs.length}`);
  return r.inputs[0];
};

// --- spatial helpers (rank-4 images, either data format) -------------------------------------------

interface Image { h: number | null; w: number | null; c: number | null; first: boolean }

function image(r: RuleInput): Image {
  const s = one(r);
  rank(r.name, s, 4);
  const first = channelsFirst(r.name, r.cfg);
  return first ? { h: s[2], w: s[3], c: s[1], first } : { h: s[1], w: s[2], c: s[3], first };
}

const imageShape = (first: boolean, h: number | null, w: number | null, c: number | null): Shape =>
  first ? [null, c, h, w] : [null, h, w, c];

function outHW(out: Shape, first: boolean): [number, number] {
  return first ? [out[2] ?? 0, out[3] ?? 0] : [out[1] ?? 0, out[2] ?? 0];
}

function slide(r: RuleInput, len: number | null, k: number, s: number, d: number, pad: 'valid' | 'same'): number | null {
  if (len === null) return null;
  const ke = (k - 1) * d + 1;
  const o = pad === 'same' ? Math.ceil(len / s) : Math.floor((len - ke) / s) + 1;
  if (o <= 0) fail(r.name, `input size ${len} is smaller than the ${ke}-wide window (padding "${pad}")`);
  return o;
}

/** Output shape of a conv or pool window with the given kernel, strides, dilation and padding fields. */
function windowShape(r: RuleInput, kernelField: string, c: (img: Image) => number | null): Shape {
  const img = image(r);
  const k = intPair(r.name, r.cfg, kernelField);
  const s = intPair(r.name, r.cfg, 'strides', 1);
  const d = intPair(r.name, r.cfg, 'dilation_rate', 1);
  const p = padding(r.name, r.cfg);
  return imageShape(img.first, slide(r, img.h, k[0], s[0], d[0], p), slide(r, img.w, k[1], s[1], d[1], p), c(img));
}

function poolStrides(r: RuleInput): Cfg {
  // Keras: strides=None means strides = pool_size.
  return r.cfg.strides === null || r.cfg.strides === undefined ? { ...r.cfg, strides: r.cfg.pool_size } : r.cfg;
}

function convWindow(r: RuleInput, kernelField = 'kernel_size'): Window {
  const k = intPair(r.name, r.cfg, kernelField);
  const s = intPair(r.name, r.cfg, 'strides', 1);
  const d = intPair(r.name, r.cfg, 'dilation_rate', 1);
  return { kernel: [(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1], stride: s };
}

const bias = (cfg: Cfg): boolean => cfg.use_bias !== false;
const inChannels = (r: RuleInput): number => known(r.name, image(r).c, 'the channel dimension');

/** Bias adds and the fused activation, per output element. */
const convOps = (r: RuleInput, out: Shape): number =>
  elements(r.name, out) * ((bias(r.cfg) ? 1 : 0) + activationOps(activationName(r.cfg)));

// --- the rules -----------------------------------------------------------------------------------

const conv2d: LayerRule = {
  category: 'conv',
  shape: (r) => windowShape(r, 'kernel_size', () => positiveInt(r.name, 'filters', r.cfg.filters)),
  params: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    const cin = inChannels(r);
    if (cin % g !== 0 || f % g !== 0) fail(r.name, `groups=${g} must divide the ${cin} input and ${f} output channels`);
    return { trainable: kh * kw * (cin / g) * f + (bias(r.cfg) ? f : 0), nonTrainable: 0 };
  },
  macs: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    return (kh * kw * inChannels(r)) / g * elements(r.name, out);
  },
  formula: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const [h, w] = outHW(out, image(r).first);
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    return `${kh}x${kw}x${inChannels(r)}${g > 1 ? `/${g}` : ''} x ${h}x${w} x ${r.cfg.filters}`;
  },
  ops: convOps,
  window: (r) => convWindow(r),
};

const depthwiseConv2d: LayerRule = {
  category: 'conv',
  shape: (r) => windowShape(r, 'kernel_size', (img) =>
    img.c === null ? null : img.c * positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1)),
  params: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const m = inChannels(r) * positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1);
    return { trainable: kh * kw * m + (bias(r.cfg) ? m : 0), nonTrainable: 0 };
  },
  // Every output element is one kh x kw window over one input channel.
  macs: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    return kh * kw * elements(r.name, out);
  },
  formula: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const [h, w] = outHW(out, image(r).first);
    const dm = Number(r.cfg.depth_multiplier ?? 1);
    return `${kh}x${kw} x ${h}x${w} x ${inChannels(r)}${dm > 1 ? `x${dm}` : ''}`;
  },
  ops: convOps,
  window: (r) => convWindow(r),
};

const separableConv2d: LayerRule = {
  category: 'conv',
  shape: (r) => windowShape(r, 'kernel_size', () => positiveInt(r.name, 'filters', r.cfg.filters)),
  params: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const m = inChannels(r) * positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1);
    return { trainable: kh * kw * m + m * f + (bias(r.cfg) ? f : 0), nonTrainable: 0 };
  },
  // Depthwise stage (kh x kw per intermediate element) plus pointwise stage (m per output element).
  macs: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const m = inChannels(r) * positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1);
    const positions = elements(r.name, out) / f;
    return positions * m * kh * kw + positions * m * f;
  },
  formula: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const [h, w] = outHW(out, image(r).first);
    const m = inChannels(r) * Number(r.cfg.depth_multiplier ?? 1);
    return `${kh}x${kw} x ${h}x${w} x ${m} + ${h}x${w} x ${m} x ${r.cfg.filters}`;
  },
  ops: convOps,
  window: (r) => convWindow(r),
};

const conv2dTranspose: LayerRule = {
  category: 'conv',
  shape: (r) => {
    const img = image(r);
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const [sh, sw] = intPair(r.name, r.cfg, 'strides', 1);
    const p = padding(r.name, r.cfg);
    const up = (len: number | null, k: number, s: number): number | null =>
      len === null ? null : p === 'same' ? len * s : (len - 1) * s + k;
    return imageShape(img.first, up(img.h, kh, sh), up(img.w, kw, sw), positiveInt(r.name, 'filters', r.cfg.filters));
  },
  params: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    return { trainable: kh * kw * inChannels(r) * f + (bias(r.cfg) ? f : 0), nonTrainable: 0 };
  },
  // Every input element is scattered through a kh x kw x filters kernel.
  macs: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    return elements(r.name, r.inputs[0]) * kh * kw * positiveInt(r.name, 'filters', r.cfg.filters);
  },
  ops: convOps,
  window: (r) => convWindow(r),
};

const dense: LayerRule = {
  category: 'dense',
  shape: (r) => {
    const s = one(r);
    if (s.length < 2) fail(r.name, `expects at least a rank-2 input, got ${formatShape(s)}`);
    return [...s.slice(0, -1), positiveInt(r.name, 'units', r.cfg.units)];
  },
  params: (r) => {
    const s = one(r);
    const cin = known(r.name, s[s.length - 1], 'the last input dimension');
    const u = positiveInt(r.name, 'units', r.cfg.units);
    return { trainable: cin * u + (bias(r.cfg) ? u : 0), nonTrainable: 0 };
  },
  macs: (r) => elements(r.name, one(r)) * positiveInt(r.name, 'units', r.cfg.units),
  formula: (r) => {
    const s = one(r);
    const lead = elements(r.name, s.slice(0, -1));
    return `${lead > 1 ? `${lead} x ` : ''}${s[s.length - 1]} x ${r.cfg.units}`;
  },
  ops: convOps,
  window: () => 'identity',
};

function normAxisChannels(r: RuleInput): number {
  const s = one(r);
  const raw = Array.isArray(r.cfg.axis) ? r.cfg.axis[0] : r.cfg.axis ?? -1;
  if (typeof raw !== 'number' || !Number.isInteger(raw)) fail(r.name, `axis must be an integer, got ${JSON.stringify(raw)}`);
  const axis = raw < 0 ? s.length + raw : raw;
  if (axis <= 0 || axis >= s.length) fail(r.name, `axis ${raw} is out of range for ${formatShape(s)}`);
  return known(r.name, s[axis], 'the normalised axis');
}

const batchNorm: LayerRule = {
  category: 'norm',
  shape: one,
  // Keras: gamma (scale) and beta (center) train; moving mean and variance do not.
  params: (r) => {
    const c = normAxisChannels(r);
    const learned = (r.cfg.scale !== false ? 1 : 0) + (r.cfg.center !== false ? 1 : 0);
    return { trainable: learned * c, nonTrainable: 2 * c };
  },
  ops: (r, out) => 2 * elements(r.name, out), // folded to one scale and one shift per element
  window: () => 'identity',
};

const layerNorm: LayerRule = {
  category: 'norm',
  shape: one,
  params: (r) => {
    const c = normAxisChannels(r);
    const learned = (r.cfg.scale !== false ? 1 : 0) + (r.cfg.center !== false ? 1 : 0);
    return { trainable: learned * c, nonTrainable: 0 };
  },
  ops: (r, out) => 5 * elements(r.name, out), // mean, variance, normalise, scale, shift
  window: () => 'identity',
};

const lrn: LayerRule = {
  category: 'norm',
  shape: (r) => { rank(r.name, one(r), 4); return one(r); },
  // Sum of squares over 2r+1 channels (a multiply and an add each), then bias, pow and divide.
  ops: (r, out) => {
    const radius = nonNegativeInt(r.name, 'depth_radius', r.cfg.depth_radius ?? 5);
    return elements(r.name, out) * (2 * (2 * radius + 1) + 3);
  },
  window: () => 'identity',
};

const activation: LayerRule = {
  category: 'activation',
  shape: one,
  ops: (r, out) => elements(r.name, out) * activationOps(activationName(r.cfg)),
  window: () => 'identity',
};

const fixedActivation = (name: string): LayerRule => ({
  ...activation,
  ops: (r, out) => elements(r.name, out) * activationOps(r.cfg.max_value != null && name === 'relu' ? 'relu6' : name),
});

const pool: LayerRule = {
  category: 'pool',
  shape: (r) => windowShape({ ...r, cfg: poolStrides(r) }, 'pool_size', (img) => img.c),
  // One compare (max) or add (average) per window element, per output element.
  ops: (r, out) => {
    const [ph, pw] = intPair(r.name, r.cfg, 'pool_size');
    return elements(r.name, out) * ph * pw;
  },
  window: (r) => convWindow({ ...r, cfg: poolStrides(r) }, 'pool_size'),
};

const globalPool: LayerRule = {
  category: 'pool',
  shape: (r) => {
    const img = image(r);
    return r.cfg.keepdims === true ? imageShape(img.first, 1, 1, img.c) : [null, img.c];
  },
  ops: (r) => elements(r.name, one(r)),
  window: () => 'global',
};

const zeroPadding: LayerRule = {
  category: 'reshape',
  shape: (r) => {
    const img = image(r);
    const p = r.cfg.padding ?? 1;
    let top: number, bottom: number, left: number, right: number;
    const nn = (v: unknown): number => nonNegativeInt(r.name, 'padding', v);
    if (typeof p === 'number') [top, bottom, left, right] = [nn(p), nn(p), nn(p), nn(p)];
    else if (Array.isArray(p) && p.length === 2 && p.every((q) => typeof q === 'number')) {
      [top, bottom, left, right] = [nn(p[0]), nn(p[0]), nn(p[1]), nn(p[1])];
    } else if (Array.isArray(p) && p.length === 2 && p.every((q) => Array.isArray(q) && q.length === 2)) {
      const [[a, b], [c, d]] = p as unknown[][];
      [top, bottom, left, right] = [nn(a), nn(b), nn(c), nn(d)];
    } else return fail(r.name, `padding must be an int, a pair, or a pair of pairs, got ${JSON.stringify(p)}`);
    const grow = (len: number | null, a: number, b: number): number | null => (len === null ? null : len + a + b);
    return imageShape(img.first, grow(img.h, top, bottom), grow(img.w, left, right), img.c);
  },
  window: () => 'identity',
};

const flatten: LayerRule = {
  category: 'reshape',
  shape: (r) => {
    const s = one(r);
    const rest = s.slice(1);
    return [null, rest.some((d) => d === null) ? null : elements(r.name, rest)];
  },
  window: () => 'global',
};

const reshape: LayerRule = {
  category: 'reshape',
  shape: (r) => {
    const s = one(r);
    const target = r.cfg.target_shape;
    if (!Array.isArray(target) || target.length === 0) fail(r.name, `target_shape must be a list, got ${JSON.stringify(target)}`);
    const total = elements(r.name, s.slice(1));
    const dims = target.map((d) => (d === -1 || d === null ? -1 : positiveInt(r.name, 'target_shape', d)));
    const unknowns = dims.filter((d) => d === -1).length;
    if (unknowns > 1) fail(r.name, 'target_shape may hold at most one -1');
    const knownProduct = dims.reduce((a, d) => (d === -1 ? a : a * d), 1);
    if (unknowns === 1) {
      if (total % knownProduct !== 0) fail(r.name, `cannot reshape ${formatShape(s)} to ${JSON.stringify(target)}`);
      return [null, ...dims.map((d) => (d === -1 ? total / knownProduct : d))];
    }
    if (knownProduct !== total) fail(r.name, `cannot reshape ${formatShape(s)} (${total} elements) to ${JSON.stringify(target)}`);
    return [null, ...dims];
  },
  window: () => 'identity',
};

/** Keras element-wise merges broadcast size-1 dimensions. */
function broadcastShape(r: RuleInput): Shape {
  if (r.inputs.length < 2) fail(r.name, `expects at least 2 inputs, got ${r.inputs.length}`);
  const rk = r.inputs[0].length;
  if (r.inputs.some((s) => s.length !== rk)) fail(r.name, `inputs differ in rank: ${r.inputs.map(formatShape).join(' vs ')}`);
  const out: Shape = [null];
  for (let i = 1; i < rk; i++) {
    let d: number | null = 1;
    for (const s of r.inputs) {
      const v = s[i];
      if (v === null || d === null) { d = v === 1 ? d : null; continue; }
      if (v === 1) continue;
      if (d !== 1 && d !== v) fail(r.name, `cannot merge shapes ${r.inputs.map(formatShape).join(' and ')}`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

const elementwise: LayerRule = {
  category: 'merge',
  shape: broadcastShape,
  ops: (r, out) => (r.inputs.length - 1) * elements(r.name, out),
  window: () => 'identity',
};

/** Keras Applications' InceptionResNetV2 CustomScaleLayer: inputs[0] + inputs[1] * scale, no weights. */
const customScale: LayerRule = {
  ...elementwise,
  shape: (r) => {
    if (r.inputs.length !== 2) fail(r.name, `expects 2 inputs (shortcut, residual), got ${r.inputs.length}`);
    if (typeof r.cfg.scale !== 'number' || !Number.isFinite(r.cfg.scale)) fail(r.name, `scale must be a number, got ${JSON.stringify(r.cfg.scale)}`);
    return broadcastShape(r);
  },
  ops: (r, out) => 2 * elements(r.name, out), // a multiply and an add
};

const concatenate: LayerRule = {
  category: 'merge',
  shape: (r) => {
    if (r.inputs.length < 2) fail(r.name, `expects at least 2 inputs, got ${r.inputs.length}`);
    const rk = r.inputs[0].length;
    if (r.inputs.some((s) => s.length !== rk)) fail(r.name, `inputs differ in rank: ${r.inputs.map(formatShape).join(' vs ')}`);
    const raw = r.cfg.axis ?? -1;
    if (typeof raw !== 'number' || !Number.isInteger(raw)) fail(r.name, `axis must be an integer, got ${JSON.stringify(raw)}`);
    const axis = raw < 0 ? rk + raw : raw;
    if (axis <= 0 || axis >= rk) fail(r.name, `axis ${raw} is out of range for rank ${rk}`);
    const out: Shape = [...r.inputs[0]];
    out[axis] = 0;
    for (const s of r.inputs) {
      for (let i = 1; i < rk; i++) {
        if (i !== axis && s[i] !== r.inputs[0][i]) {
          fail(r.name, `cannot concatenate ${r.inputs.map(formatShape).join(' and ')} on axis ${raw}`);
        }
      }
      out[axis] = out[axis] === null || s[axis] === null ? null : (out[axis] as number) + (s[axis] as number);
    }
    return out;
  },
  window: () => 'identity',
};

const passThrough = (category: Category): LayerRule => ({ category, shape: one, window: () => 'identity' });

// --- preprocessing layers and Keras Applications' own layers ------------------------------------

/** A number or a (nested) list of numbers, flattened; anything else is an error naming the field. */
function numbers(layer: string, field: string, v: unknown): number[] {
  if (typeof v === 'number' && Number.isFinite(v)) return [v];
  if (Array.isArray(v)) return v.flatMap((x) => numbers(layer, field, x));
  return fail(layer, `${field} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
}

/** Rescaling's scale/offset broadcast over the last axis: one value, or one per channel. */
function perChannel(r: RuleInput, field: string, v: unknown, s: Shape): void {
  const n = numbers(r.name, field, v).length;
  const c = s[s.length - 1];
  if (n !== 1 && c !== null && n !== c) {
    fail(r.name, `${field} has ${n} values; it must be one value or one per channel (${c}), Keras cannot broadcast [${n}] to ${formatShape(s)}`);
  }
}

const rescaling: LayerRule = {
  category: 'preprocessing',
  shape: (r) => {
    const s = one(r);
    perChannel(r, 'scale', r.cfg.scale ?? 1, s);
    perChannel(r, 'offset', r.cfg.offset ?? 0, s);
    return s;
  },
  ops: (r, out) => 2 * elements(r.name, out), // x * scale + offset
  window: () => 'identity',
};

/** Normalization's kept axes (mean and variance have their sizes), as positive indices. */
function keptAxes(r: RuleInput, s: Shape): number[] {
  const raw = r.cfg.axis === undefined ? -1 : r.cfg.axis;
  if (raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a)) fail(r.name, `axis must be an integer or a list of integers, got ${JSON.stringify(raw)}`);
    const axis = a < 0 ? s.length + a : a;
    if (axis <= 0 || axis >= s.length) fail(r.name, `axis ${a} is out of range for ${formatShape(s)}`);
    return axis;
  });
}

/** Elements of Normalization's mean (and of its variance and count-free shape): the kept dims' product. */
function normalizationSize(r: RuleInput): number {
  const s = one(r);
  return keptAxes(r, s).reduce((n, a) => n * known(r.name, s[a], `dimension ${a} (a normalised axis)`), 1);
}

const normalization: LayerRule = {
  category: 'preprocessing',
  shape: (r) => {
    const s = one(r);
    const size = normalizationSize(r);
    const hasMean = r.cfg.mean !== undefined && r.cfg.mean !== null;
    const hasVar = r.cfg.variance !== undefined && r.cfg.variance !== null;
    // Keras' own words for a half-given pair.
    if (hasMean !== hasVar) fail(r.name, 'when setting values directly, both `mean` and `variance` must be set');
    if (hasMean) {
      for (const field of ['mean', 'variance']) {
        const n = numbers(r.name, field, r.cfg[field]).length;
        if (n !== 1 && n !== size) {
          fail(r.name, `${field} has ${n} values; axis ${JSON.stringify(r.cfg.axis ?? -1)} of ${formatShape(s)} needs 1 or ${size}`);
        }
      }
    }
    return s;
  },
  // Keras: without a given mean and variance the layer keeps adapted mean, variance (one value
  // per kept position each) and a scalar count as non-trainable weights; given ones are constants.
  params: (r) => {
    const given = r.cfg.mean !== undefined && r.cfg.mean !== null;
    return given ? NO_PARAMS : { trainable: 0, nonTrainable: 2 * normalizationSize(r) + 1 };
  },
  ops: (r, out) => 2 * elements(r.name, out), // (x - mean) * 1/sqrt(variance), the reciprocal folded
  window: () => 'identity',
};

/** ConvNeXt's LayerScale: x times a trainable gamma of projection_dim values (the last axis). */
const layerScale: LayerRule = {
  category: 'norm',
  shape: (r) => {
    const s = one(r);
    const dim = positiveInt(r.name, 'projection_dim', r.cfg.projection_dim);
    const c = s[s.length - 1];
    if (c !== null && c !== dim) fail(r.name, `projection_dim ${dim} does not match the last input dimension of ${formatShape(s)}`);
    return s;
  },
  params: (r) => ({ trainable: positiveInt(r.name, 'projection_dim', r.cfg.projection_dim), nonTrainable: 0 }),
  ops: (r, out) => elements(r.name, out),
  window: () => 'identity',
};


const inputLayer: LayerRule = {
  category: 'input',
  shape: (r) => {
    const s = (r.cfg.batch_input_shape ?? r.cfg.batch_shape ??
      (Array.isArray(r.cfg.input_shape) ? [null, ...r.cfg.input_shape] : undefined)) as unknown;
    if (!Array.isArray(s) || s.length < 2) fail(r.name, `needs batch_input_shape like [null, 224, 224, 3], got ${JSON.stringify(s)}`);
    return [null, ...s.slice(1).map((d) => (d === null ? null : positiveInt(r.name, 'input shape', d)))];
  },
  window: () => 'identity',
};

// --- wave 2: resizing and cropping, 1-D layers, parametric activations, shape shuffles -----------

/** Interpolation taps per output element along one axis, and FLOPs per output element (2 x taps^2 - 1: a weighted sum). */
const INTERPOLATION_TAPS: Record<string, number> = {
  nearest: 1, bilinear: 2, bicubic: 4, mitchellcubic: 4, lanczos3: 6, lanczos5: 10, gaussian: 3, area: 2,
};
function interpolation(r: RuleInput, fallback: string): number {
  const m = r.cfg.interpolation ?? fallback;
  const taps = typeof m === 'string' && Object.prototype.hasOwnProperty.call(INTERPOLATION_TAPS, m) ? INTERPOLATION_TAPS[m] : undefined;
  if (taps === undefined) fail(r.name, `interpolation must be one of ${Object.keys(INTERPOLATION_TAPS).join(', ')}, got ${JSON.stringify(m)}`);
  return taps;
}
const resampleOps = (taps: number): number => (taps === 1 ? 0 : 2 * taps * taps - 1);

/** Target height and width of Resizing, CenterCrop, RandomCrop. */
function targetSize(r: RuleInput): [number, number] {
  return [positiveInt(r.name, 'height', r.cfg.height), positiveInt(r.name, 'width', r.cfg.width)];
}

/** A resampling window: taps input pixels wide, stepping in/out input pixels per output pixel. */
function resampleWindow(r: RuleInput, taps: number, outH: number, outW: number): Window {
  const img = image(r);
  if (img.h === null || img.w === null) return 'identity';
  return { kernel: [taps, taps], stride: [img.h / outH, img.w / outW] };
}

const resizing: LayerRule = {
  category: 'preprocessing',
  shape: (r) => {
    const img = image(r);
    const [h, w] = targetSize(r);
    interpolation(r, 'bilinear');
    return imageShape(img.first, h, w, img.c);
  },
  ops: (r, out) => elements(r.name, out) * resampleOps(interpolation(r, 'bilinear')),
  window: (r) => { const [h, w] = targetSize(r); return resampleWindow(r, interpolation(r, 'bilinear'), h, w); },
};

/**
 * CenterCrop (and RandomCrop at inference): Keras crops the centre when the input is at least the
 * target size, and otherwise resizes (bilinear) the largest centred window of the target's aspect ratio.
 */
const cropsOnly = (r: RuleInput): boolean => {
  const img = image(r);
  const [h, w] = targetSize(r);
  return img.h !== null && img.w !== null && img.h >= h && img.w >= w;
};
const centerCrop: LayerRule = {
  category: 'preprocessing',
  shape: (r) => { const img = image(r); const [h, w] = targetSize(r); return imageShape(img.first, h, w, img.c); },
  ops: (r, out) => (cropsOnly(r) ? 0 : elements(r.name, out) * resampleOps(2)),
  window: (r) => { const [h, w] = targetSize(r); return cropsOnly(r) ? 'identity' : resampleWindow(r, 2, h, w); },
};
/** RandomCrop at inference: the largest centred window of the target's aspect ratio, resized (bilinear). */
const randomCrop: LayerRule = {
  ...centerCrop,
  ops: (r, out) => elements(r.name, out) * resampleOps(2),
  window: (r) => { const [h, w] = targetSize(r); return resampleWindow(r, 2, h, w); },
};

const upSampling2d: LayerRule = {
  category: 'reshape',
  shape: (r) => {
    const img = image(r);
    const [sh, sw] = intPair(r.name, r.cfg, 'size', 2);
    interpolation(r, 'nearest');
    return imageShape(img.first, img.h === null ? null : img.h * sh, img.w === null ? null : img.w * sw, img.c);
  },
  ops: (r, out) => elements(r.name, out) * resampleOps(interpolation(r, 'nearest')),
  window: (r) => {
    const [sh, sw] = intPair(r.name, r.cfg, 'size', 2);
    const taps = interpolation(r, 'nearest');
    return { kernel: [taps, taps], stride: [1 / sh, 1 / sw] };
  },
};

/** Cropping2D's ((top, bottom), (left, right)), each non-negative. */
function cropping(r: RuleInput): [number, number, number, number] {
  const p = r.cfg.cropping ?? 0;
  const nn = (v: unknown): number => {
    if (typeof v === 'number' && Number.isInteger(v) && v < 0) fail(r.name, `cropping must be non-negative, got ${JSON.stringify(p)}`);
    return nonNegativeInt(r.name, 'cropping', v);
  };
  if (typeof p === 'number') return [nn(p), nn(p), nn(p), nn(p)];
  if (Array.isArray(p) && p.length === 2 && p.every((q) => typeof q === 'number')) return [nn(p[0]), nn(p[0]), nn(p[1]), nn(p[1])];
  if (Array.isArray(p) && p.length === 2 && p.every((q) => Array.isArray(q) && q.length === 2)) {
    const [[a, b], [c, d]] = p as unknown[][];
    return [nn(a), nn(b), nn(c), nn(d)];
  }
  return fail(r.name, `cropping must be an int, a pair, or a pair of pairs, got ${JSON.stringify(p)}`);
}
const cropping2d: LayerRule = {
  category: 'reshape',
  shape: (r) => {
    const img = image(r);
    const [top, bottom, left, right] = cropping(r);
    const shrink = (len: number | null, a: number, b: number, axis: string): number | null => {
      if (len === null) return null;
      // Keras: "Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input."
      if (a + b >= len) fail(r.name, `cropping ${a}+${b} leaves nothing of the input's ${len}-pixel ${axis}`);
      return len - a - b;
    };
    return imageShape(img.first, shrink(img.h, top, bottom, 'height'), shrink(img.w, left, right, 'width'), img.c);
  },
  window: () => 'identity',
};

// 1-D layers: [batch, steps, channels] (or [batch, channels, steps]); their window runs along the first axis.

interface Sequence { len: number | null; c: number | null; first: boolean }
function sequence(r: RuleInput): Sequence {
  const s = one(r);
  rank(r.name, s, 3);
  const first = channelsFirst(r.name, r.cfg);
  return first ? { len: s[2], c: s[1], first } : { len: s[1], c: s[2], first };
}
const sequenceShape = (first: boolean, len: number | null, c: number | null): Shape => (first ? [null, c, len] : [null, len, c]);

/** kernel_size, strides, pool_size, dilation_rate of a 1-D layer: an int or a one-element list. */
function intOne(r: RuleInput, field: string, fallback?: number): number {
  const v = r.cfg[field] ?? fallback;
  if (Array.isArray(v)) {
    if (v.length !== 1) fail(r.name, `${field} must have 1 value, got ${JSON.stringify(v)}`);
    return positiveInt(r.name, field, v[0]);
  }
  return positiveInt(r.name, field, v);
}

function slide1d(r: RuleInput, kernelField: string, strideFallback?: number): number | null {
  const { len } = sequence(r);
  const k = intOne(r, kernelField);
  const st = intOne(r, 'strides', strideFallback ?? 1);
  const d = intOne(r, 'dilation_rate', 1);
  const p = r.cfg.padding === 'causal' ? 'causal' : padding(r.name, r.cfg);
  if (p === 'causal') return len === null ? null : slide(r, len + (k - 1) * d, k, st, d, 'valid');
  return slide(r, len, k, st, d, p);
}

const conv1d: LayerRule = {
  category: 'conv',
  shape: (r) => sequenceShape(sequence(r).first, slide1d(r, 'kernel_size'), positiveInt(r.name, 'filters', r.cfg.filters)),
  params: (r) => {
    const k = intOne(r, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    const cin = known(r.name, sequence(r).c, 'the channel dimension');
    if (cin % g !== 0 || f % g !== 0) fail(r.name, `groups=${g} must divide the ${cin} input and ${f} output channels`);
    return { trainable: k * (cin / g) * f + (bias(r.cfg) ? f : 0), nonTrainable: 0 };
  },
  macs: (r, out) => {
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    return (intOne(r, 'kernel_size') * known(r.name, sequence(r).c, 'the channel dimension')) / g * elements(r.name, out);
  },
  formula: (r, out) => {
    const first = sequence(r).first;
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    return `${intOne(r, 'kernel_size')}x${sequence(r).c}${g > 1 ? `/${g}` : ''} x ${first ? out[2] : out[1]} x ${r.cfg.filters}`;
  },
  ops: convOps,
  window: (r) => {
    const d = intOne(r, 'dilation_rate', 1);
    return { kernel: [(intOne(r, 'kernel_size') - 1) * d + 1, 1], stride: [intOne(r, 'strides', 1), 1] };
  },
};

const pool1d: LayerRule = {
  category: 'pool',
  shape: (r) => {
    const q = sequence(r);
    const strides = r.cfg.strides === null || r.cfg.strides === undefined ? intOne(r, 'pool_size') : undefined;
    return sequenceShape(q.first, slide1d(r, 'pool_size', strides), q.c);
  },
  ops: (r, out) => elements(r.name, out) * intOne(r, 'pool_size'),
  window: (r) => {
    const k = intOne(r, 'pool_size');
    const st = r.cfg.strides === null || r.cfg.strides === undefined ? k : intOne(r, 'strides');
    return { kernel: [k, 1], stride: [st, 1] };
  },
};

const globalPool1d: LayerRule = {
  category: 'pool',
  shape: (r) => {
    const q = sequence(r);
    return r.cfg.keepdims === true ? sequenceShape(q.first, 1, q.c) : [null, q.c];
  },
  ops: (r) => elements(r.name, one(r)),
  // The whole sequence: a window as long as the input.
  window: (r) => { const len = sequence(r).len; return len === null ? 'identity' : { kernel: [len, 1], stride: [1, 1] }; },
};

/** ReLU's max_value, negative_slope and threshold, refused when negative as Keras does. */
function reluOptions(r: RuleInput): { maxValue: number | null; slope: number; threshold: number } {
  const read = (field: string, dflt: number | null): number | null => {
    const v = r.cfg[field];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(r.name, `${field} must be a number, got ${JSON.stringify(v)}`);
    // Keras: "max_value of a ReLU layer cannot be a negative value."
    if (v < 0) fail(r.name, `${field} of a ReLU layer cannot be a negative value, got ${v}`);
    return v;
  };
  return { maxValue: read('max_value', null), slope: read('negative_slope', 0) as number, threshold: read('threshold', 0) as number };
}
const relu: LayerRule = {
  ...activation,
  shape: (r) => { reluOptions(r); return one(r); },
  // max(x, 0), plus a min for max_value, a multiply for negative_slope, a compare for threshold.
  ops: (r, out) => {
    const o = reluOptions(r);
    return elements(r.name, out) * (1 + (o.maxValue !== null ? 1 : 0) + (o.slope !== 0 ? 1 : 0) + (o.threshold !== 0 ? 1 : 0));
  },
};

/** PReLU: a trainable alpha per input element, shared (size 1) along shared_axes. */
const prelu: LayerRule = {
  category: 'activation',
  shape: one,
  params: (r) => {
    const s = one(r);
    const shared = r.cfg.shared_axes === undefined || r.cfg.shared_axes === null ? []
      : Array.isArray(r.cfg.shared_axes) ? r.cfg.shared_axes : [r.cfg.shared_axes];
    let n = 1;
    for (let i = 1; i < s.length; i++) {
      if (shared.includes(i)) continue;
      n *= known(r.name, s[i], `dimension ${i} (not in shared_axes)`);
    }
    for (const a of shared) {
      if (typeof a !== 'number' || !Number.isInteger(a) || a < 1 || a >= s.length) fail(r.name, `shared_axes ${JSON.stringify(r.cfg.shared_axes)} is out of range for ${formatShape(s)}`);
    }
    return { trainable: n, nonTrainable: 0 };
  },
  ops: (r, out) => elements(r.name, out) * ACTIVATION_OPS.leaky_relu, // a multiply and a select, as leaky_relu
  window: () => 'identity',
};

const permute: LayerRule = {
  category: 'reshape',
  shape: (r) => {
    const s = one(r);
    const dims = r.cfg.dims;
    const n = s.length - 1;
    const ok = Array.isArray(dims) && dims.length === n && [...dims].sort((a, b) => Number(a) - Number(b)).every((d, i) => d === i + 1);
    if (!ok) fail(r.name, `dims must be a permutation of 1..${n} for ${formatShape(s)}, got ${JSON.stringify(dims)}`);
    return [null, ...(dims as number[]).map((d) => s[d])];
  },
  window: () => 'identity',
};

/** The table: Keras class name -> rule. A class not here is reported as unsupported, never counted as zero. */
export const RULES: Record<string, LayerRule> = withAliases({
  InputLayer: inputLayer,
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Conv2DTranspose: conv2dTranspose,
  Dense: dense,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  LRN: lrn,
  Activation: activation,
  ReLU: relu,
  LeakyReLU: fixedActivation('leaky_relu'),
  ELU: fixedActivation('elu'),
  Softmax: fixedActivation('softmax'),
  MaxPooling2D: pool,
  AveragePooling2D: pool,
  GlobalAveragePooling2D: globalPool,
  GlobalMaxPooling2D: globalPool,
  ZeroPadding2D: zeroPadding,
  Flatten: flatten,
  Reshape: reshape,
  Dropout: passThrough('regularization'),
  SpatialDropout2D: passThrough('regularization'),
  GaussianNoise: passThrough('regularization'),
  Add: elementwise,
  Subtract: elementwise,
  Multiply: elementwise,
  Average: elementwise,
  Maximum: elementwise,
  Minimum: elementwise,
  Concatenate: concatenate,
  // Preprocessing and Keras Applications' custom layers (ConvNeXt).
  Rescaling: rescaling,
  Normalization: normalization,
  LayerScale: layerScale,
  StochasticDepth: passThrough('regularization'),
  CustomScaleLayer: customScale, // InceptionResNetV2
  Resizing: resizing,
  CenterCrop: centerCrop,
  RandomCrop: randomCrop,
  ...Object.fromEntries(RANDOM_AUGMENTATIONS.map((c) => [c, passThrough('preprocessing')])),
  UpSampling2D: upSampling2d,
  Cropping2D: cropping2d,
  Conv1D: conv1d,
  MaxPooling1D: pool1d,
  AveragePooling1D: pool1d,
  GlobalAveragePooling1D: globalPool1d,
  GlobalMaxPooling1D: globalPool1d,
  PReLU: prelu,
  Identity: passThrough('reshape'),
  Permute: permute,
  SpatialDropout1D: passThrough('regularization'),
  GaussianDropout: passThrough('regularization'),
  AlphaDropout: passThrough('regularization'),
});
