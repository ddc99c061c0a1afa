// The analyser's helpers for layers that slide a window over an image (rank 4, either data format)
// or a sequence (rank 3): shapes, windows, and the bias and fused-activation work per output element.
import { Shape } from '../ir/types';
import {
  Cfg, activationName, channelsFirst, elements, fail, intPair, known, padding, positiveInt, rank,
} from '../analysis/config';
import { activationOps } from './activationOps';
import { LayerInput, one, Window } from './kind';

// --- rank-4 images -------------------------------------------------------------------------------

export interface Image { h: number | null; w: number | null; c: number | null; first: boolean }

export function image(r: LayerInput): Image {
  const s = one(r);
  rank(r.name, s, 4);
  const first = channelsFirst(r.name, r.cfg);
  return first ? { h: s[2], w: s[3], c: s[1], first } : { h: s[1], w: s[2], c: s[3], first };
}

export const imageShape = (first: boolean, h: number | null, w: number | null, c: number | null): Shape =>
  first ? [null, c, h, w] : [null, h, w, c];

export function outHW(out: Shape, first: boolean): [number, number] {
  return first ? [out[2] ?? 0, out[3] ?? 0] : [out[1] ?? 0, out[2] ?? 0];
}

export function slide(r: LayerInput, len: number | null, k: number, s: number, d: number, pad: 'valid' | 'same'): number | null {
  if (len === null) return null;
  const ke = (k - 1) * d + 1;
  const o = pad === 'same' ? Math.ceil(len / s) : Math.floor((len - ke) / s) + 1;
  if (o <= 0) fail(r.name, `input size ${len} is smaller than the ${ke}-wide window (padding "${pad}")`);
  return o;
}

/** Output shape of a conv or pool window with the given kernel, strides, dilation and padding fields. */
export function windowShape(r: LayerInput, kernelField: string, c: (img: Image) => number | null): Shape {
  const img = image(r);
  const k = intPair(r.name, r.cfg, kernelField);
  const s = intPair(r.name, r.cfg, 'strides', 1);
  const d = intPair(r.name, r.cfg, 'dilation_rate', 1);
  const p = padding(r.name, r.cfg);
  return imageShape(img.first, slide(r, img.h, k[0], s[0], d[0], p), slide(r, img.w, k[1], s[1], d[1], p), c(img));
}

export function poolStrides(r: LayerInput): Cfg {
  // Keras: strides=None means strides = pool_size.
  return r.cfg.strides === null || r.cfg.strides === undefined ? { ...r.cfg, strides: r.cfg.pool_size } : r.cfg;
}

export function convWindow(r: LayerInput, kernelField = 'kernel_size'): Window {
  const k = intPair(r.name, r.cfg, kernelField);
  const s = intPair(r.name, r.cfg, 'strides', 1);
  const d = intPair(r.name, r.cfg, 'dilation_rate', 1);
  return { kernel: [(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1], stride: s };
}

export const bias = (cfg: Cfg): boolean => cfg.use_bias !== false;
export const inChannels = (r: LayerInput): number => known(r.name, image(r).c, 'the channel dimension');

/** Bias adds and the fused activation, per output element. */
export const convOps = (r: LayerInput, out: Shape): number =>
  elements(r.name, out) * ((bias(r.cfg) ? 1 : 0) + activationOps(activationName(r.cfg)));

// --- 1-D layers: [batch, steps, channels] (or [batch, channels, steps]); their window runs along the first axis.

export interface Sequence { len: number | null; c: number | null; first: boolean }
export function sequence(r: LayerInput): Sequence {
  const s = one(r);
  rank(r.name, s, 3);
  const first = channelsFirst(r.name, r.cfg);
  return first ? { len: s[2], c: s[1], first } : { len: s[1], c: s[2], first };
}
export const sequenceShape = (first: boolean, len: number | null, c: number | null): Shape => (first ? [null, c, len] : [null, len, c]);

/** kernel_size, strides, pool_size, dilation_rate of a 1-D layer: an int or a one-element list. */
export function intOne(r: LayerInput, field: string, fallback?: number): number {
  const v = r.cfg[field] ?? fallback;
  if (Array.isArray(v)) {
    if (v.length !== 1) fail(r.name, `${field} must have 1 value, got ${JSON.stringify(v)}`);
    return positiveInt(r.name, field, v[0]);
  }
  return positiveInt(r.name, field, v);
}

export function slide1d(r: LayerInput, kernelField: string, strideFallback?: number): number | null {
  const { len } = sequence(r);
  const k = intOne(r, kernelField);
  const st = intOne(r, 'strides', strideFallback ?? 1);
  const d = intOne(r, 'dilation_rate', 1);
  const p = r.cfg.padding === 'causal' ? 'causal' : padding(r.name, r.cfg);
  if (p === 'causal') return len === null ? null : slide(r, len + (k - 1) * d, k, st, d, 'valid');
  return slide(r, len, k, st, d, p);
}
