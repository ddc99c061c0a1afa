// Models inside models (a pretrained base inside a Sequential, a Functional block reused as a
// layer) are flattened into one functional graph: the inner layers join the outer model, the inner
// InputLayers disappear (their consumers read the tensors the nested model was called on), and
// the outer layers that consumed the nested model read its outputs. Inner layers keep their names
// unless one is taken, then they are prefixed with the nested model's name
// ("base_conv1"). Each nested model becomes a LayerGroup (nested groups keep their parent), so the
// graph view can collapse it back into one box.
import { InboundRef, KerasLayer, KerasModel, KerasModelConfig, LayerGroup, NetLensError } from '../../ir/types';
import { normalizeModel } from '../../ir/normalize';
import { clip, MAX_NESTING } from '../../io/limits';
import { UniqueNames } from '../../io/uniqueNames';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const MODEL_CLASSES = new Set(['Functional', 'Model', 'Sequential']);

/** Key of a layer by its path of original names from the top model. */
export const pathKey = (path: string[]): string => path.join('\u0001');

export function isNestedModel(l: { class_name?: unknown; config?: unknown }): boolean {
  if (typeof l.class_name !== 'string' || !MODEL_CLASSES.has(l.class_name)) return false;
  return Array.isArray(l.config) || (isObject(l.config) && Array.isArray(l.config.layers));
}

export interface Flattened {
  model: KerasModel;
  groups: LayerGroup[];
  layerGroup: Record<string, string>;
  /** pathKey([outer..., layer]) -> flattened layer name, for every non-model layer. */
  flatName: Map<string, string>;
  /** Layer class of each flattened layer. */
  classOf: Map<string, string>;
}

/** A nested model's config as a functional config (Sequential: a chain from a placeholder input). */
export function innerConfig(l: KerasLayer): KerasModelConfig {
  const cfg = l.config as unknown;
  if (l.class_name === 'Sequential') {
    const list = (Array.isArray(cfg) ? cfg : (cfg as Json).layers) as unknown[];
    const layers: KerasLayer[] = [];
    let prev: string;
    let rest = list;
    const first = list[0];
    if (isObject(first) && first.class_name === 'InputLayer' && isObject(first.config) && typeof first.config.name === 'string') {
      prev = first.config.name;
      rest = list.slice(1);
    } else {
      prev = `${l.name}_input`;
    }
    layers.push({ class_name: 'InputLayer', name: prev, config: { name: prev }, inbound_nodes: [] });
    for (const [i, x] of rest.entries()) {
      if (!isObject(x) || typeof x.class_name !== 'string' || !isObject(x.config)) {
        throw new NetLensError(`nested model "${clip(l.name)}": layer #${i} is not a {class_name, config} object`);
      }
      const name = typeof x.config.name === 'string' ? x.config.name : `${x.class_name.toLowerCase()}_${i}`;
      layers.push({ ...(x as unknown as KerasLayer), name, inbound_nodes: [[[prev, 0, 0, {}]]] });
      prev = name;
    }
    return { name: l.name, layers, input_layers: [[layers[0].name, 0, 0]], output_layers: [[prev, 0, 0]] };
  }
  return normalizeModel({ class_name: 'Functional', config: cfg }).config;
}

/**
 * Keras 2 writes Sequential([base_model, ...]) without an input shape on the first entry: the
 * nested model knows it. Give the chain an InputLayer with the nested model's input shape.
 */
export function hoistNestedInput(raw: unknown): unknown {
  let top = raw;
  if (isObject(top) && isObject(top.modelTopology)) top = top.modelTopology;
  if (isObject(top) && 'model_config' in top && isObject(top.model_config)) top = top.model_config;
  if (!isObject(top) || top.class_name !== 'Sequential') return raw;
  const cfg = top.config;
  const layers = Array.isArray(cfg) ? cfg : isObject(cfg) && Array.isArray(cfg.layers) ? cfg.layers : undefined;
  const first = layers?.[0];
  if (!layers || !isObject(first) || !isNestedModel(first) || !isObject(first.config)) return raw;
  const fc = first.config as Json;
  if (fc.batch_input_shape !== undefined || fc.batch_shape !== undefined) return raw;
  const innerLayers = Array.isArray(fc.layers) ? fc.layers : [];
  const input = innerLayers.find((x) => isObject(x) && x.class_name === 'InputLayer') as Json | undefined;
  const ic = input && isObject(input.config) ? input.config : undefined;
  const shape = ic?.batch_input_shape ?? ic?.batch_shape;
  if (!Array.isArray(shape)) return raw;
  const name = `${typeof fc.name === 'string' ? fc.name : 'model'}_input`;
  const newLayers = [{ class_name: 'InputLayer', config: { name, batch_input_shape: shape } }, ...layers];
  top.config = Array.isArray(cfg) ? newLayers : { ...(cfg as Json), layers: newLayers };
  return raw;
}

