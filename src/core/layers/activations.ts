// Keras' activation layers (keras/src/layers/activations): Activation, ReLU, LeakyReLU, ELU,
// Softmax, PReLU. Activation lowers through the activation table (src/core/engines/ort/lowering/activations.ts).
import { activationName, elements, fail, formatShape, known } from '../analysis/config';
import { attr } from '../engines/ort/lowering/attr';
import { activationRule, emitter } from '../engines/ort/lowering/activations';
import type { OnnxGraph } from '../engines/ort/lowering/graph';
import { Value } from '../engines/ort/lowering/perm';
import { ACTIVATION_OPS, activationOps } from './activationOps';
import { KerasLowering, LayerInput, LayerKind, LayerKinds, LowerInput, LoweringInput, one } from './kind';
import { constLike, dim, fusedActivationUnsupported, loweringFail, num, onnxAxis, out } from './lowering';

/** Runs an activation rule with its last node named after the layer. */
function asLayer(r: LowerInput, name: string, x: Value = r.inputs[0]): Value {
  const rule = activationRule(name) ?? loweringFail(r.name, `activation "${name}" has no ONNX lowering`);
  return out(r, rule(emitter(r.g, r.name, r.name), x), x.perm);
}

const activation: LayerKind = {
  category: 'activation',
  shape: one,
  ops: (r, out) => elements(r.name, out) * activationOps(activationName(r.cfg)),
  window: () => 'identity',
  lowering: {
    unsupported: fusedActivationUnsupported,
    lower: (r) => asLayer(r, activationName(r.cfg)),
  },
};

/** LeakyReLU, ELU, Softmax: the activation layer counted as its fixed function, with its own lowering. */
const fixedActivation = (name: string, lowering: KerasLowering): LayerKind => ({
  ...activation,
  ops: (r, out) => elements(r.name, out) * activationOps(r.cfg.max_value != null && name === 'relu' ? 'relu6' : name),
  lowering,
});

/** ReLU's max_value, negative_slope and threshold, refused when negative as Keras does. */
function reluOptions(r: LayerInput): { maxValue: number | null; slope: number; threshold: number } {
  const read = (field: string, dflt: number | null): number | null => {
    const v = r.cfg[field];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(r.name, `${field} must be a number, got ${JSON.stringify(v)}`);
    // Keras: "max_value of a ReLU layer cannot be a negative value."
    if (v < 0) fail(r.name, `${field} of a ReLU layer cannot be a negative value, got ${v}`);
    return v;
  };
  return { maxValue: read('max_value', null), slope: read('negative_slope', 0) as number, threshold: read('threshold', 0) as number };
}

const relu: LayerKind = {
  ...activation,
  shape: (r) => { reluOptions(r); return one(r); },
  // max(x, 0), plus a min for max_value, a multiply for negative_slope, a compare for threshold.
  ops: (r, out) => {
    const o = reluOptions(r);
    return elements(r.name, out) * (1 + (o.maxValue !== null ? 1 : 0) + (o.slope !== 0 ? 1 : 0) + (o.threshold !== 0 ? 1 : 0));
  },
  tfjsClass: 'ReLU',
  /**
   * Keras' ReLU(max_value, negative_slope, threshold): max_value from max_value up, x from the
   * threshold up, negative_slope * (x - threshold) below it (as src/core/engines/tfjs/relu.ts computes it).
   */
  lowering: {
    lower: (r) => {
      const x = r.inputs[0];
      const max = num(r.cfg.max_value);
      const slope = num(r.cfg.negative_slope) ?? 0;
      const threshold = num(r.cfg.threshold) ?? 0;
      const e = emitter(r.g, r.name, r.name);
      const capped = (part: string, y: string): Value => out(r, max === undefined ? y : e.main('Min', [y, r.g.scalar(max)]), x.perm);
      if (threshold === 0) {
        if (slope === 0 && max === undefined) return asLayer(r, 'relu');
        if (slope === 0) return out(r, e.main('Clip', [x.name, r.g.scalar(0), r.g.scalar(max!)]), x.perm);
        const leaky = (max === undefined ? e.main : (op: string, ins: string[], a?: Parameters<OnnxGraph['node']>[4]) => e.helper('leaky', op, ins, a));
        return capped('leaky', leaky('LeakyRelu', [x.name], [attr.float('alpha', slope)]));
      }
      const above = e.helper('above', 'GreaterOrEqual', [x.name, r.g.scalar(threshold)]);
      const below = slope === 0 ? r.g.scalar(0)
        : e.helper('below', 'Mul', [e.helper('shift', 'Sub', [x.name, r.g.scalar(threshold)]), r.g.scalar(slope)]);
      const pick = (op: string, ins: string[]): string => (max === undefined ? e.main(op, ins) : e.helper('select', op, ins));
      return capped('select', pick('Where', [above, x.name, below]));
    },
  },
};

