// Keras whole-model .h5 files (Keras 2 `model.save("m.h5")`, and Keras 3's legacy h5 writer).
// The layout followed (Keras 2 legacy/saving/hdf5_format.py, Keras 3 legacy/saving/legacy_h5_format.py):
//   /                        attrs: model_config (JSON string), keras_version, backend, [training_config]
//   /model_weights           attrs: layer_names (list of top-level layer names), keras_version, backend
//   /model_weights/<layer>   attrs: weight_names (list, in the layer's weight order)
//   /model_weights/<layer>/<weight_name>   one dataset per weight name, e.g.
//       Keras 2:  model_weights/conv2d/conv2d/kernel:0
//       Keras 3:  model_weights/dense_6/sequential_2/dense_6/kernel
//   A nested model is one entry of layer_names; its weight_names name the inner layers
//   ("dense_1/kernel:0"), which is how they are matched to the flattened layers.
//   /optimizer_weights       ignored.
// A weights-only file (model.save_weights) has no model_config and is refused with that reason.
import { KerasModel, NamedWeight, NetLensError } from '../../ir/types';
import { Hdf5File } from './hdf5';
import { Imported } from '../../io/importer';
import { clip, MAX_CONFIG_BYTES, MAX_NAME_CHARS } from '../../io/limits';
import { Flattened, pathKey, walkLayers } from './nested';
import { tfjsAttribute } from '../../io/weightNames';
import { parseJsonSafely } from '../../safeLookup';

export function readKerasH5(bytes: Uint8Array): Imported {
  const h5 = new Hdf5File(bytes);
  const root = h5.node('')!;
  const configText = h5.stringAttr(root, 'model_config');
  if (configText === undefined) {
    const weightsOnly = h5.node('layers') !== undefined || h5.stringListAttr(root, 'layer_names') !== undefined;
    throw new NetLensError(weightsOnly
      ? 'this .h5 holds weights only (no model_config); save the whole model with model.save() or open its config'
      : 'this HDF5 file is not a Keras model (no model_config attribute)');
  }
  if (configText.length > MAX_CONFIG_BYTES) throw new NetLensError('model_config is larger than any model config');
  let config: unknown;
  try {
    config = parseJsonSafely(configText, 'model_config');
  } catch (e) {
    if (e instanceof NetLensError) throw e;
    throw new NetLensError(`model_config is not valid JSON (${clip((e as Error).message)})`);
  }
  const kerasVersion = h5.stringAttr(root, 'keras_version');
  const mw = h5.node('model_weights');
  return {
    format: 'Keras .h5',
    config,
    kerasVersion,
    readWeights: mw === undefined ? undefined : (flat, original) => readH5Weights(h5, flat, original),
  };
}

function readH5Weights(h5: Hdf5File, flat: Flattened, original: KerasModel): NamedWeight[] {
  const mw = h5.node('model_weights')!;
  // Leaf layers of each top-level (possibly nested) layer, by original path.
  const leaves = new Map<string, string[][]>();
  walkLayers(original.config, ({ path, nested }) => {
    if (nested) return;
    const list = leaves.get(path[0]) ?? [];
    list.push(path);
    leaves.set(path[0], list);
  });
  const layerNames = chunkedList(h5, mw, 'layer_names') ?? [...h5.keys(mw)];
  const out: NamedWeight[] = [];
  const seen = new Set<string>();
  for (const ln of layerNames) {
    const group = h5.node(`model_weights/${ln}`);
    if (!group) throw new NetLensError(`corrupt Keras .h5: model_weights has no group for layer ${clip(ln)}`);
    const names = chunkedList(h5, group, 'weight_names') ?? [];
    if (names.length === 0) continue;
    const candidates = leaves.get(ln);
    if (!candidates) {
      throw new NetLensError(`the .h5 has weights for layer ${clip(ln)}, which its model_config does not have`);
    }
    for (const wn of names) {
      if (wn.length > MAX_NAME_CHARS) throw new NetLensError(`layer ${clip(ln)} has a weight name longer than ${MAX_NAME_CHARS} characters`);
      const parts = wn.replace(/:\d+$/, '').split('/').filter((p) => p !== '');
      const attr = parts.pop();
      if (!attr) throw new NetLensError(`corrupt Keras .h5: empty weight name in layer ${clip(ln)}`);
      const path = candidates.length === 1 ? candidates[0] : pickLeaf(candidates, parts);
      if (!path) throw new NetLensError(`cannot tell which layer of nested model ${clip(ln)} weight ${clip(wn)} belongs to`);
      const layer = flat.flatName.get(pathKey(path))!;
      const name = `${layer}/${tfjsAttribute(flat.classOf.get(layer) ?? '', attr)}`;
      if (seen.has(name)) throw new NetLensError(`the .h5 holds weight ${clip(name)} twice`);
      seen.add(name);
      const ds = h5.node(`model_weights/${ln}/${wn}`);
      if (!ds) throw new NetLensError(`corrupt Keras .h5: weight ${clip(wn)} of layer ${clip(ln)} is listed but missing`);
      const t = h5.readTensor(ds);
      out.push({ name, shape: t.shape, data: t.data });
    }
  }
  return out;
}

/**
 * Keras 2 splits a list attribute over 64 KiB into "<name>0", "<name>1", ...
 * (save_attributes_to_hdf5_group); read it whole either way.
 */
function chunkedList(h5: Hdf5File, node: Parameters<Hdf5File['attr']>[0], name: string): string[] | undefined {
  const whole = h5.stringListAttr(node, name);
  if (whole !== undefined) return whole;
  const out: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const part = h5.stringListAttr(node, `${name}${i}`);
    if (part === undefined) return i === 0 ? undefined : out;
    for (const s of part) out.push(s); // not push(...part): a huge chunk would overflow the stack
  }
  return out;
}

/** The leaf whose name appears last in the weight name's parts (ties: most parts in common). */
function pickLeaf(candidates: string[][], parts: string[]): string[] | undefined {
  for (let j = parts.length - 1; j >= 0; j--) {
    const hits = candidates.filter((p) => p[p.length - 1] === parts[j]);
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) {
      const score = (p: string[]) => p.filter((x) => parts.includes(x)).length;
      return hits.reduce((a, b) => (score(b) > score(a) ? b : a));
    }
  }
  return undefined;
}
