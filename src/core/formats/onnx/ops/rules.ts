// One rule per ONNX op (default domain, opsets 7-21): output tensors (shape, dtype, and the values
// of small integer tensors so shape chains fold), multiply-accumulates and other FLOPs, and the
// window each op adds to the receptive field. Conventions follow DESIGN.md: MACs count Conv,
// ConvTranspose, Gemm and MatMul (and their quantized forms); FLOPs = 2 x MACs + element-wise work.
import type { Shape } from '../../../ir/types';
import { elements, formatShape } from '../../../analysis/config';
import type { TensorInfo } from '../../../analysis/opRule';
import type { Category, Window } from '../../../layers/kind';
import {
  OnnxNode, attrFloat, attrInt, attrInts, attrString, axis, fail, input, inputValues, knownInts, present, rankAtLeast,
} from './attrs';
import {
  broadcast, flat, foldElementwise, gatherValues, identityWindow, isInt, MAX_FOLD, numel, OnnxRule, small,
} from './rule';

import { FOLD_RULES } from './foldRules';
import { DATA_RULES } from './dataRules';

export { MAX_FOLD } from './rule';
export type { OnnxRule } from './rule';

const dtypeOf = (n: OnnxNode, i = 0): string => n.inputs[i]?.dtype ?? 'float32';
const same = (n: OnnxNode): TensorInfo[] => {
  const x = input(n, 0, 'its data input');
  return [{ shape: x.shape, dtype: x.dtype }];
};

// --- element-wise ----------------------------------------------------------------------------------

/** FLOPs per element of each element-wise op (documented estimates: exp and erf count as in ACTIVATION_OPS). */
export const ELEMENTWISE_OPS: Record<string, number> = {
  Relu: 1, LeakyRelu: 2, PRelu: 2, Elu: 3, Selu: 4, Celu: 3, Sigmoid: 4, HardSigmoid: 3, HardSwish: 4, Tanh: 5,
  Softplus: 3, Softsign: 3, Gelu: 8, Mish: 8, Erf: 8, Sqrt: 1, Exp: 1, Log: 1, Neg: 1, Abs: 1, Reciprocal: 1,
  Floor: 1, Ceil: 1, Round: 1, Sign: 1, Sin: 1, Cos: 1, Clip: 2, Softmax: 3, LogSoftmax: 4,
};

function unary(op: string): OnnxRule {
  return {
    category: 'activation',
    settings: op === 'Clip' ? [1, 2] : undefined,
    infer: same,
    ops: (n, out) => numel(n, out[0].shape) * ELEMENTWISE_OPS[op],
    window: identityWindow,
  };
}

/** Passes its input through, values included (folding survives Identity and Cast). */
const passValue = (category: Category, dtype?: (n: OnnxNode) => string): OnnxRule => ({
  category,
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const out: TensorInfo[] = [{ shape: x.shape, dtype: dtype ? dtype(n) : x.dtype, ...(x.value ? { value: x.value } : {}) }];
    if (n.op === 'Dropout') out.push({ shape: x.shape, dtype: 'bool' });
    return out;
  },
  window: identityWindow,
});

/** ONNX TensorProto.DataType numbers to dtype names. */
export const ONNX_DTYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16', 17: 'float8', 18: 'float8', 19: 'float8', 20: 'float8',
};


/** Element-wise arithmetic that folds over shape data; Div truncates on integers (ONNX), divides on floats. */
const ARITH: Record<string, (int: boolean) => (a: number, b: number) => number> = {
  Add: () => (a, b) => a + b,
  Sub: () => (a, b) => a - b,
  Mul: () => (a, b) => a * b,
  Div: (int) => (int ? (a, b) => (b === 0 ? NaN : Math.trunc(a / b)) : (a, b) => a / b),
  Pow: () => (a, b) => a ** b,
  Max: () => Math.max,
  Min: () => Math.min,
  Equal: () => (a, b) => Number(a === b),
};

function binary(op: string, category: Category = 'merge'): OnnxRule {
  return {
    category,
    infer: (n) => {
      const ins = n.inputs.filter((t): t is TensorInfo => t !== undefined);
      if (ins.length < 2 && op !== 'Sum' && op !== 'Max' && op !== 'Min' && op !== 'Mean') fail(n, `expects 2 inputs, got ${ins.length}`);
      if (ins.length === 0) fail(n, 'has no inputs');
      const shape = broadcast(n, ins.map((t) => t.shape));
      const dtype = op === 'Equal' ? 'bool' : ins[0].dtype;
      // Shape arithmetic on small tensors of known values folds.
      const f = Object.hasOwn(ARITH, op) ? ARITH[op](isInt(ins[0].dtype)) : undefined;
      const value = f && ins.length === 2 ? foldElementwise(ins, shape, f) : undefined;
      return [{ shape, dtype, ...(value ? { value } : {}) }];
    },
    ops: (n, out) => Math.max(1, n.inputs.filter(Boolean).length - 1) * numel(n, out[0].shape),
    window: identityWindow,
  };
}

