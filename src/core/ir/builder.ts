// A small DSL mirroring Keras' functional API. It emits the Keras config (the IR) directly:
// no tensors and no weights are allocated, so building ResNet-152 costs microseconds per layer.
import { KerasLayer, KerasModel, LayerGroup, ModelSpec, Preprocessing, NetLensError } from './types';

/** A symbolic tensor: the output of a named layer. */
export interface Sym {
  readonly layer: string;
}

type Pair = number | [number, number];
type Padding = 'valid' | 'same';

export interface ConvOptions {
  kernelSize: Pair;
  strides?: Pair;
  padding?: Padding;
  dilationRate?: Pair;
  useBias?: boolean;
  activation?: string;
  name?: string;
}

const pair = (v: Pair): [number, number] => (Array.isArray(v) ? v : [v, v]);

export class ModelBuilder {
  private readonly layers: KerasLayer[] = [];
  private readonly names = new Set<string>();
  private readonly autoCounters = new Map<string, number>();
  private readonly groups: LayerGroup[] = [];
  private readonly layerGroup: Record<string, string> = {};
  private readonly groupStack: string[] = [];
  private readonly inputs: string[] = [];

  constructor(readonly modelName: string) {}

  /** Keras' automatic naming: conv2d, conv2d_1, conv2d_2, ... */
  private autoName(base: string): string {
    for (;;) {
      const n = this.autoCounters.get(base) ?? 0;
      this.autoCounters.set(base, n + 1);
      const candidate = n === 0 ? base : `${base}_${n}`;
      if (!this.names.has(candidate)) return candidate;
    }
  }

  /** The next automatic name for `base`, for a Keras op written as a layer of another class. */
  autoLayerName(base: string): string {
    return this.autoName(base);
  }

  /** Adds any layer class; typed helpers below cover the common ones. */
  layer(className: string, config: Record<string, unknown>, inputs: Sym[], name?: string): Sym {
    const layerName = name ?? this.autoName(snake(className));
    if (this.names.has(layerName)) throw new NetLensError(`duplicate layer name "${layerName}"`);
    this.names.add(layerName);
    this.layers.push({
      class_name: className,
      name: layerName,
      config: { name: layerName, trainable: true, dtype: 'float32', ...config },
      inbound_nodes: inputs.length ? [inputs.map((s) => [s.layer, 0, 0, {}])] : [],
    });
    const group = this.groupStack[this.groupStack.length - 1];
    if (group !== undefined) this.layerGroup[layerName] = group;
    return { layer: layerName };
  }

  /** Layers added inside `fn` belong to a collapsible group (nested groups allowed). */
  group<T>(id: string, fn: () => T, label = id): T {
    const parent = this.groupStack[this.groupStack.length - 1] ?? null;
    this.groups.push({ id, label, parent });
    this.groupStack.push(id);
    try {
      return fn();
    } finally {
      this.groupStack.pop();
    }
  }

  input(shape: number[], name?: string): Sym {
    const layerName = name ?? this.autoName('input');
    this.inputs.push(layerName);
    return this.layer('InputLayer', { batch_input_shape: [null, ...shape], sparse: false }, [], layerName);
  }

  conv2d(x: Sym, filters: number, o: ConvOptions): Sym {
    return this.layer('Conv2D', {
      filters,
      kernel_size: pair(o.kernelSize),
      strides: pair(o.strides ?? 1),
      padding: o.padding ?? 'valid',
      data_format: 'channels_last',
      dilation_rate: pair(o.dilationRate ?? 1),
      activation: o.activation ?? 'linear',
      use_bias: o.useBias ?? true,
    }, [x], o.name);
  }

  depthwiseConv2d(x: Sym, o: ConvOptions & { depthMultiplier?: number }): Sym {
    return this.layer('DepthwiseConv2D', {
      kernel_size: pair(o.kernelSize),
      strides: pair(o.strides ?? 1),
      padding: o.padding ?? 'valid',
      data_format: 'channels_last',
      dilation_rate: pair(o.dilationRate ?? 1),
      depth_multiplier: o.depthMultiplier ?? 1,
      activation: o.activation ?? 'linear',
      use_bias: o.useBias ?? true,
    }, [x], o.name);
  }

