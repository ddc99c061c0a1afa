// From ONNX Runtime's kernels to the model's layers. A kernel stands for one or more ONNX nodes
// (attribute.ts), and each node came from one layer (the lowering's nodeLayer map; for an ONNX
// file, the layer is the node). Layers and kernels are joined into entries: the layers whose nodes
// share a kernel form one entry ("conv1_conv" with fusedWith ["conv1_bn", "conv1_relu"]), and a
// layer lowered to several kernels sums their times. Layers with no kernel are listed with zero
// time and the reason, so no layer is silently missing.
import type { LayerStats } from '../../analysis/analyze';
import type { ProfileLayer, Spread } from '../../profile/result';
import { Attribution, LAYOUT_OPS } from './attribute';
import type { OnnxGraphInfo } from './graph';
import type { KernelEvent } from './trace';

export interface OrtLayers {
  layers: ProfileLayer[];
  /** Layers folded into another entry. */
  fusedLayers: number;
  kernelCount: number;
}

export function spreadOf(xs: number[]): Spread {
  if (xs.length === 0) return { median: 0, min: 0, max: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, min: s[0], max: s[s.length - 1] };
}

const WHY: Record<string, string> = {
  folded: 'folded into a constant by ONNX Runtime (all its inputs are constants)',
  eliminated: 'removed by ONNX Runtime as a no-op at inference',
  'not-executed': 'not executed (nothing downstream of it ran)',
};

export function buildOrtLayers(graph: OnnxGraphInfo, attr: Attribution, runs: KernelEvent[][], analysisLayers: LayerStats[],
  nodeLayer: (node: string) => string | undefined): OrtLayers {
  const irIndex = new Map(analysisLayers.map((l, i) => [l.name, i]));
  const stats = new Map(analysisLayers.map((l) => [l.name, l]));

  // Union-find over layer names and kernel-owner keys ("k:<kernel>").
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    if (!parent.has(x)) parent.set(x, x);
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string): void => { const ra = find(a); const rb = find(b); if (ra !== rb) parent.set(rb, ra); };

  const opOf = new Map(graph.nodes.map((n) => [n.name, n.opType]));
  const kernelsInOrder = runs[0]?.map((k) => k.node) ?? [];
  for (const k of kernelsInOrder) {
    const owner = attr.kernelOwner.get(k) ?? k;
    find(`k:${owner}`);
    (attr.kernelNodes.get(owner) ?? []).forEach((n, i) => {
      const layer = nodeLayer(n);
      // A Transpose the lowering put after a layer and the optimiser merged into the next kernel
      // does not make the two layers one entry; the anchor (i = 0) and real fused ops do.
      if (layer && (i === 0 || !LAYOUT_OPS.has(opOf.get(n) ?? ''))) union(`k:${owner}`, `l:${layer}`);
    });
  }

  interface Entry { layers: string[]; kernels: string[]; times: number[]; bytes: number; ops: string[] }
  const entries = new Map<string, Entry>();
  const entryOf = (k: string): Entry => {
    const root = find(`k:${attr.kernelOwner.get(k) ?? k}`);
    let e = entries.get(root);
    if (!e) {
      e = { layers: [], kernels: [], times: runs.map(() => 0), bytes: 0, ops: [] };
      entries.set(root, e);
    }
    return e;
  };
  for (const key of parent.keys()) {
    if (!key.startsWith('l:')) continue;
    const root = find(key);
    if (!entries.has(root)) entries.set(root, { layers: [], kernels: [], times: runs.map(() => 0), bytes: 0, ops: [] });
    entries.get(root)!.layers.push(key.slice(2));
  }
  runs.forEach((run, r) => {
    for (const k of run) {
      const e = entryOf(k.node);
      e.times[r] += k.us / 1000;
      if (r === runs.length - 1) {
        e.kernels.push(`${k.op} ${k.node}`);
        e.ops.push(k.op);
        e.bytes += k.outputBytes ?? 0;
      }
    }
  });

  const out: ProfileLayer[] = [];
  let fusedLayers = 0;
  for (const e of entries.values()) {
    // The entry is named after its heaviest layer (the Conv of Pad + Conv + BN + ReLU), the rest in model order.
    const byOrder = e.layers.sort((a, b) => (irIndex.get(a) ?? 1e9) - (irIndex.get(b) ?? 1e9));
    const head = byOrder.reduce<string | undefined>((best, l) => (best === undefined || (stats.get(l)?.flops ?? 0) > (stats.get(best)?.flops ?? 0) ? l : best), undefined);
    const layers = head === undefined ? byOrder : [head, ...byOrder.filter((l) => l !== head)];
    const ms = spreadOf(e.times);
    const flops = layers.reduce((a, l) => a + (stats.get(l)?.flops ?? 0), 0);
    fusedLayers += Math.max(0, layers.length - 1);
    const measuredBytes = e.kernels.length > 0 && e.bytes > 0;
    out.push({
      // A kernel no layer claims (a node the lowering added) is listed under its own name.
      name: head ?? e.kernels[0]?.split(' ').slice(1).join(' ') ?? '?',
      className: head ? stats.get(head)?.className ?? e.ops[0] : e.ops[0] ?? '?',
      ms,
      bytes: measuredBytes ? e.bytes : layers.reduce((a, l) => a + (stats.get(l)?.activationBytes ?? 0), 0),
      tensors: e.kernels.length,
      gflops: ms.median > 0 ? flops / (ms.median * 1e6) : 0,
      fusedWith: layers.slice(1),
      kernels: e.kernels,
      measured: { ms: e.kernels.length > 0, bytes: measuredBytes },
    });
  }

  // Layers that no kernel ran: say why, from what happened to their nodes.
  const seen = new Set(out.flatMap((l) => [l.name, ...(l.fusedWith ?? [])]));
  const fateOfLayer = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const layer = nodeLayer(n.name);
    const f = attr.fate.get(n.name);
    if (layer && f && f.kind !== 'kernel') fateOfLayer.set(layer, [...(fateOfLayer.get(layer) ?? []), f.kind]);
  }
  for (const l of analysisLayers) {
    if (seen.has(l.name) || l.category === 'input') continue;
    const fates = fateOfLayer.get(l.name);
    const why = fates?.length ? WHY[fates.includes('not-executed') ? 'not-executed' : fates.includes('eliminated') ? 'eliminated' : 'folded']
      : 'no ONNX node: nothing to compute at inference';
    out.push({
      name: l.name, className: l.className, ms: { median: 0, min: 0, max: 0 }, bytes: l.activationBytes, tensors: 0, gflops: 0,
      fusedWith: [], kernels: [], measured: { ms: false, bytes: false }, untimed: why,
    });
  }
  out.sort((a, b) => (irIndex.get(a.name) ?? 1e9) - (irIndex.get(b.name) ?? 1e9));
  return { layers: out, fusedLayers, kernelCount: kernelsInOrder.length };
}
