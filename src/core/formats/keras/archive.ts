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
// each wanted entry must keep its declared size exactly:
//   - a stored entry's data is its compressed size, which must equal its declared size (else a
//     70 MB "stored" config.json declared as 10 bytes would pass the config cap);
//   - a deflated entry whose compressed size is far above its declared size is refused (deflate
//     never expands data by more than a few bytes per 64 KiB block);
//   - inflating goes in 16 KiB input steps into a buffer of the declared size and stops at the
//     first byte past it (fflate's one-shot inflate with a fixed output buffer keeps decoding the
//     whole stream, dropping the bytes: hours of CPU for a bomb at the file cap).
// fflate reads the central directory (names, methods, sizes); entryDataOffsets below only finds
// where each entry's data starts, from that same directory.
import { Inflate, unzipSync, UnzipFileInfo } from 'fflate';
import { KerasModel, NamedWeight, NetLensError } from '../../ir/types';
import { Hdf5File } from './hdf5';
import { Imported } from '../../io/importer';
import { clip, MAX_ARCHIVE_ENTRIES, MAX_CONFIG_BYTES, MAX_MODEL_BYTES, MAX_NAME_CHARS } from '../../io/limits';
import { Flattened, pathKey, walkLayers } from './nested';
import { keras3VarNames } from '../../io/weightNames';
import { parseJsonSafely } from '../../safeLookup';

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

interface WantedEntry {
  name: string;
  /** Position in the central directory. */
  index: number;
  compression: number;
  size: number;
  originalSize: number;
}

/** Deflate's worst-case growth: 5 bytes per stored block of up to 64 KiB, plus a margin. */
const maxDeflatedSize = (original: number): number => original + 5 * Math.ceil(original / 16384) + 1024;
/** Compressed bytes handed to the inflater at a time: bounds the output produced per step (~1032x). */
const INFLATE_STEP = 16 * 1024;

/** Unzips only the entries Keras writes, after checking every entry's name and declared size. */
export function unzipKeras(bytes: Uint8Array): Record<string, Uint8Array> {
  const names = new Set<string>();
  const wanted: WantedEntry[] = [];
  let declared = 0;
  try {
    // Pass 1: the central directory only (the filter refuses everything, nothing is inflated).
    unzipSync(bytes, {
      filter: (f: UnzipFileInfo) => {
        const index = names.size;
        if (names.size >= MAX_ARCHIVE_ENTRIES) throw new NetLensError(`archive has more than ${MAX_ARCHIVE_ENTRIES} entries`);
        checkEntryName(f.name);
        if (names.has(f.name)) throw new NetLensError(`archive holds ${clip(f.name)} twice; refusing an ambiguous archive`);
        names.add(f.name);
        const cap = Object.prototype.hasOwnProperty.call(WANTED, f.name) ? WANTED[f.name] : undefined;
        if (cap === undefined) return false;
        if (f.compression !== 0 && f.compression !== 8) throw new NetLensError(`archive entry ${clip(f.name)} uses unsupported compression method ${f.compression}`);
        if (f.originalSize > cap) throw new NetLensError(`archive entry ${f.name} would inflate to ${f.originalSize} bytes, over the ${cap}-byte limit`);
        if (f.compression === 0 && f.size !== f.originalSize) {
          throw new NetLensError(`archive entry ${f.name} is stored with ${f.size} bytes of data but declares ${f.originalSize}; refusing a mislabelled entry`);
        }
        if (f.compression === 8 && f.size > maxDeflatedSize(f.originalSize)) {
          throw new NetLensError(`archive entry ${f.name} has ${f.size} compressed bytes for a declared ${f.originalSize}; refusing an entry that lies about its size`);
        }
        declared += f.originalSize;
        if (declared > MAX_MODEL_BYTES) throw new NetLensError(`archive would inflate to more than ${MAX_MODEL_BYTES} bytes`);
        wanted.push({ name: f.name, index, compression: f.compression, size: f.size, originalSize: f.originalSize });
        return false;
      },
    });
    // Pass 2: the wanted entries' data, each kept to its declared size.
    const files: Record<string, Uint8Array> = {};
    if (wanted.length === 0) return files;
    const starts = entryDataOffsets(bytes, wanted);
    for (const w of wanted) {
      const at = starts.get(w.index)!;
      const raw = bytes.subarray(at, at + w.size);
      if (raw.length !== w.size) throw new NetLensError(`archive entry ${w.name} runs past the end of the file`);
      files[w.name] = w.compression === 0 ? raw.slice() : inflateExactly(raw, w.originalSize, w.name);
    }
    return files;
  } catch (e) {
    if (e instanceof NetLensError) throw e;
    throw new NetLensError(`corrupt .keras archive (${clip((e as Error).message ?? e, 120)})`);
  }
}

