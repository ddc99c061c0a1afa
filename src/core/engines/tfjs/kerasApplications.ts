// What Keras Applications' models need beyond tfjs-layers: InceptionResNetV2's CustomScaleLayer
// (x + scale * r), GlobalAverage/MaxPooling2D with keepdims (MobileNetV3's squeeze-excite and
// head) and Conv2D with groups (ConvNeXt's 7x7 depthwise). The pooling and Conv2D classes replace
// tfjs' own under the same names; without keepdims or groups they compute exactly what tfjs does.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = { name?: string; trainable?: boolean; dtype?: tf.DataType };
const single = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);
const firstShape = (s: tfl.Shape | tfl.Shape[]): tfl.Shape => (Array.isArray(s[0]) ? s[0] : s) as tfl.Shape;

/** keras.applications.inception_resnet_v2.CustomScaleLayer: inputs[0] + inputs[1] * scale. */
export class CustomScaleLayer extends tfl.layers.Layer {
  static className = 'CustomScaleLayer';
  private readonly scale: number;

  constructor(args: LayerArgs & { scale: number }) {
    super(args);
    this.scale = args.scale;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return firstShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, r] = inputs as tf.Tensor[];
    return tf.tidy(() => tf.add(x, tf.mul(r, this.scale)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

type PoolArgs = LayerArgs & { dataFormat?: 'channelsFirst' | 'channelsLast'; keepdims?: boolean };

/** Global 2D pooling with Keras' keepdims (tfjs-layers drops the spatial axes always). */
function globalPooling2d(className: string, reduce: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor) {
  return class extends tfl.layers.Layer {
    static className = className;
    private readonly dataFormat: 'channelsFirst' | 'channelsLast';
    private readonly keepdims: boolean;

    constructor(args: PoolArgs = {}) {
      super(args);
      this.dataFormat = args.dataFormat ?? 'channelsLast';
      this.keepdims = args.keepdims ?? false;
      this.inputSpec = [{ ndim: 4 }];
    }

    override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
      const [n, a, b, c] = firstShape(inputShape);
      if (this.dataFormat === 'channelsLast') return this.keepdims ? [n, 1, 1, c] : [n, c];
      return this.keepdims ? [n, a, 1, 1] : [n, a];
    }

    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const axes = this.dataFormat === 'channelsLast' ? [1, 2] : [2, 3];
      return tf.tidy(() => reduce(single(inputs), axes, this.keepdims));
    }

    override getConfig(): tf.serialization.ConfigDict {
      // tfjs' own config (no keepdims) unless keepdims is set, so exported ordinary models do not change.
      return { ...super.getConfig(), dataFormat: this.dataFormat, ...(this.keepdims ? { keepdims: true } : {}) };
    }
  };
}

export const GlobalAveragePooling2D = globalPooling2d('GlobalAveragePooling2D', (x, axes, keep) => tf.mean(x, axes, keep));
export const GlobalMaxPooling2D = globalPooling2d('GlobalMaxPooling2D', (x, axes, keep) => tf.max(x, axes, keep));

type Initializer = Parameters<tfl.layers.Layer['addWeight']>[3];

/** The fields of tfjs' Conv2D that a grouped build and call read (all set by its constructor). */
interface ConvFields {
  kernelSize: [number, number];
  filters: number;
  strides: [number, number];
  padding: 'same' | 'valid';
  dataFormat: 'channelsFirst' | 'channelsLast';
  dilationRate: [number, number];
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
  kernel: tfl.LayerVariable | null;
  bias: tfl.LayerVariable | null;
}

type LayerCtor = (new (args: object) => tfl.layers.Layer) & Pick<typeof tfl.layers.Layer, 'fromConfig'>;
const TfjsConv2D = tfl.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as LayerCtor;

/** Conv2D with Keras' groups: kernel [kh, kw, cin / groups, filters], each group convolved apart. */
export class Conv2D extends TfjsConv2D {
  static className = 'Conv2D';
  private readonly groups: number;

  constructor(args: { groups?: number; [field: string]: unknown }) {
    const { groups, ...rest } = args;
    super(rest);
    this.groups = groups ?? 1;
  }

  private get conv(): ConvFields {
    return this as unknown as ConvFields;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (this.groups === 1) { super.build(inputShape); return; }
    const c = this.conv;
    const cin = firstShape(inputShape)[3];
    if (c.dataFormat !== 'channelsLast' || cin === null || cin % this.groups !== 0 || c.filters % this.groups !== 0) {
      throw new Error(`Conv2D ${this.name}: groups=${this.groups} needs channels_last and must divide ${cin} input and ${c.filters} output channels`);
    }
    c.kernel = this.addWeight('kernel', [...c.kernelSize, cin / this.groups, c.filters], 'float32', c.kernelInitializer);
    if (c.useBias) c.bias = this.addWeight('bias', [c.filters], 'float32', c.biasInitializer);
    this.inputSpec = [{ ndim: 4, axes: { 3: cin } }];
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (this.groups === 1) return super.call(inputs, kwargs);
    const c = this.conv;
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor4D;
      const k = c.kernel!.read() as tf.Tensor4D;
      const cin = x.shape[3];
      let y: tf.Tensor4D;
      if (this.groups === cin) {
        // One input channel per group is a depthwise conv; Keras' output order (group-major) is its order.
        const depthwise = tf.reshape(k, [...c.kernelSize, cin, c.filters / cin]) as tf.Tensor4D;
        y = tf.depthwiseConv2d(x, depthwise, c.strides, c.padding, 'NHWC', c.dilationRate);
      } else {
        const xs = tf.split(x, this.groups, 3) as tf.Tensor4D[];
        const ks = tf.split(k, this.groups, 3) as tf.Tensor4D[];
        y = tf.concat(xs.map((xi, i) => tf.conv2d(xi, ks[i], c.strides, c.padding, 'NHWC', c.dilationRate)), 3) as tf.Tensor4D;
      }
      if (c.bias) y = tf.add(y, c.bias.read());
      return c.activation.apply(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return this.groups === 1 ? super.getConfig() : { ...super.getConfig(), groups: this.groups };
  }
}

/** The classes above, for registerCustomLayers. */
export const KERAS_APPLICATIONS_LAYERS: tf.serialization.SerializableConstructor<tfl.layers.Layer>[] = [
  CustomScaleLayer, GlobalAveragePooling2D, GlobalMaxPooling2D, Conv2D,
];