// --- windows: Conv, ConvTranspose, pooling ---------------------------------------------------------

interface Spatial { kernel: number[]; strides: number[]; dilations: number[]; pads: number[] }

/** kernel, strides, dilations and explicit pads (begin..., end...) of a windowed op over `dims` spatial axes. */
function spatial(n: OnnxNode, dims: number, kernel: number[]): Spatial {
  const strides = attrInts(n, 'strides') ?? kernel.map(() => 1);
  const dilations = attrInts(n, 'dilations') ?? kernel.map(() => 1);
  const pads = attrInts(n, 'pads') ?? [...kernel.map(() => 0), ...kernel.map(() => 0)];
  if (kernel.length !== dims || strides.length !== dims || dilations.length !== dims || pads.length !== 2 * dims) {
    fail(n, `kernel_shape/strides/dilations/pads do not match ${dims} spatial axes`);
  }
  for (const v of [...kernel, ...strides, ...dilations]) if (v <= 0) fail(n, 'kernel_shape, strides and dilations must be positive');
  for (const v of pads) if (v < 0) fail(n, 'pads must be non-negative');
  return { kernel, strides, dilations, pads };
}

/** Output length of one spatial axis (Conv and pooling), per ONNX auto_pad and ceil_mode. */
function slide(n: OnnxNode, len: number | null, s: Spatial, i: number, ceil = false): number | null {
  if (len === null) return null;
  const autoPad = attrString(n, 'auto_pad', 'NOTSET');
  const k = (s.kernel[i] - 1) * s.dilations[i] + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(len / s.strides[i]);
  const pad = autoPad === 'VALID' ? 0 : s.pads[i] + s.pads[i + s.kernel.length];
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') fail(n, `auto_pad ${JSON.stringify(autoPad)} is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const span = len + pad - k;
  if (span < 0) fail(n, `input size ${len} (padded ${len + pad}) is smaller than the ${k}-wide window`);
  let out = (ceil ? Math.ceil(span / s.strides[i]) : Math.floor(span / s.strides[i])) + 1;
  // ceil_mode: the last window must start inside the input or its left padding.
  if (ceil && (out - 1) * s.strides[i] >= len + (autoPad === 'VALID' ? 0 : s.pads[i])) out--;
  return out;
}

function windowOf(s: Spatial): Window {
  if (s.kernel.length !== 2) return 'identity';
  return {
    kernel: [(s.kernel[0] - 1) * s.dilations[0] + 1, (s.kernel[1] - 1) * s.dilations[1] + 1],
    stride: [s.strides[0], s.strides[1]],
  };
}

/** Conv: X [N, C, spatial...], W [M, C/group, k...], optional B [M]. Weight at `w`, bias at `b` (QLinearConv moves them). */
function convRule(w: number, b: number, settings?: number[]): OnnxRule {
  const parts = (n: OnnxNode) => {
    const x = input(n, 0, 'its data input');
    const wt = input(n, w, 'its weight');
    rankAtLeast(n, x.shape, 3);
    if (wt.shape.length !== x.shape.length) fail(n, `weight ${formatShape(wt.shape)} does not match input ${formatShape(x.shape)}`);
    const kernel = (attrInts(n, 'kernel_shape') ?? wt.shape.slice(2)) as number[];
    if (kernel.some((k) => k === null)) fail(n, 'needs a known kernel shape');
    const s = spatial(n, x.shape.length - 2, kernel);
    const group = attrInt(n, 'group', 1);
    const m = wt.shape[0];
    const cin = x.shape[1];
    if (m === null || group <= 0 || m % group !== 0) fail(n, `group=${group} must divide the ${m} output channels`);
    if (cin !== null && (cin % group !== 0 || wt.shape[1] !== cin / group)) {
      fail(n, `weight ${formatShape(wt.shape)} does not fit ${cin} input channels in ${group} groups`);
    }
    return { x, wt, s, group, m, cpg: wt.shape[1] as number };
  };
  return {
    category: 'conv',
    settings,
    infer: (n) => {
      const { x, s, m } = parts(n);
      const dtype = n.op === 'QLinearConv' ? dtypeOf(n, 7) : n.op === 'ConvInteger' ? 'int32' : x.dtype;
      return [{ shape: [x.shape[0], m, ...x.shape.slice(2).map((len, i) => slide(n, len, s, i))], dtype }];
    },
    // Each output element is one window of C/group input channels.
    macs: (n, out) => {
      const { s, cpg } = parts(n);
      return numel(n, out[0].shape) * cpg * s.kernel.reduce((a, k) => a * k, 1);
    },
    formula: (n, out) => {
      const { s, cpg, group, m } = parts(n);
      const cin = cpg * group;
      return `${s.kernel.join('x')}x${cin}${group > 1 ? `/${group}` : ''} x ${out[0].shape.slice(2).join('x')} x ${m}`;
    },
    ops: (n, out) => (present(n, b) ? numel(n, out[0].shape) : 0),
    window: (n) => windowOf(parts(n).s),
  };
}

