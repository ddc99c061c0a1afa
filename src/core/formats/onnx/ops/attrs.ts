// Readers for ONNX node attributes and folded input values. Files are untrusted, so every value is
// checked once here and a bad one becomes one NetLensError naming the node and the field.
import { NetLensError, Shape } from '../../../ir/types';
import type { TensorInfo } from '../../../analysis/opRule';
import { formatShape } from '../../../analysis/config';

export interface OnnxNode {
  name: string;
  op: string;
  attrs: Record<string, unknown>;
  inputs: (TensorInfo | undefined)[];
  /** How many outputs the node names (Split sizes its parts by it). */
  outputCount: number;
  opset: number;
}

export function fail(n: OnnxNode, message: string): never {
  throw new NetLensError(`node "${n.name}" (${n.op}): ${message}`);
}

/**
 * A value the rule needs is known only at run time (a shape computed from data, or from a chain
 * NetLens could not fold). The analyser does not refuse the model for it: the node is drawn with
 * what is known of its outputs and its figures are marked as depending on data.
 */
export class RuntimeValueError extends NetLensError {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function attrInt(n: OnnxNode, key: string, fallback?: number): number {
  const v = n.attrs[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(n, `attribute ${key} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

export function attrFloat(n: OnnxNode, key: string, fallback: number): number {
  const v = n.attrs[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(n, `attribute ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function attrInts(n: OnnxNode, key: string): number[] | undefined {
  const v = n.attrs[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 64 || !v.every((x) => typeof x === 'number' && Number.isSafeInteger(x))) {
    fail(n, `attribute ${key} must be a list of integers, got ${JSON.stringify(v).slice(0, 60)}`);
  }
  return v as number[];
}

export function attrString(n: OnnxNode, key: string, fallback: string): string {
  const v = n.attrs[key] ?? fallback;
  if (typeof v !== 'string') fail(n, `attribute ${key} must be a string, got ${JSON.stringify(v).slice(0, 60)}`);
  return v;
}

/** The input at a position, which must be present. */
export function input(n: OnnxNode, i: number, what = `input #${i}`): TensorInfo {
  const t = n.inputs[i];
  if (!t) fail(n, `needs ${what}`);
  return t;
}

/** Values of an input that must be known before running (a shape, axes, pads): from an initializer, a Constant or a folded chain. */
export function inputValues(n: OnnxNode, i: number, what: string): (number | null)[] {
  const t = input(n, i, what);
  if (!t.value) throw new RuntimeValueError(`its ${what} (input #${i}) is computed at run time`);
  return t.value;
}

/** Integer values that must all be known (no symbolic entry). */
export function knownInts(n: OnnxNode, i: number, what: string): number[] {
  const v = inputValues(n, i, what);
  if (v.some((x) => x === null)) throw new RuntimeValueError(`its ${what} (input #${i}) is known only at run time`);
  if (!v.every((x) => Number.isSafeInteger(x))) fail(n, `its ${what} must be known integers, got ${JSON.stringify(v).slice(0, 60)}`);
  return v as number[];
}

/** An input that is present and not an empty tensor (ONNX marks "absent" both ways). */
export const present = (n: OnnxNode, i: number): boolean => {
  const t = n.inputs[i];
  return t !== undefined && !(t.shape.length === 1 && t.shape[0] === 0);
};

/** A possibly negative axis in [-rank, rank) made non-negative. */
export function axis(n: OnnxNode, a: number, rank: number, field = 'axis'): number {
  if (!Number.isInteger(a) || a < -rank || a >= rank) fail(n, `${field} ${a} is out of range for rank ${rank}`);
  return a < 0 ? a + rank : a;
}

export function rankAtLeast(n: OnnxNode, s: Shape, r: number, what = 'input'): void {
  if (s.length < r) fail(n, `expects a rank-${r} or higher ${what}, got ${formatShape(s)}`);
}
