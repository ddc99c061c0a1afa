// Rules for the ops of detection, segmentation and transformer exports beyond the classic CNN
// set: ops whose output size depends on data (NonZero, NonMaxSuppression, TopK with a computed k)
// keep an open dimension and say so; gathers and scatters; RoiAlign; Einsum (counted as MACs);
// the other normalizations; control flow (If picks its taken branch's outputs; Loop and Scan give
// their bodies' inputs and trip counts). "Depends on data" is never counted as zero: the analyser
// lists those layers.
import type { Shape } from '../../../ir/types';
import { elements, formatShape } from '../../../analysis/config';
import type { TensorInfo } from '../../../analysis/opRule';
import { attrInt, attrString, axis, fail, input, OnnxNode, rankAtLeast, RuntimeValueError } from './attrs';
import { identityWindow, numel, OnnxRule } from './rule';

const dataDependent = (n: OnnxNode, what: string): string => `${n.op} "${n.name}": ${what} depends on data`;

/** NonZero: the indices of the non-zero elements, [rank, count]; the count is known only at run time. */
const nonZero: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    return [{ shape: [x.shape.length, null], dtype: 'int64', unknown: dataDependent(n, 'the number of non-zero elements') }];
  },
  ops: (n) => numel(n, input(n, 0).shape),
  window: identityWindow,
};

/** NonMaxSuppression: [selected, 3] indices (batch, class, box); how many are kept depends on the scores. */
const nms: OnnxRule = {
  category: 'pool',
  settings: [2, 3, 4],
  infer: (n) => [{ shape: [null, 3], dtype: 'int64', unknown: dataDependent(n, 'the number of boxes kept') }],
  // Each box against each other of its class: boxes^2 IoU tests of ~10 FLOPs (a documented estimate).
  ops: (n) => {
    const boxes = input(n, 0, 'its boxes').shape;
    const scores = input(n, 1, 'its scores').shape;
    const b = boxes[1] ?? 0;
    return (scores[0] ?? 1) * (scores[1] ?? 1) * b * b * 10;
  },
  window: identityWindow,
};

/** TopK(X, K): values and int64 indices with K along the axis; K may be computed from data. */
const topK: OnnxRule = {
  category: 'pool',
  settings: [1],
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const ax = axis(n, attrInt(n, 'axis', -1), x.shape.length);
    let k: number | null = null;
    let unknown: string | undefined;
    if (n.opset >= 10) {
      const kv = input(n, 1, 'K').value?.[0];
      if (kv === undefined || kv === null) unknown = dataDependent(n, 'K');
      else k = kv;
    } else k = attrInt(n, 'k');
    if (k !== null && (!Number.isSafeInteger(k) || k < 0)) fail(n, `K ${k} must be a non-negative integer`);
    const len = x.shape[ax];
    if (k !== null && len !== null && k > len) fail(n, `K ${k} is larger than axis ${ax} of ${formatShape(x.shape)}`);
    const shape = [...x.shape];
    shape[ax] = k;
    const extra = unknown ? { unknown } : {};
    return [{ shape, dtype: x.dtype, ...extra }, { shape, dtype: 'int64', ...extra }];
  },
  // A partial sort: about one compare per input element per log2(K) (a documented estimate).
  ops: (n, out) => {
    const x = input(n, 0).shape;
    const k = out[0].shape[axis(n, attrInt(n, 'axis', -1), x.length)] ?? 1;
    return numel(n, x) * Math.max(1, Math.ceil(Math.log2(k + 1)));
  },
  window: identityWindow,
};

/** RoiAlign(X [N, C, H, W], rois [R, 4], batch_indices [R]) -> [R, C, out_h, out_w]. */
const roiAlign: OnnxRule = {
  category: 'pool',
  infer: (n) => {
    const x = input(n, 0, 'its feature map');
    const rois = input(n, 1, 'its rois');
    rankAtLeast(n, x.shape, 4);
    const r = rois.shape[0] ?? null;
    return [{ shape: [r, x.shape[1], attrInt(n, 'output_height', 1), attrInt(n, 'output_width', 1)], dtype: x.dtype, ...(rois.unknown ? { unknown: rois.unknown } : {}) }];
  },
  // Bilinear samples: 4 reads and 3 lerps per sample point (sampling_ratio^2 per bin; 2 when adaptive).
  ops: (n, out) => {
    const s = attrInt(n, 'sampling_ratio', 0) || 2;
    return numel(n, out[0].shape) * s * s * 7;
  },
  window: identityWindow,
};

