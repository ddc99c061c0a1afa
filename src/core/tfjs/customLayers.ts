// Registers NetLens' custom tfjs layer and activation classes with tfjs' deserializer, so models
// using Keras classes tfjs-layers lacks (or reads differently) can be built and run (idempotent).
import * as tf from '@tensorflow/tfjs-core';
import { CUSTOM_ACTIVATIONS } from './activations';
import { CausalConv1D } from './causalConv1d';
import { LayerScale, StochasticDepth } from './convnext';
import { KERAS_APPLICATIONS_LAYERS } from './kerasApplications';
import { LRN } from './lrn';
import { Normalization, PassThrough, passThroughClass } from './preprocessing';
import { ReLU } from './relu';
import { CenterCrop, RandomCrop, Resizing, UpSampling2D } from './resize';
import { RANDOM_AUGMENTATIONS } from '../analysis/rules';

let registered = false;
export function registerCustomLayers(): void {
  if (registered) return;
  // ReLU, Resizing, CenterCrop and UpSampling2D replace tfjs' own classes (see relu.ts, resize.ts).
  for (const cls of [LRN, Normalization, LayerScale, StochasticDepth, PassThrough, ReLU, Resizing, CenterCrop, RandomCrop, UpSampling2D, CausalConv1D]) tf.serialization.registerClass(cls);
  for (const name of RANDOM_AUGMENTATIONS) tf.serialization.registerClass(passThroughClass(name));
  for (const cls of CUSTOM_ACTIVATIONS) tf.serialization.registerClass(cls);
  // CustomScaleLayer; GlobalAverage/MaxPooling2D (keepdims) and Conv2D (groups) replace tfjs' own (kerasApplications.ts).
  for (const cls of KERAS_APPLICATIONS_LAYERS) tf.serialization.registerClass(cls);
  registered = true;
}
