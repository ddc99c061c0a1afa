// The lowering's helpers shared by layer kinds: layouts, window attributes, fused activations and
// the one error form ("ONNX lowering, layer ..."). Semantics follow tfjs-layers, the engine the
// lowered model is checked against.
import { NetLensError } from '../ir/types';
import { Cfg, activationName, channelsFirst, intPair, padding, positiveInt } from '../analysis/config';
import { activationRule, emitter } from '../engines/ort/lowering/activations';
import { attr } from '../engines/ort/lowering/attr';
import { identity, Perm, Value } from '../engines/ort/lowering/perm';
import { kernelToOnnx, permuteData, samePads } from '../engines/ort/lowering/layout';
import { LowerInput, LoweringInput } from './kind';

export const loweringFail = (layer: string, message: string): never => {
  throw new NetLensError(`ONNX lowering, layer "${layer}": ${message}`);
};

export const dim = (r: LoweringInput, d: number | null, what: string): number => (d === null ? loweringFail(r.name, `${what} must be known`) : d);

export const useBias = (cfg: Cfg): boolean => cfg.use_bias !== false;

export const rankOf = (r: LoweringInput): number => r.inShapes[0].length;

/** The layout a spatial layer runs in: ONNX channels-first (NCHW, NCL) over the Keras tensor. */
export function imagePerm(r: LoweringInput): Perm {
  const rank = rankOf(r);
  return channelsFirst(r.name, r.cfg) ? identity(rank) : [0, rank - 1, ...identity(rank).slice(1, rank - 1)];
}

/** Keras' spatial axes of an image ([h, w]) in its data format. */
export const spatialAxes = (r: LoweringInput): [number, number] => (channelsFirst(r.name, r.cfg) ? [2, 3] : [1, 2]);

/** A constant laid out like `x`: `kerasShape` is full rank (batch 1) in Keras order. */
export function constLike(r: LowerInput, part: string, x: Value, kerasShape: number[], data: Float32Array): string {
  return r.g.floatTensor(`${r.name}/${part}`, x.perm.map((a) => kerasShape[a]), permuteData(data, kerasShape, x.perm));
}

export function imageDims(r: LoweringInput): { h: number; w: number; c: number } {
  const s = r.inShapes[0];
  if (s.length !== 4) loweringFail(r.name, `expects a rank-4 input, got rank ${s.length}`);
  const [h, w, c] = channelsFirst(r.name, r.cfg) ? [s[2], s[3], s[1]] : [s[1], s[2], s[3]];
  return { h: dim(r, h, 'the input height'), w: dim(r, w, 'the input width'), c: dim(r, c, 'the channel count') };
}

/** Conv/pool window attributes with explicit pads (TensorFlow's "same" puts the odd pixel after). */
export function windowAttrs(r: LoweringInput, kernelField: string, stridesCfg: Cfg = r.cfg, withDilation = true) {
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
export const convKernel = (data: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array => kernelToOnnx(data, kh * kw, cin, cout);

/** The layer's fused `activation`, as helper nodes after its main node. */
export function fusedActivation(r: LowerInput, y: Value): Value {
  const name = activationName(r.cfg);
  if (name === 'linear') return y;
  const rule = activationRule(name) ?? loweringFail(r.name, `activation "${name}" has no ONNX lowering`);
  return { ...y, name: rule(emitter(r.g, r.name, `${r.name}/${name}`), y) };
}

export const fusedActivationUnsupported = (r: LoweringInput): string | undefined => {
  const name = activationName(r.cfg);
  return activationRule(name) ? undefined : `activation "${name}" has no ONNX lowering`;
};

export const out = (r: LowerInput, name: string, perm: Perm): Value => ({ name, perm, layer: r.name });

export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The ONNX axis holding Keras axis `raw` (negative counts from the end). */
export function onnxAxis(x: Value, raw: number): number {
  const rank = x.perm.length;
  return x.perm.indexOf(raw < 0 ? rank + raw : raw);
}

// --- 1-D layers: [batch, steps, channels] run as ONNX [batch, channels, steps] --------------------

export function onnxIntOne(r: LoweringInput, field: string, fallback?: number): number {
  const v = r.cfg[field] ?? fallback;
  return positiveInt(r.name, field, Array.isArray(v) ? v[0] : v);
}

export function steps(r: LoweringInput): { len: number; c: number } {
  const s = r.inShapes[0];
  const [len, c] = channelsFirst(r.name, r.cfg) ? [s[2], s[1]] : [s[1], s[2]];
  return { len: dim(r, len, 'the sequence length'), c: dim(r, c, 'the channel count') };
}

/** kernel_shape, strides, pads (and dilations) of a 1-D window; "causal" pads (k - 1) * d on the left. */
export function window1d(r: LoweringInput, kernelField: string, strides: number, withDilation: boolean) {
  const k = onnxIntOne(r, kernelField);
  const d = withDilation ? onnxIntOne(r, 'dilation_rate', 1) : 1;
  const p = r.cfg.padding ?? 'valid';
  const pads = p === 'causal' ? [(k - 1) * d, 0] : padding(r.name, r.cfg) === 'same' ? samePads(steps(r).len, k, strides, d) : [0, 0];
  const attributes = [attr.ints('kernel_shape', [k]), attr.ints('strides', [strides]), attr.ints('pads', pads)];
  if (withDilation) attributes.push(attr.ints('dilations', [d]));
  return attributes;
}
