// The analyser: one sweep over the graph's nodes in topological order applies each op's rule (from
// the table of the graph's format: Keras classes or ONNX ops), then memory (liveness) and totals.
// Purely analytic: nothing is allocated but numbers. Keras configs are lowered to the graph first.
import { KerasModel, NetLensError, Shape } from '../ir/types';
import { isModelGraph, kerasToGraph, ModelGraph, RunScope } from '../ir/graph';
import { validateGraph, validateModel } from '../ir/validate';
import type { Category, Window } from '../layers/kind';
import { elements, formatShape } from './config';
import { peakActivationBytes } from './memory';
import { kerasRule, NodeCost, NodeRule, TensorInfo, tensorBytes } from './opRule';
import { onnxRule, unsizedCost, withOnnxDims, withOnnxInputShape } from '../formats/onnx/ops/table';
import { RuntimeValueError } from '../formats/onnx/ops/attrs';

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
  /** The node's name in the file, when the readable name above differs (ONNX). */
  sourceName?: string;
  /** How the figures relate to the source framework's (e.g. BatchNorm folded into this Conv by the export). */
  note?: string;
  /**
   * Set when the layer's sizes are known only at run time (it or a layer before it depends on data,
   * or on a free input dimension): why. Its MACs, FLOPs and activation bytes are then not counted
   * (0 here, and the layer is listed in the analysis's `unknown`); its params are exact.
   */
  unknown?: string;
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
  /** Layers whose figures depend on data (never counted as zero: listed here by name, with why). */
  unknown: { name: string; className: string; reason: string }[];
}

export interface AnalyzeOptions {
  batch?: number;
  optimizer?: Optimizer;
  /** Replaces the spatial/channel dims of the (single) input, e.g. [299, 299, 3]. */
  inputShape?: number[];
  /** Values of named free input dimensions (ONNX dim_param), e.g. { batch: 8, height: 512 }. */
  dims?: Record<string, number>;
}

function mergeFields(fields: ReceptiveField[]): ReceptiveField {
  if (fields.length === 0) return { size: [1, 1], jump: [1, 1] };
  return {
    size: [Math.max(...fields.map((f) => f.size[0])), Math.max(...fields.map((f) => f.size[1]))],
    jump: [Math.max(...fields.map((f) => f.jump[0])), Math.max(...fields.map((f) => f.jump[1]))],
  };
}

function widen(rf: ReceptiveField, w: Window, input: Shape, channelsFirst: boolean): ReceptiveField {
  if (w === 'identity') return rf;
  if (w === 'global') {
    // Every position of a rank-4 input contributes: extend the window over the whole input. The
    // jump stays: layers after a global one (an SE gate multiplied back in) are spatial again.
    if (input.length !== 4) return rf;
    const h = input[channelsFirst ? 2 : 1] ?? 1;
    const wd = input[channelsFirst ? 3 : 2] ?? 1;
    return { size: [rf.size[0] + (h - 1) * rf.jump[0], rf.size[1] + (wd - 1) * rf.jump[1]], jump: rf.jump };
  }
  return {
    size: [rf.size[0] + (w.kernel[0] - 1) * rf.jump[0], rf.size[1] + (w.kernel[1] - 1) * rf.jump[1]],
    jump: [rf.jump[0] * w.stride[0], rf.jump[1] * w.stride[1]],
  };
}

/** The file's own shapes (ONNX value_info) cross-check the computed ones, dimension by known dimension. */
function checkDeclared(graph: ModelGraph, layer: string, tensor: string | undefined, shape: Shape): void {
  const want = tensor && graph.declared && Object.hasOwn(graph.declared, tensor) ? graph.declared[tensor] : undefined;
  if (!want) return;
  const clash = want.length !== shape.length || want.some((d, i) => d !== null && shape[i] !== null && d !== shape[i]);
  if (clash) {
    throw new NetLensError(`layer "${layer}": computed output shape ${formatShape(shape)} but the file declares ${formatShape(want)} for tensor "${tensor}"`);
  }
}

