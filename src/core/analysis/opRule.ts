// What the analyser asks of every op, whichever table it comes from: given a node and what is known
// of its input tensors, the output tensors and the node's cost. The Keras layer kinds (src/core/layers/,
// keyed by Keras class) are adapted here; the ONNX op table (onnx/) implements it directly.
import type { GraphNode, ModelGraph } from '../ir/graph';
import type { Shape } from '../ir/types';
import { elements } from './config';
import { lookup } from '../safeLookup';
import { ACTIVATION_OPS, LAYER_KINDS } from '../layers';
import type { Category, LayerRule, Params, Window } from '../layers/kind';

/** What is known of a tensor before running: its shape, dtype, and for small int tensors its values. */
export interface TensorInfo {
  shape: Shape;
  dtype: string;
  /** Values of a folded tensor (shape arithmetic); null where a value is symbolic (the batch). */
  value?: (number | null)[];
  /**
   * Set when the shape holds dimensions known only at run time (a NonZero or NonMaxSuppression
   * count, a free input dimension): why, naming the layer or input it comes from.
   */
  unknown?: string;
}

export interface NodeInput {
  node: GraphNode;
  graph: ModelGraph;
  /** One entry per node input; undefined for an omitted optional input. */
  inputs: (TensorInfo | undefined)[];
  /** True the first time a weight tensor is claimed in this analysis (shared weights count once). */
  claim(tensor: string): boolean;
}

export interface NodeCost {
  outputs: TensorInfo[];
  params: Params;
  weightBytes: number;
  macs: number;
  formula: string;
  /** Element-wise FLOPs other than the 2 x MACs. */
  ops: number;
  window: Window;
  /** A remark for the hover card (how the figures relate to the source framework's). */
  note?: string;
}

export interface NodeRule {
  category: Category;
  evaluate(n: NodeInput): NodeCost;
}

/** Bytes per element of each dtype name (Keras and ONNX spellings). */
export const DTYPE_BYTES: Record<string, number> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8, int32: 4, int64: 8, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1,
  uint32: 4, uint64: 8, float8: 1,
};

/** A Keras layer's dtype (Keras 3 writes a DTypePolicy object, tfjs and Keras 2 a string); float32 when unknown. */
function kerasDtype(cfg: Record<string, unknown>): string {
  const d = cfg.dtype;
  const name = (typeof d === 'string' ? d
    : d && typeof d === 'object' ? String((d as { config?: { name?: string } }).config?.name ?? 'float32') : 'float32').replace(/^mixed_/, '');
  return Object.prototype.hasOwnProperty.call(DTYPE_BYTES, name) ? name : 'float32';
}

function kerasNodeRule(rule: LayerRule): NodeRule {
  return {
    category: rule.category,
    evaluate: ({ node, inputs }) => {
      const r = { name: node.name, cfg: node.attrs, inputs: inputs.map((t) => t!.shape) };
      const out = rule.shape(r);
      const params = rule.params?.(r, out) ?? { trainable: 0, nonTrainable: 0 };
      const macs = rule.macs?.(r, out) ?? 0;
      const dtype = kerasDtype(node.attrs);
      const bytes = DTYPE_BYTES[dtype] ?? 4;
      return {
        outputs: [{ shape: out, dtype }],
        params,
        weightBytes: (params.trainable + params.nonTrainable) * bytes,
        macs,
        formula: macs > 0 ? rule.formula?.(r, out) ?? '' : '',
        ops: rule.ops?.(r, out) ?? 0,
        window: rule.window?.(r) ?? 'identity',
      };
    },
  };
}

const kerasCache = new Map<string, NodeRule>();
/** The Keras layer kinds seen through NodeRule (undefined for an unknown class). */
export function kerasRule(className: string): NodeRule | undefined {
  if (!Object.prototype.hasOwnProperty.call(LAYER_KINDS, className)) return undefined;
  let r = kerasCache.get(className);
  if (!r) {
    r = kerasNodeRule(LAYER_KINDS[className]);
    kerasCache.set(className, r);
  }
  return r;
}

/** Output bytes of a tensor for one sample. */
export const tensorBytes = (layer: string, t: TensorInfo): number => elements(layer, t.shape) * (lookup(DTYPE_BYTES, t.dtype) ?? 4);

export { ACTIVATION_OPS };
export type { Category, Params, Window };
