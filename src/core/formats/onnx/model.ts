// Reads an ONNX model (protobuf, decoded by protobufjs through onnx-proto) into the IR graph: one
// node per ONNX node, graph inputs as Input nodes, initializers as weight descriptors, small
// tensors (shape data, Constant nodes) with their values so shape chains fold. No ONNX node is
// translated into a Keras layer. Files are untrusted: every count, name, shape and byte length is
// checked, and whatever is wrong is one NetLensError.
import { onnx } from 'onnx-proto';
import type { ConstantInfo, GraphNode, ModelGraph, WeightInfo } from '../../ir/graph';
import { LayerGroup, NetLensError, Shape } from '../../ir/types';
import { clip, MAX_NAME_CHARS } from '../../io/limits';
import { pytorchNaming } from './names';
import { calledFunction, functionTable } from './functions';
import { decodeModelProto } from './proto';
import { FunctionBlocks } from './functionBlocks';
import { ControlFlowContext, expandControlFlow, hasBodies } from './controlFlow';
import { scanOnnx } from './scan';
import { dtypeName, int64, Int64, MAX_VALUE_ELEMENTS, readTensor, TensorMeta } from './tensor';

/** ONNX default-domain opsets NetLens reads. */
export const MIN_OPSET = 7;
export const MAX_OPSET = 21;
/** Nodes, initializers and inputs in one graph (DenseNet-201 exports ~1,000 nodes). */
export const MAX_ONNX_NODES = 200_000;
/** The largest input dimension accepted (a 1M-pixel side is already absurd for a CNN). */
const MAX_INPUT_DIM = 1 << 20;

export interface OnnxImport {
  graph: ModelGraph;
  groups: LayerGroup[];
  layerGroup: Record<string, string>;
  /** ONNX node name -> readable layer name. */
  nodeLayer: Record<string, string>;
}

/** An ONNX ModelProto begins with ir_version (field 1, varint) in every exporter's output. */
export function isOnnx(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x08 && bytes[1] > 0 && bytes[1] < 0x20;
}

function decode(bytes: Uint8Array): onnx.ModelProto {
  // Counted before protobufjs builds every message: the node cap and a heap estimate (scan.ts).
  scanOnnx(bytes, MAX_ONNX_NODES);
  try {
    return decodeModelProto(bytes);
  } catch (e) {
    throw new NetLensError(`not a valid ONNX protobuf (${clip((e as Error).message, 100)})`);
  }
}

const text = (v: unknown, what: string): string => {
  if (typeof v !== 'string') return '';
  if (v.length > MAX_NAME_CHARS) throw new NetLensError(`${what} is longer than ${MAX_NAME_CHARS} characters`);
  return v;
};

const utf8 = new TextDecoder('utf-8');

/** An AttributeProto as plain JSON (ints as numbers, tensors as {dtype, dims, values}). */
function attribute(a: onnx.IAttributeProto, node: string): unknown {
  const what = `attribute ${clip(a.name)} of node ${clip(node)}`;
  const tensor = (t: onnx.ITensorProto) => {
    const m = readTensor(t, what, undefined);
    return { dtype: m.dtype, dims: m.shape, ...(m.values ? { values: m.values } : {}) };
  };
  switch (a.type) {
    case 1: return a.f ?? 0;
    case 2: return int64(a.i as Int64);
    case 3: return a.s ? utf8.decode(a.s.subarray(0, MAX_NAME_CHARS)) : '';
    case 4: return a.t ? tensor(a.t) : undefined;
    case 6: return (a.floats ?? []).slice(0, 1024);
    case 7: return (a.ints ?? []).slice(0, 1024).map((v) => int64(v as Int64));
    case 8: return (a.strings ?? []).slice(0, 64).map((s) => utf8.decode(s.subarray(0, MAX_NAME_CHARS)));
    case 5: case 10: return '<subgraph>';
    default:
      // Old exporters leave `type` unset: take the field that is filled.
      if (a.ints?.length) return a.ints.slice(0, 1024).map((v) => int64(v as Int64));
      if (a.floats?.length) return a.floats.slice(0, 1024);
      if (a.t) return tensor(a.t);
      if (a.s?.length) return utf8.decode(a.s.subarray(0, MAX_NAME_CHARS));
      if (a.i !== undefined && a.i !== null && int64(a.i as Int64) !== 0) return int64(a.i as Int64);
      if (a.f) return a.f;
      return undefined;
  }
}

