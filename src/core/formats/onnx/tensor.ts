// ONNX TensorProto checks and small-value decoding. A tensor's declared shape and dtype must account
// for the bytes it holds (inline raw_data, typed fields, or an external file), checked before
// anything is allocated, so a 2 GB tensor declared in a 1 KB file is one error, not an allocation.
// Values are decoded only for small tensors (shape data, scales, Constant nodes): the analysis is
// analytic, and ONNX Runtime reads the file itself when it profiles.
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { onnx } from 'onnx-proto';
import { MissingWeightsFile, NetLensError } from '../../ir/types';
import { ONNX_DTYPES } from './ops/rules';
import { DTYPE_BYTES } from '../../analysis/opRule';
import { clip, MAX_MODEL_BYTES, MAX_NAME_CHARS, MAX_RANK, MAX_TENSOR_ELEMENTS } from '../../io/limits';
import { float16ToFloat32 } from '../../numbers';

/** Tensors up to this many elements have their values read (shape arithmetic, scales, small constants). */
export const MAX_VALUE_ELEMENTS = 1024;

type Long = { toNumber(): number; toString(): string };
export type Int64 = number | Long | null | undefined;

/** An int64 from protobufjs (a number or a Long) as a number, clamped to the safe range (INT64_MAX means "to the end"). */
export function int64(v: Int64): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  const n = Number(BigInt(v.toString()));
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, n));
}

export interface TensorMeta {
  name: string;
  dtype: string;
  shape: number[];
  /** Values of a small numeric tensor. */
  values?: number[];
  /** The external data file it names, when that file is not beside the model (shapes still known). */
  missing?: string;
}



export function dtypeName(code: number | null | undefined, what: string): string {
  const d = ONNX_DTYPES[code ?? 0];
  if (!d || d === 'string') throw new NetLensError(`${what} has unsupported element type ${code ?? 'none'}`);
  return d;
}

/** Checks one external-data location and returns the absolute file it names, inside `dir`. */
export function safeExternalPath(dir: string, location: string, tensor: string): string {
  const p = location;
  if (!p || p.length > MAX_NAME_CHARS || p.includes('\0')) throw new NetLensError(`initializer ${clip(tensor)} has an invalid external data location`);
  if (isAbsolute(p) || /^[a-zA-Z]:/.test(p) || p.startsWith('\\') || /^[a-z][a-z0-9+.-]*:\/\//i.test(p)) {
    throw new NetLensError(`initializer ${clip(tensor)}: external data location ${clip(p)} is absolute or a URL; it must be relative to the model`);
  }
  const full = resolve(dir, p);
  const rel = relative(dir, full);
  if (p.split(/[\\/]/).includes('..') || rel.startsWith('..') || isAbsolute(rel)) {
    throw new NetLensError(`initializer ${clip(tensor)}: external data location ${clip(p)} leaves the model's folder`);
  }
  let real: string;
  try {
    real = realpathSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    const message = `initializer ${clip(tensor)}: external data file ${clip(p)} is missing beside the model (${code})`;
    throw code === 'ENOENT' ? new MissingWeightsFile(message, p) : new NetLensError(message);
  }
  const realDir = realpathSync(dir);
  if (!real.startsWith(realDir + sep)) throw new NetLensError(`initializer ${clip(tensor)}: external data file ${clip(p)} is a link that leaves the model's folder`);
  return real;
}

function shapeOf(t: onnx.ITensorProto, what: string): number[] {
  const dims = (t.dims ?? []).map((d) => int64(d as Int64));
  if (dims.length > MAX_RANK) throw new NetLensError(`${what} has rank ${dims.length} (more than ${MAX_RANK})`);
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new NetLensError(`${what} has an invalid dimension ${d}`);
    n *= d;
  }
  if (n > MAX_TENSOR_ELEMENTS) throw new NetLensError(`${what} declares an absurd shape [${dims.join(', ')}] (${n} elements)`);
  return dims;
}

