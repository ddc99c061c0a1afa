// Per-layer times on a GPU that writes no timestamps (ONNX Runtime's WebGPU provider then records
// only the CPU side of each kernel, which says nothing about GPU work). Each layer is timed as a
// difference of two synchronising runs: a session whose outputs are the layer's outputs, minus a
// session whose outputs are the layer's inputs. Both read their outputs back to the CPU, which
// waits for the GPU, so the difference is the layer's GPU work plus the difference in read-back.
// ONNX Runtime runs every node of a graph whatever outputs are fetched (measured), so each
// session gets a pruned copy of the model holding only the nodes its outputs need. Shaders are
// compiled once per process (the WebGPU context is shared), so the extra sessions are cheap after
// the first.
import { onnx } from 'onnx-proto';
import { decodeModelProto } from '../../formats/onnx/proto';
import type { OrtModule } from './runtime';

export interface ReadbackOptions {
  executionProviders: unknown[];
  runs: number;
  signal?: AbortSignal;
  onLayer?: (done: number, total: number) => void;
}

/** The nodes needed to compute `outputs`, in the graph's order, and the pruned model's bytes. */
export function prunedModel(model: onnx.IModelProto, outputs: string[]): Uint8Array {
  const nodes = model.graph?.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => producer.set(o, i)));
  const keep = new Set<number>();
  const stack = [...outputs];
  while (stack.length) {
    const v = stack.pop()!;
    const i = producer.get(v);
    if (i === undefined || keep.has(i)) continue;
    keep.add(i);
    stack.push(...(nodes[i].input ?? []).filter(Boolean));
  }
  const kept = nodes.filter((_, i) => keep.has(i));
  const used = new Set(kept.flatMap((n) => n.input ?? []));
  const graph: onnx.IGraphProto = {
    ...model.graph,
    node: kept,
    initializer: (model.graph?.initializer ?? []).filter((t) => used.has(t.name ?? '')),
    output: outputs.map((name) => ({ name })),
    valueInfo: [],
  };
  return onnx.ModelProto.encode({ ...model, graph }).finish();
}

/** For each layer: the values it produces for others (or the graph) and the values it takes from others. */
export function layerBoundaries(model: onnx.IModelProto, layerOf: (node: string) => string | undefined):
  { layer: string; outputs: string[]; inputs: string[] }[] {
  const nodes = model.graph?.node ?? [];
  const graphOutputs = new Set((model.graph?.output ?? []).map((o) => o.name ?? ''));
  const producerLayer = new Map<string, string>();
  const order: string[] = [];
  for (const n of nodes) {
    const l = layerOf(n.name ?? '');
    if (l === undefined) continue;
    if (!order.includes(l)) order.push(l);
    for (const o of n.output ?? []) producerLayer.set(o, l);
  }
  return order.map((layer) => {
    const mine = nodes.filter((n) => layerOf(n.name ?? '') === layer);
    const outputs = new Set<string>();
    const inputs = new Set<string>();
    for (const n of mine) {
      for (const i of n.input ?? []) {
        const p = producerLayer.get(i);
        if (p !== undefined && p !== layer) inputs.add(i);
      }
      for (const o of n.output ?? []) {
        const usedElsewhere = nodes.some((m) => layerOf(m.name ?? '') !== layer && (m.input ?? []).includes(o));
        if (usedElsewhere || graphOutputs.has(o)) outputs.add(o);
      }
    }
    return { layer, outputs: [...outputs], inputs: [...inputs] };
  });
}

/**
 * Per layer, `runs` times (ms) of (session to its outputs) minus (session to its inputs), each
 * the median of `runs` read-back runs after one warm-up, clamped at 0. A layer fed only by the
 * graph input subtracts nothing.
 */
export async function readbackLayerTimes(ort: OrtModule, bytes: Uint8Array, feed: { name: string; data: Float32Array; dims: number[] },
  layerOf: (node: string) => string | undefined, opts: ReadbackOptions): Promise<Map<string, number[]>> {
  const model = decodeModelProto(bytes);
  const bounds = layerBoundaries(model, layerOf);
  const cache = new Map<string, number[]>();
  const timeTo = async (outputs: string[]): Promise<number[]> => {
    if (!outputs.length) return Array<number>(opts.runs).fill(0);
    const key = [...outputs].sort().join('\n');
    const hit = cache.get(key);
    if (hit) return hit;
    const session = await ort.InferenceSession.create(prunedModel(model, outputs), { executionProviders: opts.executionProviders as never, logSeverityLevel: 3 });
    try {
      const feeds = { [feed.name]: new ort.Tensor('float32', feed.data, feed.dims) };
      await session.run(feeds);
      const ts: number[] = [];
      for (let r = 0; r < opts.runs; r++) {
        if (opts.signal?.aborted) break;
        const t = performance.now();
        const out = await session.run(feeds);
        ts.push(performance.now() - t);
        for (const v of Object.values(out)) v.dispose?.();
      }
      cache.set(key, ts);
      return ts;
    } finally {
      await session.release();
    }
  };
  const times = new Map<string, number[]>();
  for (let i = 0; i < bounds.length; i++) {
    if (opts.signal?.aborted) break;
    const b = bounds[i];
    const to = await timeTo(b.outputs);
    const from = await timeTo(b.inputs);
    const med = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
    const base = med(from);
    times.set(b.layer, to.map((t) => Math.max(0, t - base)));
    opts.onLayer?.(i + 1, bounds.length);
  }
  return times;
}
