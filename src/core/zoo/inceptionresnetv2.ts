// Inception-ResNet v2 as Keras Applications builds InceptionResNetV2 (299x299x3, 55,873,736 params).
// conv2d_bn is a bias-free Conv2D + scale-free BatchNormalization + ReLU, unnamed except where Keras
// names it; each residual is added through Keras' CustomScaleLayer (x + scale * r, no weights).
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

type Opts = { strides?: number; padding?: 'valid' | 'same'; name?: string };

function convBn(b: ModelBuilder, x: Sym, filters: number, kernel: number | [number, number], o: Opts = {}): Sym {
  const y = b.conv2d(x, filters, { kernelSize: kernel, strides: o.strides ?? 1, padding: o.padding ?? 'same', useBias: false, name: o.name });
  const n = b.batchNorm(y, { scale: false, name: o.name && `${o.name}_bn` });
  return b.activation(n, 'relu', o.name && `${o.name}_ac`);
}

type BlockType = 'block35' | 'block17' | 'block8';

/** The residual branches of each Inception-ResNet block type (A, B, C). */
const BRANCHES: Record<BlockType, (b: ModelBuilder, x: Sym) => Sym[]> = {
  block35: (b, x) => {
    const b0 = convBn(b, x, 32, 1);
    const b1 = convBn(b, convBn(b, x, 32, 1), 32, 3);
    let b2 = convBn(b, x, 32, 1);
    b2 = convBn(b, b2, 48, 3);
    b2 = convBn(b, b2, 64, 3);
    return [b0, b1, b2];
  },
  block17: (b, x) => {
    const b0 = convBn(b, x, 192, 1);
    let b1 = convBn(b, x, 128, 1);
    b1 = convBn(b, b1, 160, [1, 7]);
    b1 = convBn(b, b1, 192, [7, 1]);
    return [b0, b1];
  },
  block8: (b, x) => {
    const b0 = convBn(b, x, 192, 1);
    let b1 = convBn(b, x, 192, 1);
    b1 = convBn(b, b1, 224, [1, 3]);
    b1 = convBn(b, b1, 256, [3, 1]);
    return [b0, b1];
  },
};

function resBlock(b: ModelBuilder, x: Sym, channels: number, scale: number, type: BlockType, idx: number, relu = true): Sym {
  const name = `${type}_${idx}`;
  return b.group(name, () => {
    const mixed = b.concatenate(BRANCHES[type](b, x), `${name}_mixed`);
    const up = b.conv2d(mixed, channels, { kernelSize: 1, padding: 'same', name: `${name}_conv` });
    const y = b.layer('CustomScaleLayer', { scale }, [x, up]);
    return relu ? b.activation(y, 'relu', `${name}_ac`) : y;
  });
}

export function inceptionresnetv2(): ModelSpec {
  const b = new ModelBuilder('inception_resnet_v2');
  let x = b.input([299, 299, 3], 'input_1');
  x = b.group('stem', () => {
    let y = convBn(b, x, 32, 3, { strides: 2, padding: 'valid' });
    y = convBn(b, y, 32, 3, { padding: 'valid' });
    y = convBn(b, y, 64, 3);
    y = b.maxPool(y, 3, { strides: 2 });
    y = convBn(b, y, 80, 1, { padding: 'valid' });
    y = convBn(b, y, 192, 3, { padding: 'valid' });
    return b.maxPool(y, 3, { strides: 2 });
  });
  x = b.group('mixed_5b', () => {
    const b0 = convBn(b, x, 96, 1);
    const b1 = convBn(b, convBn(b, x, 48, 1), 64, 5);
    let b2 = convBn(b, x, 64, 1);
    b2 = convBn(b, b2, 96, 3);
    b2 = convBn(b, b2, 96, 3);
    const bp = convBn(b, b.avgPool(x, 3, { strides: 1, padding: 'same' }), 64, 1);
    return b.concatenate([b0, b1, b2, bp], 'mixed_5b');
  });
  x = b.group('block35', () => {
    let y = x;
    for (let i = 1; i <= 10; i++) y = resBlock(b, y, 320, 0.17, 'block35', i);
    return y;
  }, 'block35 x10 (Inception-ResNet-A)');
  x = b.group('mixed_6a', () => {
    const b0 = convBn(b, x, 384, 3, { strides: 2, padding: 'valid' });
    let b1 = convBn(b, x, 256, 1);
    b1 = convBn(b, b1, 256, 3);
    b1 = convBn(b, b1, 384, 3, { strides: 2, padding: 'valid' });
    return b.concatenate([b0, b1, b.maxPool(x, 3, { strides: 2 })], 'mixed_6a');
  });
  x = b.group('block17', () => {
    let y = x;
    for (let i = 1; i <= 20; i++) y = resBlock(b, y, 1088, 0.1, 'block17', i);
    return y;
  }, 'block17 x20 (Inception-ResNet-B)');
  x = b.group('mixed_7a', () => {
    const b0 = convBn(b, convBn(b, x, 256, 1), 384, 3, { strides: 2, padding: 'valid' });
    const b1 = convBn(b, convBn(b, x, 256, 1), 288, 3, { strides: 2, padding: 'valid' });
    let b2 = convBn(b, x, 256, 1);
    b2 = convBn(b, b2, 288, 3);
    b2 = convBn(b, b2, 320, 3, { strides: 2, padding: 'valid' });
    return b.concatenate([b0, b1, b2, b.maxPool(x, 3, { strides: 2 })], 'mixed_7a');
  });
  x = b.group('block8', () => {
    let y = x;
    for (let i = 1; i <= 9; i++) y = resBlock(b, y, 2080, 0.2, 'block8', i);
    return resBlock(b, y, 2080, 1.0, 'block8', 10, false);
  }, 'block8 x10 (Inception-ResNet-C)');
  x = b.group('head', () => {
    const y = convBn(b, x, 1536, 1, { name: 'conv_7b' });
    return b.dense(b.globalAvgPool(y, 'avg_pool'), 1000, { activation: 'softmax', name: 'predictions' });
  });
  return b.build([x], 'tf');
}
