// Local response normalisation (AlexNet, GoogLeNet) as a tfjs layer: tfjs-layers has the op
// (tf.localResponseNormalization) but no layer class, so models using it could not be built.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

interface LRNArgs {
  depthRadius?: number;
  bias?: number;
  alpha?: number;
  beta?: number;
  name?: string;
  trainable?: boolean;
  dtype?: tf.DataType;
}

export class LRN extends tfl.layers.Layer {
  static className = 'LRN';
  private readonly depthRadius: number;
  private readonly bias: number;
  private readonly alpha: number;
  private readonly beta: number;

  constructor(args: LRNArgs = {}) {
    super(args);
    this.depthRadius = args.depthRadius ?? 5;
    this.bias = args.bias ?? 1;
    this.alpha = args.alpha ?? 1;
    this.beta = args.beta ?? 0.5;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.localResponseNormalization(x as tf.Tensor4D, this.depthRadius, this.bias, this.alpha, this.beta);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), depthRadius: this.depthRadius, bias: this.bias, alpha: this.alpha, beta: this.beta };
  }
}
