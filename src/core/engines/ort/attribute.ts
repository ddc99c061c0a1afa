// Which nodes of the ONNX model each kernel ONNX Runtime ran stands for. The optimiser fuses nodes
// (Conv + BatchNormalization + Relu into one Conv/FusedConv, Conv + Add + Relu into one NCHWc Conv,
// MatMul + Add into Gemm), removes no-ops (Identity, Dropout), folds constant subgraphs, and renames
// what it rewrites. The profiler reports kernels by their names in the optimised graph, so:
//
//  1. Anchor: a kernel named like a node of the model is that node; an NCHWc kernel is named
//     "<tensor>_nchwc" after the tensor the (already fused) node wrote, so it is that tensor's
//     producer; otherwise the longest node name the kernel name starts with (generated suffixes).
//  2. Absorb backwards: when a kernel is named after an element-wise node but runs another op (the
//     NCHWc Conv "conv1_relu_nchwc" is named after the Relu at the tail of its fusion), a node that
//     is not anchored and whose only consumer is that node belongs to the kernel (conv1_bn, then
//     conv1_conv); through element-wise producers the walk continues, and stops after the first
//     node that is not element-wise (the head of the fusion).
//     A Pad not anchored belongs to its consumer's kernel (ONNX Runtime folds it into the Conv's
//     or pooling's pads).
//  3. Absorb forwards, in topological order: a node still unassigned belongs to the kernel of its
//     latest-executed producer (an Add and the Relu after it join the Conv that ran last: the
//     NCHWc Conv's fused sum); a node with no assigned producer joins its first consumer's kernel.
//     But when kernels no name matches follow the producer's (other than layout reorders), they are
//     the node's own work under generated names (a function op ONNX Runtime expanded): it claims them.
//  4. Whatever is left says why: its inputs are all constants (folded into a constant), it is a
//     no-op the optimiser removes (Identity, Dropout), or nothing of it ran (not executed).
// Kernels no node matches (layout reorders the NCHWc transformer inserts, ReorderInput/Output; nodes
// ONNX Runtime makes when it expands a function op, e.g. HardSwish into HardSigmoid and Mul) join
// the kernel before them in execution order (the first one: the kernel after it), and are named in
// that entry's kernel list, so no time goes missing.
import type { OnnxGraphInfo } from './graph';

export type NodeFate =
  | { kind: 'kernel'; kernel: string; /** anchored (the kernel is named after it) or fused into it */ anchored: boolean }
  | { kind: 'folded' } | { kind: 'eliminated' } | { kind: 'not-executed' };

export interface Attribution {
  /** Kernel name -> ONNX node names it ran (anchor first). Unmatched kernels with no neighbour map to []. */
  kernelNodes: Map<string, string[]>;
  /** Kernel name -> the kernel it is reported with (itself, or a neighbour for unmatched ones). */
  kernelOwner: Map<string, string>;
  fate: Map<string, NodeFate>;
  /** Kernels that matched no node (attributed to a neighbour). */
  unmatched: string[];
}

/** Ops that only move data around: absorbed into a kernel, they do not make their layer part of it. */
export const LAYOUT_OPS = new Set(['Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Identity', 'Flatten']);

/** Ops fused into the node that consumes them. */
const INTO_CONSUMER = new Set(['Pad']);

/** Ops the optimiser removes outright at inference. */
const NO_OP = new Set(['Identity', 'Dropout']);

/** Ops that are fused into the kernel before them (element-wise or per-channel). */
const ELEMENTWISE = new Set(['Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'HardSigmoid', 'Tanh', 'Elu', 'Selu', 'Softplus', 'Softsign', 'HardSwish',
  'Add', 'Sub', 'Mul', 'Div', 'Sum', 'BatchNormalization', 'Identity', 'Dropout', 'Gelu', 'Erf', 'Pow', 'Sqrt', 'Neg', 'Exp', 'Cast']);

/** The model node an ONNX Runtime kernel name stands for (for messages): see anchor() below. */
export function nodeForKernel(graph: OnnxGraphInfo, kernel: string): string {
  const k = kernel.replace(/^fused /, '').replace(/_token_\d+$/, '');
  if (graph.nodes.some((n) => n.name === k)) return k;
  const t = k.replace(/_nchwc$/, '');
  return graph.nodes.find((n) => n.outputs.includes(t))?.name ?? kernel;
}

/** An executed kernel: its node name in the optimised graph and the op it ran. */
export interface KernelRef {
  node: string;
  op: string;
}

