// Registers NetLens' custom tfjs layer and activation classes with tfjs' deserializer, so models
// using Keras classes tfjs-layers lacks (or reads differently) can be built and run (idempotent).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CUSTOM_ACTIVATIONS } from './activations';
import { CausalConv1D } from './causalConv1d';
import { LayerScale, StochasticDepth } from './convnext';
import { KERAS_APPLICATIONS_LAYERS } from './kerasApplications';
import { LRN } from './lrn';
import { Normalization, PassThrough, passThroughClass } from './preprocessing';
import { ReLU } from './relu';
import { CenterCrop, RandomCrop, Resizing, UpSampling2D } from './resize';
import { RANDOM_AUGMENTATIONS } from '../../layers/trainingOnly';

/**
 * Every layer class NetLens registers with tfjs, under its static className. ReLU, Resizing,
 * CenterCrop, UpSampling2D (relu.ts, resize.ts) and GlobalAverage/MaxPooling2D (keepdims), Conv2D
 * (groups) (kerasApplications.ts) replace tfjs' own. The layer kinds name these (`tfjsClass` in
 * src/core/layers/); test/unit/layers.kinds.test.ts keeps the two in step.
 */
export const CUSTOM_LAYER_CLASSES: readonly tf.serialization.SerializableConstructor<tfl.layers.Layer>[] = [
  LRN, Normalization, LayerScale, StochasticDepth, PassThrough, ReLU, Resizing, CenterCrop, RandomCrop, UpSampling2D, CausalConv1D,
  ...RANDOM_AUGMENTATIONS.map((name) => passThroughClass(name)),
  // CustomScaleLayer (InceptionResNetV2).
  ...KERAS_APPLICATIONS_LAYERS,
];

let registered = false;
export function registerCustomLayers(): void {
  if (registered) return;
  for (const cls of CUSTOM_LAYER_CLASSES) tf.serialization.registerClass(cls);
  for (const cls of CUSTOM_ACTIVATIONS) tf.serialization.registerClass(cls);
  registered = true;
}
