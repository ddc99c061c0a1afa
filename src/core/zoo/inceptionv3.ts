// Inception v3 as Keras Applications builds InceptionV3 (299x299x3, 23,851,784 params). Every conv
// is conv2d_bn: a bias-free Conv2D, a BatchNormalization without scale (3 weights per channel)
// and a ReLU, all unnamed, so Keras numbers them conv2d, conv2d_1, ... in the order built here.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

type Opts = { strides?: number; padding?: 'valid' | 'same' };

function convBn(b: ModelBuilder, x: Sym, filters: number, rows: number, cols: number, o: Opts = {}): Sym {
  const y = b.conv2d(x, filters, { kernelSize: [rows, cols], strides: o.strides ?? 1, padding: o.padding ?? 'same', useBias: false });
  return b.activation(b.batchNorm(y, { scale: false }), 'relu');
}

const avgPool3 = (b: ModelBuilder, x: Sym): Sym => b.avgPool(x, 3, { strides: 1, padding: 'same' });

/** Modules A (mixed0-2): 1x1, 1x1-5x5, 1x1-3x3-3x3, avgpool-1x1. */
function moduleA(b: ModelBuilder, x: Sym, poolFilters: number, name: string): Sym {
  return b.group(name, () => {
    const b1 = convBn(b, x, 64, 1, 1);
    let b5 = convBn(b, x, 48, 1, 1);
    b5 = convBn(b, b5, 64, 5, 5);
    let b3 = convBn(b, x, 64, 1, 1);
    b3 = convBn(b, b3, 96, 3, 3);
    b3 = convBn(b, b3, 96, 3, 3);
    const bp = convBn(b, avgPool3(b, x), poolFilters, 1, 1);
    return b.concatenate([b1, b5, b3, bp], name);
  });
}

/** Modules C (mixed4-7): factorised 7x7 branches with `f` inner filters. */
function moduleC(b: ModelBuilder, x: Sym, f: number, name: string): Sym {
  return b.group(name, () => {
    const b1 = convBn(b, x, 192, 1, 1);
    let b7 = convBn(b, x, f, 1, 1);
    b7 = convBn(b, b7, f, 1, 7);
    b7 = convBn(b, b7, 192, 7, 1);
    let b77 = convBn(b, x, f, 1, 1);
    b77 = convBn(b, b77, f, 7, 1);
    b77 = convBn(b, b77, f, 1, 7);
    b77 = convBn(b, b77, f, 7, 1);
    b77 = convBn(b, b77, 192, 1, 7);
    const bp = convBn(b, avgPool3(b, x), 192, 1, 1);
    return b.concatenate([b1, b7, b77, bp], name);
  });
}

/** Modules E (mixed9-10): expanded 1x3 / 3x1 filter banks. */
function moduleE(b: ModelBuilder, x: Sym, i: number): Sym {
  const name = `mixed${9 + i}`;
  return b.group(name, () => {
    const b1 = convBn(b, x, 320, 1, 1);
    const b3 = convBn(b, x, 384, 1, 1);
    const b3cat = b.concatenate([convBn(b, b3, 384, 1, 3), convBn(b, b3, 384, 3, 1)], `mixed9_${i}`);
    let bd = convBn(b, x, 448, 1, 1);
    bd = convBn(b, bd, 384, 3, 3);
    const bdcat = b.concatenate([convBn(b, bd, 384, 1, 3), convBn(b, bd, 384, 3, 1)]);
    const bp = convBn(b, avgPool3(b, x), 192, 1, 1);
    return b.concatenate([b1, b3cat, bdcat, bp], name);
  });
}

export function inceptionv3(): ModelSpec {
  const b = new ModelBuilder('inception_v3');
  let x = b.input([299, 299, 3], 'input_1');
  x = b.group('stem', () => {
    let y = convBn(b, x, 32, 3, 3, { strides: 2, padding: 'valid' });
    y = convBn(b, y, 32, 3, 3, { padding: 'valid' });
    y = convBn(b, y, 64, 3, 3);
    y = b.maxPool(y, 3, { strides: 2 });
    y = convBn(b, y, 80, 1, 1, { padding: 'valid' });
    y = convBn(b, y, 192, 3, 3, { padding: 'valid' });
    return b.maxPool(y, 3, { strides: 2 });
  });
  x = moduleA(b, x, 32, 'mixed0');
  x = moduleA(b, x, 64, 'mixed1');
  x = moduleA(b, x, 64, 'mixed2');
  x = b.group('mixed3', () => {
    const b3 = convBn(b, x, 384, 3, 3, { strides: 2, padding: 'valid' });
    let bd = convBn(b, x, 64, 1, 1);
    bd = convBn(b, bd, 96, 3, 3);
    bd = convBn(b, bd, 96, 3, 3, { strides: 2, padding: 'valid' });
    return b.concatenate([b3, bd, b.maxPool(x, 3, { strides: 2 })], 'mixed3');
  });
  x = moduleC(b, x, 128, 'mixed4');
  x = moduleC(b, x, 160, 'mixed5');
  x = moduleC(b, x, 160, 'mixed6');
  x = moduleC(b, x, 192, 'mixed7');
  x = b.group('mixed8', () => {
    let b3 = convBn(b, x, 192, 1, 1);
    b3 = convBn(b, b3, 320, 3, 3, { strides: 2, padding: 'valid' });
    let b7 = convBn(b, x, 192, 1, 1);
    b7 = convBn(b, b7, 192, 1, 7);
    b7 = convBn(b, b7, 192, 7, 1);
    b7 = convBn(b, b7, 192, 3, 3, { strides: 2, padding: 'valid' });
    return b.concatenate([b3, b7, b.maxPool(x, 3, { strides: 2 })], 'mixed8');
  });
  x = moduleE(b, x, 0);
  x = moduleE(b, x, 1);
  x = b.group('head', () => b.dense(b.globalAvgPool(x, 'avg_pool'), 1000, { activation: 'softmax', name: 'predictions' }));
  return b.build([x], 'tf');
}
