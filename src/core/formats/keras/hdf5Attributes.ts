// HDF5 string attributes, read with bounds on every count (jsfive loops over whatever element
// count a corrupt dataspace claims), in both compact (object header) and "dense" storage, which
// jsfive does not read. Only the attribute asked for is decoded: names are compared as bytes, and
// values are charged to a per-file ByteBudget, because variable-length strings are references
// into a global heap and thousands of them may point at one multi-megabyte object (12 GB of
// strings from a 4 MB file). HDF5 keeps an object's attributes
// in its object header while they are small; past 64 KiB (a big model's model_config: ResNet-50's
// is ~120 KB) or past a count, they move to a fractal heap indexed by a version-2 B-tree, and the
// header holds only an Attribute Info message. Keras files of large models have exactly that.
// Followed: HDF5 File Format Specification 3.0, sections III.A.2 (v2 B-trees: types 1 and 8),
// III.G (fractal heap: managed objects in direct blocks, huge objects through a type-1 B-tree),
// IV.A.2.c/d (datatype, dataspace), IV.A.2.m (attribute message), IV.A.2.v (attribute info).
// Scope: 8-byte offsets and lengths, unfiltered heaps, B-trees of depth 0, root indirect blocks
// whose children are direct blocks: what HDF5 writes for a handful of attributes. Anything else is
// refused with one error; every read is bounds-checked, every loop bounded.
import { NetLensError } from '../../ir/types';
import { ByteBudget } from '../../io/limits';

const fail = (what: string): never => {
  throw new NetLensError(`corrupt or unsupported HDF5 attribute (${what})`);
};

class Reader {
  private readonly v: DataView;
  constructor(readonly b: Uint8Array) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  need(at: number, n: number): void {
    if (!Number.isSafeInteger(at) || at < 0 || n < 0 || at + n > this.b.byteLength) fail(`read of ${n} bytes at ${at} is outside the file`);
  }
  u8(at: number): number { this.need(at, 1); return this.v.getUint8(at); }
  u16(at: number): number { this.need(at, 2); return this.v.getUint16(at, true); }
  u32(at: number): number { this.need(at, 4); return this.v.getUint32(at, true); }
  u64(at: number): number {
    this.need(at, 8);
    const hi = this.v.getUint32(at + 4, true);
    if (hi === 0xffffffff && this.v.getUint32(at, true) === 0xffffffff) return -1; // undefined address
    if (hi > 0x1fffff) fail('a 64-bit value beyond 2^53');
    return hi * 2 ** 32 + this.v.getUint32(at, true);
  }
  /** Little-endian unsigned integer of n bytes (n <= 6 keeps it exact). */
  uint(at: number, n: number): number {
    this.need(at, n);
    let x = 0;
    for (let i = n - 1; i >= 0; i--) x = x * 256 + this.b[at + i];
    return x;
  }
  sig(at: number, s: string): void {
    this.need(at, 4);
    if (String.fromCharCode(...this.b.subarray(at, at + 4)) !== s) fail(`expected ${s} at ${at}`);
  }
}

interface Heap {
  heapIdLength: number;
  maxManaged: number;
  hugeBtree: number;
  tableWidth: number;
  startBlockSize: number;
  maxDirectBlockSize: number;
  maxHeapBits: number;
  rootAddress: number;
  rootRows: number;
  flags: number;
}

function readHeap(r: Reader, at: number): Heap {
  r.sig(at, 'FRHP');
  if (r.u8(at + 4) !== 0) fail('fractal heap version');
  if (r.u16(at + 7) !== 0) fail('filtered fractal heap');
  const h: Heap = {
    heapIdLength: r.u16(at + 5),
    flags: r.u8(at + 9),
    maxManaged: r.u32(at + 10),
    hugeBtree: r.u64(at + 22),
    tableWidth: r.u16(at + 110),
    startBlockSize: r.u64(at + 112),
    maxDirectBlockSize: r.u64(at + 120),
    maxHeapBits: r.u16(at + 128),
    rootAddress: r.u64(at + 132),
    rootRows: r.u16(at + 140),
  };
  if (h.tableWidth < 1 || h.tableWidth > 1024 || h.maxHeapBits < 1 || h.maxHeapBits > 48 || h.startBlockSize < 1) fail('fractal heap header');
  return h;
}

const bytesFor = (bits: number): number => Math.ceil(bits / 8);
const bytesToHold = (x: number): number => Math.max(1, Math.ceil(Math.log2(x + 1) / 8));

