// MobileNet v2 (alpha 1.0, 224x224x3) as Keras Applications builds MobileNetV2: inverted residual
// blocks (1x1 expand, 3x3 depthwise, linear 1x1 project), ReLU6, BN momentum 0.999, 3,538,984 params.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';
import { correctPad } from './pad';

const BN = { epsilon: 1e-3, momentum: 0.999 };

/** [filters, stride, expansion] of blocks 0..16. */
const BLOCKS: [number, number, number][] = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

interface Tensor { x: Sym; size: number; channels: number }

function invertedResidual(b: ModelBuilder, t: Tensor, filters: number, stride: number, expansion: number, id: number): Tensor {
  return b.group(`block_${id}`, () => {
    const prefix = id === 0 ? 'expanded_conv_' : `block_${id}_`;
    let x = t.x;
    if (id > 0) {
      x = b.conv2d(x, expansion * t.channels, { kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}expand` });
      x = b.batchNorm(x, { ...BN, name: `${prefix}expand_BN` });
      x = b.relu(x, { maxValue: 6, name: `${prefix}expand_relu` });
    }
    if (stride === 2) x = b.zeroPad(x, correctPad(t.size, 3), `${prefix}pad`);
    x = b.depthwiseConv2d(x, { kernelSize: 3, strides: stride, useBias: false, padding: stride === 1 ? 'same' : 'valid', name: `${prefix}depthwise` });
    x = b.batchNorm(x, { ...BN, name: `${prefix}depthwise_BN` });
    x = b.relu(x, { maxValue: 6, name: `${prefix}depthwise_relu` });
    x = b.conv2d(x, filters, { kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}project` });
    x = b.batchNorm(x, { ...BN, name: `${prefix}project_BN` });
    if (t.channels === filters && stride === 1) x = b.add([t.x, x], `${prefix}add`);
    return { x, size: Math.ceil(t.size / stride), channels: filters };
  });
}

export function mobilenetv2(): ModelSpec {
  const b = new ModelBuilder('mobilenetv2_1.00_224');
  const input = b.input([224, 224, 3], 'input_1');
  let t: Tensor = b.group('Conv1', () => {
    let x = b.conv2d(input, 32, { kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'Conv1' });
    x = b.batchNorm(x, { ...BN, name: 'bn_Conv1' });
    return { x: b.relu(x, { maxValue: 6, name: 'Conv1_relu' }), size: 112, channels: 32 };
  });
  BLOCKS.forEach(([f, s, e], id) => { t = invertedResidual(b, t, f, s, e, id); });
  const out = b.group('head', () => {
    let x = b.conv2d(t.x, 1280, { kernelSize: 1, useBias: false, name: 'Conv_1' });
    x = b.batchNorm(x, { ...BN, name: 'Conv_1_bn' });
    x = b.relu(x, { maxValue: 6, name: 'out_relu' });
    return b.dense(b.globalAvgPool(x), 1000, { activation: 'softmax', name: 'predictions' });
  });
  return b.build([out], 'tf');
}
