// A guarded reader over jsfive (pure-JS HDF5, read only). Keras .h5 files and the
// model.weights.h5 inside .keras archives are untrusted, so every read here:
//   - turns whatever jsfive throws (it throws strings, RangeErrors, TypeErrors) into one NetLensError;
//   - checks a dataset's shape, dtype and storage before reading it: rank and element caps, no
//     compression filters (Keras never writes them; an inflating filter is a decompression bomb),
//     and a byte budget equal to the file's own size (uncompressed data cannot be larger than the
//     file that holds it), so a dataset that claims terabytes is refused before any allocation;
//   - reads attributes itself (hdf5Attributes.ts), only the one asked for, against a decoded-bytes
//     budget of a few times the file size. jsfive's own `attrs` decodes every attribute of an
//     object, trusting counts and shared heap references, so it is never called (not even typed).
import * as jsfive from 'jsfive';
import { NetLensError } from '../../ir/types';
import { AttributeIndex, AttrValue } from './hdf5Attributes';
import { ByteBudget, clip, MAX_RANK, MAX_TENSOR_ELEMENTS } from '../../io/limits';

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && HDF5_MAGIC.every((b, i) => bytes[i] === b);
}

/* jsfive has no type declarations; these are the parts used here. */
interface JsfiveDataObjects {
  find_msg_type(t: number): { get(k: string): number }[];
  _get_data_message_properties(off: number): [number, number, number, number];
}
interface JsfiveNode {
  name: string;
  keys?: string[];
  get(path: string): JsfiveNode | null;
  shape?: number[];
  dtype?: unknown;
  value?: ArrayLike<number>;
  _dataobjects: JsfiveDataObjects & { filter_pipeline: unknown; is_dataset: boolean };
}

const DATA_STORAGE_MSG_TYPE = 0x0008;
const ATTRIBUTE_MSG_TYPE = 0x000c;
const ATTRIBUTE_INFO_MSG_TYPE = 0x0015;
const LAYOUT_CONTIGUOUS = 1;
/** Elements read through jsfive's generic (JS array) path at most: 16 M (128 MiB of doubles). */
const MAX_SLOW_ELEMENTS = 2 ** 24;