const convTranspose: OnnxRule = {
  category: 'conv',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const wt = input(n, 1, 'its weight');
    rankAtLeast(n, x.shape, 3);
    const kernel = (attrInts(n, 'kernel_shape') ?? wt.shape.slice(2)) as number[];
    const s = spatial(n, x.shape.length - 2, kernel);
    const group = attrInt(n, 'group', 1);
    const outPad = attrInts(n, 'output_padding') ?? kernel.map(() => 0);
    const given = attrInts(n, 'output_shape');
    const autoPad = attrString(n, 'auto_pad', 'NOTSET');
    const m = (wt.shape[1] as number) * group;
    const dims = x.shape.slice(2).map((len, i) => {
      if (given) return given[given.length - kernel.length + i];
      if (len === null) return null;
      if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return len * s.strides[i];
      const k = (kernel[i] - 1) * s.dilations[i] + 1;
      const pad = autoPad === 'VALID' ? 0 : s.pads[i] + s.pads[i + kernel.length];
      return s.strides[i] * (len - 1) + (outPad[i] ?? 0) + k - pad;
    });
    return [{ shape: [x.shape[0], m, ...dims], dtype: x.dtype }];
  },
  // Every input element is scattered through a k... x (M/group) kernel.
  macs: (n) => {
    const x = input(n, 0);
    const wt = input(n, 1);
    return numel(n, x.shape) * elements(n.name, wt.shape.slice(1));
  },
  formula: (n) => {
    const x = input(n, 0);
    const wt = input(n, 1);
    return `${x.shape.slice(1).join('x')} x ${wt.shape.slice(2).join('x')}x${wt.shape[1]}`;
  },
  ops: (n, out) => (present(n, 2) ? numel(n, out[0].shape) : 0),
  // Upsampling divides the jump, which the window model (integer strides) cannot say: not modelled.
  window: identityWindow,
};

function pool(kind: 'max' | 'avg'): OnnxRule {
  const parts = (n: OnnxNode) => {
    const x = input(n, 0, 'its data input');
    rankAtLeast(n, x.shape, 3);
    const kernel = attrInts(n, 'kernel_shape');
    if (!kernel) fail(n, 'needs kernel_shape');
    const s = spatial(n, x.shape.length - 2, kernel);
    return { x, s, ceil: attrInt(n, 'ceil_mode', 0) === 1 };
  };
  return {
    category: 'pool',
    infer: (n) => {
      const { x, s, ceil } = parts(n);
      const y: TensorInfo = { shape: [x.shape[0], x.shape[1], ...x.shape.slice(2).map((len, i) => slide(n, len, s, i, ceil))], dtype: x.dtype };
      return kind === 'max' ? [y, { shape: y.shape, dtype: 'int64' }] : [y];
    },
    // One compare (max) or add (average) per window element, per output element.
    ops: (n, out) => numel(n, out[0].shape) * parts(n).s.kernel.reduce((a, k) => a * k, 1),
    window: (n) => windowOf(parts(n).s),
  };
}

const globalPool: OnnxRule = {
  category: 'pool',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    rankAtLeast(n, x.shape, 3);
    return [{ shape: [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)], dtype: x.dtype }];
  },
  ops: (n) => numel(n, input(n, 0).shape),
  window: () => 'global',
};

// --- dense ---------------------------------------------------------------------------------------

const known = (n: OnnxNode, d: number | null, what: string): number => (d === null ? fail(n, `${what} must be known`) : d);

