// LeNet-5 (LeCun et al., 1998) on 32x32 grayscale: tanh, average pooling, and C3 fully connected
// to all six S2 maps (the paper's sparse C3 table is a detail Keras re-implementations drop): 61,706 params.
import { ModelBuilder } from '../ir/builder';
import { ModelSpec } from '../ir/types';

export function lenet5(): ModelSpec {
  const b = new ModelBuilder('lenet5');
  let x = b.input([32, 32, 1], 'input');
  x = b.conv2d(x, 6, { kernelSize: 5, activation: 'tanh', name: 'c1' });
  x = b.avgPool(x, 2, { name: 's2' });
  x = b.conv2d(x, 16, { kernelSize: 5, activation: 'tanh', name: 'c3' });
  x = b.avgPool(x, 2, { name: 's4' });
  x = b.conv2d(x, 120, { kernelSize: 5, activation: 'tanh', name: 'c5' });
  x = b.flatten(x, 'flatten');
  x = b.dense(x, 84, { activation: 'tanh', name: 'f6' });
  x = b.dense(x, 10, { activation: 'softmax', name: 'predictions' });
  return b.build([x], 'grayscale01');
}
