// Keras' reshaping layers (keras/src/layers/reshaping): ZeroPadding2D, Cropping2D, Flatten,
// Reshape, Permute, UpSampling2D.
import { channelsFirst, elements, fail, formatShape, intPair, nonNegativeInt, positiveInt } from '../analysis/config';
import { attr } from '../engines/ort/lowering/attr';
import { identity } from '../engines/ort/lowering/perm';
import { LayerInput, LayerKind, LayerKinds, LoweringInput, one } from './kind';
import { imageDims, imagePerm, out, rankOf } from './lowering';
import { cropNode, interpolation, interpolationOf, resampleOps, resizeNode, resizeUnsupported } from './resample';
import { image, imageShape } from './spatial';

/** Keras padding config -> [top, bottom, left, right]. */
function zeroPads(r: LoweringInput): [number, number, number, number] {
  const p = r.cfg.padding ?? 1;
  if (typeof p === 'number') return [p, p, p, p];
  if (Array.isArray(p) && p.every((q) => typeof q === 'number')) return [p[0], p[0], p[1], p[1]] as [number, number, number, number];
  const [[a, b], [c, d]] = p as number[][];
  return [a, b, c, d];
}

/** Layers ONNX Runtime's PadFusion may fold a zero Pad into without changing the result. */
const PAD_FUSES_CORRECTLY = new Set(['Conv2D', 'Convolution2D', 'DepthwiseConv2D', 'SeparableConv2D', 'SeparableConvolution2D']);

const zeroPadding: LayerKind = {
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
  lowering: {
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
  },
};

/** Cropping2D's ((top, bottom), (left, right)), each non-negative. */
function cropping(r: LayerInput): [number, number, number, number] {
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

const cropping2d: LayerKind = {
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
  lowering: {
    lower: (r) => {
      const { h, w } = imageDims(r);
      const p = r.cfg.cropping ?? 0;
      const [t, b, left, right] = typeof p === 'number' ? [p, p, p, p]
        : Array.isArray(p) && p.every((q) => typeof q === 'number') ? [p[0], p[0], p[1], p[1]]
          : (p as number[][]).flat();
      return cropNode(r, null, r.inputs[0], t, left, h - t - b, w - left - right);
    },
  },
};

const flatten: LayerKind = {
  category: 'reshape',
  shape: (r) => {
    const s = one(r);
    const rest = s.slice(1);
    return [null, rest.some((d) => d === null) ? null : elements(r.name, rest)];
  },
  window: () => 'global',
  /** Keras flattens in its own order (channels last; channels_first configs move channels last first). */
  lowering: {
    lower: (r) => {
      const rank = rankOf(r);
      const first = r.cfg.data_format === 'channels_first' && rank > 2;
      const want = first ? [0, ...identity(rank).slice(2), 1] : identity(rank);
      const x = r.g.layout(r.inputs[0], want);
      return out(r, r.g.node(r.name, r.name, 'Flatten', [x.name], [attr.int('axis', 1)]), identity(2));
    },
  },
};

const reshape: LayerKind = {
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
  lowering: {
    lower: (r) => {
      const x = r.g.layout(r.inputs[0], identity(rankOf(r)));
      // 0 keeps the batch; the other dims are the analyser's (it resolved any -1).
      const shape = r.g.int64Tensor(`${r.name}/shape`, [0, ...r.outShape.slice(1).map((d) => d ?? -1)]);
      return out(r, r.g.node(r.name, r.name, 'Reshape', [x.name, shape]), identity(r.outShape.length));
    },
  },
};

const permute: LayerKind = {
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
  /** Permute(dims): one Transpose from whatever layout x has straight to the new Keras order. */
  lowering: {
    lower: (r) => {
      const x = r.inputs[0];
      const d = [0, ...(r.cfg.dims as number[])];
      const y = r.g.node(r.name, r.name, 'Transpose', [x.name], [attr.ints('perm', d.map((a) => x.perm.indexOf(a)))]);
      return out(r, y, identity(d.length));
    },
  },
};

const upSampling2d: LayerKind = {
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
  tfjsClass: 'UpSampling2D',
  lowering: {
    unsupported: resizeUnsupported('nearest'),
    lower: (r) => {
      const { h, w } = imageDims(r);
      const [sh, sw] = intPair(r.name, r.cfg, 'size', 2);
      return resizeNode(r, r.inputs[0], h * sh, w * sw, interpolationOf(r, 'nearest'));
    },
  },
};

export const RESHAPING_KINDS: LayerKinds = {
  ZeroPadding2D: zeroPadding,
  Cropping2D: cropping2d,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  UpSampling2D: upSampling2d,
};
