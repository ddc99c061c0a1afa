// VGG-16 and VGG-19 exactly as Keras Applications builds them (include_top=True).
import { ModelBuilder } from '../ir/builder';
import { ModelSpec } from '../ir/types';

function vgg(name: string, convsPerBlock: number[]): ModelSpec {
  const b = new ModelBuilder(name);
  let x = b.input([224, 224, 3], 'input_1');
  const filters = [64, 128, 256, 512, 512];
  convsPerBlock.forEach((n, i) => {
    const block = `block${i + 1}`;
    x = b.group(block, () => {
      let y = x;
      for (let j = 1; j <= n; j++) {
        y = b.conv2d(y, filters[i], { kernelSize: 3, padding: 'same', activation: 'relu', name: `${block}_conv${j}` });
      }
      return b.maxPool(y, 2, { strides: 2, name: `${block}_pool` });
    });
  });
  x = b.group('classifier', () => {
    let y = b.flatten(x, 'flatten');
    y = b.dense(y, 4096, { activation: 'relu', name: 'fc1' });
    y = b.dense(y, 4096, { activation: 'relu', name: 'fc2' });
    return b.dense(y, 1000, { activation: 'softmax', name: 'predictions' });
  });
  return b.build([x], 'caffe');
}

export const vgg16 = (): ModelSpec => vgg('vgg16', [2, 2, 3, 3, 3]);
export const vgg19 = (): ModelSpec => vgg('vgg19', [2, 2, 4, 4, 4]);
