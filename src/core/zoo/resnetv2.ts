// ResNet v2 (pre-activation) as Keras Applications builds ResNet50V2/101V2/152V2: BN + ReLU before
// each block's convs, the stride on the 3x3 of a stage's LAST block (an unnamed 1x1 max pool
// carries the identity shortcut there), biased conv1 and shortcut convs, post_bn/post_relu at the end.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

const BN_EPS = 1.001e-5;

function block(b: ModelBuilder, x: Sym, filters: number, stride: number, convShortcut: boolean, name: string): Sym {
  return b.group(name, () => {
    let pre = b.batchNorm(x, { epsilon: BN_EPS, name: `${name}_preact_bn` });
    pre = b.activation(pre, 'relu', `${name}_preact_relu`);
    let shortcut = x;
    if (convShortcut) shortcut = b.conv2d(pre, 4 * filters, { kernelSize: 1, strides: stride, name: `${name}_0_conv` });
    else if (stride > 1) shortcut = b.maxPool(x, 1, { strides: stride }); // Keras leaves it unnamed
    let y = b.conv2d(pre, filters, { kernelSize: 1, useBias: false, name: `${name}_1_conv` });
    y = b.batchNorm(y, { epsilon: BN_EPS, name: `${name}_1_bn` });
    y = b.activation(y, 'relu', `${name}_1_relu`);
    y = b.zeroPad(y, [[1, 1], [1, 1]], `${name}_2_pad`);
    y = b.conv2d(y, filters, { kernelSize: 3, strides: stride, useBias: false, name: `${name}_2_conv` });
    y = b.batchNorm(y, { epsilon: BN_EPS, name: `${name}_2_bn` });
    y = b.activation(y, 'relu', `${name}_2_relu`);
    y = b.conv2d(y, 4 * filters, { kernelSize: 1, name: `${name}_3_conv` });
    return b.add([shortcut, y], `${name}_out`);
  });
}

/** Keras' stack_residual_blocks_v2: projection on block 1, the stage's stride on its last block. */
function stack(b: ModelBuilder, x: Sym, filters: number, blocks: number, stride: number, name: string): Sym {
  return b.group(name, () => {
    let y = block(b, x, filters, 1, true, `${name}_block1`);
    for (let i = 2; i < blocks; i++) y = block(b, y, filters, 1, false, `${name}_block${i}`);
    return block(b, y, filters, stride, false, `${name}_block${blocks}`);
  });
}

function resnetV2(name: string, blocks: [number, number, number, number]): ModelSpec {
  const b = new ModelBuilder(name);
  let x = b.input([224, 224, 3], 'input_1');
  x = b.group('conv1', () => {
    let y = b.zeroPad(x, [[3, 3], [3, 3]], 'conv1_pad');
    y = b.conv2d(y, 64, { kernelSize: 7, strides: 2, name: 'conv1_conv' });
    y = b.zeroPad(y, [[1, 1], [1, 1]], 'pool1_pad');
    return b.maxPool(y, 3, { strides: 2, name: 'pool1_pool' });
  }, 'stem (conv1, pool1)');
  x = stack(b, x, 64, blocks[0], 2, 'conv2');
  x = stack(b, x, 128, blocks[1], 2, 'conv3');
  x = stack(b, x, 256, blocks[2], 2, 'conv4');
  x = stack(b, x, 512, blocks[3], 1, 'conv5');
  x = b.group('head', () => {
    let y = b.batchNorm(x, { epsilon: BN_EPS, name: 'post_bn' });
    y = b.activation(y, 'relu', 'post_relu');
    y = b.globalAvgPool(y, 'avg_pool');
    return b.dense(y, 1000, { activation: 'softmax', name: 'predictions' });
  });
  return b.build([x], 'tf');
}

export const resnet50v2 = (): ModelSpec => resnetV2('resnet50v2', [3, 4, 6, 3]);
export const resnet101v2 = (): ModelSpec => resnetV2('resnet101v2', [3, 4, 23, 3]);
export const resnet152v2 = (): ModelSpec => resnetV2('resnet152v2', [3, 8, 36, 3]);
