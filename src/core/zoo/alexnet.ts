// AlexNet as torchvision builds it: the single-tower variant (64-192-384-256-256 filters, no LRN),
// 224x224x3 input, 61,100,840 params. Torchvision's padding is written as explicit ZeroPadding2D.
import { ModelBuilder } from '../ir/builder';
import { ModelSpec } from '../ir/types';

export function alexnet(): ModelSpec {
  const b = new ModelBuilder('alexnet');
  let x = b.input([224, 224, 3], 'input');
  x = b.group('features', () => {
    let y = b.zeroPad(x, [[2, 2], [2, 2]], 'conv1_pad');
    y = b.conv2d(y, 64, { kernelSize: 11, strides: 4, activation: 'relu', name: 'conv1' });
    y = b.maxPool(y, 3, { strides: 2, name: 'pool1' });
    y = b.zeroPad(y, [[2, 2], [2, 2]], 'conv2_pad');
    y = b.conv2d(y, 192, { kernelSize: 5, activation: 'relu', name: 'conv2' });
    y = b.maxPool(y, 3, { strides: 2, name: 'pool2' });
    y = b.conv2d(y, 384, { kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv3' });
    y = b.conv2d(y, 256, { kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv4' });
    y = b.conv2d(y, 256, { kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv5' });
    return b.maxPool(y, 3, { strides: 2, name: 'pool5' });
  });
  x = b.group('classifier', () => {
    let y = b.flatten(x, 'flatten');
    y = b.dropout(y, 0.5, 'dropout1');
    y = b.dense(y, 4096, { activation: 'relu', name: 'fc6' });
    y = b.dropout(y, 0.5, 'dropout2');
    y = b.dense(y, 4096, { activation: 'relu', name: 'fc7' });
    return b.dense(y, 1000, { activation: 'softmax', name: 'predictions' });
  });
  return b.build([x], 'torch');
}
