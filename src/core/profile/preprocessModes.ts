// The image preprocessing modes, their one-line descriptions and the parser for user input. No
// tfjs here: the extension host and the CLI read these without loading an engine.
import { NetLensError, Preprocessing } from '../ir/types';

export const PREPROCESSINGS: Preprocessing[] = ['caffe', 'tf', 'torch', 'grayscale01', 'none'];

/** What each mode does, for pickers and help text. */
export const PREPROCESSING_LABELS: Record<Preprocessing, string> = {
  caffe: 'caffe: BGR minus the ImageNet mean (Keras ResNet50, VGG)',
  tf: 'tf: scaled to [-1, 1] (Keras Xception, MobileNet, Inception)',
  torch: 'torch: [0, 1] minus ImageNet mean over std (torchvision, Keras DenseNet)',
  grayscale01: 'grayscale01: luminance in [0, 1] (LeNet, MNIST)',
  none: 'none: raw 0..255 values (models that rescale themselves)',
};

/** A --preprocessing value (or a request field) checked; undefined stays undefined. */
export function parsePreprocessing(v: unknown, what = '--preprocessing'): Preprocessing | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && (PREPROCESSINGS as string[]).includes(v)) return v as Preprocessing;
  throw new NetLensError(`${what} must be one of ${PREPROCESSINGS.join(', ')}, got ${JSON.stringify(v)}`);
}
