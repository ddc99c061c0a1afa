// The ONNX rule table seen by the analyser: each rule's shapes and costs, plus the parameters every
// ONNX node has in common: the elements of the weight tensors (initializers) it reads, each
// counted once, at the first node that reads it. Settings inputs (shapes, axes, scales, quantization
// parameters) are never parameters.
import type { ModelGraph } from '../../../ir/graph';
import { NetLensError, Shape } from '../../../ir/types';
import { elements } from '../../../analysis/config';
import { DTYPE_BYTES, NodeCost, NodeInput, NodeRule, TensorInfo } from '../../../analysis/opRule';
import { ONNX_OP_RULES, OnnxRule } from './rules';
import { lookup } from '../../../safeLookup';
import type { OnnxNode } from './attrs';

/** What the hover card says where an eval-mode PyTorch export may have folded a BatchNorm into the weights. */
export const FOLDED_BN_NOTE =
  'Params as stored in the ONNX file. An eval-mode PyTorch export folds a BatchNorm that follows this layer into its weight and bias: ' +
  'PyTorch\'s parameters() counts that BatchNorm\'s weight and bias (2 per channel) and no bias here, 1 per channel more.';

const FOLD_TARGETS = new Set(['Conv', 'ConvTranspose', 'Gemm']);
const CONTROL_FLOW = new Set(['If', 'Loop', 'Scan']);

/** Params and weight bytes of the initializers a node reads (settings and integer tensors excluded). */
function weightParams({ node, graph, claim }: Pick<NodeInput, 'node' | 'graph' | 'claim'>, rule: OnnxRule | undefined): { trainable: number; frozen: number; weightBytes: number } {
  let trainable = 0;
  let frozen = 0;
  let weightBytes = 0;
  node.inputs.forEach((t, i) => {
    const w = Object.hasOwn(graph.weights, t) ? graph.weights[t] : undefined;
    // An initializer read by two nodes counts once, at the first.
    if (!w || rule?.settings?.includes(i) || w.dtype === 'int64' || w.dtype === 'bool' || !claim(t)) return;
    const count = elements(node.name, w.shape);
    if (rule?.frozen?.includes(i)) frozen += count;
    else trainable += count;
    weightBytes += count * (lookup(DTYPE_BYTES, w.dtype) ?? 4);
  });
  return { trainable, frozen, weightBytes };
}

function adapt(rule: OnnxRule): NodeRule {
  return {
    category: rule.category,
    evaluate: (input: NodeInput): NodeCost => {
      const { node, graph, inputs } = input;
      const n: OnnxNode = { name: node.name, op: node.op, attrs: node.attrs, inputs, outputCount: node.outputs.length, opset: graph.opset ?? 13 };
      const outputs = rule.infer(n);
      const { trainable, frozen, weightBytes } = weightParams(input, rule);
      const macs = rule.macs?.(n, outputs) ?? 0;
      const hasBias = FOLD_TARGETS.has(node.op) && node.inputs.length > 2 && node.inputs[2] !== '';
      return {
        outputs,
        params: { trainable, nonTrainable: frozen },
        weightBytes,
        macs,
        formula: macs > 0 ? rule.formula?.(n, outputs) ?? '' : '',
        ops: rule.ops?.(n, outputs) ?? 0,
        window: rule.window?.(n) ?? 'identity',
        ...(hasBias ? { note: FOLDED_BN_NOTE } : {}),
      };
    },
  };
}

/**
 * What is known of a node NetLens cannot size (its rule needs a value known only at run time, or
 * its op is not in the table): each output as the file declares it (ONNX value_info), else shaped
 * like its first input with every dimension but the batch open. Params are the weights it reads,
 * exact. `unknown` marks the outputs (undefined: an unsupported op, whose declared or guessed
 * shapes the layers after it use as they always have).
 */
