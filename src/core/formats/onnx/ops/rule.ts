// What every ONNX op rule is, and the shape arithmetic the rule files share: broadcasting, element
// counts, and folded values (small integer tensors whose values are known before running).
import type { Shape } from '../../../ir/types';
import { elements, formatShape } from '../../../analysis/config';
import type { TensorInfo } from '../../../analysis/opRule';
import type { Category, Window } from '../../../layers/kind';
import { fail, OnnxNode } from './attrs';

/** One ONNX op's rule. */
export interface OnnxRule {
  category: Category;
  /** Input positions that hold settings (shapes, axes, scales, pads, quantization parameters), never params. */
  settings?: number[];
  /** Weight positions that do not train (BatchNormalization's running mean and variance). */
  frozen?: number[];
  infer(n: OnnxNode): TensorInfo[];
  macs?(n: OnnxNode, out: TensorInfo[]): number;
  formula?(n: OnnxNode, out: TensorInfo[]): string;
  /** Element-wise FLOPs per sample other than the 2 x MACs. */
  ops?(n: OnnxNode, out: TensorInfo[]): number;
  window?(n: OnnxNode): Window;
}


/** Folded tensors are kept up to this many elements (shape data is a handful). */
export const MAX_FOLD = 1024;

export const numel = (n: OnnxNode, s: Shape): number => elements(n.name, s);
export const identityWindow = (): Window => 'identity';
export const isInt = (dtype: string): boolean => /int/.test(dtype);
/** Row-major flat position of an index in a shape. */
export const flat = (shape: number[], idx: number[]): number => idx.reduce((a, v, i) => a * shape[i] + v, 0);
/** Numpy broadcasting of any number of shapes (null is a symbolic dimension). */
export function broadcast(n: OnnxNode, shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let d: number | null = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i];
      if (v === undefined || v === 1) continue;
      if (v === null) { if (d === 1) d = null; continue; }
      if (d === null || d === 1) { d = v; continue; }
      if (d !== v) fail(n, `cannot broadcast ${shapes.map(formatShape).join(' and ')}`);
    }
    out.push(d);
  }
  return out;
}

/** Values of a folded tensor of `shape` whose element at each index comes from `at` (row-major). */
export function gatherValues(shape: number[], at: (idx: number[]) => number | null): (number | null)[] | undefined {
  const n = shape.reduce((a, d) => a * d, 1);
  if (n > MAX_FOLD) return undefined;
  const out: (number | null)[] = [];
  const idx = shape.map(() => 0);
  for (let k = 0; k < n; k++) {
    out.push(at(idx));
    for (let i = shape.length - 1; i >= 0; i--) { if (++idx[i] < shape[i]) break; idx[i] = 0; }
  }
  return out;
}

/** A fully known shape of at most MAX_FOLD elements (its values may be folded). */
export const small = (s: Shape): boolean => s.every((d) => d !== null) && (s as number[]).reduce((a, d) => a * d, 1) <= MAX_FOLD;


/** Index into a broadcast operand: its axes of size 1 repeat (numpy rules, aligned on the right). */
function broadcastIndex(shape: number[], outIdx: number[]): number {
  const off = outIdx.length - shape.length;
  let k = 0;
  for (let i = 0; i < shape.length; i++) k = k * shape[i] + (shape[i] === 1 ? 0 : outIdx[off + i]);
  return k;
}

/**
 * Values of an element-wise op over folded operands (shape arithmetic: sizes, pads, masks of
 * shape data), broadcast as numpy does; undefined when an operand's values are unknown or the
 * result is larger than MAX_FOLD. A null (a size known only at run time) stays null.
 */
export function foldElementwise(ins: TensorInfo[], out: Shape, f: (...v: number[]) => number): (number | null)[] | undefined {
  if (!small(out) || ins.some((t) => !t.value || !small(t.shape))) return undefined;
  const shapes = ins.map((t) => t.shape as number[]);
  return gatherValues(out as number[], (idx) => {
    const args: number[] = [];
    for (let j = 0; j < ins.length; j++) {
      const v = ins[j].value![broadcastIndex(shapes[j], idx)];
      if (v === null || v === undefined) return null;
      args.push(v);
    }
    const r = f(...args);
    return Number.isFinite(r) ? r : null;
  });
}
