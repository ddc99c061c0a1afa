// The structure of an ONNX model as the profiler needs it to attribute ONNX Runtime's kernels:
// node names, op types and tensor names, nothing else (weights stay in the bytes). Decoded with
// onnx-proto (protobufjs and the ONNX message definitions); bytes fields are views, so even a
// 100 MB model decodes in milliseconds.
import { onnx } from 'onnx-proto';
import { NetLensError } from '../../ir/types';
import { calledFunction, functionTable, inlineCall, OrtInlineNames } from '../../formats/onnx/functions';
import { MAX_ONNX_NODES } from '../../formats/onnx/model';
import { decodeModelProto } from '../../formats/onnx/proto';
import { InputSpec, inputSpecsOf } from '../../profile/modelFeeds';

export interface OnnxNodeInfo {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
}

export interface OnnxGraphInfo {
  nodes: OnnxNodeInfo[];
  /** Initializer names (weights and other constants). */
  initializers: Set<string>;
  /** Graph inputs that are not initializers (what a run feeds). */
  inputs: string[];
  /** Dimensions of the first of them (null: symbolic, e.g. the batch). */
  inputDims: (number | null)[];
  outputs: string[];
  /** Bytes of all initializers (the weights ONNX Runtime holds outside its activation arena). */
  initializerBytes: number;
  /** Every input with its declared shape and type, for random feeds (read when asked: it refuses types it cannot feed). */
  inputSpecs: () => InputSpec[];
}

/** Element sizes of ONNX TensorProto data types (float, uint8, int8, uint16, int16, int32, int64, -, bool, float16, double). */
const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

/** protobufjs gives int64 fields as Long objects (the long package is installed) or numbers. */
function toNumber(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'object' && typeof (v as { toNumber?: () => number }).toNumber === 'function') return (v as { toNumber: () => number }).toNumber();
  return Number(v);
}

function tensorBytes(t: onnx.ITensorProto): number {
  const n = (t.dims ?? []).reduce<number>((a, d) => a * toNumber(d), 1);
  return n * (ELEMENT_BYTES[t.dataType ?? 1] ?? 4);
}

function inputDims(g: onnx.IGraphProto): (number | null)[] {
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const v = (g.input ?? []).find((i) => !inits.has(i.name));
  return (v?.type?.tensorType?.shape?.dim ?? []).map((d) => {
    const n = toNumber(d.dimValue);
    return n > 0 ? n : null;
  });
}

export function readOnnxGraph(bytes: Uint8Array, source: string): OnnxGraphInfo {
  let model: onnx.ModelProto;
  try {
    model = decodeModelProto(bytes);
  } catch (e) {
    throw new NetLensError(`${source}: not an ONNX model (${String((e as Error)?.message ?? e).split('\n')[0]})`);
  }
  const g = model.graph;
  if (!g) throw new NetLensError(`${source}: the ONNX model has no graph`);
  const initializers = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  // ONNX allows nameless nodes; ONNX Runtime then names them itself, so give them a stable name here.
  // A call of a local function is the function's body under the names ONNX Runtime gives it when
  // it inlines the call (formats/onnx/functions.ts), so its kernels attribute to the body's layers.
  const functions = functionTable(model);
  const ort = new OrtInlineNames();
  const info = (name: string, n: onnx.INodeProto): OnnxNodeInfo =>
    ({ name, opType: n.opType ?? '', inputs: (n.input ?? []).filter(Boolean), outputs: (n.output ?? []).filter(Boolean) });
  const expanded = (g.node ?? []).map((n, i) => (calledFunction(functions, n)
    ? inlineCall(functions, n, MAX_ONNX_NODES, [], ort)
    : info(n.name || `${n.opType ?? 'node'}_${i}`, n)));
  ort.finish();
  const nodes = expanded.flatMap((e) => (Array.isArray(e) ? e.map((b) => info(ort.nodeName(b), ort.resolved(b))) : [e]));
  return {
    nodes,
    initializers,
    inputs: (g.input ?? []).map((v) => v.name ?? '').filter((n) => n && !initializers.has(n)),
    outputs: (g.output ?? []).map((v) => v.name ?? '').filter(Boolean),
    inputDims: inputDims(g),
    initializerBytes: (g.initializer ?? []).reduce((a, t) => a + tensorBytes(t), 0),
    inputSpecs: () => inputSpecsOf(g, source),
  };
}