/** How often a layer inside control flow runs: a factor, a branch not taken, or unknown (with why). */
function runState(scopes: RunScope[], tensors: Map<string, TensorInfo>): { factor: number; skip?: string; unknown?: string } {
  let factor = 1;
  let skip: string | undefined;
  let unknown: string | undefined;
  for (const s of scopes) {
    if (s.kind === 'if') {
      const v = tensors.get(s.cond)?.value?.[0];
      if (v === undefined || v === null) unknown ??= `runs only when the condition of If "${s.owner}" is ${s.when}, known at run time`;
      else if (Boolean(v) !== s.when) skip ??= `not run: the ${s.when ? 'then' : 'else'} branch of If "${s.owner}", whose condition folds to ${Boolean(v)}`;
    } else {
      const v = tensors.get(s.trips)?.value?.[0];
      if (v === undefined || v === null || !Number.isSafeInteger(v) || v < 0) unknown ??= `runs as many times as "${s.owner}" iterates, known at run time`;
      else factor *= v;
    }
  }
  if (!Number.isSafeInteger(factor)) unknown ??= 'the nested loops\' trip counts overflow';
  return { factor: Number.isSafeInteger(factor) ? factor : 1, skip, unknown };
}

/** An open shape filled in from what the file declares (ONNX value_info; the exporter's own inference). */
function withDeclared(graph: ModelGraph, tensor: string | undefined, shape: Shape): Shape {
  const want = tensor && graph.declared && Object.hasOwn(graph.declared, tensor) ? graph.declared[tensor] : undefined;
  if (!want) return shape;
  if (want.length !== shape.length) return want;
  return shape.map((d, i) => d ?? want[i]);
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

const tableOf: Record<ModelGraph['format'], (op: string) => NodeRule | undefined> = { keras: kerasRule, onnx: onnxRule };

/** Analyses of imported graphs by their options (kept as long as the graph is). */
const analysed = new WeakMap<ModelGraph, Map<string, ModelAnalysis>>();

/** Analyses a Keras config or a graph (an imported ONNX model). */
export function analyzeModel(source: KerasModel | ModelGraph, options: AnalyzeOptions = {}): ModelAnalysis {
  const batch = checkBatch(options.batch ?? 1);
  const optimizer = options.optimizer ?? 'adam';
  if (isModelGraph(source)) {
    // A file's graph is analysed once per set of options: loading it (which refuses what cannot be
    // sized) and the command after it ask the same question. Results are read, never changed.
    const key = JSON.stringify([batch, optimizer, options.inputShape ?? null, options.dims ?? null]);
    const known = analysed.get(source)?.get(key);
    if (known) return known;
    const sized = options.dims ? withOnnxDims(source, options.dims) : source;
    const graph = options.inputShape ? withOnnxInputShape(sized, options.inputShape) : sized;
    const result = analyzeGraph(graph, validateGraph(graph).order, batch, optimizer);
    if (!analysed.has(source)) analysed.set(source, new Map());
    analysed.get(source)!.set(key, result);
    return result;
  }
  const model = options.inputShape ? withInputShape(source, options.inputShape) : source;
  const v = validateModel(model);
  const graph = kerasToGraph(model, v.order, v.inbound, v.outputs);
  return analyzeGraph(graph, graph.nodes, batch, optimizer);
}

function analyzeGraph(graph: ModelGraph, order: ModelGraph['nodes'], batch: number, optimizer: Optimizer): ModelAnalysis {
  if (!Object.hasOwn(tableOf, graph.format)) throw new NetLensError(`unknown graph format ${JSON.stringify(graph.format)}`);
  const table = tableOf[graph.format];
  const channelsFirst = graph.layout === 'channels_first';
  const tensors = new Map<string, TensorInfo>();
  for (const [name, w] of Object.entries(graph.weights)) tensors.set(name, { shape: w.shape, dtype: w.dtype });
  for (const [name, c] of Object.entries(graph.constants)) tensors.set(name, { shape: c.shape, dtype: c.dtype, value: c.values });
  /** The layer that made each activation tensor (folded and fixed tensors have none). */
  const madeBy = new Map<string, string>();
  const fields = new Map<string, ReceptiveField>();
  const layers: LayerStats[] = [];
  const consumers = new Map<string, string[]>();
  const unsupported: { name: string; className: string }[] = [];
  const unknownLayers: ModelAnalysis['unknown'] = [];
  const claimed = new Set<string>();
  const claim = (t: string): boolean => {
    if (claimed.has(t)) return false;
    claimed.add(t);
    return true;
  };

  for (const node of order) {
    // One pass over the inputs: what is known of each, the layers feeding it, its first activation input.
    const inputs: (TensorInfo | undefined)[] = new Array(node.inputs.length);
    const inbound: string[] = [];
    let firstIn: string | undefined;
    for (let i = 0; i < node.inputs.length; i++) {
      const t = node.inputs[i];
      inputs[i] = t === '' ? undefined : tensors.get(t);
      const src = madeBy.get(t);
      if (src === undefined) continue;
      inbound.push(src);
      if (firstIn === undefined) firstIn = t;
    }
    const rule = table(node.op);
    // Why this layer's sizes are known only at run time: inherited from an input, or its own.
    // (An If with its branches read both branches' outputs and passes on the taken one's: its rule decides.)
    let unknown = node.op === 'If' && node.attrs.thenOutputs !== undefined ? undefined : inputs.find((t) => t?.unknown)?.unknown;
    // Inside an If branch or a loop body: how often it runs (formats/onnx/controlFlow.ts).
    const runs = node.runs ? runState(node.runs, tensors) : undefined;
    let cost: NodeCost;
    if (rule) {
      try {
        cost = rule.evaluate({ node, graph, inputs, claim });
      } catch (e) {
        // A value known only at run time, or a rule that cannot size what an unknown input gives
        // it: the layer is still drawn, with the shapes the file declares, and marked. A branch
        // that does not run (or may not) need not make sense for these shapes: never refused.
        const conditional = runs !== undefined && (runs.skip !== undefined || runs.unknown !== undefined);
        if (!(e instanceof RuntimeValueError) && !((unknown !== undefined || conditional) && e instanceof NetLensError)) throw e;
        const why = `${node.op} "${node.name}": ${e instanceof RuntimeValueError ? e.reason : e.message}`;
        unknown ??= why;
        cost = unsizedCost({ node, graph, inputs, claim }, unknown);
      }
    } else {
      // Unknown op: listed under `unsupported`; its outputs take the shape of its first activation
      // input so the layers after it can still be analysed, and the totals are marked incomplete.
      unsupported.push({ name: node.name, className: node.op });
      const like = (firstIn !== undefined ? tensors.get(firstIn) : inputs[0]) ?? { shape: [null], dtype: 'float32' };
      if (graph.format === 'onnx') cost = unsizedCost({ node, graph, inputs, claim }, unknown, like);
      else {
        cost = {
          outputs: node.outputs.map(() => ({ shape: like.shape, dtype: like.dtype })),
          params: { trainable: 0, nonTrainable: 0 }, weightBytes: 0, macs: 0, formula: '', ops: 0, window: 'identity',
        };
      }
    }
    let outBytes = 0;
    for (let i = 0; i < cost.outputs.length; i++) {
      let t = cost.outputs[i];
      if (i > 0 && !node.outputs[i]) continue; // an optional output the node does not name (a Dropout mask)
      for (const d of t.shape) {
        // 0 is an empty tensor (an empty pads list from ConstantOfShape), legal in ONNX.
        if (d !== null && (!Number.isInteger(d) || d < 0)) {
          throw new NetLensError(`layer "${node.name}": output shape ${formatShape(t.shape)} has a negative or fractional dimension`);
        }
      }
      // An output computed from an unknown input is unknown too, but for folded values that came out whole
      // (the channel count read off a tensor whose length depends on data is still exact).
      if (t.unknown === undefined && unknown !== undefined && (t.value === undefined || t.value.includes(null))) t = { ...t, unknown };
      if (t.unknown === undefined) {
        outBytes += tensorBytes(node.name, t);
        checkDeclared(graph, node.name, node.outputs[i], t.shape);
      } else {
        unknown ??= t.unknown;
        t = { ...t, shape: withDeclared(graph, node.outputs[i], t.shape) };
      }
      if (node.outputs[i]) tensors.set(node.outputs[i], t);
    }
    // A node whose every output value is known (Shape -> Gather -> Concat chains) is folded away.
    if (rule && graph.format === 'onnx' && cost.outputs.length > 0 && cost.outputs.every((t) => t.value !== undefined)) continue;
    for (const t of node.outputs) if (t) madeBy.set(t, node.name);
    consumers.set(node.name, []);
    for (const src of inbound) consumers.get(src)!.push(node.name);

    const inFields = inbound.map((n) => fields.get(n)!);
    const inShape = firstIn !== undefined ? tensors.get(firstIn)!.shape : inputs[0]?.shape ?? [];
    const rf = widen(mergeFields(inFields), cost.window, inShape, channelsFirst);
    fields.set(node.name, rf);

    // A branch not taken counts nothing (and is not listed: it does not run); a loop body counts once per iteration.
    const factor = runs?.skip !== undefined ? 0 : runs?.factor ?? 1;
    if (runs?.skip !== undefined) unknown = undefined;
    else if (runs?.unknown !== undefined) unknown ??= runs.unknown;
    if (factor !== 1) {
      cost = { ...cost, macs: cost.macs * factor, ops: cost.ops * factor, formula: cost.formula && factor > 1 ? `${cost.formula} x ${factor} iterations` : cost.formula };
      if (factor === 0) outBytes = 0;
    }
    const p = cost.params;
    const stats: LayerStats = {
      name: node.name,
      className: node.op,
      category: rule?.category ?? 'unsupported',
      inbound,
      outputShape: cost.outputs[0]?.shape ?? [null],
      params: p.trainable + p.nonTrainable,
      trainableParams: p.trainable,
      nonTrainableParams: p.nonTrainable,
      macs: unknown === undefined ? cost.macs : 0,
      macsFormula: unknown === undefined && cost.macs > 0 ? cost.formula : '',
      flops: unknown === undefined ? 2 * cost.macs + cost.ops : 0,
      weightBytes: cost.weightBytes,
      activationBytes: outBytes * batch,
      receptiveField: rf,
    };
    if (node.sourceName !== undefined) stats.sourceName = node.sourceName;
    if (cost.note !== undefined) stats.note = cost.note;
    if (runs?.skip !== undefined) stats.note = runs.skip;
    else if (factor > 1) stats.note = `runs ${factor} times (the loop's trip count); MACs and FLOPs are for all of them`;
    if (unknown !== undefined) {
      stats.unknown = unknown;
      unknownLayers.push({ name: node.name, className: node.op, reason: unknown });
    }
    layers.push(stats);
  }

  const outputs = [...new Set(graph.outputs.filter((t) => madeBy.has(t)).map((t) => madeBy.get(t)!))];
  const sum = (f: (l: LayerStats) => number): number => layers.reduce((a, l) => a + f(l), 0);
  const weightBytes = sum((l) => l.weightBytes);
  const activationBytes = sum((l) => l.activationBytes);
  const trainable = sum((l) => l.trainableParams);
  // Training keeps weights, one gradient per trainable weight, the optimizer's slots, and every
  // activation for the backward pass.
  const trainingBytes = weightBytes + trainable * 4 * (1 + OPTIMIZER_SLOTS[optimizer]) + activationBytes;
  const inputLayer = layers.find((l) => l.category === 'input');

  return {
    model: graph.name ?? 'model',
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
      peakInferenceBytes: weightBytes + peakActivationBytes(layers, consumers, outputs),
      trainingBytes,
    },
    layers,
    unsupported,
    unknown: unknownLayers,
  };
}
