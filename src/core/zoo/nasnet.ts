// NASNet-A Mobile (4 @ 1056, 224x224x3) as Keras Applications builds NASNetMobile: 5,326,716
// params. Cells are grouped as Keras' name scopes (normal_A_block_0, reduction_A_block_stem_1, ...);
// the many unnamed ReLUs, paddings, crops and concatenations get Keras' automatic names, so the
// layers are created here in exactly the order Keras creates them.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';
import { correctPad } from './pad';

const BN = { momentum: 0.9997, epsilon: 1e-3 };

/** A tensor with the spatial size and channel count the cell logic branches on. */
interface T { x: Sym; size: number; c: number }

/** Keras' _separable_conv_block: relu, [pad], sep conv (stride), BN, relu, sep conv, BN. */
function sepBlock(b: ModelBuilder, t: T, filters: number, kernel: number, stride: number, id: string): T {
  let x = b.activation(t.x, 'relu');
  if (stride === 2) x = b.zeroPad(x, correctPad(t.size, kernel), `separable_conv_1_pad_${id}`);
  x = b.separableConv2d(x, filters, { kernelSize: kernel, strides: stride, padding: stride === 2 ? 'valid' : 'same', useBias: false, name: `separable_conv_1_${id}` });
  x = b.batchNorm(x, { ...BN, name: `separable_conv_1_bn_${id}` });
  x = b.activation(x, 'relu');
  x = b.separableConv2d(x, filters, { kernelSize: kernel, padding: 'same', useBias: false, name: `separable_conv_2_${id}` });
  x = b.batchNorm(x, { ...BN, name: `separable_conv_2_bn_${id}` });
  return { x, size: Math.ceil(t.size / stride), c: filters };
}

/** Keras' _adjust_block: brings the previous cell's output `p` to the size and width of `ip`. */
function adjust(b: ModelBuilder, p: T | null, ip: T, filters: number, id: string): T {
  if (p === null) return ip;
  if (p.size !== ip.size) {
    const r = b.activation(p.x, 'relu', `adjust_relu_1_${id}`);
    let p1 = b.avgPool(r, 1, { strides: 2, name: `adjust_avg_pool_1_${id}` });
    p1 = b.conv2d(p1, Math.floor(filters / 2), { kernelSize: 1, padding: 'same', useBias: false, name: `adjust_conv_1_${id}` });
    let p2 = b.zeroPad(r, [[0, 1], [0, 1]]);
    p2 = b.layer('Cropping2D', { cropping: [[1, 0], [1, 0]], data_format: 'channels_last' }, [p2]);
    p2 = b.avgPool(p2, 1, { strides: 2, name: `adjust_avg_pool_2_${id}` });
    p2 = b.conv2d(p2, Math.floor(filters / 2), { kernelSize: 1, padding: 'same', useBias: false, name: `adjust_conv_2_${id}` });
    const x = b.batchNorm(b.concatenate([p1, p2]), { ...BN, name: `adjust_bn_${id}` });
    return { x, size: ip.size, c: 2 * Math.floor(filters / 2) };
  }
  if (p.c !== filters) {
    let x = b.activation(p.x, 'relu');
    x = b.conv2d(x, filters, { kernelSize: 1, padding: 'same', useBias: false, name: `adjust_conv_projection_${id}` });
    return { x: b.batchNorm(x, { ...BN, name: `adjust_bn_${id}` }), size: p.size, c: filters };
  }
  return p;
}

/** The cell's 1x1 squeeze of its input: relu, conv, BN. */
function squeeze(b: ModelBuilder, ip: T, filters: number, kind: 'normal' | 'reduction', id: string): T {
  let x = b.activation(ip.x, 'relu');
  x = b.conv2d(x, filters, { kernelSize: 1, padding: 'same', useBias: false, name: `${kind}_conv_1_${id}` });
  return { x: b.batchNorm(x, { ...BN, name: `${kind}_bn_1_${id}` }), size: ip.size, c: filters };
}

