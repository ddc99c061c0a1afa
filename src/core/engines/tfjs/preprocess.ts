// Turns a decoded image into a model input with tfjs ops: resize (bilinear, half-pixel centres as
// PIL and TF2 resize do) to the model's input size, then the model family's preprocessing:
//   caffe       RGB -> BGR, minus the ImageNet mean [103.939, 116.779, 123.68] (Keras ResNet50, VGG)
//   tf          x / 127.5 - 1, i.e. [-1, 1] (Keras Xception, MobileNet, InceptionV3)
//   torch       x / 255, minus mean [0.485, 0.456, 0.406], over std [0.229, 0.224, 0.225] (torchvision)
//   grayscale01 luminance (ITU-R 601: 0.299 R + 0.587 G + 0.114 B) / 255 in [0, 1] (LeNet, MNIST)
//   none        raw 0..255 values (the default for a model whose first layers are Rescaling/Normalization)
// A one-channel model always gets a luminance image (scaled as its preprocessing says).
import * as tf from '@tensorflow/tfjs-core';
import { KerasLayer, KerasModel, ModelSpec, NetLensError, Preprocessing } from '../../ir/types';
import { DecodedImage } from '../../profile/image';
import { PREPROCESSINGS } from '../../profile/preprocessModes';
import { RuleLayer, startsWithRescaling } from '../../profile/selfRescaling';

export { PREPROCESSINGS, PREPROCESSING_LABELS, parsePreprocessing } from '../../profile/preprocessModes';

/**
 * Whether the model scales its own input: a Rescaling or Normalization layer right after the input
 * (past resizing, cropping and augmentation layers). Such a model wants raw 0..255 pixels. The rule
 * is selfRescaling.ts's, over the config's layers and the layers feeding each one's first call.
 */
export function rescalesItself(spec: ModelSpec): boolean {
  const model = spec.model as Partial<KerasModel>;
  const layers = model.config?.layers;
  if (!Array.isArray(layers)) return false;
  return startsWithRescaling(layers.map((l: KerasLayer): RuleLayer => {
    const first: unknown = l.inbound_nodes?.[0];
    const inbound = Array.isArray(first)
      ? first.map((ref: unknown) => (Array.isArray(ref) ? ref[0] : undefined)).filter((s): s is string => typeof s === 'string')
      : [];
    return { name: l.name, className: l.class_name, inbound };
  }));
}

/** The preprocessing the model says (its family's, or 'none' when it rescales itself), else undefined. */
export function knownPreprocessing(spec: ModelSpec): Preprocessing | undefined {
  if (spec.preprocessing) return spec.preprocessing;
  return rescalesItself(spec) ? 'none' : undefined;
}

/** The spec's preprocessing, or a default from the input channels for models that name none. */
export function preprocessingFor(spec: ModelSpec, channels: number): Preprocessing {
  return knownPreprocessing(spec) ?? (channels === 1 ? 'grayscale01' : 'tf');
}

const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68];
const TORCH_MEAN = [0.485, 0.456, 0.406];
const TORCH_STD = [0.229, 0.224, 0.225];

/** A batch-1 float32 tensor [1, height, width, channels] ready for the model. The caller disposes it. */
export function imageToInput(img: DecodedImage, height: number, width: number, channels: number, pre: Preprocessing): tf.Tensor4D {
  if (channels !== 1 && channels !== 3) throw new NetLensError(`the model takes ${channels}-channel input; images give 1 (grayscale) or 3 (RGB)`);
  return tf.tidy(() => {
    const rgb = tf.cast(tf.tensor3d(img.rgb, [img.height, img.width, 3], 'int32'), 'float32');
    let x = tf.image.resizeBilinear(rgb, [height, width], false, true) as tf.Tensor3D;
    if (channels === 1) {
      x = tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), -1, true);
      x = pre === 'none' ? x : pre === 'tf' ? tf.sub(tf.div(x, 127.5), 1) : tf.div(x, 255);
    } else {
      switch (pre) {
        case 'caffe':
          x = tf.sub(tf.reverse(x, -1), tf.tensor1d(CAFFE_MEAN_BGR));
          break;
        case 'tf':
          x = tf.sub(tf.div(x, 127.5), 1);
          break;
        case 'torch':
          x = tf.div(tf.sub(tf.div(x, 255), tf.tensor1d(TORCH_MEAN)), tf.tensor1d(TORCH_STD));
          break;
        case 'grayscale01': {
          // A colour model asked for grayscale: luminance replicated over the three channels.
          const y = tf.div(tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), -1, true), 255);
          x = tf.concat([y, y, y], -1) as tf.Tensor3D;
          break;
        }
        case 'none':
          break;
        default:
          throw new NetLensError(`unknown preprocessing "${pre as string}"; known: ${PREPROCESSINGS.join(', ')}`);
      }
    }
    return tf.expandDims(x, 0) as tf.Tensor4D;
  });
}
