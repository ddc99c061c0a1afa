// Keras' normalization layers (keras/src/layers/normalization): BatchNormalization,
// LayerNormalization; with LRN (GoogLeNet's, as tfjs computes it) and Keras Applications'
// LayerScale (ConvNeXt).
import { elements, fail, formatShape, known, nonNegativeInt, positiveInt, rank } from '../analysis/config';
import { attr } from '../engines/ort/lowering/attr';
import { channelsSecond, identity, NCHW } from '../engines/ort/lowering/perm';
import { LayerInput, LayerKind, LayerKinds, LoweringInput, one } from './kind';
import { constLike, dim, loweringFail, out, rankOf } from './lowering';

function normAxisChannels(r: LayerInput): number {
  const s = one(r);
  const raw = Array.isArray(r.cfg.axis) ? r.cfg.axis[0] : r.cfg.axis ?? -1;
  if (typeof raw !== 'number' || !Number.isInteger(raw)) fail(r.name, `axis must be an integer, got ${JSON.stringify(raw)}`);
  const axis = raw < 0 ? s.length + raw : raw;
  if (axis <= 0 || axis >= s.length) fail(r.name, `axis ${raw} is out of range for ${formatShape(s)}`);
  return known(r.name, s[axis], 'the normalised axis');
}

function normAxis(r: LoweringInput): number {
  const raw = Array.isArray(r.cfg.axis) ? r.cfg.axis[0] : r.cfg.axis ?? -1;
  const rank = rankOf(r);
  if (typeof raw !== 'number') return loweringFail(r.name, `axis must be an integer, got ${JSON.stringify(raw)}`);
  return raw < 0 ? rank + raw : raw;
}

const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

/** The normalised axes of a LayerNormalization, ascending. */
function layerNormAxes(r: LoweringInput): number[] {
  const rank = rankOf(r);
  const raw = Array.isArray(r.cfg.axis) ? r.cfg.axis : [r.cfg.axis ?? -1];
  return raw.map((a) => (typeof a === 'number' ? (a < 0 ? rank + a : a) : loweringFail(r.name, `axis must be integers, got ${JSON.stringify(r.cfg.axis)}`)))
    .sort((a, b) => a - b);
}

const batchNorm: LayerKind = {
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
  lowering: {
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
  },
};

const layerNorm: LayerKind = {
  category: 'norm',
  shape: one,
  params: (r) => {
    const c = normAxisChannels(r);
    const learned = (r.cfg.scale !== false ? 1 : 0) + (r.cfg.center !== false ? 1 : 0);
    return { trainable: learned * c, nonTrainable: 0 };
  },
  ops: (r, out) => 5 * elements(r.name, out), // mean, variance, normalise, scale, shift
  window: () => 'identity',
  lowering: {
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
  },
};

const lrn: LayerKind = {
  category: 'norm',
  shape: (r) => { rank(r.name, one(r), 4); return one(r); },
  // Sum of squares over 2r+1 channels (a multiply and an add each), then bias, pow and divide.
  ops: (r, out) => {
    const radius = nonNegativeInt(r.name, 'depth_radius', r.cfg.depth_radius ?? 5);
    return elements(r.name, out) * (2 * (2 * radius + 1) + 3);
  },
  window: () => 'identity',
  tfjsClass: 'LRN',
  /**
   * tfjs' localResponseNormalization sums squares over channels c-r..c+r and divides by
   * (bias + alpha * sum)^beta; ONNX LRN divides alpha by the window size, so alpha is scaled back.
   */
  lowering: {
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
  },
};

/** ConvNeXt's LayerScale: x times a trainable gamma of projection_dim values (the last axis). */
const layerScale: LayerKind = {
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
  tfjsClass: 'LayerScale',
  /** ConvNeXt's LayerScale: x * gamma over Keras' last axis. */
  lowering: {
    weights: (r) => [{ attr: 'gamma', shape: [positiveInt(r.name, 'projection_dim', r.cfg.projection_dim)], init: 'gamma' }],
    lower: (r) => {
      const x = r.inputs[0];
      const rank = rankOf(r);
      const c = positiveInt(r.name, 'projection_dim', r.cfg.projection_dim);
      const gamma = constLike(r, 'gamma', x, [...new Array<number>(rank - 1).fill(1), c], r.weight('gamma'));
      return out(r, r.g.node(r.name, r.name, 'Mul', [x.name, gamma]), x.perm);
    },
  },
};

export const NORMALIZATION_KINDS: LayerKinds = {
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  LRN: lrn,
  LayerScale: layerScale,
};