/** Normal cell: returns [output, this cell's input (the next cell's p)]. */
function normalCell(b: ModelBuilder, ip: T, prev: T | null, filters: number, id: string): [T, T] {
  return b.group(`normal_A_block_${id}`, () => {
    const p = adjust(b, prev, ip, filters, id);
    const h = squeeze(b, ip, filters, 'normal', id);
    const x1 = b.add([sepBlock(b, h, filters, 5, 1, `normal_left1_${id}`).x, sepBlock(b, p, filters, 3, 1, `normal_right1_${id}`).x], `normal_add_1_${id}`);
    const x2 = b.add([sepBlock(b, p, filters, 5, 1, `normal_left2_${id}`).x, sepBlock(b, p, filters, 3, 1, `normal_right2_${id}`).x], `normal_add_2_${id}`);
    const x3 = b.add([b.avgPool(h.x, 3, { strides: 1, padding: 'same', name: `normal_left3_${id}` }), p.x], `normal_add_3_${id}`);
    const x4 = b.add([
      b.avgPool(p.x, 3, { strides: 1, padding: 'same', name: `normal_left4_${id}` }),
      b.avgPool(p.x, 3, { strides: 1, padding: 'same', name: `normal_right4_${id}` }),
    ], `normal_add_4_${id}`);
    const x5 = b.add([sepBlock(b, h, filters, 3, 1, `normal_left5_${id}`).x, h.x], `normal_add_5_${id}`);
    const x = b.concatenate([p.x, x1, x2, x3, x4, x5], `normal_concat_${id}`);
    return [{ x, size: ip.size, c: p.c + 5 * filters }, ip];
  });
}

/** Reduction cell (stride 2): returns [output, this cell's input]. */
function reductionCell(b: ModelBuilder, ip: T, prev: T | null, filters: number, id: string): [T, T] {
  return b.group(`reduction_A_block_${id}`, () => {
    const p = adjust(b, prev, ip, filters, id);
    const h = squeeze(b, ip, filters, 'reduction', id);
    const h3 = b.zeroPad(h.x, correctPad(h.size, 3), `reduction_pad_1_${id}`);
    const x1 = b.add([sepBlock(b, h, filters, 5, 2, `reduction_left1_${id}`).x, sepBlock(b, p, filters, 7, 2, `reduction_right1_${id}`).x], `reduction_add_1_${id}`);
    const x2 = b.add([b.maxPool(h3, 3, { strides: 2, name: `reduction_left2_${id}` }), sepBlock(b, p, filters, 7, 2, `reduction_right2_${id}`).x], `reduction_add_2_${id}`);
    const x3 = b.add([b.avgPool(h3, 3, { strides: 2, name: `reduction_left3_${id}` }), sepBlock(b, p, filters, 5, 2, `reduction_right3_${id}`).x], `reduction_add3_${id}`);
    const size = Math.ceil(ip.size / 2);
    const x4 = b.add([x2, b.avgPool(x1, 3, { strides: 1, padding: 'same', name: `reduction_left4_${id}` })]);
    const x5 = b.add([
      sepBlock(b, { x: x1, size, c: filters }, filters, 3, 1, `reduction_left4_${id}`).x,
      b.maxPool(h3, 3, { strides: 2, name: `reduction_right5_${id}` }),
    ], `reduction_add4_${id}`);
    const x = b.concatenate([x2, x3, x4, x5], `reduction_concat_${id}`);
    return [{ x, size, c: 4 * filters }, ip];
  });
}

export function nasnetmobile(): ModelSpec {
  const b = new ModelBuilder('nasnet_mobile');
  const input = b.input([224, 224, 3], 'input_1');
  const blocks = 4;
  const filters = 1056 / 24;
  let x: T = b.group('stem', () => {
    const y = b.conv2d(input, 32, { kernelSize: 3, strides: 2, useBias: false, name: 'stem_conv1' });
    return { x: b.batchNorm(y, { ...BN, name: 'stem_bn1' }), size: 111, c: 32 };
  });
  let p: T | null = null;
  [x, p] = reductionCell(b, x, p, filters / 4, 'stem_1');
  [x, p] = reductionCell(b, x, p, filters / 2, 'stem_2');
  for (let i = 0; i < blocks; i++) [x, p] = normalCell(b, x, p, filters, `${i}`);
  [x, p] = reductionCell(b, x, p, filters * 2, `reduce_${blocks}`);
  for (let i = 0; i < blocks; i++) [x, p] = normalCell(b, x, p, filters * 2, `${blocks + i + 1}`);
  [x, p] = reductionCell(b, x, p, filters * 4, `reduce_${2 * blocks}`);
  for (let i = 0; i < blocks; i++) [x, p] = normalCell(b, x, p, filters * 4, `${2 * blocks + i + 1}`);
  const out = b.group('head', () => {
    const y = b.globalAvgPool(b.activation(x.x, 'relu'));
    return b.dense(y, 1000, { activation: 'softmax', name: 'predictions' });
  });
  return b.build([out], 'tf');
}
