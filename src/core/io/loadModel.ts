// Resolves a model argument: a zoo name, or a path to a model file. Node only (reads files).
// Files are untrusted; whatever goes wrong reading one ends as one NetLensError naming the file.
//   *.json       a Keras/tfjs model config, or a tfjs Layers model.json (+ weight shards beside it)
//   *.keras      Keras 3 archive (zip: config.json + model.weights.h5)       -> formats/keras/archive.ts
//   *.h5/.hdf5   Keras whole-model HDF5 (model_config + model_weights)       -> formats/keras/h5.ts
//   *.onnx       ONNX model (protobuf; external data beside it)             -> formats/onnx/model.ts, spec.ts
// The format is told by the file's first bytes, not its extension. A labels file beside the model
// (labels.txt / labels.json) fills spec.labels.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { KerasModel, MissingWeightsFile, ModelSpec, NamedWeight, NetLensError } from '../ir/types';
import { normalizeModel } from '../ir/normalize';
import { validateModel } from '../ir/validate';
import { groupsFromNames } from '../ir/groups';
import { analyzeModel } from '../analysis/analyze';
import { buildZooModel, zooEntry } from '../zoo';
import { isHdf5 } from '../formats/keras/hdf5';
import { Imported } from './importer';
import { isZip, readKerasArchive } from '../formats/keras/archive';
import { cleanModel } from '../formats/keras/config';
import { readKerasH5 } from '../formats/keras/h5';
import { readLabelsBeside } from './labels';
import { clip, MAX_CONFIG_BYTES, MAX_MODEL_BYTES } from './limits';
import { parseJsonSafely } from '../safeLookup';
import { Flattened, flattenNested, hoistNestedInput, pathKey, walkLayers } from '../formats/keras/nested';
import { readTfjsWeights } from '../formats/tfjs/weights';
import { isOnnx } from '../formats/onnx/model';
import { onnxSpec } from '../formats/onnx/spec';
import { isModelGraph } from '../ir/graph';

export { MAX_CONFIG_BYTES, MAX_MODEL_BYTES };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The largest input dimension accepted from a file (a 1M-pixel side is already absurd for a CNN). */
const MAX_INPUT_DIM = 1 << 20;

/** Builds the ModelSpec from what an importer read: normalize, flatten nested models, clean, validate, weights. */
export function specFromImported(imp: Imported, fallbackName: string): ModelSpec {
  const original = normalizeModel(hoistNestedInput(imp.config));
  const flat = flattenNested(original);
  const cleaned = cleanModel(flat.model);
  // The saving Keras' version decides activations whose meaning changed (hard_sigmoid in Keras 3).
  const model = imp.kerasVersion && !cleaned.keras_version ? { ...cleaned, keras_version: imp.kerasVersion } : cleaned;
  validateModel(model);
  checkInputShapes(model);
  // Weights the file names but does not have beside it: the model draws and counts (shapes come
  // from the config); the profile names the missing file.
  let weights: NamedWeight[] | undefined;
  let missing: string | undefined;
  try {
    weights = imp.readWeights?.(flat, original);
  } catch (e) {
    if (!(e instanceof MissingWeightsFile)) throw e;
    missing = e.file;
  }
  const name = model.config.name || fallbackName;
  return { name, model, ...mergeGroups(model, flat), ...(weights ? { weights } : {}), ...(missing ? { missingWeights: [missing] } : {}) };
}

/** Nested models give groups; name-prefix groups (conv2_block1_...) cover the layers outside them. */
function mergeGroups(model: KerasModel, flat: Flattened): Pick<ModelSpec, 'groups' | 'layerGroup'> {
  const byName = groupsFromNames(model);
  const groups = [...flat.groups];
  const layerGroup = { ...flat.layerGroup };
  const ids = new Set(groups.map((g) => g.id));
  for (const g of byName.groups) {
    const members = Object.entries(byName.layerGroup).filter(([n, id]) => id === g.id && !(n in flat.layerGroup)).map(([n]) => n);
    if (members.length < 2 || ids.has(g.id)) continue;
    groups.push(g);
    for (const n of members) layerGroup[n] = g.id;
  }
  return { groups, layerGroup };
}

function checkInputShapes(model: KerasModel): void {
  for (const l of model.config.layers) {
    if (l.class_name !== 'InputLayer') continue;
    const s = l.config.batch_input_shape;
    if (!Array.isArray(s)) continue; // the analyser says what is missing
    // Non-positive or fractional sizes are the analyser's to report ("must be positive integers").
    const absurd = s.slice(1).some((d) => typeof d === 'number' && d > MAX_INPUT_DIM);
    if (absurd || s.length > 6) throw new NetLensError(`input "${clip(l.name)}" has an absurd shape ${clip(JSON.stringify(s))}`);
  }
}