const gemm: OnnxRule = {
  category: 'dense',
  infer: (n) => {
    const a = input(n, 0, 'A');
    const b = input(n, 1, 'B');
    if (a.shape.length !== 2 || b.shape.length !== 2) fail(n, `expects rank-2 A and B, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
    const [m, ka] = attrInt(n, 'transA', 0) ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
    const [kb, nn] = attrInt(n, 'transB', 0) ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
    if (ka !== null && kb !== null && ka !== kb) fail(n, `A ${formatShape(a.shape)} and B ${formatShape(b.shape)} do not multiply`);
    return [{ shape: [m, nn], dtype: a.dtype }];
  },
  macs: (n, out) => numel(n, out[0].shape) * known(n, (attrInt(n, 'transB', 0) ? input(n, 1).shape[1] : input(n, 1).shape[0]), 'the inner dimension'),
  formula: (n, out) => {
    const k = attrInt(n, 'transB', 0) ? input(n, 1).shape[1] : input(n, 1).shape[0];
    const [m, cols] = out[0].shape;
    return `${m !== null && m > 1 ? `${m} x ` : ''}${k} x ${cols}`;
  },
  ops: (n, out) => (present(n, 2) ? numel(n, out[0].shape) : 0),
  window: identityWindow,
};

/** numpy.matmul shapes: rank-1 operands are promoted and the promoted axis dropped again. */
function matmulShape(n: OnnxNode, a: Shape, b: Shape): { out: Shape; k: number | null } {
  if (a.length === 0 || b.length === 0) fail(n, 'does not take scalars');
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const k = a2[a2.length - 1];
  const kb = b2[b2.length - 2];
  if (k !== null && kb !== null && k !== kb) fail(n, `${formatShape(a)} and ${formatShape(b)} do not multiply`);
  const batch = broadcast(n, [a2.slice(0, -2), b2.slice(0, -2)]);
  const out: Shape = [...batch, ...(a.length === 1 ? [] : [a2[a2.length - 2]]), ...(b.length === 1 ? [] : [b2[b2.length - 1]])];
  return { out, k: k ?? kb };
}

function matmulRule(a: number, b: number, settings?: number[]): OnnxRule {
  return {
    category: 'dense',
    settings,
    infer: (n) => {
      const x = input(n, a, 'A');
      const dtype = n.op === 'QLinearMatMul' ? dtypeOf(n, 7) : n.op === 'MatMulInteger' ? 'int32' : x.dtype;
      return [{ shape: matmulShape(n, x.shape, input(n, b, 'B').shape).out, dtype }];
    },
    macs: (n, out) => numel(n, out[0].shape) * known(n, matmulShape(n, input(n, a).shape, input(n, b).shape).k, 'the inner dimension'),
    formula: (n, out) => {
      const { k } = matmulShape(n, input(n, a).shape, input(n, b).shape);
      const s = out[0].shape;
      const lead = elements(n.name, s.slice(0, -1));
      return `${lead > 1 ? `${lead} x ` : ''}${k} x ${s[s.length - 1]}`;
    },
    window: identityWindow,
  };
}

// --- normalization -------------------------------------------------------------------------------

const batchNorm: OnnxRule = {
  category: 'norm',
  frozen: [3, 4],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    rankAtLeast(n, x.shape, 2);
    return [{ shape: x.shape, dtype: x.dtype }];
  },
  ops: (n, out) => 2 * numel(n, out[0].shape), // folded to one scale and one shift per element
  window: identityWindow,
};

const layerNorm: OnnxRule = {
  category: 'norm',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    axis(n, attrInt(n, 'axis', -1), x.shape.length);
    return [{ shape: x.shape, dtype: x.dtype }];
  },
  ops: (n, out) => 5 * numel(n, out[0].shape), // mean, variance, normalise, scale, shift
  window: identityWindow,
};

// --- reductions ----------------------------------------------------------------------------------

/** ReduceMean/ReduceMax/...: axes from the attribute (opset < 18) or the second input. */
function reduce(fold?: (values: number[]) => number): OnnxRule {
  const axesOf = (n: OnnxNode, rank: number): number[] => {
    const raw = n.opset >= 18 || (n.op === 'ReduceSum' && n.opset >= 13) ? (present(n, 1) ? knownInts(n, 1, 'axes') : undefined) : attrInts(n, 'axes');
    if (raw === undefined || raw.length === 0) return attrInt(n, 'noop_with_empty_axes', 0) ? [] : Array.from({ length: rank }, (_, i) => i);
    return raw.map((a) => axis(n, a, rank, 'axes'));
  };
  return {
    category: 'pool',
    settings: [1],
    infer: (n) => {
      const x = input(n, 0, 'its data input');
      const axes = new Set(axesOf(n, x.shape.length));
      const keep = attrInt(n, 'keepdims', 1) === 1;
      const shape = x.shape.flatMap((d, i) => (axes.has(i) ? (keep ? [1] : []) : [d]));
      // Reducing a whole folded tensor (the largest of some image sizes) folds.
      if (fold && x.value && axes.size === x.shape.length && !x.value.includes(null) && x.value.length > 0) {
        return [{ shape, dtype: x.dtype, value: [fold(x.value as number[])] }];
      }
      return [{ shape, dtype: x.dtype }];
    },
    ops: (n) => numel(n, input(n, 0).shape),
    // Reducing the spatial axes of an image is a global pool.
    window: (n) => {
      const x = input(n, 0);
      const axes = axesOf(n, x.shape.length);
      return x.shape.length === 4 && axes.includes(2) && axes.includes(3) ? 'global' : 'identity';
    },
  };
}

// --- shapes --------------------------------------------------------------------------------------




const shapeOp: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const r = x.shape.length;
    const clampAxis = (a: number): number => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
    const start = clampAxis(n.opset >= 15 ? attrInt(n, 'start', 0) : 0);
    const end = clampAxis(n.opset >= 15 && n.attrs.end !== undefined ? attrInt(n, 'end') : r);
    const value = x.shape.slice(start, Math.max(start, end));
    return [{ shape: [value.length], dtype: 'int64', value }];
  },
  window: identityWindow,
};

const flatten: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const a = attrInt(n, 'axis', 1);
    const ax = a < 0 ? a + x.shape.length : a;
    if (ax < 0 || ax > x.shape.length) fail(n, `axis ${a} is out of range for ${formatShape(x.shape)}`);
    const prod = (s: Shape): number | null => (s.some((d) => d === null) ? null : (s as number[]).reduce((p, d) => p * d, 1));
    return [{ shape: [prod(x.shape.slice(0, ax)), prod(x.shape.slice(ax))], dtype: x.dtype }];
  },
  window: () => 'global',
};

const reshape: OnnxRule = {
  category: 'reshape',
  settings: [1],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const target = n.opset >= 5 ? inputValues(n, 1, 'target shape') : attrInts(n, 'shape') ?? fail(n, 'needs a shape');
    const allowZero = attrInt(n, 'allowzero', 0) === 1;
    // 0 copies the input's dimension; -1 takes what is left; null is symbolic (the batch, copied through).
    const dims: (number | null)[] = target.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] ?? fail(n, `shape entry #${i} copies a dimension the input lacks`)) : d));
    const minus = dims.filter((d) => d === -1).length;
    if (minus > 1) fail(n, 'the target shape may hold at most one -1');
    if (dims.some((d) => d !== null && d !== -1 && (!Number.isSafeInteger(d) || d <= 0))) fail(n, `invalid target shape ${JSON.stringify(target)}`);
    const inNulls = x.shape.filter((d) => d === null).length;
    const outNulls = dims.filter((d) => d === null).length;
    const total = numel(n, x.shape);
    const knownOut = dims.reduce<number>((a, d) => (d === null || d === -1 ? a : a * d), 1);
    if (minus === 1) {
      // The -1 takes the known elements left; a symbolic input dimension must reappear symbolically.
      if (inNulls !== outNulls || total % knownOut !== 0) {
        if (inNulls === outNulls + 1) return [{ shape: dims.map((d) => (d === -1 ? null : d)), dtype: x.dtype }];
        fail(n, `cannot reshape ${formatShape(x.shape)} to ${JSON.stringify(target)}`);
      }
      return [{ shape: dims.map((d) => (d === -1 ? total / knownOut : d)), dtype: x.dtype, ...(x.value ? { value: x.value } : {}) }];
    }
    if (inNulls === outNulls && knownOut !== total) fail(n, `cannot reshape ${formatShape(x.shape)} (${total} elements) to ${JSON.stringify(target)}`);
    return [{ shape: dims, dtype: x.dtype, ...(x.value ? { value: x.value } : {}) }];
  },
  window: identityWindow,
};

const transpose: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const r = x.shape.length;
    const perm = attrInts(n, 'perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
    if (perm.length !== r || new Set(perm).size !== r || perm.some((p) => p < 0 || p >= r)) fail(n, `perm ${JSON.stringify(perm)} is not a permutation of ${r} axes`);
    const shape = perm.map((p) => x.shape[p]);
    if (x.value && x.shape.every((d) => d !== null)) {
      const value = gatherValues(shape as number[], (idx) => {
        const src: number[] = new Array(r);
        perm.forEach((p, i) => { src[p] = idx[i]; });
        return x.value![flat(x.shape as number[], src)];
      });
      if (value) return [{ shape, dtype: x.dtype, value }];
    }
    return [{ shape, dtype: x.dtype }];
  },
  window: identityWindow,
};

