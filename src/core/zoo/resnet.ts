// ResNets. The bottleneck ResNet-50/101/152 follow Keras Applications' ResNet v1 exactly (layer
// names conv1_pad ... predictions, biased convs, stride on the first 1x1). ResNet-18/34 use basic
// blocks with bias-free convs + BN and a 1x1 projection shortcut where the stride is 2, as in the
// textbook's ResidualUnit and torchvision; plain-34 is ResNet-34 with the shortcuts removed.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

const BN_EPS = 1.001e-5; // Keras Applications' ResNet epsilon

/** A hook applied to a block's residual branch before the add (SE-ResNet uses it). */
export type BranchHook = (b: ModelBuilder, branch: Sym, channels: number, block: string) => Sym;

function stem(b: ModelBuilder, x: Sym, bias: boolean): Sym {
  return b.group('conv1', () => {
    let y = b.zeroPad(x, [[3, 3], [3, 3]], 'conv1_pad');
    y = b.conv2d(y, 64, { kernelSize: 7, strides: 2, useBias: bias, name: 'conv1_conv' });
    y = b.batchNorm(y, { epsilon: BN_EPS, name: 'conv1_bn' });
    y = b.activation(y, 'relu', 'conv1_relu');
    y = b.zeroPad(y, [[1, 1], [1, 1]], 'pool1_pad');
    return b.maxPool(y, 3, { strides: 2, name: 'pool1_pool' });
  }, 'stem (conv1, pool1)');
}

function head(b: ModelBuilder, x: Sym): Sym {
  return b.group('head', () => {
    const y = b.globalAvgPool(x, 'avg_pool');
    return b.dense(y, 1000, { activation: 'softmax', name: 'predictions' });
  });
}

/** Keras' block1: 1x1 (stride) -> 3x3 -> 1x1 x4, projection shortcut on the first block of a stage. */
function bottleneck(b: ModelBuilder, x: Sym, filters: number, stride: number, project: boolean, name: string, hook?: BranchHook): Sym {
  return b.group(name, () => {
    let shortcut = x;
    if (project) {
      shortcut = b.conv2d(x, 4 * filters, { kernelSize: 1, strides: stride, name: `${name}_0_conv` });
      shortcut = b.batchNorm(shortcut, { epsilon: BN_EPS, name: `${name}_0_bn` });
    }
    let y = b.conv2d(x, filters, { kernelSize: 1, strides: stride, name: `${name}_1_conv` });
    y = b.batchNorm(y, { epsilon: BN_EPS, name: `${name}_1_bn` });
    y = b.activation(y, 'relu', `${name}_1_relu`);
    y = b.conv2d(y, filters, { kernelSize: 3, padding: 'same', name: `${name}_2_conv` });
    y = b.batchNorm(y, { epsilon: BN_EPS, name: `${name}_2_bn` });
    y = b.activation(y, 'relu', `${name}_2_relu`);
    y = b.conv2d(y, 4 * filters, { kernelSize: 1, name: `${name}_3_conv` });
    y = b.batchNorm(y, { epsilon: BN_EPS, name: `${name}_3_bn` });
    if (hook) y = hook(b, y, 4 * filters, name);
    y = b.add([shortcut, y], `${name}_add`);
    return b.activation(y, 'relu', `${name}_out`);
  });
}

/** Basic block: 3x3 (stride) -> 3x3, bias-free convs, 1x1 projection when the stride is 2. */
function basic(b: ModelBuilder, x: Sym, filters: number, stride: number, name: string, residual: boolean): Sym {
  return b.group(name, () => {
    let y = b.conv2d(x, filters, { kernelSize: 3, strides: stride, padding: 'same', useBias: false, name: `${name}_1_conv` });
    y = b.batchNorm(y, { epsilon: BN_EPS, name: `${name}_1_bn` });
    y = b.activation(y, 'relu', `${name}_1_relu`);
    y = b.conv2d(y, filters, { kernelSize: 3, padding: 'same', useBias: false, name: `${name}_2_conv` });
    y = b.batchNorm(y, { epsilon: BN_EPS, name: `${name}_2_bn` });
    if (residual) {
      let shortcut = x;
      if (stride > 1) {
        shortcut = b.conv2d(x, filters, { kernelSize: 1, strides: stride, useBias: false, name: `${name}_0_conv` });
        shortcut = b.batchNorm(shortcut, { epsilon: BN_EPS, name: `${name}_0_bn` });
      }
      y = b.add([shortcut, y], `${name}_add`);
    }
    return b.activation(y, 'relu', `${name}_out`);
  });
}

const STAGE_FILTERS = [64, 128, 256, 512];

/** Keras ResNet v1 with bottleneck blocks; `hook` lets SE-ResNet reuse it unchanged. */
export function bottleneckResNet(name: string, blocks: number[], hook?: BranchHook): ModelSpec {
  const b = new ModelBuilder(name);
  let x = stem(b, b.input([224, 224, 3], 'input_1'), true);
  blocks.forEach((n, s) => {
    const stage = `conv${s + 2}`;
    x = b.group(stage, () => {
      let y = x;
      for (let i = 1; i <= n; i++) {
        y = bottleneck(b, y, STAGE_FILTERS[s], i === 1 && s > 0 ? 2 : 1, i === 1, `${stage}_block${i}`, hook);
      }
      return y;
    });
  });
  return b.build([head(b, x)], 'caffe');
}

function basicResNet(name: string, blocks: number[], residual: boolean): ModelSpec {
  const b = new ModelBuilder(name);
  let x = stem(b, b.input([224, 224, 3], 'input_1'), false);
  blocks.forEach((n, s) => {
    const stage = `conv${s + 2}`;
    x = b.group(stage, () => {
      let y = x;
      for (let i = 1; i <= n; i++) {
        y = basic(b, y, STAGE_FILTERS[s], i === 1 && s > 0 ? 2 : 1, `${stage}_block${i}`, residual);
      }
      return y;
    });
  });
  return b.build([head(b, x)], 'torch');
}

export const resnet18 = (): ModelSpec => basicResNet('resnet18', [2, 2, 2, 2], true);
export const resnet34 = (): ModelSpec => basicResNet('resnet34', [3, 4, 6, 3], true);
export const plain34 = (): ModelSpec => basicResNet('plain34', [3, 4, 6, 3], false);
export const resnet50 = (): ModelSpec => bottleneckResNet('resnet50', [3, 4, 6, 3]);
export const resnet101 = (): ModelSpec => bottleneckResNet('resnet101', [3, 4, 23, 3]);
export const resnet152 = (): ModelSpec => bottleneckResNet('resnet152', [3, 8, 36, 3]);