export function unsizedCost(input: NodeInput, unknown: string | undefined, like?: TensorInfo): NodeCost {
  const { node, graph, inputs } = input;
  // Control flow's first input is a condition or trip count, nothing like its outputs.
  const opaque: TensorInfo = { shape: [null], dtype: 'float32' };
  const first = like ?? (CONTROL_FLOW.has(node.op) ? opaque : inputs.find((t) => t !== undefined) ?? opaque);
  const outputs = node.outputs.map((t): TensorInfo => {
    const declared = t && graph.declared && Object.hasOwn(graph.declared, t) ? graph.declared[t] : undefined;
    const shape: Shape = declared ?? (unknown === undefined ? first.shape : first.shape.map((d, i) => (i === 0 ? d : null)));
    const open = unknown !== undefined && (declared === undefined || declared.includes(null));
    return { shape, dtype: first.dtype, ...(open ? { unknown } : {}) };
  });
  const rule = Object.hasOwn(ONNX_OP_RULES, node.op) ? ONNX_OP_RULES[node.op] : undefined;
  const { trainable, frozen, weightBytes } = weightParams(input, rule);
  return { outputs, params: { trainable, nonTrainable: frozen }, weightBytes, macs: 0, formula: '', ops: 0, window: 'identity' };
}

const adapted = new Map<string, NodeRule>();
export function onnxRule(op: string): NodeRule | undefined {
  if (!Object.prototype.hasOwnProperty.call(ONNX_OP_RULES, op)) return undefined;
  let r = adapted.get(op);
  if (!r) {
    r = adapt(ONNX_OP_RULES[op]);
    adapted.set(op, r);
  }
  return r;
}

/**
 * --input for an ONNX model: the model's single image input resized. The CLI gives HxWxC (as for
 * Keras); a rank-4 NCHW input takes it as [C, H, W]; other inputs take the dimensions as given.
 */
export function withOnnxInputShape(graph: ModelGraph, dims: number[]): ModelGraph {
  const inputs = graph.nodes.filter((n) => n.op === 'Input');
  if (inputs.length !== 1) throw new NetLensError(`--input needs a model with one input, this one has ${inputs.length}`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d <= 0) throw new NetLensError(`input dimensions must be positive integers, got ${JSON.stringify(dims)}`);
  }
  const old = inputs[0].attrs.shape as (number | null)[];
  const rest = old.length === 4 && dims.length === 3 ? [dims[2], dims[0], dims[1]] : dims;
  if (rest.length !== old.length - 1) throw new NetLensError(`--input gives ${dims.length} dimensions; input "${inputs[0].name}" has ${old.length - 1} besides the batch`);
  const shape = [old[0], ...rest];
  // The file's declared shapes were for the old input size: they no longer cross-check.
  return {
    ...graph,
    declared: undefined,
    nodes: graph.nodes.map((n) => (n === inputs[0] ? { ...n, attrs: { ...n.attrs, shape } } : n)),
  } as ModelGraph;
}

/** Largest value a --dim may give a free dimension (the same bound as a declared input dimension). */
const MAX_DIM_VALUE = 1 << 20;

/** --dim name=value: the graph's inputs with the named free dimensions (ONNX dim_param) set. */
export function withOnnxDims(graph: ModelGraph, dims: Record<string, number>): ModelGraph {
  const used = new Set<string>();
  const nodes = graph.nodes.map((n) => {
    if (n.op !== 'Input' || !Array.isArray(n.attrs.dimParams)) return n;
    const params = n.attrs.dimParams as (string | null)[];
    const shape = (n.attrs.shape as Shape).map((d, i) => {
      const p = params[i];
      if (d !== null || p === null || p === undefined || !Object.hasOwn(dims, p)) return d;
      used.add(p);
      return dims[p];
    });
    return { ...n, attrs: { ...n.attrs, shape } };
  });
  for (const [name, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v <= 0 || v > MAX_DIM_VALUE) throw new NetLensError(`--dim ${name}=${v}: a dimension must be an integer from 1 to ${MAX_DIM_VALUE}`);
    if (!used.has(name)) {
      const free = [...new Set(graph.nodes.flatMap((n) => (n.op === 'Input' && Array.isArray(n.attrs.dimParams) ? (n.attrs.dimParams as (string | null)[]).filter((p): p is string => !!p) : [])))];
      throw new NetLensError(`--dim ${name}: the model has no free input dimension of that name${free.length ? ` (it has ${free.join(', ')})` : ' (all its input dimensions are fixed)'}`);
    }
  }
  // The file's declared shapes were for the free sizes: they no longer cross-check.
  return { ...graph, declared: undefined, nodes } as ModelGraph;
}