const concat: OnnxRule = {
  category: 'merge',
  infer: (n) => {
    const ins = n.inputs.filter((t): t is TensorInfo => t !== undefined);
    if (ins.length === 0) fail(n, 'has no inputs');
    const r = ins[0].shape.length;
    if (ins.some((t) => t.shape.length !== r)) fail(n, `inputs differ in rank: ${ins.map((t) => formatShape(t.shape)).join(' vs ')}`);
    const ax = axis(n, attrInt(n, 'axis'), r);
    const shape: Shape = [...ins[0].shape];
    shape[ax] = 0;
    for (const t of ins) {
      for (let i = 0; i < r; i++) {
        if (i !== ax && t.shape[i] !== null && ins[0].shape[i] !== null && t.shape[i] !== ins[0].shape[i]) {
          fail(n, `cannot concatenate ${ins.map((u) => formatShape(u.shape)).join(' and ')} on axis ${ax}`);
        }
      }
      shape[ax] = shape[ax] === null || t.shape[ax] === null ? null : (shape[ax] as number) + (t.shape[ax] as number);
    }
    // Folded vectors join only while the result stays small: counted before anything is copied
    // (100,000 copies of a folded int64[1024] would otherwise be flattened first).
    let total = 0;
    for (const t of ins) total += t.value ? t.value.length : Infinity;
    const value = r === 1 && total <= MAX_FOLD ? ins.flatMap((t) => t.value!) : undefined;
    return [{ shape, dtype: ins[0].dtype, ...(value ? { value } : {}) }];
  },
  window: identityWindow,
};

