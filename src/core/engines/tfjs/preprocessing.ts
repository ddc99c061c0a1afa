// Keras preprocessing layers tfjs-layers lacks. Normalization follows Keras (2 and 3 alike):
// (x - mean) / max(sqrt(variance), 1e-7), or the inverse; given mean/variance are constants,
// otherwise the adapted mean, variance and count are non-trainable weights. The random
// augmentation layers and Identity pass their input through: at inference they are the identity.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const EPSILON = 1e-7;

interface NormalizationArgs {
  axis?: number | number[] | null;
  mean?: number | number[] | null;
  variance?: number | number[] | null;
  invert?: boolean;
  name?: string;
  trainable?: boolean;
  dtype?: tf.DataType;
}

export class Normalization extends tfl.layers.Layer {
  static className = 'Normalization';
  private readonly axis: number[] | null;
  private readonly rawAxis: number | number[] | null;
  private readonly inputMean: number | number[] | null;
  private readonly inputVariance: number | number[] | null;
  private readonly invert: boolean;
  private meanVar?: tfl.LayerVariable;
  private varianceVar?: tfl.LayerVariable;
  private broadcast: number[] = [];

  constructor(args: NormalizationArgs = {}) {
    super(args);
    this.rawAxis = args.axis === undefined ? -1 : args.axis;
    this.axis = this.rawAxis === null ? [] : Array.isArray(this.rawAxis) ? this.rawAxis : [this.rawAxis];
    this.inputMean = args.mean ?? null;
    this.inputVariance = args.variance ?? null;
    this.invert = args.invert ?? false;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const kept = this.axis!.map((a) => (a < 0 ? shape.length + a : a));
    this.broadcast = shape.map((d, i) => (kept.includes(i) ? d ?? 1 : 1));
    const meanShape = kept.map((a) => shape[a] ?? 1);
    if (this.inputMean === null) {
      // Keras' weight names and order: mean, variance, count (a scalar kept for old checkpoints).
      this.meanVar = this.addWeight('mean', meanShape, 'float32', tfl.initializers.zeros(), undefined, false);
      this.varianceVar = this.addWeight('variance', meanShape, 'float32', tfl.initializers.ones(), undefined, false);
      this.addWeight('count', [], 'float32', tfl.initializers.zeros(), undefined, false);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const constant = (v: number | number[]): tf.Tensor =>
        typeof v === 'number' ? tf.scalar(v) : tf.reshape(tf.tensor(v), v.length === 1 ? [1] : this.broadcast);
      const mean = this.meanVar ? tf.reshape(this.meanVar.read(), this.broadcast) : constant(this.inputMean!);
      const variance = this.varianceVar ? tf.reshape(this.varianceVar.read(), this.broadcast) : constant(this.inputVariance!);
      const std = tf.maximum(tf.sqrt(variance), EPSILON);
      const xf = tf.cast(x, 'float32');
      return this.invert ? tf.add(mean, tf.mul(xf, std)) : tf.div(tf.sub(xf, mean), std);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.rawAxis, mean: this.inputMean, variance: this.inputVariance, invert: this.invert };
  }
}

/** A layer that returns its input: Identity, and the random augmentations at inference. */
export class PassThrough extends tfl.layers.Layer {
  static className = 'Identity';
  private readonly extra: tf.serialization.ConfigDict;

  constructor(args: tf.serialization.ConfigDict & { name?: string; trainable?: boolean; dtype?: tf.DataType } = {}) {
    const { name, trainable, dtype, inputShape, batchInputShape, ...extra } = args;
    super({ name, trainable, dtype, inputShape, batchInputShape } as never);
    this.extra = extra;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.clone(x);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.extra };
  }
}

/** A pass-through class registered under each augmentation's Keras name. */
export function passThroughClass(className: string): typeof PassThrough {
  return class extends PassThrough {
    static override className = className;
  };
}