export function attributeKernels(graph: OnnxGraphInfo, kernelRefs: KernelRef[]): Attribution {
  const kernels = kernelRefs.map((k) => k.node);
  const kernelOp = new Map(kernelRefs.map((k) => [k.node, k.op]));
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const producer = new Map<string, string>();
  const consumers = new Map<string, string[]>();
  for (const n of graph.nodes) {
    for (const t of n.outputs) producer.set(t, n.name);
    for (const t of n.inputs) consumers.set(t, [...(consumers.get(t) ?? []), n.name]);
  }
  // Constant tensors: initializers, and every output of a node fed only by constants.
  const constant = new Set(graph.initializers);
  const constNodes = new Set<string>();
  for (const n of graph.nodes) {
    if (n.inputs.every((t) => constant.has(t))) {
      constNodes.add(n.name);
      for (const t of n.outputs) constant.add(t);
    }
  }

  const fate = new Map<string, NodeFate>();
  const kernelNodes = new Map<string, string[]>();
  const kernelOwner = new Map<string, string>();
  const order = new Map<string, number>();
  const unmatched: string[] = [];
  const names = [...byName.keys()].sort((a, b) => b.length - a.length);

  const anchor = (kernel: string): string | undefined => {
    // ONNX Runtime's renames: "fused <node>" (FusedConv, FusedGemm), "<name>_token_<n>" (made unique).
    const k = kernel.replace(/^fused /, '').replace(/_token_\d+$/, '');
    if (byName.has(k)) return k;
    if (k.endsWith('_nchwc')) {
      const p = producer.get(k.slice(0, -'_nchwc'.length));
      if (p) return p;
    }
    return names.find((n) => n.length > 0 && k.startsWith(n) && /^[^A-Za-z0-9]/.test(k.slice(n.length)));
  };
  kernels.forEach((k, i) => {
    order.set(k, i);
    const a = anchor(k);
    if (a && !fate.has(a)) {
      fate.set(a, { kind: 'kernel', kernel: k, anchored: true });
      kernelNodes.set(k, [a]);
      kernelOwner.set(k, k);
    } else {
      unmatched.push(k);
    }
  });
  const join = (node: string, kernel: string): void => {
    fate.set(node, { kind: 'kernel', kernel, anchored: false });
    kernelNodes.get(kernel)!.push(node);
  };

  // 2. Backwards from each kernel named after an element-wise node but running another op (a fused
  //    kernel named after its tail: a Conv kernel named "conv1_relu_nchwc"), to the fusion's head.
  for (const [k, members] of [...kernelNodes]) {
    const anchorOp = byName.get(members[0])!.opType;
    if (!ELEMENTWISE.has(anchorOp) || kernelOp.get(k) === anchorOp) continue;
    let frontier = [members[0]];
    while (frontier.length) {
      const next: string[] = [];
      for (const name of frontier) {
        for (const t of byName.get(name)!.inputs) {
          if (constant.has(t)) continue;
          const p = producer.get(t);
          if (!p || fate.has(p) || NO_OP.has(byName.get(p)!.opType)) continue;
          const cs = consumers.get(t) ?? [];
          const outs = byName.get(p)!.outputs.flatMap((o) => consumers.get(o) ?? []);
          if (cs.length !== 1 || outs.length !== 1) continue;
          join(p, k);
          if (ELEMENTWISE.has(byName.get(p)!.opType)) next.push(p);
        }
      }
      frontier = next;
    }
  }

  const kernelOf = (node: string | undefined): string | undefined => {
    const f = node ? fate.get(node) : undefined;
    return f?.kind === 'kernel' ? f.kernel : undefined;
  };
  // A Pad is fused into the Conv or pooling that reads it (its pads attribute grows).
  for (const n of graph.nodes) {
    if (fate.has(n.name) || !INTO_CONSUMER.has(n.opType)) continue;
    const cs = n.outputs.flatMap((t) => consumers.get(t) ?? []);
    const k = cs.length === 1 ? kernelOf(cs[0]) : undefined;
    if (k) join(n.name, k);
  }

  // Unmatched kernels not yet claimed by a node (see step 3), and the run of them after a kernel.
  const unclaimed = new Set(unmatched);
  const unmatchedRunAfter = (kernel: string): string[] => {
    const run: string[] = [];
    for (let j = (order.get(kernel) ?? -2) + 1; j < kernels.length && unclaimed.has(kernels[j]) && !/^Reorder/.test(kernelOp.get(kernels[j]) ?? ''); j++) {
      run.push(kernels[j]);
    }
    return run;
  };

  // 3. Forwards, in topological order (ONNX requires nodes topologically sorted).
  for (const n of graph.nodes) {
    if (fate.has(n.name)) continue;
    if (constNodes.has(n.name)) { fate.set(n.name, { kind: 'folded' }); continue; }
    if (NO_OP.has(n.opType)) { fate.set(n.name, { kind: 'eliminated' }); continue; }
    const from = n.inputs.map((t) => kernelOf(producer.get(t))).filter((k): k is string => Boolean(k));
    if (!from.length) continue;
    const latest = from.reduce((a, b) => ((order.get(b) ?? 0) > (order.get(a) ?? 0) ? b : a));
    // Kernels that no name matches right after the producer's, other than layout reorders, are this
    // node's own work under generated names (a function op ONNX Runtime expanded: HardSwish as
    // HardSigmoid + Mul): it claims them rather than joining the producer.
    const claimed = unmatchedRunAfter(latest);
    if (claimed.length) {
      fate.set(n.name, { kind: 'kernel', kernel: claimed[0], anchored: false });
      kernelNodes.set(claimed[0], [n.name]);
      for (const k of claimed) { kernelOwner.set(k, claimed[0]); unclaimed.delete(k); }
    } else {
      join(n.name, latest);
    }
  }
  // Nodes fed only by the graph input (or by nodes not executed) join their first consumer's kernel.
  for (const n of [...graph.nodes].reverse()) {
    if (fate.has(n.name)) continue;
    const to = n.outputs.flatMap((t) => consumers.get(t) ?? []).map((c) => kernelOf(c)).filter((k): k is string => Boolean(k));
    if (to.length) join(n.name, to.reduce((a, b) => ((order.get(b) ?? 0) < (order.get(a) ?? 0) ? b : a)));
    else fate.set(n.name, { kind: 'not-executed' });
  }

  // Unmatched kernels no node claimed ride with a neighbour in execution order.
  for (const k of unclaimed) {
    const i = order.get(k)!;
    let owner: string | undefined;
    for (let j = i - 1; j >= 0 && !owner; j--) if (kernelNodes.has(kernels[j])) owner = kernels[j];
    for (let j = i + 1; j < kernels.length && !owner; j++) if (kernelNodes.has(kernels[j])) owner = kernels[j];
    kernelOwner.set(k, owner ?? k);
    if (!owner) kernelNodes.set(k, []);
  }
  return { kernelNodes, kernelOwner, fate, unmatched };
}
