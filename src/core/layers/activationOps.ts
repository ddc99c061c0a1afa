// FLOPs per element of each Keras activation function, read by the activation layers and by every
// layer with a fused `activation` (convolutions, Dense). The ONNX lowering has one rule per name
// here (src/core/engines/ort/lowering/activations.ts; a test keeps the two in step).
import { lookup } from '../safeLookup';

/** FLOPs per element of each activation function (documented estimates: exp counts 1, a divide 1). */
export const ACTIVATION_OPS: Record<string, number> = {
  linear: 0, relu: 1, relu6: 2, elu: 3, selu: 4, leaky_relu: 2, sigmoid: 4, hard_sigmoid: 3, tanh: 5,
  softmax: 3, softplus: 3, softsign: 3, swish: 5, silu: 5, gelu: 8, mish: 8, exponential: 1,
  // hard_sigmoid's multiply-add and clip, then the multiply by x.
  hard_swish: 4, hard_silu: 4,
  // softmax's exp, sum and divide, plus a log.
  log_softmax: 4,
};

/** FLOPs per element of one activation; an unknown name counts 1. */
export const activationOps = (name: string): number => lookup(ACTIVATION_OPS, name.toLowerCase()) ?? 1;
