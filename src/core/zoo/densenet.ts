// DenseNet-121/169/201 as Keras Applications builds them (224x224x3, growth rate 32, compression
// 0.5): each conv block concatenates 32 new channels (BN-ReLU-1x1(128)-BN-ReLU-3x3(32)) onto its input.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

const EPS = 1.001e-5;
const GROWTH = 32;

function convBlock(b: ModelBuilder, x: Sym, name: string): Sym {
  return b.group(name, () => {
    let y = b.batchNorm(x, { epsilon: EPS, name: `${name}_0_bn` });
    y = b.activation(y, 'relu', `${name}_0_relu`);
    y = b.conv2d(y, 4 * GROWTH, { kernelSize: 1, useBias: false, name: `${name}_1_conv` });
    y = b.batchNorm(y, { epsilon: EPS, name: `${name}_1_bn` });
    y = b.activation(y, 'relu', `${name}_1_relu`);
    y = b.conv2d(y, GROWTH, { kernelSize: 3, padding: 'same', useBias: false, name: `${name}_2_conv` });
    return b.concatenate([x, y], `${name}_concat`);
  });
}

/** A dense block of `n` conv blocks on `channels` input channels; returns the output and its width. */
function denseBlock(b: ModelBuilder, x: Sym, channels: number, n: number, name: string): [Sym, number] {
  return b.group(name, () => {
    let y = x;
    for (let i = 1; i <= n; i++) y = convBlock(b, y, `${name}_block${i}`);
    return [y, channels + n * GROWTH];
  });
}

function transition(b: ModelBuilder, x: Sym, channels: number, name: string): [Sym, number] {
  return b.group(name, () => {
    let y = b.batchNorm(x, { epsilon: EPS, name: `${name}_bn` });
    y = b.activation(y, 'relu', `${name}_relu`);
    const out = Math.floor(channels * 0.5);
    y = b.conv2d(y, out, { kernelSize: 1, useBias: false, name: `${name}_conv` });
    return [b.avgPool(y, 2, { strides: 2, name: `${name}_pool` }), out];
  });
}

function densenet(name: string, blocks: [number, number, number, number]): ModelSpec {
  const b = new ModelBuilder(name);
  let x = b.input([224, 224, 3], 'input_1');
  x = b.group('conv1', () => {
    let y = b.zeroPad(x, [[3, 3], [3, 3]]);
    y = b.conv2d(y, 64, { kernelSize: 7, strides: 2, useBias: false, name: 'conv1_conv' });
    y = b.batchNorm(y, { epsilon: EPS, name: 'conv1_bn' });
    y = b.activation(y, 'relu', 'conv1_relu');
    y = b.zeroPad(y, [[1, 1], [1, 1]]);
    return b.maxPool(y, 3, { strides: 2, name: 'pool1' });
  }, 'stem (conv1, pool1)');
  let c = 64;
  [x, c] = denseBlock(b, x, c, blocks[0], 'conv2');
  [x, c] = transition(b, x, c, 'pool2');
  [x, c] = denseBlock(b, x, c, blocks[1], 'conv3');
  [x, c] = transition(b, x, c, 'pool3');
  [x, c] = denseBlock(b, x, c, blocks[2], 'conv4');
  [x, c] = transition(b, x, c, 'pool4');
  [x] = denseBlock(b, x, c, blocks[3], 'conv5');
  x = b.group('head', () => {
    let y = b.batchNorm(x, { epsilon: EPS, name: 'bn' });
    y = b.activation(y, 'relu', 'relu');
    return b.dense(b.globalAvgPool(y, 'avg_pool'), 1000, { activation: 'softmax', name: 'predictions' });
  });
  return b.build([x], 'torch');
}

export const densenet121 = (): ModelSpec => densenet('densenet121', [6, 12, 24, 16]);
export const densenet169 = (): ModelSpec => densenet('densenet169', [6, 12, 32, 32]);
export const densenet201 = (): ModelSpec => densenet('densenet201', [6, 12, 48, 32]);
