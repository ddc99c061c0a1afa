// Keras Applications' ConvNeXt defines two layers of its own (keras/src/applications/convnext.py):
// LayerScale multiplies by a trainable per-channel gamma; StochasticDepth drops the residual
// branch while training and is the identity at inference, which is all NetLens runs.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

interface LayerScaleArgs {
  initValues?: number;
  projectionDim: number;
  name?: string;
  trainable?: boolean;
  dtype?: tf.DataType;
}

export class LayerScale extends tfl.layers.Layer {
  static className = 'LayerScale';
  private readonly initValues: number;
  private readonly projectionDim: number;
  private gamma?: tfl.LayerVariable;

  constructor(args: LayerScaleArgs) {
    super(args);
    this.initValues = args.initValues ?? 1e-6;
    this.projectionDim = args.projectionDim;
  }

  override build(): void {
    this.gamma = this.addWeight('gamma', [this.projectionDim], 'float32', tfl.initializers.constant({ value: this.initValues }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.mul(x, this.gamma!.read());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initValues: this.initValues, projectionDim: this.projectionDim };
  }
}

interface StochasticDepthArgs {
  dropPathRate?: number;
  name?: string;
  trainable?: boolean;
  dtype?: tf.DataType;
}

export class StochasticDepth extends tfl.layers.Layer {
  static className = 'StochasticDepth';
  private readonly dropPathRate: number;

  constructor(args: StochasticDepthArgs = {}) {
    super(args);
    this.dropPathRate = args.dropPathRate ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.clone(x);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dropPathRate: this.dropPathRate };
  }
}