/** GatherND(data, indices): indices[..., k] picks a slice of data's trailing axes. */
const gatherND: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const idx = input(n, 1, 'its indices');
    const b = attrInt(n, 'batch_dims', 0);
    const k = idx.shape[idx.shape.length - 1];
    if (k === null || k === undefined) throw new RuntimeValueError('the length of its index tuples is known only at run time');
    if (k > x.shape.length - b) fail(n, `index tuples of ${k} do not fit data ${formatShape(x.shape)}`);
    return [{ shape: [...idx.shape.slice(0, -1), ...x.shape.slice(b + k)], dtype: x.dtype }];
  },
  window: identityWindow,
};

/** GatherElements(data, indices): the indices' shape. */
const gatherElements: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    input(n, 0, 'its data input');
    return [{ shape: input(n, 1, 'its indices').shape, dtype: input(n, 0).dtype }];
  },
  window: identityWindow,
};

/** ScatterND / ScatterElements: data with some elements replaced; the data's shape. */
const scatter: OnnxRule = {
  category: 'merge',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    return [{ shape: x.shape, dtype: x.dtype }];
  },
  ops: (n) => numel(n, input(n, 2, 'its updates').shape),
  window: identityWindow,
};

/** ArgMax/ArgMin: int64 indices, the axis reduced (kept as 1 with keepdims). */
const argReduce: OnnxRule = {
  category: 'pool',
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    const ax = axis(n, attrInt(n, 'axis', 0), x.shape.length);
    const keep = attrInt(n, 'keepdims', 1) === 1;
    return [{ shape: x.shape.flatMap((d, i) => (i === ax ? (keep ? [1] : []) : [d])), dtype: 'int64' }];
  },
  ops: (n) => numel(n, input(n, 0).shape),
  window: identityWindow,
};

/** Ops that keep their input's shape: CumSum, Trilu, Hardmax, ... */
const sameShape = (category: OnnxRule['category'], perElement: number, settings?: number[]): OnnxRule => ({
  category,
  settings,
  infer: (n) => {
    const x = input(n, 0, 'its data input');
    return [{ shape: x.shape, dtype: x.dtype }];
  },
  ops: (n, out) => perElement * numel(n, out[0].shape),
  window: identityWindow,
});

/** InstanceNormalization / GroupNormalization: normalise, scale and shift each element. */
const norm: OnnxRule = { ...sameShape('norm', 5) };

/** Einsum: the output's shape from the equation; MACs = the product of every index's size. */
function einsumParts(n: OnnxNode): { sizes: Map<string, number | null>; out: string } {
  const eq = attrString(n, 'equation', '').replace(/\s+/g, '');
  const [lhs, given] = eq.split('->');
  const terms = lhs.split(',');
  const ins = n.inputs.filter((t): t is TensorInfo => t !== undefined);
  if (!lhs || terms.length !== ins.length || eq.includes('...')) fail(n, `equation ${JSON.stringify(eq).slice(0, 60)} is not one NetLens reads (one term per input, no ellipsis)`);
  const sizes = new Map<string, number | null>();
  terms.forEach((term, i) => {
    if (!/^[a-zA-Z]*$/.test(term) || term.length !== ins[i].shape.length) fail(n, `term ${JSON.stringify(term)} does not match input ${formatShape(ins[i].shape)}`);
    [...term].forEach((c, j) => {
      const d = ins[i].shape[j];
      const had = sizes.get(c);
      if (had === undefined || had === null || had === 1) sizes.set(c, d);
    });
  });
  // Without "->", the output holds the letters that appear once, in alphabetical order.
  const out = given ?? [...sizes.keys()].filter((c) => terms.join('').split(c).length === 2).sort().join('');
  if (![...out].every((c) => sizes.has(c))) fail(n, `output ${JSON.stringify(out)} names an index no input has`);
  return { sizes, out };
}