/** A JSON config, or a tfjs model.json with weights beside it. */
function importJson(bytes: Uint8Array, path: string | undefined): Imported {
  if (bytes.byteLength > MAX_CONFIG_BYTES) throw new NetLensError(`${bytes.byteLength} bytes is too large for a JSON model config (limit ${MAX_CONFIG_BYTES})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NetLensError('not a model file: neither JSON text, a .keras archive nor an HDF5 file');
  }
  let raw: unknown;
  try {
    raw = parseJsonSafely(text.replace(/^\uFEFF/, ''), 'the JSON config');
  } catch (e) {
    if (e instanceof NetLensError) throw e;
    throw new NetLensError(`invalid JSON: ${clip((e as Error).message, 120)}`);
  }
  const manifest = isObject(raw) ? raw.weightsManifest : undefined;
  if (manifest === undefined || path === undefined) return { format: 'JSON config', config: raw };
  return {
    format: 'tfjs model.json',
    config: raw,
    readWeights: (flat, original) => remapTfjsNames(readTfjsWeights(path, manifest), flat, original),
  };
}

/**
 * tfjs names weights "<layer>/<attribute>" with the layer's own name. Top-level layers keep their
 * names when flattened; a weight of a layer inside a nested model is renamed to its flattened layer.
 */
function remapTfjsNames(weights: NamedWeight[], flat: Flattened, original: KerasModel): NamedWeight[] {
  const leafByName = new Map<string, string[][]>();
  walkLayers(original.config, ({ path, nested }) => {
    if (nested) return;
    const last = path[path.length - 1];
    leafByName.set(last, [...(leafByName.get(last) ?? []), path]);
  });
  const flatNames = new Set(flat.flatName.values());
  return weights.map((w) => {
    const parts = w.name.split('/');
    const attr = parts.pop()!;
    const layer = parts.join('/');
    if (flatNames.has(layer) && flat.flatName.get(pathKey([layer])) === layer) return w;
    for (let j = parts.length - 1; j >= 0; j--) {
      const hits = leafByName.get(parts[j]);
      if (hits && hits.length === 1) return { ...w, name: `${flat.flatName.get(pathKey(hits[0]))}/${attr}` };
    }
    return w;
  });
}

/** Reads a model file's bytes into an Imported, by content. */
export function importModelBytes(bytes: Uint8Array, path?: string): Imported {
  if (isZip(bytes)) return readKerasArchive(bytes);
  if (isHdf5(bytes)) return readKerasH5(bytes);
  return importJson(bytes, path);
}

/** Fills spec.labels from a labels file beside the model, checking it against the output width. */
function attachLabels(spec: ModelSpec, dir: string): void {
  const found = readLabelsBeside(dir);
  if (!found) return;
  let classes: number | null | undefined;
  try {
    const a = analyzeModel(spec.model);
    const outs = isModelGraph(spec.model) ? [] : spec.model.config.output_layers.map((r) => r[0]);
    const out = a.layers.find((l) => l.name === (outs[0] ?? a.layers[a.layers.length - 1].name));
    classes = out?.outputShape[out.outputShape.length - 1];
  } catch {
    classes = undefined; // the analyser cannot size this model; labels are taken as they are
  }
  if (typeof classes === 'number' && classes !== found.labels.length) {
    throw new NetLensError(`${found.file} has ${found.labels.length} labels but the model outputs ${classes} classes`);
  }
  spec.labels = found.labels;
}

/** Loads one model file (any supported format) with its weights and labels. */
export function loadModelFile(path: string): ModelSpec {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new NetLensError('not a file');
    size = st.size;
  } catch (e) {
    if (e instanceof NetLensError) throw e;
    throw new NetLensError(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size > MAX_MODEL_BYTES) throw new NetLensError(`the file is ${size} bytes; model files over ${MAX_MODEL_BYTES} bytes are refused`);
  if (size === 0) throw new NetLensError('the file is empty');
  const bytes = readFileSync(path);
  const fallbackName = basename(path).replace(/\.[^.]*$/, '') || 'model';
  const spec = isOnnx(bytes) || /\.onnx$/i.test(path)
    ? onnxSpec(bytes, path, fallbackName)
    : specFromImported(importModelBytes(bytes, path), fallbackName);
  attachLabels(spec, dirname(resolve(path)));
  return spec;
}

/** Async because callers await it (and formats may decode asynchronously one day). */
export async function loadModel(arg: string): Promise<ModelSpec> {
  if (zooEntry(arg)) return buildZooModel(arg);
  try {
    statSync(arg);
  } catch (e) {
    // Neither a zoo name nor a file: the zoo message lists what is known.
    if (!/[/\\.]/.test(arg)) buildZooModel(arg);
    throw new NetLensError(`cannot read ${clip(arg, 200)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return loadModelFile(arg);
  } catch (e) {
    throw asOneLine(arg, e);
  }
}

/** Any failure while reading a file becomes one NetLensError line prefixed with the file. */
export function asOneLine(path: string, e: unknown): NetLensError {
  const msg = e instanceof NetLensError ? e.message
    : e instanceof RangeError ? `the file is malformed (${e.message})`
    : `cannot read the model (${e instanceof Error ? e.message : String(e)})`;
  return new NetLensError(`${clip(path, 200)}: ${clip(msg, 400)}`);
}
