// The analyser: one sweep over the layers in topological order applies each class's rule, then
// memory (liveness) and totals. Purely analytic: nothing is allocated but numbers.
import { KerasModel, NetLensError, Shape } from '../ir/types';
import { validateModel } from '../ir/validate';
import { Category, RULES, Window } from './rules';
import { elements, formatShape } from './config';
import { peakActivationBytes } from './memory';

export interface ReceptiveField {
  /** Receptive field size in input pixels, [height, width]. */
  size: [number, number];
  /** Distance in input pixels between neighbouring outputs (the accumulated stride). */
  jump: [number, number];
}

export interface LayerStats {
  name: string;
  className: string;
  category: Category | 'unsupported';
  inbound: string[];
  outputShape: Shape;
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  macs: number;
  /** The MAC count written out as factors ("5x5x3 x 150x100 x 200"), empty when there are none. */
  macsFormula: string;
  flops: number;
  weightBytes: number;
  activationBytes: number;
  receptiveField: ReceptiveField;
}

export type Optimizer = 'sgd' | 'momentum' | 'adam';

/** Per trainable parameter, the optimizer keeps this many extra values. */
export const OPTIMIZER_SLOTS: Record<Optimizer, number> = { sgd: 0, momentum: 1, adam: 2 };

export interface Totals {
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  macs: number;
  flops: number;
  weightBytes: number;
  activationBytes: number;
  peakInferenceBytes: number;
  trainingBytes: number;
}

export interface ModelAnalysis {
  model: string;
  input: Shape;
  batch: number;
  optimizer: Optimizer;
  totals: Totals;
  layers: LayerStats[];
  unsupported: { name: string; className: string }[];
}

export interface AnalyzeOptions {
  batch?: number;
  optimizer?: Optimizer;
  /** Replaces the spatial/channel dims of the (single) input, e.g. [299, 299, 3]. */
  inputShape?: number[];
}

/** Bytes per element of each Keras dtype. */
const DTYPE_BYTES: Record<string, number> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8, int32: 4, int64: 8, int8: 1, uint8: 1, bool: 1,
};

function dtypeBytes(cfg: Record<string, unknown>): number {
  const d = cfg.dtype;
  // Keras 3 writes a DTypePolicy object; tfjs and Keras 2 write a string.
  const name = typeof d === 'string' ? d
    : d && typeof d === 'object' ? String((d as { config?: { name?: string } }).config?.name ?? 'float32') : 'float32';
  return DTYPE_BYTES[name.replace(/^mixed_/, '')] ?? 4;
}

function mergeFields(fields: ReceptiveField[]): ReceptiveField {
  if (fields.length === 0) return { size: [1, 1], jump: [1, 1] };
  return {
    size: [Math.max(...fields.map((f) => f.size[0])), Math.max(...fields.map((f) => f.size[1]))],
    jump: [Math.max(...fields.map((f) => f.jump[0])), Math.max(...fields.map((f) => f.jump[1]))],
  };
}

function widen(rf: ReceptiveField, w: Window, input: Shape): ReceptiveField {
  if (w === 'identity') return rf;
  if (w === 'global') {
    // Every position of a rank-4 input contributes: extend the window over the whole input. The
    // jump stays: layers after a global one (an SE gate multiplied back in) are spatial again.
    if (input.length !== 4) return rf;
    const h = input[1] ?? 1;
    const wd = input[2] ?? 1;
    return { size: [rf.size[0] + (h - 1) * rf.jump[0], rf.size[1] + (wd - 1) * rf.jump[1]], jump: rf.jump };
  }
  return {
    size: [rf.size[0] + (w.kernel[0] - 1) * rf.jump[0], rf.size[1] + (w.kernel[1] - 1) * rf.jump[1]],
    jump: [rf.jump[0] * w.stride[0], rf.jump[1] * w.stride[1]],
  };
}

function checkBatch(batch: number): number {
  if (!Number.isInteger(batch) || batch <= 0) throw new NetLensError(`batch must be a positive integer, got ${batch}`);
  return batch;
}

