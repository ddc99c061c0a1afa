// Keras' resizing layers as tfjs layers, following Keras rather than tfjs-layers' own versions
// (whose Resizing reports a rank-3 output shape and whose CenterCrop shifts odd widths by one):
//   Resizing    tf.image.resize (half-pixel centres), optionally cropping the largest centred window
//               of the target's aspect ratio first (crop_to_aspect_ratio) or padding to it (Keras 3's
//               pad_to_aspect_ratio, with fill_value)
//   CenterCrop  the centre when the input is large enough, else Resizing with crop_to_aspect_ratio
//   RandomCrop  at inference: Resizing with crop_to_aspect_ratio (Keras' documented behaviour)
//   UpSampling2D  nearest repeats each pixel; bilinear resizes with half-pixel centres as Keras does
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { NetLensError } from '../../ir/types';

type Shape = (number | null)[];
interface ImageArgs {
  height?: number;
  width?: number;
  size?: number | [number, number];
  interpolation?: string;
  cropToAspectRatio?: boolean;
  padToAspectRatio?: boolean;
  fillValue?: number;
  dataFormat?: 'channelsLast' | 'channelsFirst';
  name?: string;
  trainable?: boolean;
  dtype?: tf.DataType;
  [key: string]: unknown;
}

/** Keras 3's pad_to_aspect_ratio: pad (centred, with fill_value) to the target's aspect ratio. */
function padToAspect(x: tf.Tensor4D, th: number, tw: number, fill: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const ph = Math.max(h, Math.trunc((w * th) / tw));
  const pw = Math.max(w, Math.trunc((h * tw) / th));
  const top = Math.trunc((ph - h) / 2);
  const left = Math.trunc((pw - w) / 2);
  return tf.pad(x, [[0, 0], [top, ph - h - top], [left, pw - w - left], [0, 0]], fill);
}

/** Keras' crop_to_aspect_ratio window: the largest centred crop with the target's aspect ratio. */
function cropToAspect(x: tf.Tensor4D, th: number, tw: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const ch = Math.max(Math.min(h, Math.trunc((w * th) / tw)), 1);
  const cw = Math.max(Math.min(w, Math.trunc((h * tw) / th)), 1);
  const top = Math.trunc((h - ch) / 2);
  const left = Math.trunc((w - cw) / 2);
  return tf.slice(x, [0, top, left, 0], [-1, ch, cw, -1]);
}

function resize(x: tf.Tensor4D, h: number, w: number, interpolation: string): tf.Tensor4D {
  if (interpolation === 'bilinear') return tf.image.resizeBilinear(x, [h, w], false, true);
  if (interpolation === 'nearest') return tf.image.resizeNearestNeighbor(x, [h, w], false, true);
  throw new NetLensError(`TensorFlow.js resizes with bilinear or nearest only, not ${interpolation}`);
}

/** The shared skeleton: channels-last internally, the Keras data format outside. */
abstract class ImageLayer extends tfl.layers.Layer {
  protected readonly first: boolean;
  protected readonly args: ImageArgs;

  constructor(args: ImageArgs) {
    const { name, trainable, dtype, inputShape, batchInputShape } = args;
    super({ name, trainable, dtype, inputShape, batchInputShape } as never);
    this.args = args;
    this.first = args.dataFormat === 'channelsFirst';
  }

  protected abstract apply4d(x: tf.Tensor4D): tf.Tensor4D;
  protected abstract outHW(h: number | null, w: number | null): [number | null, number | null];

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const nhwc = this.first ? tf.transpose(x, [0, 2, 3, 1]) : x;
      const y = this.apply4d(tf.cast(nhwc, 'float32'));
      return this.first ? tf.transpose(y, [0, 3, 1, 2]) : y;
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (this.first) {
      const [h, w] = this.outHW(s[2], s[3]);
      return [s[0], s[1], h, w];
    }
    const [h, w] = this.outHW(s[1], s[2]);
    return [s[0], h, w, s[3]];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { name: _n, trainable: _t, dtype: _d, inputShape: _i, batchInputShape: _b, ...rest } = this.args;
    return { ...super.getConfig(), ...(rest as tf.serialization.ConfigDict) };
  }
}

export class Resizing extends ImageLayer {
  static className = 'Resizing';
  protected apply4d(x: tf.Tensor4D): tf.Tensor4D {
    const { height, width } = this.args as Required<Pick<ImageArgs, 'height' | 'width'>>;
    const src = this.args.cropToAspectRatio ? cropToAspect(x, height, width)
      : this.args.padToAspectRatio ? padToAspect(x, height, width, this.args.fillValue ?? 0) : x;
    return resize(src, height, width, this.args.interpolation ?? 'bilinear');
  }
  protected outHW(): [number, number] { return [this.args.height!, this.args.width!]; }
}

export class CenterCrop extends ImageLayer {
  static className = 'CenterCrop';
  protected apply4d(x: tf.Tensor4D): tf.Tensor4D {
    const [, h, w] = x.shape;
    const th = this.args.height!;
    const tw = this.args.width!;
    if (h >= th && w >= tw) return tf.slice(x, [0, Math.trunc((h - th) / 2), Math.trunc((w - tw) / 2), 0], [-1, th, tw, -1]);
    return resize(cropToAspect(x, th, tw), th, tw, 'bilinear');
  }
  protected outHW(): [number, number] { return [this.args.height!, this.args.width!]; }
}

export class RandomCrop extends ImageLayer {
  static className = 'RandomCrop';
  protected apply4d(x: tf.Tensor4D): tf.Tensor4D {
    return resize(cropToAspect(x, this.args.height!, this.args.width!), this.args.height!, this.args.width!, 'bilinear');
  }
  protected outHW(): [number, number] { return [this.args.height!, this.args.width!]; }
}

export class UpSampling2D extends ImageLayer {
  static className = 'UpSampling2D';
  private factors(): [number, number] {
    const s = this.args.size ?? 2;
    return Array.isArray(s) ? [s[0], s[1]] : [s, s];
  }
  protected apply4d(x: tf.Tensor4D): tf.Tensor4D {
    const [sh, sw] = this.factors();
    return resize(x, x.shape[1] * sh, x.shape[2] * sw, this.args.interpolation ?? 'nearest');
  }
  protected outHW(h: number | null, w: number | null): [number | null, number | null] {
    const [sh, sw] = this.factors();
    return [h === null ? null : h * sh, w === null ? null : w * sw];
  }
}