/** Records of a depth-0 v2 B-tree of the given type. */
function btreeRecords(r: Reader, at: number, type: number): { at: number; size: number }[] {
  r.sig(at, 'BTHD');
  if (r.u8(at + 5) !== type) fail(`B-tree type ${r.u8(at + 5)}, expected ${type}`);
  const recordSize = r.u16(at + 10);
  const depth = r.u16(at + 12);
  const root = r.u64(at + 16);
  const n = r.u16(at + 24);
  if (n === 0 || root < 0) return [];
  if (depth !== 0) fail('B-tree deeper than one node');
  r.sig(root, 'BTLF');
  const out: { at: number; size: number }[] = [];
  for (let i = 0; i < n; i++) {
    const p = root + 6 + i * recordSize;
    r.need(p, recordSize);
    out.push({ at: p, size: recordSize });
  }
  return out;
}

/** The bytes of one fractal heap object, from its heap ID. */
function heapObject(r: Reader, h: Heap, id: Uint8Array): Uint8Array {
  // ID type (bits 4-5): 0 managed, 1 huge, 2 tiny.
  const type = (id[0] >> 4) & 3;
  if (type === 0) {
    const offBytes = bytesFor(h.maxHeapBits);
    const lenBytes = bytesToHold(Math.min(h.maxDirectBlockSize, h.maxManaged));
    if (1 + offBytes + lenBytes > id.length) fail('heap ID too short');
    const idr = new Reader(id);
    const offset = idr.uint(1, offBytes);
    const length = idr.uint(1 + offBytes, lenBytes);
    const [blockAddr, blockOffset] = directBlockFor(r, h, offset);
    const start = blockAddr + (offset - blockOffset);
    r.need(start, length);
    return r.b.subarray(start, start + length);
  }
  if (type === 2) {
    // Tiny object: stored in the ID itself.
    const len = (id[0] & 0x0f) + 1;
    if (1 + len > id.length) fail('tiny heap object');
    return id.subarray(1, 1 + len);
  }
  if (type === 1) {
    if (h.hugeBtree < 0) fail('huge object without its B-tree');
    const idr = new Reader(id);
    const key = idr.uint(1, Math.min(6, id.length - 1));
    for (const rec of btreeRecords(r, h.hugeBtree, 1)) {
      if (rec.size < 24) fail('huge object record size');
      if (r.u64(rec.at + 16) === key) {
        const addr = r.u64(rec.at);
        const len = r.u64(rec.at + 8);
        r.need(addr, len);
        return r.b.subarray(addr, addr + len);
      }
    }
    fail('huge object not found');
  }
  return fail('unknown heap ID type');
}

/** Address and heap offset of the direct block holding heap offset `offset`. */
function directBlockFor(r: Reader, h: Heap, offset: number): [number, number] {
  if (h.rootAddress < 0) fail('empty heap');
  if (h.rootRows === 0) {
    r.sig(h.rootAddress, 'FHDB');
    return [h.rootAddress, 0];
  }
  r.sig(h.rootAddress, 'FHIB');
  let entry = h.rootAddress + 5 + 8 + bytesFor(h.maxHeapBits);
  let blockOffset = 0;
  for (let row = 0; row < Math.min(h.rootRows, 64); row++) {
    const size = h.startBlockSize * 2 ** Math.max(0, row - 1);
    if (size > h.maxDirectBlockSize) fail('nested indirect blocks');
    for (let c = 0; c < h.tableWidth; c++, entry += 8) {
      if (offset < blockOffset + size) {
        const addr = r.u64(entry);
        if (addr < 0) fail('heap offset in an unallocated block');
        r.sig(addr, 'FHDB');
        return [addr, blockOffset];
      }
      blockOffset += size;
    }
  }
  return fail('heap offset beyond the heap');
}

export type AttrValue = string | string[] | undefined;

/** An attribute message's name bytes (trailing NULs dropped), without decoding anything. */
function attributeName(msg: Uint8Array): Uint8Array {
  const m = new Reader(msg);
  const version = m.u8(0);
  if (version < 1 || version > 3) fail(`attribute message version ${version}`);
  const nameSize = m.u16(2);
  const at = version === 3 ? 9 : 8;
  m.need(at, nameSize);
  let end = at + nameSize;
  while (end > at && msg[end - 1] === 0) end--;
  return msg.subarray(at, end);
}