export function flattenNested(top: KerasModel): Flattened {
  const out: KerasLayer[] = [];
  const groups: LayerGroup[] = [];
  const layerGroup: Record<string, string> = {};
  const flatName = new Map<string, string>();
  const classOf = new Map<string, string>();
  // Linear de-duplication (a counter per base name): a nested model of 20,000 layers all named
  // "relu" took 29-54 s when every duplicate tried base_1, base_2, ... from the start.
  const used = new UniqueNames([], '_', 1);
  const groupIds = new Set<string>();
  const nextGroup = new Map<string, number>();
  // Top-level names are never renamed.
  for (const l of top.config.layers) if (!isNestedModel(l)) used.add(l.name);

  const unique = (name: string, path: string[]): string => (used.has(name) ? used.take(`${path.join('_')}_${name}`) : used.take(name));
  const groupName = (name: string): string => {
    let id = name;
    if (groupIds.has(id) || used.has(id)) {
      let i = nextGroup.get(name) ?? 1;
      for (id = `${name}_${i}`; groupIds.has(id) || used.has(id); id = `${name}_${++i}`);
      nextGroup.set(name, i + 1);
    }
    groupIds.add(id);
    return id;
  };

  type Local = { kind: 'layer'; flat: string } | { kind: 'input'; ref: InboundRef } | { kind: 'model'; outputs: InboundRef[] };

  const walk = (cfg: KerasModelConfig, path: string[], group: string | null, inputs: InboundRef[] | null, depth: number): InboundRef[] => {
    const local = new Map<string, Local>();
    const inputNames = (cfg.input_layers ?? []).map((r) => (Array.isArray(r) ? r[0] : undefined));
    const resolve = (ref: InboundRef): InboundRef => {
      if (!Array.isArray(ref)) return ref;
      const e = typeof ref[0] === 'string' ? local.get(ref[0]) : undefined;
      if (!e) return ref; // validation reports the unknown name
      if (e.kind === 'layer') return [e.flat, ref[1], ref[2], ref[3]];
      if (e.kind === 'input') return e.ref;
      const o = e.outputs[typeof ref[2] === 'number' ? ref[2] : 0];
      if (!o) throw new NetLensError(`a layer uses output #${clip(ref[2])} of nested model "${clip(ref[0])}", which has ${e.outputs.length}`);
      return o;
    };
    for (const l of cfg.layers) {
      if (inputs && l.class_name === 'InputLayer') {
        const idx = Math.max(0, inputNames.indexOf(l.name));
        const given = inputs[idx];
        if (!given) throw new NetLensError(`nested model "${clip(path.join('/'))}" has more inputs than it is called with`);
        local.set(l.name, { kind: 'input', ref: given });
        continue;
      }
      const nodes = Array.isArray(l.inbound_nodes) ? l.inbound_nodes : [];
      const inbound = nodes.map((node) => (Array.isArray(node) ? node.map(resolve) : node));
      if (isNestedModel(l)) {
        if (depth + 1 > MAX_NESTING) throw new NetLensError(`models are nested more than ${MAX_NESTING} levels deep`);
        if (inbound.length > 1) throw new NetLensError(`nested model "${clip(l.name)}" is called ${inbound.length} times; shared models are not supported`);
        const inner = innerConfig(l);
        const id = groupName(l.name);
        groups.push({ id, label: `${l.name} (${l.class_name})`, parent: group });
        const outputs = walk(inner, [...path, l.name], id, inbound[0] ?? [], depth + 1);
        local.set(l.name, { kind: 'model', outputs });
        continue;
      }
      const flat = path.length === 0 ? l.name : unique(l.name, path);
      flatName.set(pathKey([...path, l.name]), flat);
      classOf.set(flat, l.class_name);
      out.push({ ...l, name: flat, config: { ...l.config, name: flat }, inbound_nodes: inbound as InboundRef[][] });
      if (group) layerGroup[flat] = group;
      local.set(l.name, { kind: 'layer', flat });
    }
    const outRefs = (cfg.output_layers ?? []).filter(Array.isArray);
    if (outRefs.length === 0 && path.length > 0) {
      const last = [...local.values()].filter((e) => e.kind !== 'input').pop();
      if (!last) throw new NetLensError(`nested model "${clip(path.join('/'))}" has no layers`);
      return last.kind === 'layer' ? [[last.flat, 0, 0, {}]] : last.kind === 'model' ? last.outputs : [];
    }
    return outRefs.map((r) => resolve([r[0], r[1], r[2], {}]));
  };

  const outputs = walk(top.config, [], null, null, 0);
  const model: KerasModel = {
    ...top,
    config: {
      ...top.config,
      layers: out,
      output_layers: outputs.map((r) => [r[0], r[1], r[2]] as [string, number, number]),
    },
  };
  return { model, groups, layerGroup, flatName, classOf };
}

/** A layer of the original (unflattened) model with its path of names from the top model. */
export interface LayerAtPath {
  path: string[];
  layer: KerasLayer;
  /** Leaf layers only: the flattened name. */
  nested: boolean;
}

/** Visits every layer of a normalized model, descending into nested models (depth-capped). */
export function walkLayers(top: KerasModelConfig, fn: (l: LayerAtPath) => void, path: string[] = [], depth = 0): void {
  if (depth > MAX_NESTING) throw new NetLensError(`models are nested more than ${MAX_NESTING} levels deep`);
  for (const layer of top.layers) {
    const nested = isNestedModel(layer);
    fn({ path: [...path, layer.name], layer, nested });
    if (nested) walkLayers(innerConfig(layer), fn, [...path, layer.name], depth + 1);
  }
}
