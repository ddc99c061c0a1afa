// Conv1D with padding "causal" (Keras pads (kernel - 1) x dilation zeros on the left, then runs a
// valid convolution): tfjs-layers' Conv1D refuses causal padding, so this wraps a valid tfjs Conv1D
// behind the left padding. Its weights keep the layer's own names ("<layer>/kernel", "<layer>/bias").
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Args = Parameters<typeof tfl.layers.conv1d>[0] & { name?: string };

export class CausalConv1D extends tfl.layers.Layer {
  static className = 'NetLensCausalConv1D';
  private readonly inner: tfl.layers.Layer;
  private readonly left: number;
  private readonly args: Args;

  constructor(args: Args) {
    super({ name: args.name, trainable: args.trainable, dtype: args.dtype, batchInputShape: args.batchInputShape, inputShape: args.inputShape });
    this.args = args;
    const k = Array.isArray(args.kernelSize) ? args.kernelSize[0] : args.kernelSize;
    const d = Array.isArray(args.dilationRate) ? args.dilationRate[0] : args.dilationRate ?? 1;
    this.left = (k - 1) * d;
    const { batchInputShape: _b, inputShape: _i, ...convArgs } = args;
    this.inner = tfl.layers.conv1d({ ...convArgs, padding: 'valid' });
  }

  private padded(shape: tfl.Shape): tfl.Shape {
    return [shape[0], shape[1] === null ? null : shape[1] + this.left, shape[2]];
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    this.inner.build(this.padded(s));
    this.inner.built = true;
    // The outer layer owns the inner one's variables, so model.weights and countParams see them.
    (this as unknown as { _trainableWeights: tfl.LayerVariable[] })._trainableWeights = this.inner.trainableWeights;
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return tf.tidy(() => this.inner.call(tf.pad(x, [[0, 0], [this.left, 0], [0, 0]]), {}) as tf.Tensor);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return this.inner.computeOutputShape(this.padded(s)) as tfl.Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.inner.getConfig()), padding: 'causal', name: this.name };
  }
}
