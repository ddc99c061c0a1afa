// EfficientNet B0-B7 as Keras Applications builds them with ImageNet weights: the model rescales its
// own input (Rescaling 1/255, an adapted Normalization with 7 non-trainable weights, Rescaling by
// 1/sqrt(stddev)), then MBConv blocks with squeeze-and-excitation and swish, named block1a ... block7x.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';
import { correctPad } from './pad';

/** Keras' DEFAULT_BLOCKS_ARGS: [kernel, repeats, filters in, filters out, expansion, stride] (SE ratio 0.25). */
const STAGES: [number, number, number, number, number, number][] = [
  [3, 1, 32, 16, 1, 1],
  [3, 2, 16, 24, 6, 2],
  [5, 2, 24, 40, 6, 2],
  [3, 3, 40, 80, 6, 2],
  [5, 3, 80, 112, 6, 1],
  [5, 4, 112, 192, 6, 2],
  [3, 1, 192, 320, 6, 1],
];
const SE_RATIO = 0.25;
const DROP_CONNECT = 0.2;
const IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225];

/** [width coefficient, depth coefficient, resolution, top dropout] of B0..B7. */
const VARIANTS: [number, number, number, number][] = [
  [1.0, 1.0, 224, 0.2], [1.0, 1.1, 240, 0.2], [1.1, 1.2, 260, 0.3], [1.2, 1.4, 300, 0.3],
  [1.4, 1.8, 380, 0.4], [1.6, 2.2, 456, 0.4], [1.8, 2.6, 528, 0.5], [2.0, 3.1, 600, 0.5],
];

interface T { x: Sym; size: number }

interface BlockArgs { kernel: number; stride: number; fin: number; fout: number; expand: number; dropRate: number }

/** Keras' block(): expand 1x1, depthwise (padded when strided), SE, project 1x1, [drop, add]. */
function mbconv(b: ModelBuilder, t: T, a: BlockArgs, name: string): T {
  return b.group(name, () => {
    const p = `${name}_`;
    const filters = a.fin * a.expand;
    let x = t.x;
    if (a.expand !== 1) {
      x = b.conv2d(x, filters, { kernelSize: 1, padding: 'same', useBias: false, name: `${p}expand_conv` });
      x = b.batchNorm(x, { name: `${p}expand_bn` });
      x = b.activation(x, 'swish', `${p}expand_activation`);
    }
    if (a.stride === 2) x = b.zeroPad(x, correctPad(t.size, a.kernel), `${p}dwconv_pad`);
    x = b.depthwiseConv2d(x, { kernelSize: a.kernel, strides: a.stride, padding: a.stride === 2 ? 'valid' : 'same', useBias: false, name: `${p}dwconv` });
    x = b.batchNorm(x, { name: `${p}bn` });
    x = b.activation(x, 'swish', `${p}activation`);
    let se = b.globalAvgPool(x, `${p}se_squeeze`);
    se = b.reshape(se, [1, 1, filters], `${p}se_reshape`);
    se = b.conv2d(se, Math.max(1, Math.floor(a.fin * SE_RATIO)), { kernelSize: 1, padding: 'same', activation: 'swish', name: `${p}se_reduce` });
    se = b.conv2d(se, filters, { kernelSize: 1, padding: 'same', activation: 'sigmoid', name: `${p}se_expand` });
    x = b.multiply([x, se], `${p}se_excite`);
    x = b.conv2d(x, a.fout, { kernelSize: 1, padding: 'same', useBias: false, name: `${p}project_conv` });
    x = b.batchNorm(x, { name: `${p}project_bn` });
    if (a.stride === 1 && a.fin === a.fout) {
      if (a.dropRate > 0) x = b.layer('Dropout', { rate: a.dropRate, noise_shape: [null, 1, 1, 1] }, [x], `${p}drop`);
      x = b.add([x, t.x], `${p}add`);
    }
    return { x, size: Math.ceil(t.size / a.stride) };
  });
}

function efficientnet(variant: number): ModelSpec {
  const [width, depth, res, dropout] = VARIANTS[variant];
  const roundFilters = (f: number): number => {
    const scaled = f * width;
    let n = Math.max(8, Math.floor((scaled + 4) / 8) * 8);
    if (n < 0.9 * scaled) n += 8;
    return n;
  };
  const roundRepeats = (r: number): number => Math.ceil(depth * r);
  const b = new ModelBuilder(`efficientnetb${variant}`);
  const input = b.input([res, res, 3], 'input_1');
  let t: T = b.group('stem', () => {
    let x = b.layer('Rescaling', { scale: 1 / 255, offset: 0 }, [input]);
    x = b.layer('Normalization', { axis: 3, mean: null, variance: null, invert: false }, [x]);
    x = b.layer('Rescaling', { scale: IMAGENET_STDDEV_RGB.map((s) => 1 / Math.sqrt(s)), offset: 0 }, [x]);
    x = b.zeroPad(x, correctPad(res, 3), 'stem_conv_pad');
    x = b.conv2d(x, roundFilters(32), { kernelSize: 3, strides: 2, useBias: false, name: 'stem_conv' });
    x = b.batchNorm(x, { name: 'stem_bn' });
    return { x: b.activation(x, 'swish', 'stem_activation'), size: Math.ceil(res / 2) };
  });
  const total = STAGES.reduce((s, st) => s + roundRepeats(st[1]), 0);
  let done = 0;
  STAGES.forEach(([kernel, repeats, fin, fout, expand, stride], i) => {
    for (let j = 0; j < roundRepeats(repeats); j++) {
      const args: BlockArgs = {
        kernel, expand, fout: roundFilters(fout), stride: j === 0 ? stride : 1,
        fin: j === 0 ? roundFilters(fin) : roundFilters(fout), dropRate: (DROP_CONNECT * done) / total,
      };
      t = mbconv(b, t, args, `block${i + 1}${String.fromCharCode(97 + j)}`);
      done++;
    }
  });
  const out = b.group('top', () => {
    let x = b.conv2d(t.x, roundFilters(1280), { kernelSize: 1, padding: 'same', useBias: false, name: 'top_conv' });
    x = b.batchNorm(x, { name: 'top_bn' });
    x = b.activation(x, 'swish', 'top_activation');
    x = b.globalAvgPool(x, 'avg_pool');
    x = b.dropout(x, dropout, 'top_dropout');
    return b.dense(x, 1000, { activation: 'softmax', name: 'predictions' });
  });
  return b.build([out], 'none');
}

export const efficientnetb0 = (): ModelSpec => efficientnet(0);
export const efficientnetb1 = (): ModelSpec => efficientnet(1);
export const efficientnetb2 = (): ModelSpec => efficientnet(2);
export const efficientnetb3 = (): ModelSpec => efficientnet(3);
export const efficientnetb4 = (): ModelSpec => efficientnet(4);
export const efficientnetb5 = (): ModelSpec => efficientnet(5);
export const efficientnetb6 = (): ModelSpec => efficientnet(6);
export const efficientnetb7 = (): ModelSpec => efficientnet(7);