const einsum: OnnxRule = {
  category: 'dense',
  infer: (n) => {
    const { sizes, out } = einsumParts(n);
    const x = input(n, 0);
    return [{ shape: [...out].map((c) => sizes.get(c) ?? null) as Shape, dtype: x.dtype }];
  },
  macs: (n) => {
    const { sizes } = einsumParts(n);
    return elements(n.name, [...sizes.values()]);
  },
  formula: (n) => {
    const { sizes } = einsumParts(n);
    return [...sizes.entries()].map(([c, d]) => `${c}=${d ?? '?'}`).join(' x ');
  },
  window: identityWindow,
};

/**
 * Loop / Scan: their outputs are sized as the file declares them (the analyser's fallback); their
 * bodies are layers of their own (formats/onnx/controlFlow.ts), counted per iteration. Without a body
 * (an If or Loop NetLens could not expand), the node says its body is not counted.
 */
const controlFlow: OnnxRule = {
  category: 'merge',
  infer: (n) => {
    throw new RuntimeValueError(`its outputs are made by its ${n.op === 'If' ? 'branches' : 'body'}, sized at run time`);
  },
};

/**
 * Loop / Scan with their bodies expanded: read [their inputs..., trip count, body outputs...].
 * A Loop gives the final loop-carried values (the body's carried outputs) and its scan outputs
 * stacked over the iterations; a Scan gives the final states and its outputs stacked over the
 * sequence (scan_output_axes, default 0).
 */
const loopRule: OnnxRule = {
  category: 'merge',
  infer: (n) => {
    const k = n.attrs.bodyOutputs;
    if (typeof k !== 'number') return controlFlow.infer(n);
    const body = n.inputs.slice(n.inputs.length - k);
    const trips = n.inputs[n.inputs.length - k - 1]?.value?.[0] ?? null;
    const own = n.inputs.slice(0, n.inputs.length - k - 1);
    // Loop: body outputs are [cond, carried..., scan outputs...]; Scan: [states..., scan outputs...].
    const carried = n.op === 'Loop' ? own.length - 2 : own.length - attrInt(n, 'num_scan_inputs');
    const first = n.op === 'Loop' ? 1 : 0;
    const finals = body.slice(first, first + carried);
    const stacked = body.slice(first + carried);
    if (finals.length + stacked.length !== n.outputCount || body.some((t) => !t)) {
      throw new RuntimeValueError(`its body gives ${body.length} outputs for ${n.outputCount}`);
    }
    const axes = (n.attrs.scan_output_axes as number[] | undefined) ?? stacked.map(() => 0);
    const open = trips === null ? `${n.op} "${n.name}": its number of iterations is known at run time` : undefined;
    return [
      ...finals.map((t) => ({ shape: t!.shape, dtype: t!.dtype, ...(t!.unknown ? { unknown: t!.unknown } : {}) })),
      ...stacked.map((t, i) => {
        const ax = Math.min(Math.max(0, axes[i] ?? 0), t!.shape.length);
        const shape = [...t!.shape.slice(0, ax), trips, ...t!.shape.slice(ax)];
        const unknown = t!.unknown ?? open;
        return { shape, dtype: t!.dtype, ...(unknown ? { unknown } : {}) };
      }),
    ];
  },
  window: identityWindow,
};

/**
 * If, with its branches expanded: reads [cond, then outputs..., else outputs...] and gives the
 * taken branch's outputs when the condition folds; when it does not, the outputs both branches
 * agree on, else sizes known only at run time.
 */
