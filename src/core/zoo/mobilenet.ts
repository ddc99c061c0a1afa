// MobileNet v1 (alpha 1, depth multiplier 1) as Keras Applications builds it: 4,253,864 params.
// The classifier uses Keras' older GAP + Reshape form, since tfjs' GAP has no keepdims.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

/** [pointwise filters, stride] of depthwise-separable blocks 1..13. */
const BLOCKS: [number, number][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

function dwBlock(b: ModelBuilder, x: Sym, filters: number, stride: number, id: number): Sym {
  return b.group(`block_${id}`, () => {
    let y = stride === 1 ? x : b.zeroPad(x, [[0, 1], [0, 1]], `conv_pad_${id}`);
    y = b.depthwiseConv2d(y, { kernelSize: 3, strides: stride, padding: stride === 1 ? 'same' : 'valid', useBias: false, name: `conv_dw_${id}` });
    y = b.batchNorm(y, { name: `conv_dw_${id}_bn` });
    y = b.relu(y, { maxValue: 6, name: `conv_dw_${id}_relu` });
    y = b.conv2d(y, filters, { kernelSize: 1, padding: 'same', useBias: false, name: `conv_pw_${id}` });
    y = b.batchNorm(y, { name: `conv_pw_${id}_bn` });
    return b.relu(y, { maxValue: 6, name: `conv_pw_${id}_relu` });
  });
}

export function mobilenet(): ModelSpec {
  const b = new ModelBuilder('mobilenet');
  let x = b.input([224, 224, 3], 'input_1');
  x = b.group('conv1', () => {
    let y = b.conv2d(x, 32, { kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv1' });
    y = b.batchNorm(y, { name: 'conv1_bn' });
    return b.relu(y, { maxValue: 6, name: 'conv1_relu' });
  });
  BLOCKS.forEach(([f, s], i) => { x = dwBlock(b, x, f, s, i + 1); });
  x = b.group('classifier', () => {
    let y = b.globalAvgPool(x, 'global_average_pooling2d');
    y = b.reshape(y, [1, 1, 1024], 'reshape_1');
    y = b.dropout(y, 1e-3, 'dropout');
    y = b.conv2d(y, 1000, { kernelSize: 1, padding: 'same', name: 'conv_preds' });
    y = b.reshape(y, [1000], 'reshape_2');
    return b.activation(y, 'softmax', 'predictions');
  });
  return b.build([x], 'tf');
}
