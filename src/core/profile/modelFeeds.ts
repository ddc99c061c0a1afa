// Inputs for models that do not take one image: a video clip (5-D), token ids (int64), several
// inputs. `--input random` feeds each model input seeded random data of its declared dtype; free
// dimensions take --dim values (the batch takes --batch), else 1. The distribution, documented in
// docs/profiler.md: floats uniform in [-1, 1) (a normalised image's range), integers uniform in
// [0, 100) (token ids valid in any vocabulary of 100 or more), bools 0 or 1; the seed is the input's
// position, so a profile is repeatable. No file is read.
import type { onnx } from 'onnx-proto';
import { NetLensError } from '../ir/types';
import { mulberry32 } from '../numbers';

/** One graph input as the profiler feeds it. */
export interface InputSpec {
  name: string;
  /** Declared dimensions (null: free) and the names of free ones. */
  dims: (number | null)[];
  dimParams: (string | null)[];
  /** ONNX Runtime's tensor type name. */
  type: FeedType;
}

export type FeedType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

export interface ModelFeed {
  name: string;
  type: FeedType;
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Int8Array | Uint8Array | Uint16Array;
  dims: number[];
}

const TYPES: Record<number, FeedType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };

/** Elements one random feed may hold (a 4K video clip of 64 frames is 1.6 G: refused, not allocated). */
export const MAX_FEED_ELEMENTS = 256 * 1024 * 1024;

const toNumber = (v: unknown): number =>
  (v && typeof v === 'object' && typeof (v as { toNumber?: () => number }).toNumber === 'function' ? (v as { toNumber: () => number }).toNumber() : Number(v ?? 0));

/** The inputs a run of graph `g` feeds (not initializers), with their declared shapes and types. */
export function inputSpecsOf(g: onnx.IGraphProto | null | undefined, source: string): InputSpec[] {
  const inits = new Set((g?.initializer ?? []).map((t) => t.name));
  return (g?.input ?? []).filter((v) => v.name && !inits.has(v.name)).map((v) => {
    const tt = v.type?.tensorType;
    const type = TYPES[tt?.elemType ?? 1];
    if (!type) throw new NetLensError(`${source}: input "${v.name}" has a tensor type (${tt?.elemType}) the profiler cannot feed`);
    const dim = tt?.shape?.dim ?? [];
    return {
      name: v.name!,
      type,
      dims: dim.map((d) => (toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : null)),
      dimParams: dim.map((d) => (toNumber(d.dimValue) > 0 ? null : d.dimParam || null)),
    };
  });
}

/** Concrete dimensions: a free leading one is the batch, other free ones come from `dims` by name, else 1. */
export function concreteDims(spec: InputSpec, batch: number, dims: Record<string, number> = {}): number[] {
  return spec.dims.map((d, i) => {
    if (d !== null) return d;
    const p = spec.dimParams[i];
    if (p && Object.hasOwn(dims, p)) return dims[p];
    return i === 0 ? batch : 1;
  });
}

/** Seeded random data for one input, of its declared type (see the distribution above). */
export function randomFeed(spec: InputSpec, dims: number[], seed: number): ModelFeed {
  const n = dims.reduce((a, d) => a * d, 1);
  if (!Number.isSafeInteger(n) || n > MAX_FEED_ELEMENTS) {
    throw new NetLensError(`input "${spec.name}" would be ${n} elements at [${dims.join(', ')}]; the profiler feeds at most ${MAX_FEED_ELEMENTS}`);
  }
  const rnd = mulberry32(seed + 1);
  const ints = (make: (k: number) => number) => Array.from({ length: n }, (_, k) => make(k));
  switch (spec.type) {
    case 'float32': return { name: spec.name, type: spec.type, dims, data: Float32Array.from(ints(() => rnd() * 2 - 1)) };
    case 'float64': return { name: spec.name, type: spec.type, dims, data: Float64Array.from(ints(() => rnd() * 2 - 1)) };
    // float16 bits of values in [-1, 1): ONNX Runtime's Node binding takes them as a Uint16Array.
    case 'float16': return { name: spec.name, type: spec.type, dims, data: Uint16Array.from(ints(() => halfBits(rnd() * 2 - 1))) };
    case 'int64': return { name: spec.name, type: spec.type, dims, data: BigInt64Array.from(ints(() => Math.floor(rnd() * 100)), (v) => BigInt(v)) };
    case 'int32': return { name: spec.name, type: spec.type, dims, data: Int32Array.from(ints(() => Math.floor(rnd() * 100))) };
    case 'int8': return { name: spec.name, type: spec.type, dims, data: Int8Array.from(ints(() => Math.floor(rnd() * 100))) };
    case 'uint8': return { name: spec.name, type: spec.type, dims, data: Uint8Array.from(ints(() => Math.floor(rnd() * 100))) };
    case 'bool': return { name: spec.name, type: spec.type, dims, data: Uint8Array.from(ints(() => (rnd() < 0.5 ? 0 : 1))) };
  }
}

/** IEEE half-precision bits of a value in [-1, 1) (normal range; rounding toward zero is enough for a random feed). */
function halfBits(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  if (e < -14) return sign;
  const m = Math.floor((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | m;
}

/** Random feeds for every input of the model. */
export function randomFeeds(specs: InputSpec[], batch: number, dims?: Record<string, number>): ModelFeed[] {
  return specs.map((s, i) => randomFeed(s, concreteDims(s, batch, dims), i));
}