const split: OnnxRule = {
  category: 'reshape',
  settings: [1],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const ax = axis(n, attrInt(n, 'axis', 0), x.shape.length);
    const len = x.shape[ax];
    const count = n.outputCount;
    let sizes: number[] | undefined = n.opset >= 13 ? (present(n, 1) ? knownInts(n, 1, 'split sizes') : undefined) : attrInts(n, 'split');
    if (!sizes) {
      if (len === null) fail(n, 'splits a symbolic axis into equal parts');
      const parts = n.opset >= 18 && n.attrs.num_outputs !== undefined ? attrInt(n, 'num_outputs') : count;
      const each = Math.ceil(len / parts);
      sizes = Array.from({ length: parts }, (_, i) => Math.min(each, len - i * each));
    }
    if (sizes.some((s) => s <= 0) || (len !== null && sizes.reduce((a, b) => a + b, 0) !== len)) fail(n, `split sizes ${JSON.stringify(sizes)} do not add up to ${len}`);
    return sizes.map((s) => {
      const shape = [...x.shape];
      shape[ax] = s;
      return { shape, dtype: x.dtype };
    });
  },
  window: identityWindow,
};

const slice: OnnxRule = {
  category: 'reshape',
  settings: [1, 2, 3, 4],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const r = x.shape.length;
    const fromInputs = n.opset >= 10;
    const starts = fromInputs ? knownInts(n, 1, 'starts') : attrInts(n, 'starts') ?? fail(n, 'needs starts');
    const ends = fromInputs ? knownInts(n, 2, 'ends') : attrInts(n, 'ends') ?? fail(n, 'needs ends');
    const axes = fromInputs ? (present(n, 3) ? knownInts(n, 3, 'axes') : undefined) : attrInts(n, 'axes');
    const steps = fromInputs && present(n, 4) ? knownInts(n, 4, 'steps') : undefined;
    if (starts.length !== ends.length) fail(n, 'starts and ends differ in length');
    const shape = [...x.shape];
    const picks: { ax: number; from: number; step: number; count: number }[] = [];
    for (let i = 0; i < starts.length; i++) {
      const ax = axis(n, axes ? axes[i] : i, r, 'axes');
      const step = steps ? steps[i] : 1;
      if (step === 0) fail(n, 'steps must not be 0');
      const d = x.shape[ax];
      if (d === null) { shape[ax] = null; continue; }
      const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
      const from = step > 0 ? clamp(starts[i], 0, d) : clamp(starts[i], -1, d - 1);
      const to = step > 0 ? clamp(ends[i], 0, d) : clamp(ends[i], -1, d - 1);
      const count = Math.max(0, Math.ceil((to - from) / step));
      shape[ax] = count;
      picks.push({ ax, from, step, count });
    }
    // A slice of a folded tensor (part of a shape, torch's reversed pads) stays folded.
    if (x.value && x.shape.every((d) => d !== null) && shape.every((d) => d !== null)) {
      const xs = x.shape as number[];
      const value = gatherValues(shape as number[], (idx) => {
        const src = [...idx];
        for (const p of picks) src[p.ax] = p.from + idx[p.ax] * p.step;
        return x.value![flat(xs, src)];
      });
      if (value) return [{ shape, dtype: x.dtype, value }];
    }
    return [{ shape, dtype: x.dtype }];
  },
  window: identityWindow,
};

const gather: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const idx = input(n, 1, 'its indices');
    const ax = axis(n, attrInt(n, 'axis', 0), x.shape.length);
    const shape = [...x.shape.slice(0, ax), ...idx.shape, ...x.shape.slice(ax + 1)];
    // Gathering entries of a folded vector (a dimension out of a Shape) stays folded.
    if (x.value && idx.value && x.shape.length === 1) {
      const len = x.value.length;
      const value = idx.value.map((i) => {
        if (i === null || i < -len || i >= len) fail(n, `index ${i} is out of range for ${len} entries`);
        return x.value![i < 0 ? i + len : i];
      });
      return [{ shape, dtype: x.dtype, value }];
    }
    return [{ shape, dtype: x.dtype }];
  },
  window: identityWindow,
};

/** Unsqueeze/Squeeze axes: the attribute before opset 13, the second input from 13 on. */
const axesInput = (n: OnnxNode): number[] | undefined =>
  n.opset >= 13 ? (present(n, 1) ? knownInts(n, 1, 'axes') : undefined) : attrInts(n, 'axes');

