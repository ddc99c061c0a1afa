// Resampling and cropping shared by preprocessing (Resizing, CenterCrop, RandomCrop) and reshaping
// (UpSampling2D, Cropping2D) kinds: the analyser's interpolation taps and the lowering's Resize and Slice nodes.
import { fail } from '../analysis/config';
import { attr } from '../engines/ort/lowering/attr';
import { Value } from '../engines/ort/lowering/perm';
import { LayerInput, LowerInput, LoweringInput } from './kind';
import { imagePerm, out, spatialAxes } from './lowering';

/** Interpolation taps per output element along one axis, and FLOPs per output element (2 x taps^2 - 1: a weighted sum). */
export const INTERPOLATION_TAPS: Record<string, number> = {
  nearest: 1, bilinear: 2, bicubic: 4, mitchellcubic: 4, lanczos3: 6, lanczos5: 10, gaussian: 3, area: 2,
};

export function interpolation(r: LayerInput, fallback: string): number {
  const m = r.cfg.interpolation ?? fallback;
  const taps = typeof m === 'string' && Object.prototype.hasOwnProperty.call(INTERPOLATION_TAPS, m) ? INTERPOLATION_TAPS[m] : undefined;
  if (taps === undefined) fail(r.name, `interpolation must be one of ${Object.keys(INTERPOLATION_TAPS).join(', ')}, got ${JSON.stringify(m)}`);
  return taps;
}

export const resampleOps = (taps: number): number => (taps === 1 ? 0 : 2 * taps * taps - 1);

/** Slices Keras' spatial axes [top, top + h) x [left, left + w), in whatever layout x has. */
export function cropNode(r: LowerInput, part: string | null, x: Value, top: number, left: number, h: number, w: number): Value {
  const [ha, wa] = spatialAxes(r);
  const t = (n: string, v: number[]): string => r.g.int64Tensor(`${r.name}/${part ?? 'crop'}_${n}`, v);
  const name = part ? `${r.name}/${part}` : r.name;
  const y = r.g.node(r.name, name, 'Slice', [x.name, t('starts', [top, left]), t('ends', [top + h, left + w]),
    t('axes', [x.perm.indexOf(ha), x.perm.indexOf(wa)])]);
  return out(r, y, x.perm);
}

/**
 * tf.image.resize as Keras and tfjs run it (half-pixel centres, no antialiasing): ONNX Resize on
 * NCHW with output sizes [N, C] (read at run time: the batch is symbolic) + [h, w].
 */
export function resizeNode(r: LowerInput, x0: Value, h: number, w: number, interpolation: string): Value {
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

export const interpolationOf = (r: LoweringInput, dflt: string): string => (typeof r.cfg.interpolation === 'string' ? r.cfg.interpolation : dflt);

export const resizeUnsupported = (dflt: string) => (r: LoweringInput): string | undefined => {
  const m = interpolationOf(r, dflt);
  return m === 'bilinear' || m === 'nearest' ? undefined : `${m} interpolation has no ONNX lowering (bilinear and nearest do)`;
};