function valueShape(v: onnx.IValueInfoProto, what: string): { shape: Shape; dtype: string; dimParams: (string | null)[] } | undefined {
  const tt = v.type?.tensorType;
  if (!tt?.shape) return undefined;
  const dims = tt.shape.dim ?? [];
  if (dims.length > 8) throw new NetLensError(`${what} has rank ${dims.length}`);
  const shape = dims.map((d) => {
    if (d.dimValue === null || d.dimValue === undefined) return null;
    const n = int64(d.dimValue as Int64);
    if (d.dimParam && n === 0) return null;
    if (!Number.isSafeInteger(n) || n <= 0) return n === 0 && !d.dimParam ? null : fail(`${what} has an invalid dimension ${n}`);
    if (n > MAX_INPUT_DIM) fail(`${what} has an absurd dimension ${n}`);
    return n;
  });
  const dimParams = dims.map((d, i) => (shape[i] === null && d.dimParam ? text(d.dimParam, `a dimension name of ${what}`) || null : null));
  return { shape, dtype: tt.elemType ? dtypeName(tt.elemType, what) : 'float32', dimParams };
}

function fail(message: string): never {
  throw new NetLensError(message);
}

/** The values a Constant node holds, from whichever of its value attributes is set. */
function constantValue(n: onnx.INodeProto, dir: string | undefined): TensorMeta {
  const a = (n.attribute ?? [])[0];
  const what = `Constant node ${clip(n.name || n.output?.[0])}`;
  if (!a || (n.attribute ?? []).length !== 1) throw new NetLensError(`${what} needs exactly one value attribute`);
  if (a.name === 'value' && a.t) return readTensor(a.t, what, dir);
  if (a.name === 'value_float') return { name: '', dtype: 'float32', shape: [], values: [a.f ?? 0] };
  if (a.name === 'value_int') return { name: '', dtype: 'int64', shape: [], values: [int64(a.i as Int64)] };
  if (a.name === 'value_floats') return { name: '', dtype: 'float32', shape: [(a.floats ?? []).length], values: (a.floats ?? []).slice(0, MAX_VALUE_ELEMENTS) };
  if (a.name === 'value_ints') return { name: '', dtype: 'int64', shape: [(a.ints ?? []).length], values: (a.ints ?? []).slice(0, MAX_VALUE_ELEMENTS).map((v) => int64(v as Int64)) };
  throw new NetLensError(`${what} has an unsupported value attribute ${clip(a.name)}`);
}

