// Keras activation functions as ONNX nodes, one entry per name the analyser knows
// (ACTIVATION_OPS in ../layers/activationOps.ts). Constants match tfjs' own definitions
// (tfjs-layers activations.ts), since tfjs is the reference the lowered model is checked against.
import { attr } from './attr';
import type { OnnxGraph } from './graph';
import type { Value } from './perm';
import { lookup } from '../../../safeLookup';

/**
 * Emits nodes for one layer. The last node of an activation is `main` (named `name`), any node
 * before it is a helper named `<name>/<part>`.
 */
export interface Emit {
  g: OnnxGraph;
  layer: string;
  name: string;
  main(op: string, inputs: string[], attributes?: Parameters<OnnxGraph['node']>[4]): string;
  helper(part: string, op: string, inputs: string[], attributes?: Parameters<OnnxGraph['node']>[4]): string;
}

export function emitter(g: OnnxGraph, layer: string, name: string): Emit {
  return {
    g, layer, name,
    main: (op, inputs, attributes) => g.node(layer, name, op, inputs, attributes),
    helper: (part, op, inputs, attributes) => g.node(layer, `${name}/${part}`, op, inputs, attributes),
  };
}

type ActivationRule = (e: Emit, x: Value) => string;

const unary = (op: string, attributes: Parameters<OnnxGraph['node']>[4] = []): ActivationRule =>
  (e, x) => e.main(op, [x.name], attributes);

/** x * sigmoid(x) */
const swish: ActivationRule = (e, x) => e.main('Mul', [x.name, e.helper('sigmoid', 'Sigmoid', [x.name])]);

/** Softmax over Keras' last axis, wherever the value's layout put it. */
const softmax: ActivationRule = (e, x) =>
  e.main('Softmax', [x.name], [attr.int('axis', x.perm.indexOf(x.perm.length - 1))]);

/** tfjs' gelu: x * 0.5 * (1 + erf(x / sqrt(2))); ONNX has Gelu only from opset 20. */
const gelu: ActivationRule = (e, x) => {
  const erf = e.helper('erf', 'Erf', [e.helper('div', 'Div', [x.name, e.g.scalar(Math.SQRT2)])]);
  const cdf = e.helper('cdf', 'Mul', [e.helper('add', 'Add', [erf, e.g.scalar(1)]), e.g.scalar(0.5)]);
  return e.main('Mul', [x.name, cdf]);
};

/** x * tanh(softplus(x)) */
const mish: ActivationRule = (e, x) =>
  e.main('Mul', [x.name, e.helper('tanh', 'Tanh', [e.helper('softplus', 'Softplus', [x.name])])]);

export const ACTIVATIONS: Record<string, ActivationRule> = {
  linear: (e, x) => e.main('Identity', [x.name]),
  relu: unary('Relu'),
  relu6: (e, x) => e.main('Clip', [x.name, e.g.scalar(0), e.g.scalar(6)]),
  elu: unary('Elu', [attr.float('alpha', 1)]),
  // tfjs' selu constants (the float32 roundings of Klambauer et al.'s).
  selu: unary('Selu', [attr.float('alpha', 1.6732632423543772), attr.float('gamma', 1.0507009873554805)]),
  // Keras' leaky_relu activation function: negative slope 0.2.
  leaky_relu: unary('LeakyRelu', [attr.float('alpha', 0.2)]),
  sigmoid: unary('Sigmoid'),
  // Keras 2 and tfjs: clip(0.2 x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1).
  hard_sigmoid: (e, x) => e.main('HardSigmoid', [x.name], [attr.float('alpha', e.g.keras3 ? 1 / 6 : 0.2), attr.float('beta', 0.5)]),
  // x * relu6(x + 3) / 6: ONNX HardSwish's own definition.
  hard_swish: unary('HardSwish'),
  hard_silu: unary('HardSwish'),
  log_softmax: (e, x) => e.main('LogSoftmax', [x.name], [attr.int('axis', x.perm.indexOf(x.perm.length - 1))]),
  tanh: unary('Tanh'),
  softmax,
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  swish,
  silu: swish,
  gelu,
  mish,
  exponential: unary('Exp'),
};

/** tfjs writes camelCase names for some activations ("hardSigmoid"). */
export function activationRule(name: string): ActivationRule | undefined {
  const key = name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return lookup(ACTIVATIONS, key);
}
