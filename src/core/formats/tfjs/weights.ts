// The weights of a tfjs Layers model.json: its weightsManifest lists groups of shard files
// ("group1-shard1of2.bin", ...) that lie beside model.json; each group's shards concatenated hold
// the group's weights back to back, in manifest order, little-endian. Shard paths come from an
// untrusted file: they must stay inside the model's directory (no absolute paths, no "..", no
// symlink leading out), and the declared shapes must account for the shard bytes exactly.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { MissingWeightsFile, NamedWeight, NetLensError } from '../../ir/types';
import { clip, MAX_MODEL_BYTES, MAX_NAME_CHARS, MAX_RANK, MAX_TENSOR_ELEMENTS, MAX_WEIGHT_ENTRIES } from '../../io/limits';
import { hasOwn } from '../../safeLookup';
import { float16ToFloat32 } from '../../numbers';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Checks one manifest path and returns the absolute file it names, inside `dir`. */
export function safeShardPath(dir: string, p: unknown): string {
  if (typeof p !== 'string' || p.length === 0 || p.length > MAX_NAME_CHARS) throw new NetLensError(`weightsManifest has an invalid path ${clip(JSON.stringify(p))}`);
  if (p.includes('\0')) throw new NetLensError('weightsManifest path contains a NUL character');
  if (isAbsolute(p) || /^[a-zA-Z]:/.test(p) || p.startsWith('\\') || /^[a-z][a-z0-9+.-]*:\/\//i.test(p)) {
    throw new NetLensError(`weightsManifest path ${clip(p)} is absolute or a URL; shard paths must be relative to model.json`);
  }
  if (p.split(/[\\/]/).includes('..')) throw new NetLensError(`weightsManifest path ${clip(p)} leaves the model's folder`);
  const full = resolve(dir, p);
  const rel = relative(dir, full);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new NetLensError(`weightsManifest path ${clip(p)} leaves the model's folder`);
  let real: string;
  try {
    real = realpathSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    const message = `weight shard ${clip(p)} is missing beside model.json (${code})`;
    throw code === 'ENOENT' ? new MissingWeightsFile(message, p) : new NetLensError(message);
  }
  const realDir = realpathSync(dir);
  if (real !== realDir && !real.startsWith(realDir + sep)) throw new NetLensError(`weight shard ${clip(p)} is a link that leaves the model's folder`);
  return real;
}

function parseEntry(w: unknown, i: number): ManifestEntry {
  if (!isObject(w) || typeof w.name !== 'string') throw new NetLensError(`weightsManifest entry #${i} has no name`);
  if (w.name.length > MAX_NAME_CHARS) throw new NetLensError(`weightsManifest entry #${i} has a name longer than ${MAX_NAME_CHARS} characters`);
  const shape = w.shape;
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new NetLensError(`weight ${clip(w.name)} has an invalid shape ${clip(JSON.stringify(shape))}`);
  }
  const n = shape.reduce((a: number, b: number) => a * b, 1);
  if (n > MAX_TENSOR_ELEMENTS) throw new NetLensError(`weight ${clip(w.name)} has an absurd shape [${shape}] (${n} elements)`);
  const dtype = typeof w.dtype === 'string' ? w.dtype : 'float32';
  if (!hasOwn(BYTES, dtype) || dtype === 'uint8' || dtype === 'uint16') throw new NetLensError(`weight ${clip(w.name)} has unsupported dtype ${clip(dtype)}`);
  let quantization: ManifestEntry['quantization'];
  if (w.quantization !== undefined) {
    const q = w.quantization;
    if (!isObject(q) || typeof q.dtype !== 'string' || !['uint8', 'uint16', 'float16'].includes(q.dtype)) {
      throw new NetLensError(`weight ${clip(w.name)} has an unsupported quantization ${clip(JSON.stringify(q))}`);
    }
    if (q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) {
      throw new NetLensError(`weight ${clip(w.name)} is quantized to ${q.dtype} without a finite scale and min`);
    }
    quantization = { dtype: q.dtype, scale: q.scale as number, min: q.min as number };
  }
  return { name: w.name, shape: shape as number[], dtype, quantization };
}

function decode(e: ManifestEntry, buf: Uint8Array, offset: number, n: number): Float32Array {
  const view = new DataView(buf.buffer, buf.byteOffset + offset, buf.byteLength - offset);
  const out = new Float32Array(n);
  const q = e.quantization;
  if (q) {
    if (q.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = float16ToFloat32(view.getUint16(2 * i, true));
    else if (q.dtype === 'uint8') for (let i = 0; i < n; i++) out[i] = view.getUint8(i) * q.scale! + q.min!;
    else for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, true) * q.scale! + q.min!;
    return out;
  }
  if (e.dtype === 'float32') {
    // Little-endian hosts (all Node targets): one copy of the bytes is the array.
    const copy = new Uint8Array(buf.subarray(offset, offset + 4 * n));
    return new Float32Array(copy.buffer, 0, n);
  }
  if (e.dtype === 'int32') for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
  else if (e.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = float16ToFloat32(view.getUint16(2 * i, true));
  else for (let i = 0; i < n; i++) out[i] = view.getUint8(i);
  return out;
}

/** Reads every weight a model.json's weightsManifest lists, from the shards beside `modelPath`. */
export function readTfjsWeights(modelPath: string, manifest: unknown): NamedWeight[] {
  if (!Array.isArray(manifest)) throw new NetLensError('weightsManifest is not a list');
  const dir = dirname(resolve(modelPath));
  const weights: NamedWeight[] = [];
  const seen = new Set<string>();
  let total = 0;
  let count = 0;
  for (const [gi, group] of manifest.entries()) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new NetLensError(`weightsManifest group #${gi} needs "paths" and "weights" lists`);
    }
    count += group.weights.length;
    if (count > MAX_WEIGHT_ENTRIES) throw new NetLensError(`weightsManifest lists more than ${MAX_WEIGHT_ENTRIES} weights`);
    const entries = group.weights.map(parseEntry);
    // Check every size before reading any shard.
    const files = group.paths.map((p) => safeShardPath(dir, p));
    let groupBytes = 0;
    for (const f of files) {
      const st = statSync(f);
      if (!st.isFile()) throw new NetLensError(`weight shard ${clip(relative(dir, f))} is not a file`);
      groupBytes += st.size;
    }
    total += groupBytes;
    if (total > MAX_MODEL_BYTES) throw new NetLensError(`weight shards add up to more than ${MAX_MODEL_BYTES} bytes; refused`);
    const need = entries.reduce((a, e) => a + e.shape.reduce((x, y) => x * y, 1) * BYTES[e.quantization?.dtype ?? e.dtype], 0);
    if (need !== groupBytes) {
      throw new NetLensError(`weight group #${gi + 1} declares ${need} bytes but its shards hold ${groupBytes} (truncated or corrupted shard?)`);
    }
    const buf = files.length === 1 ? readFileSync(files[0]) : Buffer.concat(files.map((f) => readFileSync(f)));
    if (buf.byteLength !== groupBytes) throw new NetLensError(`weight group #${gi + 1} changed while it was read`);
    let offset = 0;
    for (const e of entries) {
      if (seen.has(e.name)) throw new NetLensError(`weightsManifest lists weight ${clip(e.name)} twice`);
      seen.add(e.name);
      const n = e.shape.reduce((x, y) => x * y, 1);
      const data = decode(e, buf, offset, n);
      offset += n * BYTES[e.quantization?.dtype ?? e.dtype];
      weights.push({ name: e.name, shape: e.shape, data });
    }
  }
  return weights;
}
