// The layer-by-layer executor: runs a tfjs LayersModel one layer at a time on concrete tensors,
// the way tfjs-layers' own execute() does (layer.apply with the node's call arguments, in the
// container's topological order, disposing each intermediate after its last consumer), with a
// clock around each layer and nothing else inside the timed region.
//
// Passes:
//   memory  one untimed pass under tf.profile: per layer the bytes and tensors its kernels
//           allocated (temporaries included) and the engine's peak; then model.predict under
//           tf.profile for the whole-model peak. It also warms the kernels up.
//   timed   warmup + runs rounds; each round is one layer-by-layer pass and one model.predict
//           (output read back, as a caller of predict would), so drift on a noisy machine hits
//           both sides of the overhead ratio alike. Warm-up rounds are discarded.
// Between layers the executor yields to the event loop (outside the timed region) and checks the
// abort signal, so a cancel lands within one layer.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { ProfileCancelledError } from '../../profile/errors';

export { ProfileCancelledError };

export interface ExecOptions {
  runs: number;
  warmup: number;
  signal?: AbortSignal;
  /** Called between steps with a 0..1 fraction of the executor's work. */
  onProgress?: (stage: 'warmup' | 'layers' | 'predict', message: string, fraction: number) => void;
  /** Read each layer's output back before stopping its clock (for asynchronous GPU backends). */
  syncEachLayer?: boolean;
  /** Samples per pass (default 1): the input (batch 1) repeated along the batch axis. */
  batch?: number;
}

export interface LayerRun {
  name: string;
  /** tfjs class name (the IR's name may differ, e.g. Flatten rewritten to Reshape). */
  className: string;
  /** One time per timed run, ms. */
  times: number[];
  /** Bytes allocated by the layer's kernels, temporaries included. */
  bytes: number;
  /** Tensors created by the layer's kernels. */
  tensors: number;
  /** Bytes the layer leaves allocated (its outputs). */
  retainedBytes: number;
}

export interface ExecResult {
  layers: LayerRun[];
  /** model.predict times, ms, one per timed run. */
  endToEnd: number[];
  /** Engine peak bytes during model.predict (weights, input and live activations). */
  peakBytes: number;
  /** The model's first output from the last predict, flattened: its first sample only (all samples are the same input). */
  output: Float32Array;
}

interface Node {
  layer: tfl.layers.Layer;
  inputs: number[];
  outputs: number[];
  callArgs: Record<string, unknown>;
}

type LayerWithNodes = tfl.layers.Layer & {
  inboundNodes: { inputTensors: tfl.SymbolicTensor[]; outputTensors: tfl.SymbolicTensor[]; callArgs?: Record<string, unknown> }[];
};