const ifRule: OnnxRule = {
  category: 'merge',
  infer: (n) => {
    const k = n.attrs.thenOutputs;
    if (typeof k !== 'number') return controlFlow.infer(n);
    const cond = n.inputs[0]?.value?.[0];
    const then = n.inputs.slice(1, 1 + k);
    const other = n.inputs.slice(1 + k);
    const pass = (t: TensorInfo): TensorInfo => ({ shape: t.shape, dtype: t.dtype, ...(t.value ? { value: t.value } : {}), ...(t.unknown ? { unknown: t.unknown } : {}) });
    if (cond !== undefined && cond !== null) {
      const taken = cond ? then : other;
      if (taken.length === n.outputCount && taken.every((t): t is TensorInfo => t !== undefined)) return taken.map(pass);
    }
    const same = then.length === n.outputCount && other.length === then.length && then.every((t, i) => t && other[i]
      && t.shape.length === other[i]!.shape.length && t.shape.every((d, j) => d === other[i]!.shape[j]));
    if (same) return then.map((t) => ({ shape: t!.shape, dtype: t!.dtype, ...(t!.unknown ? { unknown: t!.unknown } : {}) }));
    throw new RuntimeValueError('its branches give different shapes, and which one runs is known at run time');
  },
  window: identityWindow,
};

/** The inputs of a Loop body: iteration number, condition, the loop-carried values, and the trip count. */
const loopBody: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    const carried = n.inputs.slice(2);
    const formals = n.outputCount - 1;
    if (formals !== 2 + carried.length) fail(n, `its body takes ${formals} inputs for ${carried.length} loop-carried values`);
    const m = n.inputs[0]?.value?.[0];
    const cond = n.inputs[1];
    const condTrue = cond === undefined || (cond.value !== undefined && cond.value[0] !== null && Boolean(cond.value[0]));
    // Exactly M iterations: M folds, the loop starts true, and the body cannot stop early.
    const trips = m !== undefined && m !== null && condTrue && n.attrs.bodyCond === 1 ? m : null;
    return [
      { shape: [], dtype: 'int64' },
      { shape: [], dtype: 'bool' },
      ...carried.map((t) => (t ? { shape: t.shape, dtype: t.dtype } : { shape: [null], dtype: 'float32' })),
      { shape: [], dtype: 'int64', value: [trips] },
    ];
  },
  window: identityWindow,
};

/** The inputs of a Scan body (opset 9+): the states, one slice of each scan input, and the sequence length. */
const scanBody: OnnxRule = {
  category: 'reshape',
  infer: (n) => {
    if (n.opset < 9) throw new RuntimeValueError('a Scan of opset 8 (with sequence_lens) is not expanded');
    const k = attrInt(n, 'num_scan_inputs');
    const ins = n.inputs;
    const states = ins.slice(0, ins.length - k);
    const scans = ins.slice(ins.length - k);
    const axes = (n.attrs.scan_input_axes as number[] | undefined) ?? scans.map(() => 0);
    const slices = scans.map((t, i) => {
      if (!t) fail(n, `needs scan input #${i}`);
      const ax = axis(n, axes[i] ?? 0, t.shape.length, 'scan_input_axes');
      return { t, ax, shape: t.shape.filter((_, j) => j !== ax) };
    });
    const len = slices[0] ? slices[0].t.shape[slices[0].ax] : null;
    return [
      ...states.map((t) => (t ? { shape: t.shape, dtype: t.dtype } : { shape: [null], dtype: 'float32' })),
      ...slices.map((s) => ({ shape: s.shape, dtype: s.t.dtype })),
      { shape: [], dtype: 'int64', value: [len ?? null] },
    ];
  },
  window: identityWindow,
};

export const DATA_RULES: Record<string, OnnxRule> = {
  NonZero: nonZero,
  NonMaxSuppression: nms,
  TopK: topK,
  RoiAlign: roiAlign,
  GatherND: gatherND,
  GatherElements: gatherElements,
  ScatterND: scatter,
  ScatterElements: scatter,
  ArgMax: argReduce,
  ArgMin: argReduce,
  CumSum: sameShape('reshape', 1, [1]),
  Trilu: sameShape('reshape', 1, [1]),
  Hardmax: sameShape('activation', 2),
  InstanceNormalization: norm,
  GroupNormalization: norm,
  Einsum: einsum,
  If: ifRule,
  Loop: loopRule,
  Scan: loopRule,
  'netlens.LoopBody': loopBody,
  'netlens.ScanBody': scanBody,
};