function describeThrown(e: unknown): string {
  if (e instanceof NetLensError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Runs a jsfive call; anything it throws becomes one NetLensError naming what was being read.
 * jsfive logs to the console on some malformed input (even whole objects); those lines would
 * land in the CLI's stdout (breaking `--json`), so the console is muted for the synchronous call.
 */
function guard<T>(what: string, fn: () => T): T {
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  const mute = () => undefined;
  console.log = console.warn = console.error = console.info = mute;
  try {
    return fn();
  } catch (e) {
    if (e instanceof NetLensError) throw e;
    throw new NetLensError(`corrupt HDF5 file: cannot read ${clip(what)} (${clip(describeThrown(e), 120)})`);
  } finally {
    Object.assign(console, saved);
  }
}

export interface FloatTensor {
  shape: number[];
  data: Float32Array;
}

export class Hdf5File {
  private readonly file: JsfiveNode;
  /** Bytes of dataset payload still allowed (starts at the file size). */
  private budget: number;
  /** Bytes of attribute strings still allowed to be decoded. */
  private readonly attrBudget: ByteBudget;
  /** Objects by path, and group members: jsfive re-parses a group's links on every lookup. */
  private readonly nodes = new Map<string, JsfiveNode>();
  private readonly children = new Map<JsfiveNode, Set<string>>();
  private readonly attributes = new Map<JsfiveNode, AttributeIndex>();

  constructor(private readonly bytes: Uint8Array) {
    if (!isHdf5(bytes)) throw new NetLensError('not an HDF5 file (no HDF5 signature)');
    const eof = superblockEnd(bytes);
    if (eof !== undefined && eof > bytes.byteLength) {
      throw new NetLensError(`truncated HDF5 file: it has ${bytes.byteLength} bytes, its superblock says ${eof}`);
    }
    // jsfive wants an ArrayBuffer of exactly the file.
    // (Not Buffer#slice: that is a view into Node's shared pool, whose .buffer starts elsewhere.)
    const ab = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer as ArrayBuffer
      : Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer;
    this.file = guard('the superblock', () => new (jsfive as unknown as { File: new (b: ArrayBuffer, n: string) => JsfiveNode }).File(ab, 'model'));
    this.budget = bytes.byteLength;
    this.attrBudget = ByteBudget.forFile(bytes.byteLength, 'HDF5 file');
  }

  /** The object at `path` ('' is the root), or undefined when it does not exist. */
  node(path: string): JsfiveNode | undefined {
    if (path === '' || path === '/') return this.file;
    const parts = path.split('/').filter((p) => p !== '');
    let cur: JsfiveNode = this.file;
    let at = '';
    for (const p of parts) {
      const next = `${at}/${p}`;
      let child = this.nodes.get(next);
      if (child === undefined) {
        if (!this.keys(cur, at).has(p)) return undefined;
        const parent = cur;
        const got = guard(path, () => parent.get(p));
        if (!got) return undefined;
        child = got;
        this.nodes.set(next, child);
      }
      cur = child;
      at = next;
    }
    return cur;
  }

  /** Child names of a group (empty for datasets), parsed once per group. */
  keys(node: JsfiveNode, path = node.name): Set<string> {
    const cached = this.children.get(node);
    if (cached) return cached;
    let out = new Set<string>();
    if (!guard(path || '/', () => node._dataobjects?.is_dataset)) {
      const k = guard(`the members of ${path || '/'}`, () => node.keys);
      out = new Set(Array.isArray(k) ? k.filter((x) => typeof x === 'string') : []);
    }
    this.children.set(node, out);
    return out;
  }

  isGroup(node: JsfiveNode): boolean {
    return !guard(node.name, () => node._dataobjects.is_dataset);
  }

  /**
   * One string (or list-of-strings) attribute, or undefined when absent or of another type.
   * Read here, not by jsfive: jsfive trusts an attribute's dataspace and loops over as many
   * elements as it claims (a flipped bit made that billions), and it does not read dense storage.
   */
  attr(node: JsfiveNode, name: string): AttrValue {
    let index = this.attributes.get(node);
    if (!index) {
      const msgs = guard(`the attributes of ${node.name}`, () => node._dataobjects.find_msg_type(ATTRIBUTE_MSG_TYPE));
      const compact = msgs.map((m) => {
        const at = m.get('offset_to_message');
        const size = m.get('size');
        if (!Number.isSafeInteger(at) || !Number.isSafeInteger(size) || at < 0 || size < 0 || at + size > this.bytes.byteLength) {
          throw new NetLensError(`corrupt HDF5 file: an attribute message of ${clip(node.name)} lies outside the file`);
        }
        return this.bytes.subarray(at, at + size);
      });
      const info = guard(`the attributes of ${node.name}`, () => node._dataobjects.find_msg_type(ATTRIBUTE_INFO_MSG_TYPE)[0]);
      index = new AttributeIndex(this.bytes, compact, info ? info.get('offset_to_message') : undefined, this.attrBudget);
      this.attributes.set(node, index);
    }
    return index.get(name);
  }

  /** A scalar string attribute (HDF5 fixed or variable-length string). */
  stringAttr(node: JsfiveNode, name: string): string | undefined {
    const v = this.attr(node, name);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new NetLensError(`corrupt HDF5 file: attribute ${clip(name)} of ${clip(node.name)} is not a string`);
    return v;
  }

  /** A list-of-strings attribute (Keras' layer_names, weight_names); undefined when absent or not strings (Keras writes an empty list as an empty float array). */
  stringListAttr(node: JsfiveNode, name: string): string[] | undefined {
    const v = this.attr(node, name);
    if (v === undefined) return undefined;
    return typeof v === 'string' ? [v] : v;
  }

  /** Reads a numeric dataset as float32 after checking its shape, filters and size. */
  readTensor(node: JsfiveNode): FloatTensor {
    const where = node.name;
    if (this.isGroup(node)) throw new NetLensError(`corrupt HDF5 file: ${clip(where)} is a group, expected a weight array`);
    const shape = guard(`the shape of ${where}`, () => node.shape);
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new NetLensError(`weight ${clip(where)} has an invalid shape ${clip(JSON.stringify(shape))}`);
    }
    let n = 1;
    for (const d of shape) n *= d;
    if (n > MAX_TENSOR_ELEMENTS) throw new NetLensError(`weight ${clip(where)} has an absurd shape [${shape}] (${n} elements)`);
    const dtype = guard(`the type of ${where}`, () => node.dtype);
    const m = typeof dtype === 'string' ? /^([<>|=]?)([fiu])(\d+)$/.exec(dtype) : null;
    if (!m) throw new NetLensError(`weight ${clip(where)} has type ${clip(JSON.stringify(dtype))}; only numeric weights are supported`);
    const itemSize = Number(m[3]);
    if (![1, 2, 4, 8].includes(itemSize)) throw new NetLensError(`weight ${clip(where)} has an unsupported item size ${itemSize}`);
    const bytes = n * itemSize;
    if (bytes > this.budget) {
      throw new NetLensError(`corrupt HDF5 file: weight ${clip(where)} claims ${bytes} bytes, more than the file holds`);
    }
    this.budget -= bytes;
    const filters = guard(`the filters of ${where}`, () => node._dataobjects.filter_pipeline);
    if (filters) throw new NetLensError(`weight ${clip(where)} is compressed (HDF5 filters); NetLens reads uncompressed weights as Keras writes them`);
    if (n === 0) return { shape, data: new Float32Array(0) };

    // Fast path: contiguous little-endian float32 is copied straight out of the file.
    if (dtype === '<f4') {
      const offset = guard(`the storage of ${where}`, () => this.contiguousOffset(node));
      if (offset !== undefined) {
        if (offset < 0 || offset + bytes > this.bytes.byteLength) {
          throw new NetLensError(`corrupt HDF5 file: weight ${clip(where)} points past the end of the file`);
        }
        // A copy (Buffer.slice would be an unaligned view), so Float32Array can start at 0.
        const copy = new Uint8Array(this.bytes.subarray(offset, offset + bytes));
        return { shape, data: new Float32Array(copy.buffer, 0, n) };
      }
    }
    // Other storage or types go through jsfive, which builds a plain JS array (8+ bytes an element).
    if (n > MAX_SLOW_ELEMENTS) {
      throw new NetLensError(`weight ${clip(where)} (${clip(String(dtype))}, ${n} elements) is too large for non-contiguous or non-float32 storage`);
    }
    const value = guard(where, () => node.value);
    if (!value || typeof (value as ArrayLike<number>).length !== 'number' || value.length !== n) {
      throw new NetLensError(`corrupt HDF5 file: weight ${clip(where)} holds ${value?.length ?? 0} values, its shape says ${n}`);
    }
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const x = Number(value[i]);
      data[i] = x;
    }
    return { shape, data };
  }

  /** File offset of a contiguous dataset's data, or undefined when it is stored otherwise. */
  private contiguousOffset(node: JsfiveNode): number | undefined {
    const dobj = node._dataobjects;
    const msg = dobj.find_msg_type(DATA_STORAGE_MSG_TYPE)[0];
    if (!msg) return undefined;
    const [version, , layoutClass, propertyOffset] = dobj._get_data_message_properties(msg.get('offset_to_message'));
    if (version < 3 || layoutClass !== LAYOUT_CONTIGUOUS) return undefined;
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    if (propertyOffset + 8 > this.bytes.byteLength) throw new Error('data layout message out of bounds');
    const lo = view.getUint32(propertyOffset, true);
    const hi = view.getUint32(propertyOffset + 4, true);
    if (hi === 0xffffffff && lo === 0xffffffff) throw new Error('dataset has no data (undefined address)');
    if (hi > 0x1fffff) throw new Error('data address out of range');
    return hi * 2 ** 32 + lo;
  }
}

/**
 * The end-of-file address the superblock records (base address + EOF address), for 8-byte
 * offsets; undefined when the superblock is of another shape (jsfive then reports what it finds).
 * Layout: HDF5 File Format Specification, "Superblock" versions 0-3.
 */
function superblockEnd(b: Uint8Array): number | undefined {
  if (b.byteLength < 48) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = b[8];
  const u64 = (at: number) => {
    const hi = v.getUint32(at + 4, true);
    return hi > 0x1fffff ? Infinity : hi * 2 ** 32 + v.getUint32(at, true);
  };
  if (version === 0 || version === 1) {
    if (b[13] !== 8) return undefined;
    const at = version === 0 ? 24 : 28;
    return u64(at) + u64(at + 16);
  }
  if (version === 2 || version === 3) {
    if (b[9] !== 8) return undefined;
    return u64(12) + u64(28);
  }
  return undefined;
}
