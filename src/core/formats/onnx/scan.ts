// A count of what decoding an ONNX file would build, made before protobufjs builds it. protobufjs
// materialises every message of a file at once: 32 MB of empty NodeProto entries (2 bytes each)
// reached 2.9 GB before the node cap, checked after decoding, could refuse the file. This pass
// walks the protobuf wire format, allocates nothing per entry, and counts
//   - the main graph's nodes, initializers and inputs (the same cap readOnnx applies), and
//   - an estimate of the bytes the decoded objects take: each message and each int64 value (a
//     Long object) everywhere, subgraphs, functions and training graphs included.
// The field numbers are onnx.proto's, as onnx-proto's generated decoder reads them.
import { NetLensError } from '../../ir/types';

type Kind = 'model' | 'graph' | 'node' | 'attr' | 'tensor' | 'sparse' | 'value' | 'type' | 'typeTensor' | 'typeOne' | 'typeMap'
  | 'shape' | 'dim' | 'training' | 'function' | 'annotation' | 'leaf';

/** Message-typed fields of each message, and the int64 fields (decoded as Long objects, one per value). */
const MESSAGES: Record<Kind, Record<number, Kind>> = {
  model: { 7: 'graph', 8: 'leaf', 14: 'leaf', 20: 'training', 25: 'function' },
  graph: { 1: 'node', 5: 'tensor', 15: 'sparse', 11: 'value', 12: 'value', 13: 'value', 14: 'annotation' },
  node: { 5: 'attr' },
  attr: { 5: 'tensor', 6: 'graph', 22: 'sparse', 14: 'type', 10: 'tensor', 11: 'graph', 23: 'sparse', 15: 'type' },
  tensor: { 3: 'leaf', 13: 'leaf' },
  sparse: { 1: 'tensor', 2: 'tensor' },
  value: { 2: 'type' },
  type: { 1: 'typeTensor', 4: 'typeOne', 5: 'typeMap', 9: 'typeOne', 8: 'typeTensor' },
  typeTensor: { 2: 'shape' },
  typeOne: { 1: 'type' },
  typeMap: { 2: 'type' },
  shape: { 1: 'dim' },
  dim: {},
  training: { 1: 'graph', 2: 'graph', 3: 'leaf', 4: 'leaf' },
  function: { 7: 'node', 9: 'leaf', 11: 'attr' },
  annotation: { 2: 'leaf' },
  leaf: {},
};
const LONGS: Partial<Record<Kind, Set<number>>> = {
  model: new Set([1, 5]), attr: new Set([3, 8]), tensor: new Set([1, 7, 11]), sparse: new Set([3]), dim: new Set([1]),
};

/** Rough heap bytes of one decoded message (object, its default arrays) and of one Long. */
const MESSAGE_BYTES = 200;
const LONG_BYTES = 48;
/** Estimated heap for a file's decoded objects: a 200,000-node model needs about 200 MB. */
export const MAX_DECODED_BYTES = 1024 * 1024 * 1024;
/** Graphs inside attributes inside graphs: no exporter nests near this deep. */
const MAX_DEPTH = 64;

export interface OnnxCounts {
  /** Nodes, initializers and inputs of the main graph. */
  mainEntries: number;
  /** Estimated heap bytes of the decoded model. */
  decodedBytes: number;
}

export function scanOnnx(bytes: Uint8Array, maxMainEntries: number): OnnxCounts {
  const counts: OnnxCounts = { mainEntries: 0, decodedBytes: 0 };
  let pos = 0;
  const bad = (what: string): never => { throw new NetLensError(`not a valid ONNX protobuf (${what} at byte ${pos})`); };
  /** A varint as a number (lengths and tags fit well within 2^53; larger ones fail the bounds check). */
  const varint = (): number => {
    let v = 0;
    for (let shift = 1, i = 0; i < 10; i++, shift *= 128) {
      if (pos >= bytes.length) bad('a truncated varint');
      const b = bytes[pos++];
      v += (b & 0x7f) * shift;
      if (b < 0x80) return v;
    }
    return bad('a varint longer than 10 bytes');
  };
  const walk = (kind: Kind, end: number, depth: number, main: boolean): void => {
    if (depth > MAX_DEPTH) throw new NetLensError(`the ONNX model nests graphs or types more than ${MAX_DEPTH} levels deep`);
    const fields = MESSAGES[kind];
    const longs = LONGS[kind];
    while (pos < end) {
      const tag = varint();
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (wire === 2) {
        const len = varint();
        const start = pos;
        if (len > end - start) bad('a field running past its message');
        const child = fields[field];
        if (child !== undefined) {
          counts.decodedBytes += MESSAGE_BYTES;
          if (main && kind === 'graph' && (field === 1 || field === 5 || field === 11) && ++counts.mainEntries > maxMainEntries) {
            throw new NetLensError(`the graph has more than ${maxMainEntries} nodes and tensors`);
          }
          walk(child, start + len, depth + 1, main && kind === 'model');
        } else if (longs?.has(field)) {
          // Packed int64 values: one Long each; a varint ends at a byte below 0x80.
          for (let i = start; i < start + len; i++) if (bytes[i] < 0x80) counts.decodedBytes += LONG_BYTES;
        }
        pos = start + len;
      } else if (wire === 0) {
        varint();
        if (longs?.has(field)) counts.decodedBytes += LONG_BYTES;
      } else if (wire === 1 || wire === 5) {
        pos += wire === 1 ? 8 : 4;
      } else {
        bad(`wire type ${wire}`); // groups (3, 4) are not in onnx.proto; 6 and 7 do not exist
      }
      if (pos > end) bad('a field running past its message');
      if (counts.decodedBytes > MAX_DECODED_BYTES) {
        throw new NetLensError(`the ONNX model would decode into more than ${MAX_DECODED_BYTES / 2 ** 20} MiB of objects (too many nodes, tensors or values)`);
      }
    }
  };
  walk('model', bytes.length, 0, true);
  return counts;
}
