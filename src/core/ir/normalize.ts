// Brings the JSON shapes people have on disk to the one IR: tfjs model.json (modelTopology),
// Keras model_config wrappers, Sequential configs (made a functional chain), and Keras 3's
// inbound-node format (keras_history references). Anything else is one clear error.
import { InboundRef, KerasLayer, KerasModel, NetLensError } from './types';
import { parseJsonSafely } from '../safeLookup';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Unwraps {modelTopology}, {model_config} and JSON strings until a {class_name, config} model is left. */
function unwrap(raw: unknown): Json {
  let v = raw;
  for (let depth = 0; depth < 4; depth++) {
    if (typeof v === 'string') {
      try { v = parseJsonSafely(v, 'model_config'); } catch (e) { throw e instanceof NetLensError ? e : new NetLensError('model_config is a string that is not valid JSON'); }
      continue;
    }
    if (!isObject(v)) break;
    if ('modelTopology' in v) { v = v.modelTopology; continue; }
    if ('model_config' in v) { v = v.model_config; continue; }
    if (typeof v.class_name === 'string' && 'config' in v) return v;
    break;
  }
  throw new NetLensError('not a Keras/tfjs model: expected {"class_name": ..., "config": ...} or a tfjs model.json with "modelTopology"');
}

/** Keras 3 writes inbound nodes as {args: [...keras tensors...]}; collect their keras_history. */
function kerasHistoryRefs(node: unknown, out: InboundRef[] = []): InboundRef[] {
  if (Array.isArray(node)) for (const n of node) kerasHistoryRefs(n, out);
  else if (isObject(node)) {
    const cfg = node.config;
    if (node.class_name === '__keras_tensor__' && isObject(cfg) && Array.isArray(cfg.keras_history)) {
      const [name, nodeIndex, tensorIndex] = cfg.keras_history as [string, number, number];
      out.push([name, nodeIndex, tensorIndex, {}]);
    } else if ('args' in node) kerasHistoryRefs(node.args, out);
  }
  return out;
}

function normalizeInbound(nodes: unknown, layer: string): InboundRef[][] {
  if (nodes === undefined) return [];
  if (!Array.isArray(nodes)) throw new NetLensError(`layer "${layer}" has inbound_nodes that are not a list`);
  return nodes.map((n) => (isObject(n) ? kerasHistoryRefs(n) : (n as InboundRef[])));
}

function sequentialToFunctional(model: Json): KerasModel {
  const cfg = model.config;
  const layers = (Array.isArray(cfg) ? cfg : isObject(cfg) ? cfg.layers : undefined) as unknown;
  const name = isObject(cfg) && typeof cfg.name === 'string' ? cfg.name : 'sequential';
  if (!Array.isArray(layers) || layers.length === 0) throw new NetLensError('Sequential model has no layers');
  const out: KerasLayer[] = [];
  let prev: string | null = null;
  for (const [i, l] of layers.entries()) {
    if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config)) {
      throw new NetLensError(`Sequential layer #${i} is not a {class_name, config} object`);
    }
    const layerName = typeof l.config.name === 'string' ? l.config.name : `${l.class_name.toLowerCase()}_${i}`;
    if (prev === null && l.class_name !== 'InputLayer') {
      const shape = l.config.batch_input_shape ?? l.config.batch_shape ??
        (Array.isArray(l.config.input_shape) ? [null, ...l.config.input_shape] : undefined);
      if (!Array.isArray(shape)) throw new NetLensError(`Sequential model "${name}" does not say its input shape`);
      prev = `${layerName}_input`;
      out.push({ class_name: 'InputLayer', name: prev, config: { name: prev, batch_input_shape: shape }, inbound_nodes: [] });
    }
    out.push({
      class_name: l.class_name,
      name: layerName,
      config: l.config,
      inbound_nodes: prev === null ? [] : [[[prev, 0, 0, {}]]],
    });
    prev = layerName;
  }
  return {
    class_name: 'Model',
    config: { name, layers: out, input_layers: [[out[0].name, 0, 0]], output_layers: [[prev!, 0, 0]] },
  };
}

export function normalizeModel(raw: unknown): KerasModel {
  const m = unwrap(raw);
  if (m.class_name === 'Sequential') return sequentialToFunctional(m);
  const cfg = m.config;
  if (!isObject(cfg) || !Array.isArray(cfg.layers)) throw new NetLensError(`${m.class_name} model config has no "layers" list`);
  const layers = cfg.layers.map((l, i): KerasLayer => {
    if (!isObject(l)) throw new NetLensError(`layer #${i} is not an object`);
    const lc = isObject(l.config) ? l.config : {};
    const name = typeof l.name === 'string' ? l.name : typeof lc.name === 'string' ? lc.name : '';
    return { ...(l as unknown as KerasLayer), name, inbound_nodes: normalizeInbound(l.inbound_nodes, name) };
  });
  const refs = (v: unknown): [string, number, number][] =>
    (Array.isArray(v) ? (v.length > 0 && typeof v[0] === 'string' ? [v] : v) : []) as [string, number, number][];
  return {
    class_name: m.class_name as string,
    config: {
      name: typeof cfg.name === 'string' ? cfg.name : 'model',
      layers,
      input_layers: refs(cfg.input_layers),
      output_layers: refs(cfg.output_layers),
    },
  };
}