/** Inflates `raw` into exactly `declared` bytes; refuses a stream that is longer or shorter. */
function inflateExactly(raw: Uint8Array, declared: number, name: string): Uint8Array {
  const out = new Uint8Array(declared);
  let at = 0;
  const inflater = new Inflate((chunk) => {
    if (chunk.length > declared - at) {
      throw new NetLensError(`archive entry ${name} inflates past its declared ${declared} bytes; refusing a decompression bomb`);
    }
    out.set(chunk, at);
    at += chunk.length;
  });
  if (raw.length === 0) inflater.push(raw, true);
  for (let p = 0; p < raw.length; p += INFLATE_STEP) {
    inflater.push(raw.subarray(p, p + INFLATE_STEP), p + INFLATE_STEP >= raw.length);
  }
  if (at !== declared) throw new NetLensError(`archive entry ${name} inflates to ${at} bytes, not the ${declared} it declares`);
  return out;
}

/**
 * Where the data of the given central-directory entries starts (ZIP APPNOTE 4.3.12 central
 * header: sizes at 20/24, name/extra/comment lengths at 28/30/32, local header offset at 42;
 * 4.3.7 local header: name/extra lengths at 26/28, data after them). The sizes read here must
 * agree with what fflate read; ZIP64 offsets (archives over 4 GiB) are past the file cap.
 */
function entryDataOffsets(b: Uint8Array, wanted: WantedEntry[]): Map<number, number> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u32 = (at: number) => (at + 4 <= b.length ? v.getUint32(at, true) : fail('a header runs past the end of the file'));
  const u16 = (at: number) => (at + 2 <= b.length ? v.getUint16(at, true) : fail('a header runs past the end of the file'));
  let e = b.length - 22;
  while (e >= 0 && u32(e) !== 0x06054b50) e--;
  if (e < 0) fail('no end of central directory');
  let o = u32(e + 16);
  if (o === 0xffffffff) fail('ZIP64 central directory');
  const byIndex = new Map(wanted.map((w) => [w.index, w]));
  const last = Math.max(...wanted.map((w) => w.index));
  const out = new Map<number, number>();
  for (let i = 0; i <= last; i++) {
    if (u32(o) !== 0x02014b50) fail('central directory entry signature');
    const w = byIndex.get(i);
    if (w) {
      const local = u32(o + 42);
      if (u32(o + 20) !== w.size || u32(o + 24) !== w.originalSize || local === 0xffffffff) fail(`sizes of ${w.name}`);
      if (u32(local) !== 0x04034b50) fail(`local header of ${w.name}`);
      out.set(i, local + 30 + u16(local + 26) + u16(local + 28));
    }
    o += 46 + u16(o + 28) + u16(o + 30) + u16(o + 32);
  }
  return out;
}

const fail = (what: string): never => {
  throw new NetLensError(`corrupt .keras archive (${what})`);
};

function parseJson(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NetLensError(`${what} in the archive is not UTF-8 text`);
  }
  try {
    return parseJsonSafely(text, `${what} in the archive`);
  } catch (e) {
    if (e instanceof NetLensError) throw e;
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
