// The ONNX rule table seen by the analyser: each rule's shapes and costs, plus the parameters every
// ONNX node has in common: the elements of the weight tensors (initializers) it reads, each
// counted once, at the first node that reads it. Settings inputs (shapes, axes, scales, quantization
// parameters) are never parameters.
import type { ModelGraph } from '../../ir/graph';
import { NetLensError } from '../../ir/types';
import { elements } from '../config';
import { DTYPE_BYTES, NodeCost, NodeInput, NodeRule } from '../opRule';
import { ONNX_RULES, OnnxRule } from './rules';
import { lookup } from '../../safeLookup';
import type { OnnxNode } from './attrs';

/** What the hover card says where an eval-mode PyTorch export may have folded a BatchNorm into the weights. */
export const FOLDED_BN_NOTE =
  'Params as stored in the ONNX file. An eval-mode PyTorch export folds a BatchNorm that follows this layer into its weight and bias: ' +
  'PyTorch\'s parameters() counts that BatchNorm\'s weight and bias (2 per channel) and no bias here, 1 per channel more.';

const FOLD_TARGETS = new Set(['Conv', 'ConvTranspose', 'Gemm']);

function adapt(rule: OnnxRule): NodeRule {
  return {
    category: rule.category,
    evaluate: ({ node, graph, inputs, claim }: NodeInput): NodeCost => {
      const n: OnnxNode = { name: node.name, op: node.op, attrs: node.attrs, inputs, outputCount: node.outputs.length, opset: graph.opset ?? 13 };
      const outputs = rule.infer(n);
      let trainable = 0;
      let frozen = 0;
      let weightBytes = 0;
      node.inputs.forEach((t, i) => {
        const w = Object.hasOwn(graph.weights, t) ? graph.weights[t] : undefined;
        // An initializer read by two nodes counts once, at the first.
        if (!w || rule.settings?.includes(i) || w.dtype === 'int64' || w.dtype === 'bool' || !claim(t)) return;
        const count = elements(node.name, w.shape);
        if (rule.frozen?.includes(i)) frozen += count;
        else trainable += count;
        weightBytes += count * (lookup(DTYPE_BYTES, w.dtype) ?? 4);
      });
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

const adapted = new Map<string, NodeRule>();
export function onnxRule(op: string): NodeRule | undefined {
  if (!Object.prototype.hasOwnProperty.call(ONNX_RULES, op)) return undefined;
  let r = adapted.get(op);
  if (!r) {
    r = adapt(ONNX_RULES[op]);
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
