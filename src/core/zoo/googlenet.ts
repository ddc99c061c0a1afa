// GoogLeNet (Szegedy et al., 2014) as the paper's Table 1 lays it out: no batch norm, LRN after
// the first pooling and after conv2, no auxiliary classifiers, 224x224x3 input.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

/** Table 1 columns: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj. */
type Inception = [number, number, number, number, number, number];

const MODULES: Record<string, Inception> = {
  '3a': [64, 96, 128, 16, 32, 32],
  '3b': [128, 128, 192, 32, 96, 64],
  '4a': [192, 96, 208, 16, 48, 64],
  '4b': [160, 112, 224, 24, 64, 64],
  '4c': [128, 128, 256, 24, 64, 64],
  '4d': [112, 144, 288, 32, 64, 64],
  '4e': [256, 160, 320, 32, 128, 128],
  '5a': [256, 160, 320, 32, 128, 128],
  '5b': [384, 192, 384, 48, 128, 128],
};

function inception(b: ModelBuilder, x: Sym, id: string): Sym {
  const [c1, r3, c3, r5, c5, pp] = MODULES[id];
  const p = `inception_${id}`;
  return b.group(p, () => {
    const conv = (y: Sym, f: number, k: number, n: string): Sym =>
      b.conv2d(y, f, { kernelSize: k, padding: 'same', activation: 'relu', name: `${p}_${n}` });
    const branch1 = conv(x, c1, 1, '1x1');
    const branch3 = conv(conv(x, r3, 1, '3x3_reduce'), c3, 3, '3x3');
    const branch5 = conv(conv(x, r5, 1, '5x5_reduce'), c5, 5, '5x5');
    const pool = b.maxPool(x, 3, { strides: 1, padding: 'same', name: `${p}_pool` });
    const branchPool = conv(pool, pp, 1, 'pool_proj');
    return b.concatenate([branch1, branch3, branch5, branchPool], `${p}_output`);
  }, `inception (${id})`);
}

export function googlenet(): ModelSpec {
  const b = new ModelBuilder('googlenet');
  let x = b.input([224, 224, 3], 'input');
  x = b.group('stem', () => {
    let y = b.conv2d(x, 64, { kernelSize: 7, strides: 2, padding: 'same', activation: 'relu', name: 'conv1_7x7_s2' });
    y = b.maxPool(y, 3, { strides: 2, padding: 'same', name: 'pool1_3x3_s2' });
    y = b.lrn(y, { name: 'pool1_norm1' });
    y = b.conv2d(y, 64, { kernelSize: 1, padding: 'same', activation: 'relu', name: 'conv2_3x3_reduce' });
    y = b.conv2d(y, 192, { kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2_3x3' });
    y = b.lrn(y, { name: 'conv2_norm2' });
    return b.maxPool(y, 3, { strides: 2, padding: 'same', name: 'pool2_3x3_s2' });
  });
  x = inception(b, x, '3a');
  x = inception(b, x, '3b');
  x = b.maxPool(x, 3, { strides: 2, padding: 'same', name: 'pool3_3x3_s2' });
  for (const id of ['4a', '4b', '4c', '4d', '4e']) x = inception(b, x, id);
  x = b.maxPool(x, 3, { strides: 2, padding: 'same', name: 'pool4_3x3_s2' });
  x = inception(b, x, '5a');
  x = inception(b, x, '5b');
  x = b.group('classifier', () => {
    let y = b.avgPool(x, 7, { strides: 1, name: 'pool5_7x7_s1' });
    y = b.dropout(y, 0.4, 'pool5_drop_7x7_s1');
    y = b.flatten(y, 'flatten');
    return b.dense(y, 1000, { activation: 'softmax', name: 'predictions' });
  });
  return b.build([x], 'caffe');
}