/** The model's layers as executable nodes, in order, with symbolic tensor ids. */
function plan(model: tfl.LayersModel): { nodes: Node[]; inputIds: number[]; outputIds: number[] } {
  const nodes: Node[] = [];
  for (const layer of model.layers as LayerWithNodes[]) {
    if (layer.getClassName() === 'InputLayer') continue;
    const node = layer.inboundNodes[0];
    nodes.push({
      layer,
      inputs: node.inputTensors.map((t) => t.id),
      outputs: node.outputTensors.map((t) => t.id),
      callArgs: node.callArgs ?? {},
    });
  }
  return { nodes, inputIds: model.inputs.map((t) => t.id), outputIds: model.outputs.map((t) => t.id) };
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type PassHook = (node: Node, run: () => tf.Tensor | tf.Tensor[]) => tf.Tensor | tf.Tensor[] | Promise<tf.Tensor | tf.Tensor[]>;

/**
 * One layer-by-layer pass; `hook` wraps each layer's execution (timing or profiling). Returns the
 * model outputs, which the caller disposes; every intermediate is disposed here, also on abort.
 */
async function layerPass(model: tfl.LayersModel, x: tf.Tensor, p: ReturnType<typeof plan>, hook: PassHook, signal?: AbortSignal): Promise<tf.Tensor[]> {
  const uses = new Map<number, number>();
  for (const n of p.nodes) for (const id of n.inputs) uses.set(id, (uses.get(id) ?? 0) + 1);
  for (const id of p.outputIds) uses.set(id, (uses.get(id) ?? 0) + 1);
  const live = new Map<number, tf.Tensor>();
  live.set(p.inputIds[0], x);
  const release = (id: number): void => {
    const left = (uses.get(id) ?? 0) - 1;
    uses.set(id, left);
    const t = live.get(id);
    if (left <= 0 && t && t !== x) {
      t.dispose();
      live.delete(id);
    }
  };
  try {
    for (const n of p.nodes) {
      if (signal?.aborted) throw new ProfileCancelledError();
      const ins = n.inputs.map((id) => {
        const t = live.get(id);
        if (!t) throw new Error(`layer ${n.layer.name}: input tensor ${id} is not available`);
        return t;
      });
      const arg = ins.length === 1 ? ins[0] : ins;
      const out = await hook(n, () => tf.tidy(() => n.layer.apply(arg, n.callArgs) as tf.Tensor | tf.Tensor[]));
      const outs = Array.isArray(out) ? out : [out];
      n.outputs.forEach((id, i) => live.set(id, outs[i]));
      for (const id of n.inputs) release(id);
      await nextTick();
    }
    if (signal?.aborted) throw new ProfileCancelledError();
    const result = p.outputIds.map((id) => live.get(id)!);
    for (const id of p.outputIds) live.delete(id);
    return result;
  } finally {
    for (const t of live.values()) if (t !== x) t.dispose();
  }
}

function firstOutput(y: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(y) ? y[0] : y;
}

export async function executeProfile(model: tfl.LayersModel, x1: tf.Tensor, opts: ExecOptions): Promise<ExecResult> {
  const batch = opts.batch ?? 1;
  const x = batch > 1 ? tf.tile(x1, [batch, ...Array<number>(x1.rank - 1).fill(1)]) : x1;
  try {
    const r = await executeBatch(model, x, opts);
    return batch > 1 ? { ...r, output: r.output.slice(0, r.output.length / batch) } : r;
  } finally {
    if (x !== x1) x.dispose();
  }
}

async function executeBatch(model: tfl.LayersModel, x: tf.Tensor, opts: ExecOptions): Promise<ExecResult> {
  const p = plan(model);
  const layers: LayerRun[] = p.nodes.map((n) => ({
    name: n.layer.name, className: n.layer.getClassName(), times: [], bytes: 0, tensors: 0, retainedBytes: 0,
  }));
  const index = new Map(p.nodes.map((n, i) => [n, i]));
  const total = opts.warmup + opts.runs + 1;
  const progress = (stage: 'warmup' | 'layers' | 'predict', message: string, done: number): void =>
    opts.onProgress?.(stage, message, Math.min(1, done / total));

  // Memory pass (untimed).
  progress('warmup', 'measuring memory per layer', 0);
  const memOut = await layerPass(model, x, p, async (n, run) => {
    let out: tf.Tensor | tf.Tensor[] = [];
    const info = await tf.profile(() => { out = run(); return out; });
    const l = layers[index.get(n)!];
    l.bytes = info.kernels.reduce((a, k) => a + Math.max(0, k.bytesAdded), 0);
    l.tensors = info.kernels.reduce((a, k) => a + Math.max(0, k.tensorsAdded), 0);
    l.retainedBytes = info.newBytes;
    return out;
  }, opts.signal);
  tf.dispose(memOut);
  let y: tf.Tensor | tf.Tensor[] = [];
  const whole = await tf.profile(() => { y = model.predict(x) as tf.Tensor | tf.Tensor[]; return y; });
  tf.dispose(y);
  const peakBytes = Math.max(whole.peakBytes, 0);

  const endToEnd: number[] = [];
  let output: Float32Array = new Float32Array(0);
  const timeLayer: PassHook = (n, run) => {
    const t0 = performance.now();
    const out = run();
    try {
      if (opts.syncEachLayer) for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    } catch (e) {
      tf.dispose(out); // a read-back that throws (device lost, out of memory) must not leak the layer's output
      throw e;
    }
    const ms = performance.now() - t0;
    layers[index.get(n)!].times.push(ms);
    return out;
  };
  for (let r = 0; r < opts.warmup + opts.runs; r++) {
    const warm = r < opts.warmup;
    const label = warm ? `warm-up ${r + 1}/${opts.warmup}` : `run ${r - opts.warmup + 1}/${opts.runs}`;
    progress(warm ? 'warmup' : 'layers', `${label}: layer by layer`, r + 1);
    const outs = await layerPass(model, x, p, timeLayer, opts.signal);
    tf.dispose(outs);
    if (warm) for (const l of layers) l.times.pop();
    if (opts.signal?.aborted) throw new ProfileCancelledError();
    progress(warm ? 'warmup' : 'predict', `${label}: end-to-end predict`, r + 1.5);
    await nextTick();
    const t0 = performance.now();
    const pred = model.predict(x) as tf.Tensor | tf.Tensor[];
    let data: Float32Array;
    let ms: number;
    try {
      data = firstOutput(pred).dataSync() as Float32Array;
      ms = performance.now() - t0;
    } finally {
      tf.dispose(pred); // also when the read-back throws
    }
    if (!warm) endToEnd.push(ms);
    output = data;
    await nextTick();
  }
  return { layers, endToEnd, peakBytes, output };
}
