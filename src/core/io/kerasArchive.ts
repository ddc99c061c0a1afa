// Keras 3 `.keras` archives (keras/src/saving/saving_lib.py): a zip holding
//   config.json        the model config ({module, class_name, config, registered_name, build_config, ...})
//   metadata.json      {"keras_version": "3.x", "date_saved": ...}
//   model.weights.h5   HDF5; a layer's variables at layers/<layer>/vars/0, 1, ... in creation
//                      order (no names); a nested model's at layers/<model>/layers/<layer>/vars/...
//                      (tf.keras 2.13-2.15: _layer_checkpoint_dependencies/<layer>/vars/...);
//                      the optimizer's under optimizer/vars (ignored)
// Other entries (assets/, a model.weights.npz that may hold pickled Python objects) are never
// inflated or read: such an archive opens without weights. An archive holding an entry name twice
// is refused as ambiguous.
// The zip is untrusted: entry names are checked (no absolute paths, no "..", no duplicates), the
// sizes in the central directory are checked against the caps before anything is inflated, and
// fflate inflates into a buffer of exactly the declared size, so a zip bomb that lies about its
// size gets truncated data (then a parse error), never more memory than declared.
import { unzipSync, UnzipFileInfo } from 'fflate';
import { KerasModel, NamedWeight, NetLensError } from '../ir/types';
import { Hdf5File } from './hdf5';
import { Imported } from './importer';
import { clip, MAX_ARCHIVE_ENTRIES, MAX_CONFIG_BYTES, MAX_MODEL_BYTES, MAX_NAME_CHARS } from './limits';
import { Flattened, pathKey, walkLayers } from './nested';
import { keras3VarNames } from './weightNames';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && (ZIP_MAGIC.every((b, i) => bytes[i] === b) || ZIP_EMPTY.every((b, i) => bytes[i] === b));
}

const WANTED: Record<string, number> = {
  'config.json': MAX_CONFIG_BYTES,
  'metadata.json': 1024 * 1024,
  'model.weights.h5': MAX_MODEL_BYTES,
};

function checkEntryName(name: string): void {
  if (name.length > MAX_NAME_CHARS) throw new NetLensError(`archive entry name longer than ${MAX_NAME_CHARS} characters`);
  if (name.includes('\0')) throw new NetLensError('archive entry name contains a NUL character');
  const norm = name.replace(/\\/g, '/');
  if (norm.startsWith('/') || /^[a-zA-Z]:/.test(norm) || norm.split('/').includes('..')) {
    throw new NetLensError(`archive entry ${clip(name)} has a path that escapes the archive`);
  }
}

/** Unzips only the entries Keras writes, after checking every entry's name and declared size. */
export function unzipKeras(bytes: Uint8Array): Record<string, Uint8Array> {
  const names = new Set<string>();
  let declared = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f: UnzipFileInfo) => {
        if (names.size >= MAX_ARCHIVE_ENTRIES) throw new NetLensError(`archive has more than ${MAX_ARCHIVE_ENTRIES} entries`);
        checkEntryName(f.name);
        if (names.has(f.name)) throw new NetLensError(`archive holds ${clip(f.name)} twice; refusing an ambiguous archive`);
        names.add(f.name);
        const cap = WANTED[f.name];
        if (cap === undefined) return false;
        if (f.compression !== 0 && f.compression !== 8) throw new NetLensError(`archive entry ${clip(f.name)} uses unsupported compression method ${f.compression}`);
        if (f.originalSize > cap) throw new NetLensError(`archive entry ${f.name} would inflate to ${f.originalSize} bytes, over the ${cap}-byte limit`);
        declared += f.originalSize;
        if (declared > MAX_MODEL_BYTES) throw new NetLensError(`archive would inflate to more than ${MAX_MODEL_BYTES} bytes`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof NetLensError) throw e;
    throw new NetLensError(`corrupt .keras archive (${clip((e as Error).message ?? e, 120)})`);
  }
  return files;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NetLensError(`${what} in the archive is not UTF-8 text`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new NetLensError(`${what} in the archive is not valid JSON (${clip((e as Error).message)})`);
  }
}

export function readKerasArchive(bytes: Uint8Array): Imported {
  const files = unzipKeras(bytes);
  if (!files['config.json']) {
    throw new NetLensError('not a Keras .keras archive: it has no config.json');
  }
  const config = parseJson(files['config.json'], 'config.json');
  let kerasVersion: string | undefined;
  if (files['metadata.json']) {
    const meta = parseJson(files['metadata.json'], 'metadata.json');
    if (meta && typeof meta === 'object' && typeof (meta as { keras_version?: unknown }).keras_version === 'string') {
      kerasVersion = (meta as { keras_version: string }).keras_version;
    }
  }
  const wbytes = files['model.weights.h5'];
  return {
    format: 'Keras .keras',
    config,
    kerasVersion,
    readWeights: wbytes ? (flat, original) => readKeras3Weights(new Hdf5File(wbytes), flat, original) : undefined,
  };
}

/**
 * Where a layer's variables live: Keras 3 writes layers/<a>/layers/<b>; tf.keras 2.13-2.15 wrote
 * the same archive format with _layer_checkpoint_dependencies/<a>/... for functional models.
 */
function layerGroupPath(h5: Hdf5File, path: string[]): string | undefined {
  let at = '';
  for (const p of path) {
    const hit = ['layers', '_layer_checkpoint_dependencies'].map((c) => `${at}${at ? '/' : ''}${c}/${p}`).find((g) => h5.node(g) !== undefined);
    if (!hit) return undefined;
    at = hit;
  }
  return at;
}

/** layers/<path...>/vars/<i> -> "<flattened layer>/<tfjs attribute>". */
export function readKeras3Weights(h5: Hdf5File, flat: Flattened, original: KerasModel): NamedWeight[] {
  const out: NamedWeight[] = [];
  walkLayers(original.config, ({ path, layer, nested }) => {
    if (nested) return;
    const groupPath = layerGroupPath(h5, path);
    const vars = groupPath === undefined ? undefined : h5.node(`${groupPath}/vars`);
    if (!vars) return; // a layer without variables has no group (or an empty one)
    const keys = [...h5.keys(vars)].filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
    if (keys.length === 0) return;
    if (keys.some((k, i) => Number(k) !== i)) throw new NetLensError(`corrupt model.weights.h5: ${clip(groupPath)}/vars is not numbered 0..${keys.length - 1}`);
    const flatName = flat.flatName.get(pathKey(path))!;
    const attrs = keras3VarNames(layer.class_name, layer.config as Record<string, unknown>);
    if (attrs && attrs.length !== keys.length) {
      throw new NetLensError(`model.weights.h5 has ${keys.length} arrays for ${clip(layer.class_name)} layer ${clip(path.join('/'))}, which has ${attrs.length}`);
    }
    for (const k of keys) {
      const t = h5.readTensor(h5.node(`${groupPath}/vars/${k}`)!);
      out.push({ name: `${flatName}/${attrs ? attrs[Number(k)] : `var_${k}`}`, shape: t.shape, data: t.data });
    }
  });
  return out;
}