const unsqueeze: OnnxRule = {
  category: 'reshape',
  settings: [1],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const raw = axesInput(n) ?? fail(n, 'needs axes');
    const r = x.shape.length + raw.length;
    const axes = new Set(raw.map((a) => axis(n, a, r, 'axes')));
    if (axes.size !== raw.length) fail(n, 'axes repeat');
    const shape: Shape = [];
    let j = 0;
    for (let i = 0; i < r; i++) shape.push(axes.has(i) ? 1 : x.shape[j++]);
    return [{ shape, dtype: x.dtype, ...(x.value ? { value: x.value } : {}) }];
  },
  window: identityWindow,
};

const squeeze: OnnxRule = {
  category: 'reshape',
  settings: [1],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const raw = axesInput(n);
    const axes = raw ? new Set(raw.map((a) => axis(n, a, x.shape.length, 'axes'))) : new Set(x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
    for (const a of axes) if (x.shape[a] !== 1 && x.shape[a] !== null) fail(n, `axis ${a} of ${formatShape(x.shape)} is not 1`);
    return [{ shape: x.shape.filter((_, i) => !axes.has(i)), dtype: x.dtype, ...(x.value ? { value: x.value } : {}) }];
  },
  window: identityWindow,
};

const pad: OnnxRule = {
  category: 'reshape',
  settings: [1, 2, 3],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const r = x.shape.length;
    const pads = n.opset >= 11 ? knownInts(n, 1, 'pads') : attrInts(n, n.opset >= 2 ? 'pads' : 'paddings') ?? fail(n, 'needs pads');
    const axes = n.opset >= 18 && present(n, 3) ? knownInts(n, 3, 'axes').map((a) => axis(n, a, r, 'axes')) : Array.from({ length: r }, (_, i) => i);
    if (pads.length !== 2 * axes.length) fail(n, `pads ${JSON.stringify(pads)} do not match ${axes.length} axes`);
    const shape = [...x.shape];
    axes.forEach((a, i) => {
      const d = shape[a];
      if (d === null) return;
      const v = d + pads[i] + pads[i + axes.length];
      if (v <= 0) fail(n, `pads ${JSON.stringify(pads)} empty axis ${a} of ${formatShape(x.shape)}`);
      shape[a] = v;
    });
    return [{ shape, dtype: x.dtype }];
  },
  window: identityWindow,
};

/** Resize (opset 10+: X, [roi], scales, [sizes]) and Upsample (opset 7-9: scales attribute, then input). */
const resize: OnnxRule = {
  category: 'reshape',
  settings: [1, 2, 3],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const r = x.shape.length;
    let sizes: number[] | undefined;
    let scales: number[] | undefined;
    if (n.op === 'Upsample') {
      scales = n.opset >= 9 ? (inputValues(n, 1, 'scales') as number[]) : (n.attrs.scales as number[] | undefined);
    } else if (n.opset === 10) {
      scales = inputValues(n, 1, 'scales') as number[];
    } else {
      if (present(n, 3)) sizes = knownInts(n, 3, 'sizes');
      else scales = inputValues(n, 2, 'scales') as number[];
    }
    const axes = n.opset >= 18 ? attrInts(n, 'axes')?.map((a) => axis(n, a, r, 'axes')) : undefined;
    const list = sizes ?? scales;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) fail(n, `needs positive scales or sizes, got ${JSON.stringify(list)?.slice(0, 60)}`);
    const on = axes ?? Array.from({ length: r }, (_, i) => i);
    if (list.length !== on.length) fail(n, `has ${list.length} scales/sizes for ${on.length} axes`);
    const shape = [...x.shape];
    on.forEach((a, i) => {
      const d = x.shape[a];
      shape[a] = sizes ? sizes[i] : d === null ? null : Math.floor(d * list[i]);
    });
    if (shape.some((d) => d === 0)) fail(n, `resizes ${formatShape(x.shape)} to an empty tensor`);
    return [{ shape, dtype: x.dtype }];
  },
  // Interpolation reads a few neighbours per output element (documented estimate: 4 for linear, 1 otherwise).
  ops: (n, out) => numel(n, out[0].shape) * (/linear/.test(String(n.attrs.mode ?? 'nearest')) ? 4 : 1),
  window: identityWindow,
};

const expand: OnnxRule = {
  category: 'reshape',
  settings: [1],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const target = inputValues(n, 1, 'shape');
    return [{ shape: broadcast(n, [x.shape, target.map((d) => (d === null ? null : d))]), dtype: x.dtype }];
  },
  window: identityWindow,
};

