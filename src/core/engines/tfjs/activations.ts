// Keras activations tfjs-layers lacks, registered under the names tfjs looks up: tfjs camel-cases
// a config's activation string ("hard_swish" -> "hardSwish") and deserializes that class. Each
// follows Keras' definition (keras/src/activations/activations.py).
import * as tf from '@tensorflow/tfjs-core';

/** tfjs' activation contract: a serializable object with apply(x). */
abstract class KerasActivation extends tf.serialization.Serializable {
  abstract apply(x: tf.Tensor): tf.Tensor;
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** Keras 3's hard_sigmoid: relu6(x + 3) / 6 (Keras 2 and tfjs use clip(0.2 x + 0.5, 0, 1)). */
const hardSigmoid3 = (x: tf.Tensor): tf.Tensor => tf.div(tf.relu6(tf.add(x, 3)), 6);

export class HardSigmoidKeras3 extends KerasActivation {
  static className = 'hardSigmoidKeras3';
  apply(x: tf.Tensor): tf.Tensor { return tf.tidy(() => hardSigmoid3(x)); }
}

/** hard_swish = hard_silu = x * relu6(x + 3) / 6 (MobileNetV3). */
export class HardSwish extends KerasActivation {
  static className = 'hardSwish';
  apply(x: tf.Tensor): tf.Tensor { return tf.tidy(() => tf.mul(x, hardSigmoid3(x))); }
}
export class HardSilu extends HardSwish {
  static override className = 'hardSilu';
}

/** silu = swish = x * sigmoid(x) (Keras 3 writes "silu"). */
export class Silu extends KerasActivation {
  static className = 'silu';
  apply(x: tf.Tensor): tf.Tensor { return tf.tidy(() => tf.mul(x, tf.sigmoid(x))); }
}

export class Exponential extends KerasActivation {
  static className = 'exponential';
  apply(x: tf.Tensor): tf.Tensor { return tf.exp(x); }
}

/** Keras 3's leaky_relu activation function: negative_slope 0.2 by default. */
export class LeakyReluActivation extends KerasActivation {
  static className = 'leakyRelu';
  apply(x: tf.Tensor): tf.Tensor { return tf.leakyRelu(x, 0.2); }
}

export const CUSTOM_ACTIVATIONS = [HardSigmoidKeras3, HardSwish, HardSilu, Silu, Exponential, LeakyReluActivation];