/** Copies the model with its single input resized (only the InputLayer config changes). */
function withInputShape(model: KerasModel, shape: number[]): KerasModel {
  const inputs = model.config.layers.filter((l) => l.class_name === 'InputLayer');
  if (inputs.length !== 1) throw new NetLensError(`--input needs a model with one input, this one has ${inputs.length}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d <= 0) throw new NetLensError(`input dimensions must be positive integers, got ${JSON.stringify(shape)}`);
  }
  const layers = model.config.layers.map((l) =>
    l === inputs[0] ? { ...l, config: { ...l.config, batch_input_shape: [null, ...shape] } } : l);
  return { ...model, config: { ...model.config, layers } };
}

export function analyzeModel(source: KerasModel, options: AnalyzeOptions = {}): ModelAnalysis {
  const batch = checkBatch(options.batch ?? 1);
  const optimizer = options.optimizer ?? 'adam';
  const model = options.inputShape ? withInputShape(source, options.inputShape) : source;
  const v = validateModel(model);

  const shapes = new Map<string, Shape>();
  const fields = new Map<string, ReceptiveField>();
  const layers: LayerStats[] = [];
  const unsupported: { name: string; className: string }[] = [];

  for (const layer of v.order) {
    const inbound = v.inbound.get(layer.name)!;
    const inputs = inbound.map((n) => shapes.get(n)!);
    const rule = RULES[layer.class_name];
    const r = { name: layer.name, cfg: layer.config, inputs };
    let out: Shape;
    let params = { trainable: 0, nonTrainable: 0 };
    let macs = 0;
    let ops = 0;
    let formula = '';
    if (rule) {
      out = rule.shape(r);
      params = rule.params?.(r, out) ?? params;
      macs = rule.macs?.(r, out) ?? 0;
      formula = macs > 0 ? rule.formula?.(r, out) ?? '' : '';
      ops = rule.ops?.(r, out) ?? 0;
    } else {
      // Unknown class: listed under `unsupported`; its shape is taken from its first input so the
      // layers after it can still be analysed, and the totals are marked incomplete by that list.
      unsupported.push({ name: layer.name, className: layer.class_name });
      out = inputs[0] ?? [null];
    }
    for (const d of out) {
      if (d !== null && (!Number.isInteger(d) || d <= 0)) {
        throw new NetLensError(`layer "${layer.name}": output shape ${formatShape(out)} has a non-positive dimension`);
      }
    }
    const outElements = elements(layer.name, out);
    shapes.set(layer.name, out);

    const inFields = inbound.map((n) => fields.get(n)!);
    const window = rule?.window?.(r) ?? 'identity';
    const rf = widen(mergeFields(inFields), window, inputs[0] ?? []);
    fields.set(layer.name, rf);

    const bytes = dtypeBytes(layer.config);
    const total = params.trainable + params.nonTrainable;
    layers.push({
      name: layer.name,
      className: layer.class_name,
      category: rule?.category ?? 'unsupported',
      inbound,
      outputShape: out,
      params: total,
      trainableParams: params.trainable,
      nonTrainableParams: params.nonTrainable,
      macs,
      macsFormula: formula,
      flops: 2 * macs + ops,
      weightBytes: total * bytes,
      activationBytes: outElements * bytes * batch,
      receptiveField: rf,
    });
  }

  const sum = (f: (l: LayerStats) => number): number => layers.reduce((a, l) => a + f(l), 0);
  const weightBytes = sum((l) => l.weightBytes);
  const activationBytes = sum((l) => l.activationBytes);
  const trainable = sum((l) => l.trainableParams);
  // Training keeps weights, one gradient per trainable weight, the optimizer's slots, and every
  // activation for the backward pass.
  const trainingBytes = weightBytes + trainable * 4 * (1 + OPTIMIZER_SLOTS[optimizer]) + activationBytes;
  const inputLayer = layers.find((l) => l.className === 'InputLayer');

  return {
    model: model.config.name ?? 'model',
    input: inputLayer ? inputLayer.outputShape : [null],
    batch,
    optimizer,
    totals: {
      params: sum((l) => l.params),
      trainableParams: trainable,
      nonTrainableParams: sum((l) => l.nonTrainableParams),
      macs: sum((l) => l.macs),
      flops: sum((l) => l.flops),
      weightBytes,
      activationBytes,
      peakInferenceBytes: weightBytes + peakActivationBytes(layers, v.consumers, v.outputs),
      trainingBytes,
    },
    layers,
    unsupported,
  };
}
