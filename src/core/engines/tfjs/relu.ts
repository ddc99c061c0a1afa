// Keras' ReLU layer in full: max_value, negative_slope and threshold (tfjs-layers' ReLU reads
// max_value only). f(x) = max_value if x >= max_value; x if threshold <= x < max_value;
// negative_slope * (x - threshold) otherwise. Registered under "ReLU", replacing tfjs' class.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

interface ReLUArgs {
  maxValue?: number | null;
  negativeSlope?: number;
  threshold?: number;
  name?: string;
  trainable?: boolean;
  dtype?: tf.DataType;
}

export class ReLU extends tfl.layers.Layer {
  static className = 'ReLU';
  private readonly maxValue: number | null;
  private readonly negativeSlope: number;
  private readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue ?? null;
    this.negativeSlope = args.negativeSlope ?? 0;
    this.threshold = args.threshold ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const below = this.negativeSlope === 0 ? tf.zerosLike(x) : tf.mul(this.negativeSlope, tf.sub(x, this.threshold));
      let y = this.threshold === 0 && this.negativeSlope === 0 ? tf.relu(x) : tf.where(tf.greaterEqual(x, this.threshold), x, below);
      if (this.maxValue !== null) y = tf.minimum(y, this.maxValue);
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}
