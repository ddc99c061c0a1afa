// ONNX local functions (FunctionProto): PyTorch's export_modules_as_functions writes each module
// class once as a function and each use of it as one call node. NetLens counts a call by inlining
// its body: formal inputs and outputs bound to the call's tensors, the body's own tensors renamed
// per call, attribute references (ref_attr_name) taken from the call. Each call becomes a block
// named after the function; nested calls nest. Files are untrusted: the nesting depth, the number
// of nodes inlining makes and recursion are bounded before anything grows.
import type { onnx } from 'onnx-proto';
import { NetLensError } from '../../ir/types';
import { clip } from '../../io/limits';

/** Calls nested deeper than this are refused (PyTorch nests modules 4-6 deep). */
export const MAX_FUNCTION_DEPTH = 64;

export type FunctionTable = Map<string, onnx.IFunctionProto>;

const key = (domain: string, name: string): string => `${domain}\u0000${name}`;

/** The model's functions by (domain, name); two with one key are refused. */
export function functionTable(model: onnx.IModelProto): FunctionTable {
  const table: FunctionTable = new Map();
  for (const f of model.functions ?? []) {
    const k = key(f.domain ?? '', f.name ?? '');
    if (!f.name) throw new NetLensError('the model has a function without a name');
    if (table.has(k)) throw new NetLensError(`the model defines function ${clip(f.domain ?? '')}.${clip(f.name)} twice`);
    table.set(k, f);
  }
  return table;
}

/** The function a node calls, if its (domain, op_type) names one. */
export function calledFunction(table: FunctionTable, n: onnx.INodeProto): onnx.IFunctionProto | undefined {
  return table.size === 0 ? undefined : table.get(key(n.domain ?? '', n.opType ?? ''));
}

/** One node of an inlined body, its tensors renamed and its attribute references resolved. */
export interface InlinedNode {
  /** Its tensors named with OrtInlineNames.local placeholders until OrtInlineNames.finish(). */
  node: onnx.INodeProto;
  /** The innermost call it came from (an index into `calls`; each call names its parent). */
  call: number;
  /** Its call's id in OrtInlineNames and its own name in the function body. */
  ortCall: number;
  bodyName: string;
}

export interface CallBlock {
  /** The function's name (PyTorch's module class). */
  fn: string;
  /** The enclosing call, or -1 for a call in the main graph. */
  parent: number;
  /** The call node's own name in the file (or its body's position). */
  source: string;
}

/**
 * The names ONNX Runtime (1.30) gives what it inlines, read off its profiles (ResNet-18 with
 * BasicBlock functions, and functions calling functions): it inlines every call of the main graph
 * in order, then the calls those bodies hold, level by level; a call's nodes and tensors are named
 * "_inlfunc_<function>_<name in the body>" for the function's first call and
 * "_inlfunc_<function>_token_<k>_<name>" after, k one counter over all later calls. Calls are
 * registered while inlining (depth first) and named at finish(), in ONNX Runtime's order.
 */
export class OrtInlineNames {
  private readonly calls: { fn: string; depth: number }[] = [];
  private prefixes: string[] = [];

  add(fn: string, depth: number): number {
    this.calls.push({ fn, depth });
    return this.calls.length - 1;
  }

  finish(): void {
    const order = this.calls.map((c, i) => ({ ...c, i })).sort((a, b) => a.depth - b.depth || a.i - b.i);
    const seen = new Set<string>();
    let token = 0;
    this.prefixes = new Array(this.calls.length);
    for (const c of order) {
      this.prefixes[c.i] = seen.has(c.fn) ? `_inlfunc_${c.fn}_token_${token++}` : `_inlfunc_${c.fn}`;
      seen.add(c.fn);
    }
  }

  /** A body's own tensor, before finish(): a placeholder no file name holds (it starts with U+0001). */
  static local(call: number, tensor: string): string {
    return `\u0001${call}\u0001${tensor}`;
  }

  /** A name after finish(): placeholders become ONNX Runtime's names, others stay. */
  resolve(name: string): string {
    const m = /^\u0001(\d+)\u0001([\s\S]*)$/.exec(name);
    return m ? `${this.prefixes[Number(m[1])]}_${m[2]}` : name;
  }

  nodeName(n: InlinedNode): string {
    return `${this.prefixes[n.ortCall]}_${n.bodyName}`;
  }

  /** The node with its tensors under their final names. */
  resolved(n: InlinedNode): onnx.INodeProto {
    return { ...n.node, input: (n.node.input ?? []).map((t) => this.resolve(t)), output: (n.node.output ?? []).map((t) => this.resolve(t)) };
  }
}

/**
 * Inlines one call node of the main graph (and the calls in its body, recursively). `budget` is
 * the number of nodes still allowed; the result never exceeds it.
 */
export function inlineCall(
  table: FunctionTable, callNode: onnx.INodeProto, budget: number, calls: CallBlock[], ort: OrtInlineNames,
): InlinedNode[] {
  const out: InlinedNode[] = [];
  const stack: string[] = [];
  const expand = (call: onnx.INodeProto, fn: onnx.IFunctionProto, parent: number, outer: Map<string, onnx.IAttributeProto>): void => {
    const name = `${fn.domain ?? ''}.${fn.name ?? ''}`;
    if (stack.includes(name)) throw new NetLensError(`function ${clip(name)} calls itself; NetLens does not inline recursion`);
    if (stack.length >= MAX_FUNCTION_DEPTH) throw new NetLensError(`functions nest more than ${MAX_FUNCTION_DEPTH} deep`);
    stack.push(name);
    const id = calls.length;
    calls.push({ fn: fn.name ?? '', parent, source: call.name ?? '' });
    // The call's attributes, themselves resolved when the call sits inside another body.
    const attrs = new Map<string, onnx.IAttributeProto>();
    for (const a of call.attribute ?? []) {
      const r = a.refAttrName ? outer.get(a.refAttrName) : a;
      if (r && a.name) attrs.set(a.name, r);
    }
    // Tensor names: formal inputs/outputs bound to the call's, the body's own made unique per call.
    const bound = new Map<string, string>();
    (fn.input ?? []).forEach((f, i) => bound.set(f, call.input?.[i] ?? ''));
    (fn.output ?? []).forEach((f, i) => bound.set(f, call.output?.[i] ?? ''));
    const ortCall = ort.add(fn.name ?? '', stack.length - 1);
    const rename = (t: string): string => (t === '' ? '' : bound.get(t) ?? OrtInlineNames.local(ortCall, t));
    for (const b of fn.node ?? []) {
      const node: onnx.INodeProto = {
        ...b,
        input: (b.input ?? []).map(rename),
        output: (b.output ?? []).map(rename),
        name: b.name || b.opType || '',
        attribute: (b.attribute ?? []).flatMap((a) => {
          if (!a.refAttrName) return [a];
          const r = attrs.get(a.refAttrName);
          return r ? [{ ...r, name: a.name, refAttrName: '' }] : []; // an unset reference is an unset attribute
        }),
      };
      const inner = calledFunction(table, node);
      if (inner) {
        expand(node, inner, id, attrs);
        continue;
      }
      if (out.length >= budget) throw new NetLensError('inlining the model\'s functions makes more nodes than NetLens reads');
      out.push({ node, call: id, ortCall, bodyName: b.name ?? '' });
    }
    stack.pop();
  };
  expand(callNode, calledFunction(table, callNode)!, -1, new Map());
  return out;
}
