// Builds a runnable tfjs LayersModel from the IR. This is the only place weights get allocated;
// analysis never calls it. Weights carried by the spec (imported files) replace the random ones.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { KerasModel, kerasModelOf, ModelSpec, NetLensError } from '../../ir/types';
import { analyzeModel } from '../../analysis/analyze';
import { registerCustomLayers } from './customLayers';
import { CausalConv1D } from './causalConv1d';

/** Keras 3 changed hard_sigmoid to relu6(x + 3) / 6; Keras 2 and tfjs use clip(0.2 x + 0.5, 0, 1). */
const isKeras3 = (model: KerasModel): boolean => /^3\./.test(model.keras_version ?? '');

/** One layer's config made tfjs-equivalent: renamed fields and activations whose meaning differs. */
function tfjsLayerConfig(cfg: Record<string, unknown>, className: string, keras3: boolean): Record<string, unknown> {
  let out = cfg;
  if (keras3 && cfg.activation === 'hard_sigmoid') out = { ...out, activation: 'hard_sigmoid_keras3' };
  // Keras 3's LeakyReLU names its slope negative_slope; tfjs (and Keras 2) call it alpha.
  if (className === 'LeakyReLU' && typeof cfg.negative_slope === 'number' && cfg.alpha === undefined) {
    const { negative_slope: slope, ...rest } = out;
    out = { ...rest, alpha: slope };
  }
  return out;
}

/**
 * Keras accepts some layers tfjs refuses; rewrite them to an equivalent tfjs accepts, keeping
 * names so per-layer results still line up: Flatten of a rank-2 tensor (a no-op in Keras,
 * written in the textbook's ResNet-34 after global pooling) becomes a Reshape to the same shape;
 * configs whose fields or activations tfjs reads differently are translated (tfjsLayerConfig).
 */
export function tfjsCompatible(model: KerasModel): KerasModel {
  const shapes = new Map(analyzeModel(model).layers.map((l) => [l.name, l.outputShape]));
  const keras3 = isKeras3(model);
  const layers = model.config.layers.map((l) => {
    // tfjs' Conv1D refuses causal padding: a wrapper pads on the left (causalConv1d.ts).
    if (l.class_name === 'Conv1D' && l.config.padding === 'causal') return { ...l, class_name: CausalConv1D.className };
    if (l.class_name !== 'Flatten') return { ...l, config: tfjsLayerConfig(l.config, l.class_name, keras3) };
    const src = l.inbound_nodes[0]?.[0]?.[0];
    const inShape = src === undefined ? undefined : shapes.get(src);
    if (!inShape || inShape.length !== 2) return l;
    return { ...l, class_name: 'Reshape', config: { name: l.name, target_shape: [inShape[1]] } };
  });
  return { ...model, config: { ...model.config, layers } };
}

export async function buildTfjsModel(spec: ModelSpec): Promise<tfl.LayersModel> {
  registerCustomLayers();
  const modelTopology = tfjsCompatible(kerasModelOf(spec, 'Building a TensorFlow.js model')) as unknown as tf.io.ModelJSON['modelTopology'];
  if (spec.weights) {
    // With weights in hand, tfjs' own loader skips the random initialisation it would otherwise
    // run over every weight (seconds for a ResNet) only for us to overwrite it.
    try {
      return await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology, ...packWeights(spec.weights) }), { strict: true });
    } catch {
      // Fall through: the slower path below names the weight or layer that does not fit.
    }
  }
  let model: tfl.LayersModel;
  try {
    model = await tfl.models.modelFromJSON({ modelTopology });
  } catch (e) {
    throw new NetLensError(`tfjs cannot build "${spec.name}": ${(e as Error).message.split('\n')[0]}`);
  }
  if (spec.weights) {
    try {
      applyWeights(model, spec.weights);
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  return model;
}

/** Weights as tfjs' in-memory artifacts: float32 specs and one buffer, in the spec's order. */
function packWeights(weights: NonNullable<ModelSpec['weights']>): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const total = weights.reduce((n, w) => n + w.data.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const w of weights) { data.set(w.data, at); at += w.data.length; }
  return { weightSpecs: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })), weightData: data.buffer };
}

/** Sets weights by their tfjs names ("conv1_conv/kernel"); every model weight must be present. */
export function applyWeights(model: tfl.LayersModel, weights: NonNullable<ModelSpec['weights']>): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const values = model.weights.map((v) => {
    const w = byName.get(v.originalName) ?? byName.get(v.name);
    if (!w) throw new NetLensError(`weights file has no values for ${v.originalName}`);
    const same = w.shape.length === v.shape.length && w.shape.every((d, i) => d === v.shape[i]);
    if (!same) throw new NetLensError(`weight ${v.originalName} has shape [${w.shape}] in the file, the model needs [${v.shape}]`);
    return tf.tensor(w.data, w.shape, 'float32');
  });
  model.setWeights(values);
  tf.dispose(values);
}