/** Reads ONNX bytes; `dir` is the model's folder (for external data), undefined for bytes without a file. */
export function readOnnx(bytes: Uint8Array, dir: string | undefined, fallbackName: string): OnnxImport {
  const model = decode(bytes);
  const g = model.graph;
  if (!g) throw new NetLensError('the ONNX model has no graph');
  const opsetEntry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = opsetEntry ? int64(opsetEntry.version as Int64) : NaN;
  if (!(opset >= MIN_OPSET && opset <= MAX_OPSET)) {
    throw new NetLensError(`ONNX opset ${Number.isNaN(opset) ? '(none)' : opset} is not supported; NetLens reads opsets ${MIN_OPSET} to ${MAX_OPSET}`);
  }
  const nodesIn = g.node ?? [];
  const inits = g.initializer ?? [];
  if (nodesIn.length + inits.length + (g.input ?? []).length > MAX_ONNX_NODES) throw new NetLensError(`the graph has more than ${MAX_ONNX_NODES} nodes and tensors`);

  // Keyed by names from the file: records without a prototype, read with own-key checks only
  // (a tensor named "__proto__" or "toString" is just a name).
  const weights: Record<string, WeightInfo> = Object.create(null);
  const constants: Record<string, ConstantInfo> = Object.create(null);
  const fixed = (t: string): boolean => Object.hasOwn(weights, t) || Object.hasOwn(constants, t);
  const missing = new Set<string>();
  const keep = (name: string, m: TensorMeta, asWeight: boolean): void => {
    if (fixed(name)) throw new NetLensError(`the graph names tensor ${clip(name)} twice (initializer or Constant)`);
    if (m.missing !== undefined) missing.add(m.missing);
    if (asWeight) weights[name] = { shape: m.shape, dtype: m.dtype };
    if (m.values) constants[name] = { shape: m.shape, dtype: m.dtype, values: m.values };
  };
  /** A Constant node's one output: a large float one is a weight the exporter inlined; small ones are values. */
  const keepConstant = (n: onnx.INodeProto, what: string): void => {
    const outs = n.output ?? [];
    if (outs.length !== 1 || !outs[0]) throw new NetLensError(`${what} needs one output`);
    const m = constantValue(n, dir);
    keep(outs[0], m, !m.values);
  };
  for (const [i, t] of inits.entries()) {
    const name = text(t.name, `initializer #${i}'s name`);
    if (!name) throw new NetLensError(`initializer #${i} has no name`);
    keep(name, readTensor(t, `initializer ${clip(name)}`, dir), true);
  }

  const functions = functionTable(model);
  const nodes: GraphNode[] = [];
  const sources: { source: string; op: string }[] = [];
  const pending: { n: onnx.INodeProto; op: string; source: string }[] = [];
  for (const [i, n] of nodesIn.entries()) {
    const opType = text(n.opType, `node #${i}'s op`);
    if (!opType) throw new NetLensError(`node #${i} has no op_type`);
    const domain = text(n.domain, `node #${i}'s domain`);
    const op = !domain || domain === 'ai.onnx' ? opType : `${domain}.${opType}`;
    const outputs = (n.output ?? []).map((o) => text(o, `node #${i}'s output name`));
    if (op === 'Constant') {
      keepConstant({ ...n, output: outputs }, `Constant node #${i}`);
      continue;
    }
    pending.push({ n, op, source: text(n.name, `node #${i}'s name`) });
    sources.push({ source: pending[pending.length - 1].source, op });
  }

  // PyTorch deduplicates equal initializers and reads the copies through Identity nodes: an
  // Identity of a weight or constant is that tensor under another name, not a layer.
  const alias = new Map<string, string>();
  const real = (t: string): string => alias.get(t) ?? t;
  const isAlias = pending.map((p) => {
    const src = real(p.n.input?.[0] ?? '');
    if (p.op !== 'Identity' || (p.n.output ?? []).length !== 1 || !fixed(src)) return false;
    alias.set(text(p.n.output![0], 'an Identity output'), src);
    return true;
  });
  for (let i = pending.length - 1; i >= 0; i--) {
    if (isAlias[i]) { pending.splice(i, 1); sources.splice(i, 1); }
  }

  // Graph inputs (older exporters list the initializers among them too).
  const inputNodes: GraphNode[] = [];
  for (const [i, v] of (g.input ?? []).entries()) {
    const name = text(v.name, `graph input #${i}'s name`);
    if (!name) throw new NetLensError(`graph input #${i} has no name`);
    if (fixed(name)) continue;
    const t = valueShape(v, `input ${clip(name)}`);
    if (!t) throw new NetLensError(`input ${clip(name)} does not declare its shape; NetLens needs the input size`);
    // A fixed first dimension stays as the file gives it; a symbolic one is the batch (null).
    const attrs: Record<string, unknown> = { shape: t.shape, dtype: t.dtype };
    // Named free dimensions (dim_param) can be given values (--dim name=value).
    if (t.dimParams.some((p) => p !== null)) attrs.dimParams = t.dimParams;
    inputNodes.push({ name, op: 'Input', attrs, inputs: [], outputs: [name] });
  }
  if (inputNodes.length === 0) throw new NetLensError('the graph has no inputs besides its initializers');

  const naming = pytorchNaming(sources, new Set(inputNodes.map((n) => n.name)));
  const nodeLayer: Record<string, string> = Object.create(null);
  const toNode = (n: onnx.INodeProto, op: string, source: string, name: string): GraphNode => {
    const attrs: Record<string, unknown> = Object.create(null);
    for (const a of n.attribute ?? []) {
      const key = text(a.name, `an attribute name of node ${clip(source)}`);
      if (key) attrs[key] = attribute(a, source || op);
    }
    return {
      name,
      op,
      attrs,
      inputs: (n.input ?? []).map((t) => real(text(t, `an input name of node ${clip(source)}`))),
      outputs: (n.output ?? []).map((t) => text(t, `an output name of node ${clip(source)}`)),
      ...(source && source !== name ? { sourceName: source } : {}),
    };
  };
  const inlined = new FunctionBlocks(naming, inputNodes.map((n) => n.name));
  let bodyNodes = 0;
  const flow: ControlFlowContext = {
    toNode,
    keepTensor: (name, t) => keep(name, readTensor(t, `initializer ${clip(name)} of a control-flow body`, dir), true),
    keepConstant: (n) => keepConstant(n, 'a Constant in a control-flow body'),
    blocks: inlined,
    spend: () => {
      if (++bodyNodes + pending.length > MAX_ONNX_NODES) throw new NetLensError('the control-flow bodies make more nodes than NetLens reads');
    },
  };
  // Local function calls first, all of them: ONNX Runtime names what it inlines in an order over
  // the whole model (functions.ts), and the profile finds the body's kernels by those names.
  const calls = new Map<number, ReturnType<FunctionBlocks['inline']>>();
  let inlinedCount = 0;
  for (const [i, p] of pending.entries()) {
    if (!calledFunction(functions, p.n)) continue;
    const body = inlined.inline(functions, p.n, naming.names[i], MAX_ONNX_NODES - pending.length - inlinedCount);
    inlinedCount += body.length;
    calls.set(i, body);
  }
  inlined.ort.finish();
  for (const [i, p] of pending.entries()) {
    const name = naming.names[i];
    if (hasBodies(p.n)) {
      // If/Loop/Scan: the bodies' layers drawn as blocks beside the node, counted as often as they run.
      if (p.source) nodeLayer[p.source] = name;
      nodes.push(...expandControlFlow(flow, p.n, name, inlined.groupOf(name)));
      continue;
    }
    const body = calls.get(i);
    if (body) {
      // A call of a local function: its body, inlined, drawn as a block named after the function.
      for (const b of body) {
        const node = inlined.ort.resolved(b.inlined);
        if (b.op === 'Constant') {
          keepConstant(node, `a Constant in function ${clip(b.fn)}`);
          continue;
        }
        nodes.push(toNode(node, b.op, '', b.name));
        // ONNX Runtime profiles the inlined node under its own name: map it to this layer.
        nodeLayer[inlined.ort.nodeName(b.inlined)] = b.name;
      }
      continue;
    }
    if (p.source) nodeLayer[p.source] = name;
    nodes.push(toNode(p.n, p.op, p.source, name));
  }
  const groups = inlined.groups.length ? [...naming.groups, ...inlined.groups] : naming.groups;
  const layerGroup = inlined.groups.length ? Object.assign(Object.create(null), naming.layerGroup, inlined.layerGroup) : naming.layerGroup;

  const declared: Record<string, Shape> = Object.create(null);
  for (const v of [...(g.valueInfo ?? []), ...(g.output ?? [])]) {
    const name = text(v.name, 'a value_info name');
    const t = name ? valueShape(v, `value_info ${clip(name)}`) : undefined;
    if (!t || Object.hasOwn(weights, name)) continue;
    // A tensor declared twice must be declared alike (a graph output also listed in value_info is).
    const before = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (before && (before.length !== t.shape.length || before.some((d, i) => d !== null && t.shape[i] !== null && d !== t.shape[i]))) {
      throw new NetLensError(`the file declares tensor ${clip(name)} twice, as [${before.join(', ')}] and [${t.shape.join(', ')}]`);
    }
    declared[name] = t.shape;
  }
  const outputs = (g.output ?? []).map((o, i) => real(text(o.name, `graph output #${i}'s name`)));

  const graph: ModelGraph = {
    kind: 'graph',
    format: 'onnx',
    name: text(g.name, 'the graph name') && g.name !== 'torch_jit' && g.name !== 'main_graph' ? g.name! : fallbackName,
    layout: 'channels_first',
    nodes: [...inputNodes, ...nodes],
    outputs,
    weights,
    constants,
    declared,
    opset,
    ...(missing.size ? { missingWeights: [...missing].slice(0, 16) } : {}),
  };
  return { graph, groups, layerGroup, nodeLayer };
}
