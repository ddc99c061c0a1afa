// MobileNet v3 Small and Large (alpha 1.0, 224x224x3, include_preprocessing) as Keras Applications
// builds them: the model rescales its own input to [-1, 1]; hard_swish is an Activation layer;
// the squeeze-excite gate is Keras' hard_sigmoid, ReLU(6)(x + 3) * (1/6), whose two constant ops
// Keras 3 names add/multiply (add_1, ...): here they are Rescaling layers with those names
// (offset 3, then scale 1/6), the same arithmetic in layers tfjs and every importer know.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';
import { correctPad } from './pad';

const BN = { epsilon: 1e-3, momentum: 0.999 };
const SE_RATIO = 0.25;

/** Keras' _depth: round to a multiple of 8, never more than 10% down. */
function depth(v: number): number {
  let n = Math.max(8, Math.floor((v + 4) / 8) * 8);
  if (n < 0.9 * v) n += 8;
  return n;
}

type Act = 'relu' | 'hard_swish';

/** [expansion, filters, kernel, stride, squeeze-excite, activation] of each inverted residual block. */
type Spec = [number, number, number, number, boolean, Act];
const SMALL: Spec[] = [
  [1, 16, 3, 2, true, 'relu'], [72 / 16, 24, 3, 2, false, 'relu'], [88 / 24, 24, 3, 1, false, 'relu'],
  [4, 40, 5, 2, true, 'hard_swish'], [6, 40, 5, 1, true, 'hard_swish'], [6, 40, 5, 1, true, 'hard_swish'],
  [3, 48, 5, 1, true, 'hard_swish'], [3, 48, 5, 1, true, 'hard_swish'],
  [6, 96, 5, 2, true, 'hard_swish'], [6, 96, 5, 1, true, 'hard_swish'], [6, 96, 5, 1, true, 'hard_swish'],
];
const LARGE: Spec[] = [
  [1, 16, 3, 1, false, 'relu'], [4, 24, 3, 2, false, 'relu'], [3, 24, 3, 1, false, 'relu'],
  [3, 40, 5, 2, true, 'relu'], [3, 40, 5, 1, true, 'relu'], [3, 40, 5, 1, true, 'relu'],
  [6, 80, 3, 2, false, 'hard_swish'], [2.5, 80, 3, 1, false, 'hard_swish'], [2.3, 80, 3, 1, false, 'hard_swish'],
  [2.3, 80, 3, 1, false, 'hard_swish'], [6, 112, 3, 1, true, 'hard_swish'], [6, 112, 3, 1, true, 'hard_swish'],
  [6, 160, 5, 2, true, 'hard_swish'], [6, 160, 5, 1, true, 'hard_swish'], [6, 160, 5, 1, true, 'hard_swish'],
];

interface T { x: Sym; size: number; c: number }

/** Keras' relu() is an unnamed ReLU layer, hard_swish() an unnamed Activation layer. */
const act = (b: ModelBuilder, x: Sym, a: Act): Sym => (a === 'relu' ? b.relu(x) : b.activation(x, 'hard_swish'));

function hardSigmoid(b: ModelBuilder, x: Sym): Sym {
  const shifted = b.layer('Rescaling', { scale: 1, offset: 3 }, [x], b.autoLayerName('add'));
  const clipped = b.relu(shifted, { maxValue: 6 });
  return b.layer('Rescaling', { scale: 1 / 6, offset: 0 }, [clipped], b.autoLayerName('multiply'));
}

function seBlock(b: ModelBuilder, x: Sym, filters: number, prefix: string): Sym {
  let s = b.layer('GlobalAveragePooling2D', { data_format: 'channels_last', keepdims: true }, [x], `${prefix}squeeze_excite_avg_pool`);
  s = b.conv2d(s, depth(filters * SE_RATIO), { kernelSize: 1, padding: 'same', name: `${prefix}squeeze_excite_conv` });
  s = b.relu(s, { name: `${prefix}squeeze_excite_relu` });
  s = b.conv2d(s, filters, { kernelSize: 1, padding: 'same', name: `${prefix}squeeze_excite_conv_1` });
  return b.multiply([x, hardSigmoid(b, s)], `${prefix}squeeze_excite_mul`);
}

function invertedResidual(b: ModelBuilder, t: T, [expansion, filters, kernel, stride, se, a]: Spec, id: number): T {
  const prefix = id === 0 ? 'expanded_conv_' : `expanded_conv_${id}_`;
  return b.group(prefix.slice(0, -1), () => {
    const width = depth(t.c * expansion);
    let x = t.x;
    if (id > 0) {
      x = b.conv2d(x, width, { kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}expand` });
      x = act(b, b.batchNorm(x, { ...BN, name: `${prefix}expand_bn` }), a);
    }
    if (stride === 2) x = b.zeroPad(x, correctPad(t.size, kernel), `${prefix}depthwise_pad`);
    x = b.depthwiseConv2d(x, { kernelSize: kernel, strides: stride, padding: stride === 1 ? 'same' : 'valid', useBias: false, name: `${prefix}depthwise` });
    x = act(b, b.batchNorm(x, { ...BN, name: `${prefix}depthwise_bn` }), a);
    if (se) x = seBlock(b, x, width, prefix);
    x = b.conv2d(x, filters, { kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}project` });
    x = b.batchNorm(x, { ...BN, name: `${prefix}project_bn` });
    if (stride === 1 && t.c === filters) x = b.add([t.x, x], `${prefix}add`);
    return { x, size: Math.ceil(t.size / stride), c: filters };
  });
}

function mobilenetV3(name: string, blocks: Spec[], lastPoint: number): ModelSpec {
  const b = new ModelBuilder(name);
  const input = b.input([224, 224, 3], 'input_1');
  let t: T = b.group('conv', () => {
    let x = b.layer('Rescaling', { scale: 1 / 127.5, offset: -1 }, [input]);
    x = b.conv2d(x, 16, { kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv' });
    x = b.batchNorm(x, { ...BN, name: 'conv_bn' });
    return { x: act(b, x, 'hard_swish'), size: 112, c: 16 };
  }, 'stem (conv)');
  blocks.forEach((spec, id) => { t = invertedResidual(b, t, spec, id); });
  const out = b.group('top', () => {
    let x = b.conv2d(t.x, depth(t.c * 6), { kernelSize: 1, padding: 'same', useBias: false, name: 'conv_1' });
    x = act(b, b.batchNorm(x, { ...BN, name: 'conv_1_bn' }), 'hard_swish');
    x = b.layer('GlobalAveragePooling2D', { data_format: 'channels_last', keepdims: true }, [x]);
    x = b.conv2d(x, lastPoint, { kernelSize: 1, padding: 'same', name: 'conv_2' });
    x = act(b, x, 'hard_swish');
    x = b.dropout(x, 0.2);
    x = b.conv2d(x, 1000, { kernelSize: 1, padding: 'same', name: 'logits' });
    return b.activation(b.flatten(x), 'softmax', 'predictions');
  });
  return b.build([out], 'none');
}

export const mobilenetv3small = (): ModelSpec => mobilenetV3('MobileNetV3Small', SMALL, 1024);
export const mobilenetv3large = (): ModelSpec => mobilenetV3('MobileNetV3Large', LARGE, 1280);
