// The layer classes that act only while training (identity at inference). A leaf apart from the
// kinds (index.ts) so the graph page can be told without bundling the analyser and the lowering.
/** Keras' random augmentation layers: each is the identity at inference (RandomCrop is not: it resizes). */
export const RANDOM_AUGMENTATIONS = [
  'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness',
  'RandomGrayscale', 'RandomHue', 'RandomSaturation', 'RandomSharpness', 'RandomShear', 'RandomColorJitter',
  'RandomColorDegeneration', 'RandomPosterization', 'RandomInvert', 'RandomErasing', 'RandomGaussianBlur',
  'RandomPerspective', 'RandomElasticTransform',
];

/** Classes that are the identity at inference (they act only while training); the hover card says so. */
export const TRAINING_ONLY: ReadonlySet<string> = new Set([
  'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'StochasticDepth',
  ...RANDOM_AUGMENTATIONS,
]);
