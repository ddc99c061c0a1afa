// Brings Keras 3 layer configs to the form tfjs (and Keras 2) write, so one IR serves the analyser
// and the tfjs executor alike: Keras 3 wraps every nested object as {module, class_name, config,
// registered_name}, writes dtypes as DTypePolicy objects and the input shape as `batch_shape`.
// Lambda layers carry Python code (marshalled bytecode or source): it is never executed, and it is
// replaced here by a short note so that it does not travel any further as data.
import { KerasLayer, KerasModel, NetLensError } from '../../ir/types';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const MAX_DEPTH = 64;

/** Strips Keras 3 serialization wrappers recursively (depth-capped: configs are shallow). */
export function stripKeras3(v: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new NetLensError(`model config is nested more than ${MAX_DEPTH} levels deep`);
  if (Array.isArray(v)) return v.map((x) => stripKeras3(x, depth + 1));
  if (!isObject(v)) return v;
  if (typeof v.class_name === 'string' && /DTypePolicy$/.test(v.class_name) && isObject(v.config) && typeof v.config.name === 'string') {
    return v.config.name;
  }
  const out: Json = {};
  const wrapper = typeof v.class_name === 'string' && 'config' in v && ('module' in v || 'registered_name' in v);
  for (const [k, x] of Object.entries(v)) {
    if (wrapper && (k === 'module' || k === 'registered_name')) continue;
    if (k === 'shared_object_id') continue;
    out[k] = stripKeras3(x, depth + 1);
  }
  return out;
}

/** Layer classes whose config carries code that Keras would deserialize and run. */
const CODE_LAYERS = new Set(['Lambda']);

function describeCode(v: unknown): string {
  const n = typeof v === 'string' ? v.length : JSON.stringify(v ?? null).length;
  return `<Python code, ${n} characters, removed by NetLens and never executed>`;
}

/** One layer made tfjs-shaped; the name, class and inbound nodes are untouched. */
export function cleanLayer(layer: KerasLayer): KerasLayer {
  const config = stripKeras3(layer.config) as Json;
  if (layer.class_name === 'InputLayer' && config.batch_input_shape === undefined && Array.isArray(config.batch_shape)) {
    config.batch_input_shape = config.batch_shape;
    delete config.batch_shape;
  }
  if (CODE_LAYERS.has(layer.class_name)) {
    for (const key of ['function', 'output_shape', 'mask']) {
      if (config[key] !== undefined && config[key] !== null && typeof config[key] !== 'number') config[key] = describeCode(config[key]);
    }
    if (isObject(config.function_type) || typeof config.function_type === 'string') config.function_type = 'removed';
  }
  // Keras 3 keeps build_config beside config; it only repeats shapes.
  const { build_config: _b, ...rest } = layer as KerasLayer & { build_config?: unknown };
  return { ...rest, config } as KerasLayer;
}

export function cleanModel(model: KerasModel): KerasModel {
  return { ...model, config: { ...model.config, layers: model.config.layers.map(cleanLayer) } };
}
