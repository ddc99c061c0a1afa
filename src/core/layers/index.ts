// The Keras layer kinds, one family module per Keras layer folder, assembled into the two tables
// the engine reads: LAYER_KINDS (Keras class -> kind; the analyser's rules, src/core/analysis/opRule.ts)
// and KERAS_LOWERINGS (Keras class -> ONNX lowering; src/core/engines/ort/lowering/lower.ts and weights.ts). A
// class in neither is reported as unsupported, never counted as zero. A new Keras class is one
// kind in its family file (plus its test); a new family is one line in FAMILIES.
//
// tfjs: a kind names the class NetLens registers with tfjs for it (`tfjsClass`) and nothing more.
// The tfjs classes themselves stay in src/core/engines/tfjs/ (registered by customLayers.ts), because
// importing them loads @tensorflow/tfjs-*, which analysing a model must not do (the model process
// and `netlens summary` never load it); test/unit/layers.kinds.test.ts fails when the kinds' names
// and the classes customLayers.ts registers differ, either way.
import { ACTIVATION_KINDS } from './activations';
import { CONVOLUTIONAL_KINDS } from './convolutional';
import { CORE_KINDS } from './core';
import { KerasLowering, LayerKind, LayerKinds } from './kind';
import { MERGING_KINDS } from './merging';
import { NORMALIZATION_KINDS } from './normalization';
import { POOLING_KINDS } from './pooling';
import { PREPROCESSING_KINDS } from './preprocessing';
import { REGULARIZATION_KINDS } from './regularization';
import { RESHAPING_KINDS } from './reshaping';

export { ACTIVATION_OPS } from './activationOps';
export { RANDOM_AUGMENTATIONS, TRAINING_ONLY } from './trainingOnly';
export type {
  Category, Init, KerasLowering, LayerInput, LayerKind, LayerRule, LowerInput, LoweringInput, Params, WeightSpec, Window,
} from './kind';

/** Every family, by its module's name (a test checks this list against the folder). */
export const FAMILIES: Readonly<Record<string, LayerKinds>> = {
  core: CORE_KINDS,
  convolutional: CONVOLUTIONAL_KINDS,
  pooling: POOLING_KINDS,
  normalization: NORMALIZATION_KINDS,
  activations: ACTIVATION_KINDS,
  reshaping: RESHAPING_KINDS,
  merging: MERGING_KINDS,
  regularization: REGULARIZATION_KINDS,
  preprocessing: PREPROCESSING_KINDS,
};

/** Keras' other names for the same layer classes (Keras 1's and the short pooling names). */
export const KERAS_ALIASES: Readonly<Record<string, string>> = {
  Convolution2D: 'Conv2D',
  SeparableConvolution2D: 'SeparableConv2D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
  Convolution1D: 'Conv1D',
  MaxPool1D: 'MaxPooling1D',
  AvgPool1D: 'AveragePooling1D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
};

function assemble(): Record<string, LayerKind> {
  const table: Record<string, LayerKind> = {};
  for (const [family, kinds] of Object.entries(FAMILIES)) {
    for (const [cls, kind] of Object.entries(kinds)) {
      if (Object.prototype.hasOwnProperty.call(table, cls)) throw new Error(`layer kinds: ${cls} is defined twice (again in ${family})`);
      table[cls] = kind;
    }
  }
  for (const [alias, cls] of Object.entries(KERAS_ALIASES)) {
    if (!Object.prototype.hasOwnProperty.call(table, cls)) throw new Error(`layer kinds: alias ${alias} names no kind (${cls})`);
    table[alias] = table[cls];
  }
  return table;
}

/** Keras class name (aliases included) -> its kind: the analyser's rule table. */
export const LAYER_KINDS: Readonly<Record<string, LayerKind>> = assemble();

/** Keras class name (aliases included) -> its ONNX lowering. InputLayer becomes the graph input (lower.ts). */
export const KERAS_LOWERINGS: Readonly<Record<string, KerasLowering>> = Object.fromEntries(
  Object.entries(LAYER_KINDS).flatMap(([cls, kind]) => (kind.lowering ? [[cls, kind.lowering]] : [])),
);
