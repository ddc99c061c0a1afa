// Structural validation of the IR: names, inbound references, cycles. Returns the layers in a
// topological order (Kahn's algorithm, stable in file order) so every later pass is one sweep.
import { KerasLayer, KerasModel, NetLensError } from './types';
import { GraphNode, ModelGraph } from './graph';

export interface ValidatedModel {
  model: KerasModel;
  /** Layers in topological order. */
  order: KerasLayer[];
  /** Inbound layer names of each layer (in call order). */
  inbound: Map<string, string[]>;
  /** Layers that consume each layer's output. */
  consumers: Map<string, string[]>;
  outputs: string[];
}

const MAX_NAME = 1000;

function describe(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function validateModel(model: KerasModel): ValidatedModel {
  const cfg = model?.config;
  if (!cfg || !Array.isArray(cfg.layers)) throw new NetLensError('model config has no "layers" list');
  if (cfg.layers.length === 0) throw new NetLensError('model has no layers');

  const byName = new Map<string, KerasLayer>();
  for (const [i, layer] of cfg.layers.entries()) {
    if (!layer || typeof layer !== 'object') throw new NetLensError(`layer #${i} is not an object`);
    if (typeof layer.class_name !== 'string' || !layer.class_name) throw new NetLensError(`layer #${i} has no class_name`);
    if (typeof layer.name !== 'string' || !layer.name) throw new NetLensError(`layer #${i} (${describe(layer.class_name)}) has no name`);
    if (layer.name.length > MAX_NAME) throw new NetLensError(`layer #${i} has a name longer than ${MAX_NAME} characters`);
    if (byName.has(layer.name)) throw new NetLensError(`duplicate layer name "${layer.name}"`);
    if (!layer.config || typeof layer.config !== 'object') throw new NetLensError(`layer "${layer.name}" has no config object`);
    if (!Array.isArray(layer.inbound_nodes)) throw new NetLensError(`layer "${layer.name}" has no inbound_nodes list`);
    if (layer.inbound_nodes.length > 1) {
      throw new NetLensError(`layer "${layer.name}" is called ${layer.inbound_nodes.length} times; shared layers are not supported`);
    }
    byName.set(layer.name, layer);
  }

  const inbound = new Map<string, string[]>();
  const consumers = new Map<string, string[]>();
  for (const layer of cfg.layers) consumers.set(layer.name, []);
  for (const layer of cfg.layers) {
    const node = layer.inbound_nodes[0] ?? [];
    if (!Array.isArray(node)) throw new NetLensError(`layer "${layer.name}" has a malformed inbound node`);
    const names = node.map((ref) => {
      const src = Array.isArray(ref) ? ref[0] : undefined;
      if (typeof src !== 'string') throw new NetLensError(`layer "${layer.name}" has a malformed inbound reference ${describe(ref)}`);
      if (!byName.has(src)) throw new NetLensError(`layer "${layer.name}" takes input from unknown layer "${src}"`);
      if (Array.isArray(ref) && typeof ref[1] === 'number' && ref[1] > 0) {
        throw new NetLensError(`layer "${layer.name}" uses call #${ref[1]} of "${src}"; shared layers are not supported`);
      }
      return src;
    });
    if (names.length === 0 && layer.class_name !== 'InputLayer') {
      throw new NetLensError(`layer "${layer.name}" (${layer.class_name}) has no inputs`);
    }
    inbound.set(layer.name, names);
    for (const src of names) consumers.get(src)!.push(layer.name);
  }

  // Keras writes layers in a valid order; keep it (summaries then read like Keras'). Otherwise
  // sort with Kahn's algorithm; whatever is left over sits on a cycle.
  const position = new Map(cfg.layers.map((l, i) => [l.name, i]));
  if (cfg.layers.every((l, i) => inbound.get(l.name)!.every((src) => position.get(src)! < i))) {
    return { model, order: [...cfg.layers], inbound, consumers, outputs: outputNames(cfg, byName, cfg.layers, consumers) };
  }
  const pending = new Map<string, number>();
  for (const layer of cfg.layers) pending.set(layer.name, inbound.get(layer.name)!.length);
  const ready = cfg.layers.filter((l) => pending.get(l.name) === 0).map((l) => l.name);
  const order: KerasLayer[] = [];
  for (let i = 0; i < ready.length; i++) {
    const name = ready[i];
    order.push(byName.get(name)!);
    for (const c of consumers.get(name)!) {
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  if (order.length !== cfg.layers.length) {
    const stuck = cfg.layers.filter((l) => pending.get(l.name)! > 0).map((l) => l.name);
    throw new NetLensError(`the layer graph has a cycle through ${stuck.slice(0, 5).map((n) => `"${n}"`).join(', ')}`);
  }

  return { model, order, inbound, consumers, outputs: outputNames(cfg, byName, order, consumers) };
}

function outputNames(cfg: KerasModel['config'], byName: Map<string, KerasLayer>, order: KerasLayer[], consumers: Map<string, string[]>): string[] {
  const outputsRaw = Array.isArray(cfg.output_layers) ? cfg.output_layers : [];
  const outputs = outputsRaw.map((ref) => {
    const n = Array.isArray(ref) ? ref[0] : undefined;
    if (typeof n !== 'string' || !byName.has(n)) throw new NetLensError(`output_layers names unknown layer ${describe(n)}`);
    return n;
  });
  if (outputs.length === 0) {
    // Keras requires outputs; fall back to the sinks so a hand-written config still analyses.
    // A loop, not push(...sinks): one argument per sink overflows the stack past ~100k (issue 24).
    for (const l of order) if (consumers.get(l.name)!.length === 0) outputs.push(l.name);
  }
  return outputs;
}

export interface ValidatedGraph {
  graph: ModelGraph;
  /** Nodes in topological order (file order when the file is already sorted, as ONNX requires). */
  order: GraphNode[];
}

/** Graphs from files (ONNX): unique names, every input made somewhere, each tensor made once, no cycle. */
export function validateGraph(graph: ModelGraph): ValidatedGraph {
  if (!Array.isArray(graph.nodes) || graph.nodes.length === 0) throw new NetLensError('the graph has no nodes');
  const names = new Set<string>();
  const maker = new Map<string, number>();
  const fixed = (t: string): boolean => Object.hasOwn(graph.weights, t) || Object.hasOwn(graph.constants, t);
  for (const [i, n] of graph.nodes.entries()) {
    if (typeof n.name !== 'string' || !n.name || n.name.length > MAX_NAME) throw new NetLensError(`node #${i} (${describe(n.op)}) has no usable name`);
    if (names.has(n.name)) throw new NetLensError(`duplicate node name "${n.name}"`);
    names.add(n.name);
    for (const t of n.outputs) {
      if (t === '') continue;
      if (maker.has(t) || fixed(t)) throw new NetLensError(`node "${n.name}" writes tensor ${describe(t)}, which is already ${fixed(t) ? 'an initializer' : 'written by another node'}`);
      maker.set(t, i);
    }
  }
  const pending = graph.nodes.map(() => 0);
  const readers: number[][] = graph.nodes.map(() => []);
  let sorted = true;
  for (const [i, n] of graph.nodes.entries()) {
    for (const t of n.inputs) {
      if (t === '' || fixed(t)) continue;
      const src = maker.get(t);
      if (src === undefined) throw new NetLensError(`node "${n.name}" (${n.op}) reads tensor ${describe(t)}, which no input, initializer or node makes`);
      if (src >= i) sorted = false;
      pending[i]++;
      readers[src].push(i);
    }
  }
  for (const t of graph.outputs) {
    if (!maker.has(t) && !fixed(t)) throw new NetLensError(`graph output ${describe(t)} is made by no node`);
  }
  if (sorted) return { graph, order: graph.nodes };
  const ready = pending.flatMap((p, i) => (p === 0 ? [i] : []));
  for (let k = 0; k < ready.length; k++) {
    for (const r of readers[ready[k]]) if (--pending[r] === 0) ready.push(r);
  }
  if (ready.length !== graph.nodes.length) {
    const stuck = graph.nodes.filter((_, i) => pending[i] > 0).map((n) => `"${n.name}"`);
    throw new NetLensError(`the graph has a cycle through ${stuck.slice(0, 5).join(', ')}`);
  }
  return { graph, order: ready.map((i) => graph.nodes[i]) };
}
