// Keras' regularization layers (keras/src/layers/regularization), with Keras Applications'
// StochasticDepth (ConvNeXt): all the identity at inference (TRAINING_ONLY in trainingOnly.ts).
import { LayerKinds } from './kind';
import { passThrough } from './passThrough';

export const REGULARIZATION_KINDS: LayerKinds = {
  Dropout: passThrough('regularization'),
  SpatialDropout1D: passThrough('regularization'),
  SpatialDropout2D: passThrough('regularization'),
  GaussianNoise: passThrough('regularization'),
  GaussianDropout: passThrough('regularization'),
  AlphaDropout: passThrough('regularization'),
  StochasticDepth: passThrough('regularization', 'StochasticDepth'),
};
