// Registers NetLens' custom tfjs layer and activation classes with tfjs' deserializer, so models
// using Keras classes tfjs-layers lacks can be built and run (idempotent).
import * as tf from '@tensorflow/tfjs-core';
import { CUSTOM_ACTIVATIONS } from './activations';
import { LayerScale, StochasticDepth } from './convnext';
import { LRN } from './lrn';
import { Normalization, PassThrough, passThroughClass } from './preprocessing';

/** Keras' random augmentation layers: each is the identity at inference. */
export const RANDOM_AUGMENTATIONS = [
  'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness',
  'RandomGrayscale', 'RandomHue', 'RandomSaturation', 'RandomSharpness', 'RandomShear', 'RandomColorJitter',
  'RandomColorDegeneration', 'RandomPosterization', 'RandomInvert', 'RandomErasing', 'RandomGaussianBlur',
  'RandomPerspective', 'RandomElasticTransform',
];

let registered = false;
export function registerCustomLayers(): void {
  if (registered) return;
  for (const cls of [LRN, Normalization, LayerScale, StochasticDepth, PassThrough]) tf.serialization.registerClass(cls);
  for (const name of RANDOM_AUGMENTATIONS) tf.serialization.registerClass(passThroughClass(name));
  for (const cls of CUSTOM_ACTIVATIONS) tf.serialization.registerClass(cls);
  registered = true;
}
