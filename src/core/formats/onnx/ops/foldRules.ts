// Rules for the integer and logic ops exporters write to compute shapes from shapes (ViT's class
// token Expand, Swin's window padding, a detector's anchor grid): comparisons, Where, Not/And/Or,
// Mod, Range, Size, Tile, ReduceProd and the unary rounding ops. Each sizes its output and, where
// its operands' values are known and small, folds the values too, so the chain reaches the Pad,
// Expand or Reshape that needs them as constants.
import type { Shape } from '../../../ir/types';
import type { TensorInfo } from '../../../analysis/opRule';
import { attrInt, fail, input, OnnxNode, RuntimeValueError } from './attrs';
import { broadcast, foldElementwise, identityWindow, MAX_FOLD, numel, OnnxRule, small } from './rule';

const present = (n: OnnxNode): TensorInfo[] => n.inputs.filter((t): t is TensorInfo => t !== undefined);

/** An element-wise op of `arity` operands with a result dtype, folding its values where known. */
function elementwise(arity: number, dtype: (ins: TensorInfo[]) => string, f: (ins: TensorInfo[], n: OnnxNode) => (...v: number[]) => number, flops = 1): OnnxRule {
  return {
    category: 'merge',
    infer: (n) => {
      const ins = present(n);
      if (ins.length !== arity) fail(n, `expects ${arity} input${arity > 1 ? 's' : ''}, got ${ins.length}`);
      const shape = broadcast(n, ins.map((t) => t.shape));
      const value = foldElementwise(ins, shape, f(ins, n));
      return [{ shape, dtype: dtype(ins), ...(value ? { value } : {}) }];
    },
    ops: (n, out) => flops * numel(n, out[0].shape),
    window: identityWindow,
  };
}

const bool = (): string => 'bool';
const first = (ins: TensorInfo[]): string => ins[0].dtype;
const compare = (f: (a: number, b: number) => boolean) => elementwise(2, bool, () => (a, b) => Number(f(a, b)));

/** Mod: integer remainder with the divisor's sign (fmod=0), or C's fmod with the dividend's (fmod=1). */
const modOf = (fmod: boolean) => (a: number, b: number): number => {
  if (b === 0) return NaN;
  const r = a % b;
  return fmod || r === 0 || Math.sign(r) === Math.sign(b) ? r : r + b;
};
const mod = elementwise(2, first, (_, n) => modOf(attrInt(n, 'fmod', 0) === 1));

/** Where(condition, X, Y): X where the condition holds, else Y, broadcast over all three. */
const where = elementwise(3, (ins) => ins[1].dtype, () => (c, x, y) => (c ? x : y));

/** Range(start, limit, delta): ceil((limit - start) / delta) values, at least none. */
const range: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const [start, limit, delta] = [0, 1, 2].map((i) => input(n, i, ['start', 'limit', 'delta'][i]));
    const dtype = start.dtype;
    const v = [start, limit, delta].map((t) => t.value?.[0]);
    if (v.some((x) => x === undefined || x === null)) {
      throw new RuntimeValueError('its start, limit or delta is computed at run time');
    }
    const [a, b, d] = v as number[];
    if (d === 0) fail(n, 'delta must not be 0');
    const count = Math.max(0, Math.ceil((b - a) / d));
    if (!Number.isSafeInteger(count)) fail(n, `makes ${count} values`);
    const shape: Shape = [count];
    const value = count <= MAX_FOLD ? Array.from({ length: count }, (_, i) => a + i * d) : undefined;
    return [{ shape, dtype, ...(value ? { value } : {}) }];
  },
  window: identityWindow,
};

/** Size: the element count of its input, a scalar (null while a dimension is open). */
const size: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const count = x.shape.some((d) => d === null) ? null : numel(n, x.shape);
    return [{ shape: [], dtype: 'int64', value: [count] }];
  },
  window: identityWindow,
};

/** Tile(X, repeats): each axis repeated; a folded vector stays folded. */
const tile: OnnxRule = {
  category: 'reshape',
  settings: [1],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const reps = input(n, 1, 'its repeats');
    if (!reps.value) throw new RuntimeValueError('its repeats (input #1) is computed at run time');
    if (reps.value.length !== x.shape.length) fail(n, `has ${reps.value.length} repeats for a rank-${x.shape.length} input`);
    if (reps.value.some((r) => r !== null && (!Number.isSafeInteger(r) || r < 0))) fail(n, `repeats ${JSON.stringify(reps.value)} must be non-negative integers`);
    const shape = x.shape.map((d, i) => (d === null || reps.value![i] === null ? null : d * (reps.value![i] as number)));
    if (x.value && small(shape) && x.shape.length === 1) {
      const v = x.value;
      return [{ shape, dtype: x.dtype, value: Array.from({ length: shape[0] as number }, (_, i) => v[i % v.length]) }];
    }
    return [{ shape, dtype: x.dtype }];
  },
  window: identityWindow,
};

/** Not, Floor, Ceil, Neg, Abs and Sqrt over folded values; otherwise element-wise work. */
function unaryFold(dtype: (x: TensorInfo) => string, f: (v: number) => number): OnnxRule {
  return {
    category: 'activation',
    infer: (n) => {
      const x = input(n, 0, 'its data input');
      const value = foldElementwise([x], x.shape, f);
      return [{ shape: x.shape, dtype: dtype(x), ...(value ? { value } : {}) }];
    },
    ops: (n, out) => numel(n, out[0].shape),
    window: identityWindow,
  };
}

const round = (x: TensorInfo): string => x.dtype;

export const FOLD_RULES: Record<string, OnnxRule> = {
  Less: compare((a, b) => a < b),
  LessOrEqual: compare((a, b) => a <= b),
  Greater: compare((a, b) => a > b),
  GreaterOrEqual: compare((a, b) => a >= b),
  And: elementwise(2, bool, () => (a, b) => Number(Boolean(a) && Boolean(b))),
  Or: elementwise(2, bool, () => (a, b) => Number(Boolean(a) || Boolean(b))),
  Xor: elementwise(2, bool, () => (a, b) => Number(Boolean(a) !== Boolean(b))),
  Not: unaryFold(bool, (v) => Number(!v)),
  Mod: mod,
  Where: where,
  Range: range,
  Size: size,
  Tile: tile,
  Floor: unaryFold(round, Math.floor),
  Ceil: unaryFold(round, Math.ceil),
  Round: unaryFold(round, (v) => {
    const f = Math.floor(v);
    const d = v - f;
    return d < 0.5 || (d === 0.5 && f % 2 === 0) ? f : f + 1; // half to even, as ONNX rounds
  }),
  Neg: unaryFold(round, (v) => -v),
  Abs: unaryFold(round, Math.abs),
  Sqrt: unaryFold(round, Math.sqrt),
};