/** Little-endian raw bytes of `count` elements of `dtype` as numbers. */
function fromRaw(buf: Uint8Array, dtype: string, count: number): number[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'float32': out[i] = v.getFloat32(4 * i, true); break;
      case 'float64': out[i] = v.getFloat64(8 * i, true); break;
      case 'float16': out[i] = float16ToFloat32(v.getUint16(2 * i, true)); break;
      case 'bfloat16': out[i] = new Float32Array(new Uint32Array([v.getUint16(2 * i, true) << 16]).buffer)[0]; break;
      case 'int64': out[i] = int64({ toString: () => v.getBigInt64(8 * i, true).toString(), toNumber: () => 0 }); break;
      case 'uint64': out[i] = int64({ toString: () => v.getBigUint64(8 * i, true).toString(), toNumber: () => 0 }); break;
      case 'int32': out[i] = v.getInt32(4 * i, true); break;
      case 'uint32': out[i] = v.getUint32(4 * i, true); break;
      case 'int16': out[i] = v.getInt16(2 * i, true); break;
      case 'uint16': out[i] = v.getUint16(2 * i, true); break;
      case 'int8': out[i] = v.getInt8(i); break;
      default: out[i] = v.getUint8(i); // uint8, bool, float8 (only sized, never computed with)
    }
  }
  return out;
}

/** The typed field ONNX keeps each dtype in when raw_data is not used. */
function typedField(t: onnx.ITensorProto, dtype: string): ArrayLike<number | Long> | undefined {
  if (dtype === 'float32' || dtype === 'complex64') return t.floatData ?? undefined;
  if (dtype === 'float64') return t.doubleData ?? undefined;
  if (dtype === 'int64') return (t.int64Data as (number | Long)[] | null) ?? undefined;
  if (dtype === 'uint64' || dtype === 'uint32') return (t.uint64Data as (number | Long)[] | null) ?? undefined;
  return t.int32Data ?? undefined; // int32, int16, int8, uint16, uint8, bool, float16 and bfloat16 (as bits)
}

/** Checks a tensor's storage against its shape and reads its values when it is small. */
export function readTensor(t: onnx.ITensorProto, what: string, dir: string | undefined): TensorMeta {
  const name = typeof t.name === 'string' ? t.name : '';
  const dtype = dtypeName(t.dataType, what);
  const shape = shapeOf(t, what);
  const count = shape.reduce((a, d) => a * d, 1);
  const need = count * (DTYPE_BYTES[dtype] ?? 1);
  const wantValues = count <= MAX_VALUE_ELEMENTS;
  if (t.dataLocation === 1) {
    if (dir === undefined) throw new NetLensError(`${what} keeps its data in an external file, which needs the model's folder`);
    const kv = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    let file: string;
    try {
      file = safeExternalPath(dir, kv.get('location') ?? '', name);
    } catch (e) {
      // Drawing and counting need shapes only: a missing weights file is noted, not fatal.
      if (e instanceof MissingWeightsFile) return { name, dtype, shape, missing: e.file };
      throw e;
    }
    const offset = Number(kv.get('offset') ?? 0);
    const st = statSync(file);
    if (!st.isFile()) throw new NetLensError(`${what}: external data ${clip(kv.get('location'))} is not a file`);
    const length = kv.has('length') ? Number(kv.get('length')) : st.size - offset;
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new NetLensError(`${what} has an invalid external data offset or length`);
    }
    if (length !== need) throw new NetLensError(`${what} declares ${need} bytes (shape [${shape.join(', ')}], ${dtype}) but its external data holds ${length}`);
    if (offset + length > st.size) throw new NetLensError(`${what}: external data runs past the end of ${clip(kv.get('location'))} (${offset + length} > ${st.size} bytes)`);
    if (!wantValues || need === 0) return { name, dtype, shape };
    const buf = Buffer.alloc(need);
    const fd = openSync(file, 'r');
    try { readSync(fd, buf, 0, need, offset); } finally { closeSync(fd); }
    return { name, dtype, shape, values: fromRaw(buf, dtype, count) };
  }
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== need) throw new NetLensError(`${what} declares ${need} bytes (shape [${shape.join(', ')}], ${dtype}) but holds ${raw.length}`);
    return wantValues ? { name, dtype, shape, values: fromRaw(raw, dtype, count) } : { name, dtype, shape };
  }
  const field = typedField(t, dtype);
  const held = field?.length ?? 0;
  if (held !== count) throw new NetLensError(`${what} declares ${count} elements (shape [${shape.join(', ')}]) but holds ${held}`);
  if (!wantValues) return { name, dtype, shape };
  const values = Array.from(field!, (x) => int64(x as Int64));
  return { name, dtype, shape, values: dtype === 'float16' ? values.map(float16ToFloat32) : values };
}

/** Bytes an ONNX file may be before it is refused (the same cap as other model files). */
export const MAX_ONNX_BYTES = MAX_MODEL_BYTES;