  separableConv2d(x: Sym, filters: number, o: ConvOptions & { depthMultiplier?: number }): Sym {
    return this.layer('SeparableConv2D', {
      filters,
      kernel_size: pair(o.kernelSize),
      strides: pair(o.strides ?? 1),
      padding: o.padding ?? 'valid',
      data_format: 'channels_last',
      dilation_rate: pair(o.dilationRate ?? 1),
      depth_multiplier: o.depthMultiplier ?? 1,
      activation: o.activation ?? 'linear',
      use_bias: o.useBias ?? true,
    }, [x], o.name);
  }

  dense(x: Sym, units: number, o: { activation?: string; useBias?: boolean; name?: string } = {}): Sym {
    return this.layer('Dense', { units, activation: o.activation ?? 'linear', use_bias: o.useBias ?? true }, [x], o.name);
  }

  batchNorm(x: Sym, o: { epsilon?: number; momentum?: number; scale?: boolean; name?: string } = {}): Sym {
    return this.layer('BatchNormalization', {
      axis: -1, momentum: o.momentum ?? 0.99, epsilon: o.epsilon ?? 1e-3, center: true, scale: o.scale ?? true,
    }, [x], o.name);
  }

  activation(x: Sym, activation: string, name?: string): Sym {
    return this.layer('Activation', { activation }, [x], name);
  }

  relu(x: Sym, o: { maxValue?: number; name?: string } = {}): Sym {
    return this.layer('ReLU', o.maxValue === undefined ? {} : { max_value: o.maxValue }, [x], o.name);
  }

  maxPool(x: Sym, poolSize: Pair, o: { strides?: Pair; padding?: Padding; name?: string } = {}): Sym {
    return this.pool('MaxPooling2D', x, poolSize, o);
  }

  avgPool(x: Sym, poolSize: Pair, o: { strides?: Pair; padding?: Padding; name?: string } = {}): Sym {
    return this.pool('AveragePooling2D', x, poolSize, o);
  }

  private pool(cls: string, x: Sym, poolSize: Pair, o: { strides?: Pair; padding?: Padding; name?: string }): Sym {
    return this.layer(cls, {
      pool_size: pair(poolSize),
      strides: pair(o.strides ?? poolSize),
      padding: o.padding ?? 'valid',
      data_format: 'channels_last',
    }, [x], o.name);
  }

  globalAvgPool(x: Sym, name?: string): Sym {
    return this.layer('GlobalAveragePooling2D', { data_format: 'channels_last' }, [x], name);
  }

  zeroPad(x: Sym, padding: [[number, number], [number, number]], name?: string): Sym {
    return this.layer('ZeroPadding2D', { padding, data_format: 'channels_last' }, [x], name);
  }

  flatten(x: Sym, name?: string): Sym {
    return this.layer('Flatten', { data_format: 'channels_last' }, [x], name);
  }

  dropout(x: Sym, rate: number, name?: string): Sym {
    return this.layer('Dropout', { rate }, [x], name);
  }

  reshape(x: Sym, targetShape: number[], name?: string): Sym {
    return this.layer('Reshape', { target_shape: targetShape }, [x], name);
  }

  add(xs: Sym[], name?: string): Sym {
    return this.layer('Add', {}, xs, name);
  }

  multiply(xs: Sym[], name?: string): Sym {
    return this.layer('Multiply', {}, xs, name);
  }

  concatenate(xs: Sym[], name?: string): Sym {
    return this.layer('Concatenate', { axis: -1 }, xs, name);
  }

  /** Local response normalisation as in AlexNet/GoogLeNet (registered as a custom tfjs layer). */
  lrn(x: Sym, o: { depthRadius?: number; bias?: number; alpha?: number; beta?: number; name?: string } = {}): Sym {
    return this.layer('LRN', {
      depth_radius: o.depthRadius ?? 2, bias: o.bias ?? 1, alpha: o.alpha ?? 2e-5, beta: o.beta ?? 0.75,
    }, [x], o.name);
  }

  build(outputs: Sym[], preprocessing?: Preprocessing): ModelSpec {
    const model: KerasModel = {
      class_name: 'Model',
      config: {
        name: this.modelName,
        layers: this.layers,
        input_layers: this.inputs.map((n) => [n, 0, 0]),
        output_layers: outputs.map((s) => [s.layer, 0, 0]),
      },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    };
    return { name: this.modelName, model, groups: this.groups, layerGroup: this.layerGroup, preprocessing };
  }
}

/** Keras' class-name-to-auto-name rule: Conv2D -> conv2d, BatchNormalization -> batch_normalization. */
export function snake(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
