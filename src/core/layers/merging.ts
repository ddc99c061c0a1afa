// Keras' merging layers (keras/src/layers/merging): Add, Subtract, Multiply, Average, Maximum,
// Minimum, Concatenate; with Keras Applications' CustomScaleLayer (InceptionResNetV2), a scaled Add.
import { elements, fail, formatShape } from '../analysis/config';
import { attr } from '../engines/ort/lowering/attr';
import { emitter } from '../engines/ort/lowering/activations';
import { identity, isIdentity, Value } from '../engines/ort/lowering/perm';
import { LayerInput, LayerKind, LayerKinds, LowerInput } from './kind';
import { num, onnxAxis, out, rankOf } from './lowering';
import { Shape } from '../ir/types';

/** Keras element-wise merges broadcast size-1 dimensions. */
function broadcastShape(r: LayerInput): Shape {
  if (r.inputs.length < 2) fail(r.name, `expects at least 2 inputs, got ${r.inputs.length}`);
  const rk = r.inputs[0].length;
  if (r.inputs.some((s) => s.length !== rk)) fail(r.name, `inputs differ in rank: ${r.inputs.map(formatShape).join(' vs ')}`);
  const out: Shape = [null];
  for (let i = 1; i < rk; i++) {
    let d: number | null = 1;
    for (const s of r.inputs) {
      const v = s[i];
      if (v === null || d === null) { d = v === 1 ? d : null; continue; }
      if (v === 1) continue;
      if (d !== 1 && d !== v) fail(r.name, `cannot merge shapes ${r.inputs.map(formatShape).join(' and ')}`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** Brings every input to one layout: the first non-Keras order among them (the convolutions' NCHW), else Keras'. */
function commonLayout(r: LowerInput): Value[] {
  const want = r.inputs.find((v) => !isIdentity(v.perm))?.perm ?? identity(rankOf(r));
  return r.inputs.map((v) => r.g.layout(v, want));
}

/**
 * Element-wise merges: `binary` for two inputs (what ONNX Runtime's fusions look for), `variadic`
 * for more, else a chain of binary nodes "<layer>/1", "<layer>/2", ... ending in the main node.
 */
const elementwise = (binary: string, variadic?: string): LayerKind => ({
  category: 'merge',
  shape: broadcastShape,
  ops: (r, out) => (r.inputs.length - 1) * elements(r.name, out),
  window: () => 'identity',
  lowering: {
    unsupported: (r) => (binary === 'Sub' && r.inShapes.length !== 2 ? 'Subtract takes exactly 2 inputs' : undefined),
    lower: (r) => {
      const xs = commonLayout(r);
      const perm = xs[0].perm;
      if (xs.length === 2) return out(r, r.g.node(r.name, r.name, binary, [xs[0].name, xs[1].name]), perm);
      if (variadic) return out(r, r.g.node(r.name, r.name, variadic, xs.map((x) => x.name)), perm);
      let acc = xs[0].name;
      for (let i = 1; i < xs.length - 1; i++) acc = r.g.node(r.name, `${r.name}/${i}`, binary, [acc, xs[i].name]);
      return out(r, r.g.node(r.name, r.name, binary, [acc, xs[xs.length - 1].name]), perm);
    },
  },
});

/** Keras Applications' InceptionResNetV2 CustomScaleLayer: inputs[0] + inputs[1] * scale, no weights. */
const customScale: LayerKind = {
  category: 'merge',
  shape: (r) => {
    if (r.inputs.length !== 2) fail(r.name, `expects 2 inputs (shortcut, residual), got ${r.inputs.length}`);
    if (typeof r.cfg.scale !== 'number' || !Number.isFinite(r.cfg.scale)) fail(r.name, `scale must be a number, got ${JSON.stringify(r.cfg.scale)}`);
    return broadcastShape(r);
  },
  ops: (r, out) => 2 * elements(r.name, out), // a multiply and an add
  window: () => 'identity',
  tfjsClass: 'CustomScaleLayer',
  lowering: {
    lower: (r) => {
      const [x, residual] = commonLayout(r);
      const e = emitter(r.g, r.name, r.name);
      const scaled = e.helper('scale', 'Mul', [residual.name, r.g.floatTensor(`${r.name}/scale`, [], Float32Array.of(num(r.cfg.scale) ?? 1))]);
      return out(r, e.main('Add', [x.name, scaled]), x.perm);
    },
  },
};

const concatenate: LayerKind = {
  category: 'merge',
  shape: (r) => {
    if (r.inputs.length < 2) fail(r.name, `expects at least 2 inputs, got ${r.inputs.length}`);
    const rk = r.inputs[0].length;
    if (r.inputs.some((s) => s.length !== rk)) fail(r.name, `inputs differ in rank: ${r.inputs.map(formatShape).join(' vs ')}`);
    const raw = r.cfg.axis ?? -1;
    if (typeof raw !== 'number' || !Number.isInteger(raw)) fail(r.name, `axis must be an integer, got ${JSON.stringify(raw)}`);
    const axis = raw < 0 ? rk + raw : raw;
    if (axis <= 0 || axis >= rk) fail(r.name, `axis ${raw} is out of range for rank ${rk}`);
    const out: Shape = [...r.inputs[0]];
    out[axis] = 0;
    for (const s of r.inputs) {
      for (let i = 1; i < rk; i++) {
        if (i !== axis && s[i] !== r.inputs[0][i]) {
          fail(r.name, `cannot concatenate ${r.inputs.map(formatShape).join(' and ')} on axis ${raw}`);
        }
      }
      out[axis] = out[axis] === null || s[axis] === null ? null : (out[axis] as number) + (s[axis] as number);
    }
    return out;
  },
  window: () => 'identity',
  lowering: {
    lower: (r) => {
      const xs = commonLayout(r);
      const axis = onnxAxis(xs[0], num(r.cfg.axis) ?? -1);
      return out(r, r.g.node(r.name, r.name, 'Concat', xs.map((x) => x.name), [attr.int('axis', axis)]), xs[0].perm);
    },
  },
};

export const MERGING_KINDS: LayerKinds = {
  Add: elementwise('Add', 'Sum'),
  Subtract: elementwise('Sub'),
  Multiply: elementwise('Mul'),
  Average: elementwise('Mean', 'Mean'),
  Maximum: elementwise('Max', 'Max'),
  Minimum: elementwise('Min', 'Min'),
  Concatenate: concatenate,
  CustomScaleLayer: customScale,
};
