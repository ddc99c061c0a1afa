// Keras' preprocessing layers (keras/src/layers/preprocessing) that act at inference: Rescaling,
// Normalization, Resizing, CenterCrop, RandomCrop; and the random augmentations, the identity at
// inference (RANDOM_AUGMENTATIONS in trainingOnly.ts).
import { Shape } from '../ir/types';
import { Cfg, elements, fail, formatShape, known, positiveInt } from '../analysis/config';
import { identity, Value } from '../engines/ort/lowering/perm';
import { emitter } from '../engines/ort/lowering/activations';
import { LayerInput, LayerKind, LayerKinds, LowerInput, LoweringInput, NO_PARAMS, one, Window } from './kind';
import { constLike, dim, imageDims, imagePerm, loweringFail, num, out, rankOf, spatialAxes } from './lowering';
import { passThrough } from './passThrough';
import { cropNode, interpolation, interpolationOf, resampleOps, resizeNode, resizeUnsupported } from './resample';
import { image, imageShape } from './spatial';
import { RANDOM_AUGMENTATIONS } from './trainingOnly';

/** A number or a (nested) list of numbers, flattened; anything else is an error naming the field. */
function numbers(layer: string, field: string, v: unknown): number[] {
  if (typeof v === 'number' && Number.isFinite(v)) return [v];
  if (Array.isArray(v)) return v.flatMap((x) => numbers(layer, field, x));
  return fail(layer, `${field} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
}

/** Rescaling's scale/offset broadcast over the last axis: one value, or one per channel. */
function perChannel(r: LayerInput, field: string, v: unknown, s: Shape): void {
  const n = numbers(r.name, field, v).length;
  const c = s[s.length - 1];
  if (n !== 1 && c !== null && n !== c) {
    fail(r.name, `${field} has ${n} values; it must be one value or one per channel (${c}), Keras cannot broadcast [${n}] to ${formatShape(s)}`);
  }
}

/** A number or a (nested) list of numbers from a config, flattened. */
function numbersForOnnx(r: LoweringInput, field: string, v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap((x) => numbersForOnnx(r, field, x));
  return loweringFail(r.name, `${field} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
}

const rescaling: LayerKind = {
  category: 'preprocessing',
  shape: (r) => {
    const s = one(r);
    perChannel(r, 'scale', r.cfg.scale ?? 1, s);
    perChannel(r, 'offset', r.cfg.offset ?? 0, s);
    return s;
  },
  ops: (r, out) => 2 * elements(r.name, out), // x * scale + offset
  window: () => 'identity',
  /** x * scale + offset, each one value or one per channel (Keras' last axis). */
  lowering: {
    lower: (r) => {
      const x = r.inputs[0];
      const rank = rankOf(r);
      const vec = (field: string, v: number[]): string => (v.length === 1
        ? r.g.floatTensor(`${r.name}/${field}`, [], Float32Array.from(v))
        : constLike(r, field, x, [...new Array<number>(rank - 1).fill(1), v.length], Float32Array.from(v)));
      const scale = numbersForOnnx(r, 'scale', r.cfg.scale ?? 1);
      const offset = numbersForOnnx(r, 'offset', r.cfg.offset ?? 0);
      const e = emitter(r.g, r.name, r.name);
      if (offset.every((o) => o === 0)) return out(r, e.main('Mul', [x.name, vec('scale', scale)]), x.perm);
      const scaled = e.helper('scale', 'Mul', [x.name, vec('scale', scale)]);
      return out(r, e.main('Add', [scaled, vec('offset', offset)]), x.perm);
    },
  },
};

/** Normalization's kept axes (mean and variance have their sizes), as positive indices. */
function keptAxes(r: LayerInput, s: Shape): number[] {
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
function normalizationSize(r: LayerInput): number {
  const s = one(r);
  return keptAxes(r, s).reduce((n, a) => n * known(r.name, s[a], `dimension ${a} (a normalised axis)`), 1);
}

/** Normalization's kept axes, ascending (their sizes are the mean's shape). */
function keptAxesForOnnx(r: LoweringInput): number[] {
  const rank = rankOf(r);
  const raw = r.cfg.axis === undefined ? -1 : r.cfg.axis;
  if (raw === null) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((a) => (typeof a === 'number' ? (a < 0 ? rank + a : a) : loweringFail(r.name, 'axis must be integers')))
    .sort((a, b) => a - b);
}

const givenStats = (cfg: Cfg): boolean => cfg.mean !== undefined && cfg.mean !== null;

const normalization: LayerKind = {
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
  tfjsClass: 'Normalization',
  /** (x - mean) / max(sqrt(variance), 1e-7), or mean + x * that when invert (Keras and tfjs alike). */
  lowering: {
    weights: (r) => {
      if (givenStats(r.cfg)) return [];
      const shape = keptAxesForOnnx(r).map((a) => dim(r, r.inShapes[0][a], 'a normalised axis'));
      return [
        { attr: 'mean', shape, init: 'beta' },
        { attr: 'variance', shape, init: 'variance' },
        { attr: 'count', shape: [], init: 'count' },
      ];
    },
    lower: (r) => {
      const x = r.inputs[0];
      const rank = rankOf(r);
      const kept = keptAxesForOnnx(r);
      const full = identity(rank).map((a) => (kept.includes(a) ? dim(r, r.inShapes[0][a], 'a normalised axis') : 1));
      const size = full.reduce((a, b) => a * b, 1);
      const values = (field: 'mean' | 'variance'): Float32Array => {
        if (!givenStats(r.cfg)) return r.weight(field);
        const v = numbersForOnnx(r, field, r.cfg[field]);
        return v.length === 1 ? new Float32Array(size).fill(v[0]) : Float32Array.from(v);
      };
      const std = values('variance').map((v) => Math.max(Math.fround(Math.sqrt(v)), 1e-7));
      const mean = constLike(r, 'mean', x, full, values('mean'));
      const scale = constLike(r, 'std', x, full, std);
      const e = emitter(r.g, r.name, r.name);
      if (r.cfg.invert === true) return out(r, e.main('Add', [e.helper('scale', 'Mul', [x.name, scale]), mean]), x.perm);
      return out(r, e.main('Div', [e.helper('center', 'Sub', [x.name, mean]), scale]), x.perm);
    },
  },
};

/** Target height and width of Resizing, CenterCrop, RandomCrop. */
function targetSize(r: LayerInput): [number, number] {
  return [positiveInt(r.name, 'height', r.cfg.height), positiveInt(r.name, 'width', r.cfg.width)];
}

/** A resampling window: taps input pixels wide, stepping in/out input pixels per output pixel. */
function resampleWindow(r: LayerInput, taps: number, outH: number, outW: number): Window {
  const img = image(r);
  if (img.h === null || img.w === null) return 'identity';
  return { kernel: [taps, taps], stride: [img.h / outH, img.w / outW] };
}

const target = (r: LoweringInput): [number, number] => [positiveInt(r.name, 'height', r.cfg.height), positiveInt(r.name, 'width', r.cfg.width)];

/** Keras' crop_to_aspect_ratio window: the largest centred crop with the target's aspect ratio. */
function cropToAspect(r: LowerInput, x: Value, th: number, tw: number): Value {
  const { h, w } = imageDims(r);
  const ch = Math.max(Math.min(h, Math.trunc((w * th) / tw)), 1);
  const cw = Math.max(Math.min(w, Math.trunc((h * tw) / th)), 1);
  if (ch === h && cw === w) return x;
  return cropNode(r, 'crop', x, Math.trunc((h - ch) / 2), Math.trunc((w - cw) / 2), ch, cw);
}

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

const resizing: LayerKind = {
  category: 'preprocessing',
  shape: (r) => {
    const img = image(r);
    const [h, w] = targetSize(r);
    interpolation(r, 'bilinear');
    return imageShape(img.first, h, w, img.c);
  },
  ops: (r, out) => elements(r.name, out) * resampleOps(interpolation(r, 'bilinear')),
  window: (r) => { const [h, w] = targetSize(r); return resampleWindow(r, interpolation(r, 'bilinear'), h, w); },
  tfjsClass: 'Resizing',
  lowering: {
    unsupported: resizeUnsupported('bilinear'),
    lower: (r) => {
      const [h, w] = target(r);
      const x = r.cfg.crop_to_aspect_ratio === true ? cropToAspect(r, r.inputs[0], h, w)
        : r.cfg.pad_to_aspect_ratio === true ? padToAspect(r, r.inputs[0], h, w) : r.inputs[0];
      return resizeNode(r, x, h, w, interpolationOf(r, 'bilinear'));
    },
  },
};

/**
 * CenterCrop (and RandomCrop at inference): Keras crops the centre when the input is at least the
 * target size, and otherwise resizes (bilinear) the largest centred window of the target's aspect ratio.
 */
const cropsOnly = (r: LayerInput): boolean => {
  const img = image(r);
  const [h, w] = targetSize(r);
  return img.h !== null && img.w !== null && img.h >= h && img.w >= w;
};

const centerCrop: LayerKind = {
  category: 'preprocessing',
  shape: (r) => { const img = image(r); const [h, w] = targetSize(r); return imageShape(img.first, h, w, img.c); },
  ops: (r, out) => (cropsOnly(r) ? 0 : elements(r.name, out) * resampleOps(2)),
  window: (r) => { const [h, w] = targetSize(r); return cropsOnly(r) ? 'identity' : resampleWindow(r, 2, h, w); },
  tfjsClass: 'CenterCrop',
  /** The centre when the input is large enough (one Slice), else Resizing with crop_to_aspect_ratio. */
  lowering: {
    lower: (r) => {
      const [th, tw] = target(r);
      const { h, w } = imageDims(r);
      if (h >= th && w >= tw) return cropNode(r, null, r.inputs[0], Math.trunc((h - th) / 2), Math.trunc((w - tw) / 2), th, tw);
      return resizeNode(r, cropToAspect(r, r.inputs[0], th, tw), th, tw, 'bilinear');
    },
  },
};

/** RandomCrop at inference: the largest centred window of the target's aspect ratio, resized (bilinear). */
const randomCrop: LayerKind = {
  ...centerCrop,
  ops: (r, out) => elements(r.name, out) * resampleOps(2),
  window: (r) => { const [h, w] = targetSize(r); return resampleWindow(r, 2, h, w); },
  tfjsClass: 'RandomCrop',
  /** RandomCrop at inference: the centred aspect-ratio window, resized. */
  lowering: {
    lower: (r) => {
      const [th, tw] = target(r);
      return resizeNode(r, cropToAspect(r, r.inputs[0], th, tw), th, tw, 'bilinear');
    },
  },
};

export const PREPROCESSING_KINDS: LayerKinds = {
  Rescaling: rescaling,
  Normalization: normalization,
  Resizing: resizing,
  CenterCrop: centerCrop,
  RandomCrop: randomCrop,
  ...Object.fromEntries(RANDOM_AUGMENTATIONS.map((c) => [c, passThrough('preprocessing', c)])),
};
