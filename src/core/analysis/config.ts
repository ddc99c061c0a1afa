// Readers for Keras layer config values. Configs come from untrusted files, so every value is
// checked here once and a bad one becomes one clear NetLensError naming the layer and the field.
import { NetLensError, Shape } from '../ir/types';
import { shapeList } from '../text/format';

export type Cfg = Record<string, unknown>;

export function fail(layer: string, message: string): never {
  throw new NetLensError(`layer "${layer}": ${message}`);
}

export function positiveInt(layer: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    fail(layer, `${field} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function nonNegativeInt(layer: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    fail(layer, `${field} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** kernel_size, strides, pool_size, dilation_rate: an int or a pair of ints. */
export function intPair(layer: string, cfg: Cfg, field: string, fallback?: number): [number, number] {
  const v = cfg[field] ?? fallback;
  if (v === undefined || v === null) fail(layer, `missing ${field}`);
  if (Array.isArray(v)) {
    if (v.length !== 2) fail(layer, `${field} must have 2 values, got ${JSON.stringify(v)}`);
    return [positiveInt(layer, field, v[0]), positiveInt(layer, field, v[1])];
  }
  const n = positiveInt(layer, field, v);
  return [n, n];
}

export function padding(layer: string, cfg: Cfg): 'valid' | 'same' {
  const p = cfg.padding ?? 'valid';
  if (p === 'valid' || p === 'same') return p;
  if (p === 'VALID' || p === 'SAME') return p.toLowerCase() as 'valid' | 'same';
  return fail(layer, `padding must be "valid" or "same", got ${JSON.stringify(p)}`);
}

export function channelsFirst(layer: string, cfg: Cfg): boolean {
  const f = cfg.data_format ?? 'channels_last';
  if (f === 'channels_last') return false;
  if (f === 'channels_first') return true;
  return fail(layer, `data_format must be channels_last or channels_first, got ${JSON.stringify(f)}`);
}

export function activationName(cfg: Cfg): string {
  const a = cfg.activation;
  if (a === undefined || a === null) return 'linear';
  if (typeof a === 'string') return a;
  // Keras 3 writes {"module": ..., "class_name": ..., "config": ...} for custom activations.
  if (typeof a === 'object' && typeof (a as Cfg).class_name === 'string') return String((a as Cfg).class_name);
  return 'unknown';
}

/** Elements in a shape with the batch (null) dimension left out; refuses sizes a double can't hold exactly. */
export function elements(layer: string, shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (d === null) continue;
    n *= d;
  }
  if (!Number.isSafeInteger(n)) fail(layer, `shape ${formatShape(shape)} overflows (more than 2^53 elements)`);
  return n;
}

/** A shape in an error message: "[null, 112, 112, 64]" (the one formatter module writes it). */
export const formatShape = (shape: Shape): string => shapeList(shape);

export function rank(layer: string, shape: Shape, want: number, what = 'input'): void {
  if (shape.length !== want) fail(layer, `expects a rank-${want} ${what} (batch first), got ${formatShape(shape)}`);
}

/** A concrete (non-null) dimension or an error. */
export function known(layer: string, d: number | null, what: string): number {
  if (d === null) fail(layer, `${what} must be known, got null`);
  return d;
}