const constantOfShape: OnnxRule = {
  category: 'reshape',
  settings: [0],
  infer: (n) => {
    const dims = knownInts(n, 0, 'shape');
    // A zero dimension is an empty tensor (PyTorch writes one for an empty pads list).
    if (dims.some((d) => d < 0)) fail(n, `makes a tensor of negative shape ${JSON.stringify(dims)}`);
    const v = n.attrs.value as { dtype?: string; values?: number[] } | undefined;
    const dtype = v?.dtype ?? 'float32';
    const fill = v?.values?.[0] ?? 0;
    return [{ shape: dims, dtype, ...(isInt(dtype) && small(dims) ? { value: new Array(elements(n.name, dims)).fill(fill) } : {}) }];
  },
};

/** A Constant node the importer could not turn into a constant (an unusual value attribute). */
const constant: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const v = n.attrs.value as { dtype?: string; dims?: number[]; values?: number[] } | undefined;
    if (!v || !Array.isArray(v.dims)) fail(n, 'has no tensor value');
    return [{ shape: v.dims, dtype: v.dtype ?? 'float32', ...(v.values ? { value: v.values } : {}) }];
  },
};

const castTo = (n: OnnxNode): string => ONNX_DTYPES[attrInt(n, 'to')] ?? fail(n, `casts to unknown type ${JSON.stringify(n.attrs.to)}`);

// --- quantization --------------------------------------------------------------------------------

const quantize: OnnxRule = {
  category: 'reshape',
  settings: [1, 2],
  infer: (n) => [{ shape: input(n, 0, 'its data input').shape, dtype: n.inputs[2]?.dtype ?? 'uint8' }],
  ops: (n, out) => 2 * numel(n, out[0].shape), // divide by scale, add zero point (rounding and clamping free)
  window: identityWindow,
};

const dequantize: OnnxRule = {
  category: 'reshape',
  settings: [1, 2],
  infer: (n) => [{ shape: input(n, 0, 'its data input').shape, dtype: 'float32' }],
  ops: (n, out) => 2 * numel(n, out[0].shape), // subtract zero point, multiply by scale
  window: identityWindow,
};

const graphInput: OnnxRule = {
  category: 'input',
  infer: (n) => {
    const shape = n.attrs.shape as Shape;
    const dtype = typeof n.attrs.dtype === 'string' ? n.attrs.dtype : 'float32';
    // The leading free dimension is the batch; any other free one leaves every size after it open.
    const free = shape.findIndex((d, i) => i > 0 && d === null);
    if (free < 0) return [{ shape, dtype }];
    const param = Array.isArray(n.attrs.dimParams) ? (n.attrs.dimParams as (string | null)[])[free] : null;
    const unknown = param
      ? `input "${n.name}" has a free dimension "${param}" (give it a size with --dim ${param}=N)`
      : `input "${n.name}" has an unnamed free dimension #${free}`;
    return [{ shape, dtype, unknown }];
  },
  window: identityWindow,
};

/** The table: ONNX op type -> rule. An op not here is reported as unsupported, never counted as zero. */
export const ONNX_OP_RULES: Record<string, OnnxRule> = {
  Input: graphInput,
  Conv: convRule(1, 2),
  ConvInteger: convRule(1, -1, [2, 3]),
  QLinearConv: convRule(3, 8, [1, 2, 4, 5, 6, 7]),
  ConvTranspose: convTranspose,
  Gemm: gemm,
  MatMul: matmulRule(0, 1),
  MatMulInteger: matmulRule(0, 1, [2, 3]),
  QLinearMatMul: matmulRule(0, 3, [1, 2, 4, 5, 6, 7]),
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  ReduceMean: reduce((v) => v.reduce((a, b) => a + b, 0) / v.length),
  ReduceMax: reduce((v) => v.reduce((a, b) => Math.max(a, b))),
  ReduceSum: reduce((v) => v.reduce((a, b) => a + b, 0)),
  ReduceProd: reduce((v) => v.reduce((a, b) => a * b, 1)),
  ReduceMin: reduce((v) => v.reduce((a, b) => Math.min(a, b))),
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Pow: binary('Pow'),
  Max: binary('Max'),
  Min: binary('Min'),
  Sum: binary('Sum'),
  Mean: binary('Mean'),
  Equal: binary('Equal'),
  ...Object.fromEntries(Object.keys(ELEMENTWISE_OPS).map((op) => [op, unary(op)])),
  Identity: passValue('reshape'),
  Dropout: { ...passValue('regularization'), settings: [1, 2] },
  Cast: passValue('reshape', castTo),
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Shape: shapeOp,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Pad: pad,
  Resize: resize,
  Upsample: resize,
  Expand: expand,
  ConstantOfShape: constantOfShape,
  Constant: constant,
  QuantizeLinear: quantize,
  DequantizeLinear: dequantize,
};
Object.assign(ONNX_OP_RULES, FOLD_RULES, DATA_RULES);