/** Decodes an attribute message's value when it is a string or a list of strings. */
function decodeAttributeValue(r: Reader, msg: Uint8Array, name: string, budget: ByteBudget): AttrValue {
  const m = new Reader(msg);
  const version = m.u8(0);
  let p: number;
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameSize = m.u16(2);
  const typeSize = m.u16(4);
  const spaceSize = m.u16(6);
  if (version === 1 || version === 2) p = 8;
  else if (version === 3) p = 9;
  else return fail(`attribute message version ${version}`);
  p += pad(nameSize);
  const typeAt = p;
  p += pad(typeSize);
  const spaceAt = p;
  p += pad(spaceSize);
  const dataAt = p;
  // Shared (committed) datatypes or dataspaces: not what Keras writes; not read.
  if (version >= 2 && (m.u8(1) & 0x03) !== 0) return undefined;
  const cls = m.u8(typeAt) & 0x0f;
  const size = m.u32(typeAt + 4);
  // Dataspace: version 1 has 5 reserved bytes after rank/flags; version 2 has a type byte.
  const sv = m.u8(spaceAt);
  const rank = m.u8(spaceAt + 1);
  const dimsAt = spaceAt + (sv === 1 ? 8 : 4);
  if (rank > 1 || (sv === 2 && m.u8(spaceAt + 3) === 2)) return undefined;
  const count = rank === 0 ? 1 : m.u64(dimsAt);
  if (count < 0 || count > 1_000_000) fail('attribute element count');
  const strings: string[] = [];
  const decoder = new TextDecoder();
  if (cls === 3) {
    if (size < 1 || count * size > msg.length) fail('fixed-length string attribute');
    budget.take(count * size, `attribute ${name}`);
    for (let i = 0; i < count; i++) {
      m.need(dataAt + i * size, size);
      strings.push(decoder.decode(msg.subarray(dataAt + i * size, dataAt + (i + 1) * size)).replace(/\0+$/, ''));
    }
  } else if (cls === 9 && ((m.u8(typeAt + 1) & 0x0f) === 1)) {
    // Variable-length strings: length (4), global heap collection address (8), object index (4).
    m.need(dataAt, count * 16);
    for (let i = 0; i < count; i++) {
      const at = dataAt + i * 16;
      const len = m.u32(at);
      const coll = m.u64(at + 4);
      const index = m.u32(at + 12);
      const obj = globalHeapObject(r, coll, index, len);
      // Charged before decoding: the same heap object may be referenced by every element.
      budget.take(obj.length, `attribute ${name}`);
      strings.push(decoder.decode(obj));
    }
  } else {
    return undefined;
  }
  return rank === 0 ? strings[0] : strings;
}

const collections = new WeakMap<Uint8Array, Map<number, Map<number, Uint8Array>>>();

/** One object of a global heap collection; each collection is parsed once per file. */
function globalHeapObject(r: Reader, coll: number, index: number, len: number): Uint8Array {
  let byFile = collections.get(r.b);
  if (!byFile) collections.set(r.b, (byFile = new Map()));
  let objects = byFile.get(coll);
  if (!objects) {
    objects = new Map();
    r.sig(coll, 'GCOL');
    const collSize = r.u64(coll + 8);
    r.need(coll, collSize);
    let p = coll + 16;
    const end = coll + collSize;
    while (p + 16 <= end) {
      const idx = r.u16(p);
      const size = r.u64(p + 8);
      if (idx === 0) break;
      r.need(p + 16, size);
      objects.set(idx, r.b.subarray(p + 16, p + 16 + size));
      p += 16 + Math.ceil(size / 8) * 8;
    }
    byFile.set(coll, objects);
  }
  const obj = objects.get(index);
  if (!obj) fail('global heap object not found');
  return obj!.subarray(0, Math.min(len, obj!.length));
}

/** Attribute messages stored densely (fractal heap + name B-tree), given the Attribute Info message body's offset. */
function denseAttributeMessages(r: Reader, infoAt: number): Uint8Array[] {
  if (r.u8(infoAt) !== 0) fail('attribute info version');
  const flags = r.u8(infoAt + 1);
  let p = infoAt + 2 + (flags & 1 ? 2 : 0);
  const heapAt = r.u64(p);
  p += 8;
  const nameBtree = r.u64(p);
  if (heapAt < 0 || nameBtree < 0) return [];
  const heap = readHeap(r, heapAt);
  return btreeRecords(r, nameBtree, 8).map((rec) => {
    if (rec.size < 8) fail('attribute name record size');
    return heapObject(r, heap, r.b.subarray(rec.at, rec.at + Math.min(8, heap.heapIdLength)));
  });
}

/**
 * One object's attributes by name, built once: looking names up one by one rescanned every
 * message (Keras' chunked lists ask for "layer_names0", "layer_names1", ... up to 10,000 times).
 * Only names are read here (charged to the budget: heap objects may be shared); a value is
 * decoded when asked for.
 */
export class AttributeIndex {
  private readonly byName = new Map<string, Uint8Array>();

  constructor(private readonly file: Uint8Array, compact: Uint8Array[], denseInfoAt: number | undefined, private readonly budget: ByteBudget) {
    const r = new Reader(file);
    const messages = denseInfoAt === undefined ? compact : [...compact, ...denseAttributeMessages(r, denseInfoAt)];
    const decoder = new TextDecoder();
    for (const msg of messages) {
      const raw = attributeName(msg);
      budget.take(raw.length, 'attribute names');
      const name = decoder.decode(raw);
      if (!this.byName.has(name)) this.byName.set(name, msg);
    }
  }

  /** The attribute's value (a string or a list of strings), or undefined when absent or of another type. */
  get(name: string): AttrValue {
    const msg = this.byName.get(name);
    return msg === undefined ? undefined : decodeAttributeValue(new Reader(this.file), msg, name, this.budget);
  }
}