const leakyRelu: LayerKind = fixedActivation('leaky_relu', {
  // Keras 2 and tfjs call the slope alpha (default 0.3); Keras 3 negative_slope.
  lower: (r) => out(r, r.g.node(r.name, r.name, 'LeakyRelu', [r.inputs[0].name], [
    attr.float('alpha', num(r.cfg.alpha) ?? num(r.cfg.negative_slope) ?? 0.3),
  ]), r.inputs[0].perm),
});

const elu: LayerKind = fixedActivation('elu', {
  lower: (r) => out(r, r.g.node(r.name, r.name, 'Elu', [r.inputs[0].name], [attr.float('alpha', num(r.cfg.alpha) ?? 1)]), r.inputs[0].perm),
});

const softmax: LayerKind = fixedActivation('softmax', {
  unsupported: (r) => (Array.isArray(r.cfg.axis) && r.cfg.axis.length > 1 ? 'softmax over several axes has no ONNX lowering' : undefined),
  lower: (r) => {
    const x = r.inputs[0];
    const axis = num(Array.isArray(r.cfg.axis) ? r.cfg.axis[0] : r.cfg.axis) ?? -1;
    return out(r, r.g.node(r.name, r.name, 'Softmax', [x.name], [attr.int('axis', onnxAxis(x, axis))]), x.perm);
  },
});

/** PReLU: alpha has the input's shape (batch left out) with 1 along shared_axes. */
function preluShape(r: LoweringInput): number[] {
  const s = r.inShapes[0];
  const shared = r.cfg.shared_axes === undefined || r.cfg.shared_axes === null ? []
    : Array.isArray(r.cfg.shared_axes) ? r.cfg.shared_axes : [r.cfg.shared_axes];
  return s.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : dim(r, d, `dimension ${i + 1}`)));
}

/** PReLU: a trainable alpha per input element, shared (size 1) along shared_axes. */
const prelu: LayerKind = {
  category: 'activation',
  shape: one,
  params: (r) => {
    const s = one(r);
    const shared = r.cfg.shared_axes === undefined || r.cfg.shared_axes === null ? []
      : Array.isArray(r.cfg.shared_axes) ? r.cfg.shared_axes : [r.cfg.shared_axes];
    let n = 1;
    for (let i = 1; i < s.length; i++) {
      if (shared.includes(i)) continue;
      n *= known(r.name, s[i], `dimension ${i} (not in shared_axes)`);
    }
    for (const a of shared) {
      if (typeof a !== 'number' || !Number.isInteger(a) || a < 1 || a >= s.length) fail(r.name, `shared_axes ${JSON.stringify(r.cfg.shared_axes)} is out of range for ${formatShape(s)}`);
    }
    return { trainable: n, nonTrainable: 0 };
  },
  ops: (r, out) => elements(r.name, out) * ACTIVATION_OPS.leaky_relu, // a multiply and a select, as leaky_relu
  window: () => 'identity',
  lowering: {
    weights: (r) => [{ attr: 'alpha', shape: preluShape(r), init: 'alpha' }],
    lower: (r) => {
      const x = r.inputs[0];
      const slope = constLike(r, 'alpha', x, [1, ...preluShape(r)], r.weight('alpha'));
      return out(r, r.g.node(r.name, r.name, 'PRelu', [x.name, slope]), x.perm);
    },
  },
};

export const ACTIVATION_KINDS: LayerKinds = {
  Activation: activation,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  ELU: elu,
  Softmax: softmax,
  PReLU: prelu,
};
