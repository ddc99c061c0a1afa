// Keras' pooling layers (keras/src/layers/pooling): max and average, 2-D and 1-D, windowed and global.
import { elements, intPair } from '../analysis/config';
import { attr } from '../engines/ort/lowering/attr';
import { identity } from '../engines/ort/lowering/perm';
import { KerasLowering, LayerKind, LayerKinds, one } from './kind';
import { imagePerm, onnxIntOne, out, window1d, windowAttrs } from './lowering';
import { convWindow, image, imageShape, intOne, poolStrides, sequence, sequenceShape, slide1d, windowShape } from './spatial';

const pool = (op: 'MaxPool' | 'AveragePool'): LayerKind => ({
  category: 'pool',
  shape: (r) => windowShape({ ...r, cfg: poolStrides(r) }, 'pool_size', (img) => img.c),
  // One compare (max) or add (average) per window element, per output element.
  ops: (r, out) => {
    const [ph, pw] = intPair(r.name, r.cfg, 'pool_size');
    return elements(r.name, out) * ph * pw;
  },
  window: (r) => convWindow({ ...r, cfg: poolStrides(r) }, 'pool_size'),
  lowering: {
    lower: (r) => {
      const perm = imagePerm(r);
      const x = r.g.layout(r.inputs[0], perm);
      // Keras: strides=None means strides = pool_size. Average pooling with "same" padding divides
      // by the pixels inside the image (TensorFlow), which is ONNX's count_include_pad=0.
      const strides = r.cfg.strides === null || r.cfg.strides === undefined ? { strides: r.cfg.pool_size } : r.cfg;
      const y = r.g.node(r.name, r.name, op, [x.name], windowAttrs(r, 'pool_size', strides, false));
      return out(r, y, perm);
    },
  },
});

const globalPoolLowering = (op: 'GlobalMaxPool' | 'GlobalAveragePool'): KerasLowering => ({
  lower: (r) => {
    const perm = imagePerm(r);
    const x = r.g.layout(r.inputs[0], perm);
    const y = r.g.node(r.name, r.name, op, [x.name]);
    if (r.cfg.keepdims === true) return out(r, y, perm);
    // [N, C, 1, 1] -> [N, C]
    return out(r, r.g.node(r.name, `${r.name}/flatten`, 'Flatten', [y], [attr.int('axis', 1)]), identity(2));
  },
});

/** GlobalAveragePooling2D, GlobalMaxPooling2D (NetLens' tfjs classes read keepdims). */
const globalPool = (op: 'GlobalMaxPool' | 'GlobalAveragePool', tfjsClass: string): LayerKind => ({
  category: 'pool',
  shape: (r) => {
    const img = image(r);
    return r.cfg.keepdims === true ? imageShape(img.first, 1, 1, img.c) : [null, img.c];
  },
  ops: (r) => elements(r.name, one(r)),
  window: () => 'global',
  tfjsClass,
  lowering: globalPoolLowering(op),
});

const pool1d = (op: 'MaxPool' | 'AveragePool'): LayerKind => ({
  category: 'pool',
  shape: (r) => {
    const q = sequence(r);
    const strides = r.cfg.strides === null || r.cfg.strides === undefined ? intOne(r, 'pool_size') : undefined;
    return sequenceShape(q.first, slide1d(r, 'pool_size', strides), q.c);
  },
  ops: (r, out) => elements(r.name, out) * intOne(r, 'pool_size'),
  window: (r) => {
    const k = intOne(r, 'pool_size');
    const st = r.cfg.strides === null || r.cfg.strides === undefined ? k : intOne(r, 'strides');
    return { kernel: [k, 1], stride: [st, 1] };
  },
  lowering: {
    lower: (r) => {
      const perm = imagePerm(r);
      const x = r.g.layout(r.inputs[0], perm);
      const k = onnxIntOne(r, 'pool_size');
      const strides = r.cfg.strides === null || r.cfg.strides === undefined ? k : onnxIntOne(r, 'strides');
      return out(r, r.g.node(r.name, r.name, op, [x.name], window1d(r, 'pool_size', strides, false)), perm);
    },
  },
});

const globalPool1d = (op: 'GlobalMaxPool' | 'GlobalAveragePool'): LayerKind => ({
  category: 'pool',
  shape: (r) => {
    const q = sequence(r);
    return r.cfg.keepdims === true ? sequenceShape(q.first, 1, q.c) : [null, q.c];
  },
  ops: (r) => elements(r.name, one(r)),
  // The whole sequence: a window as long as the input.
  window: (r) => { const len = sequence(r).len; return len === null ? 'identity' : { kernel: [len, 1], stride: [1, 1] }; },
  lowering: globalPoolLowering(op),
});

export const POOLING_KINDS: LayerKinds = {
  MaxPooling2D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool', 'GlobalAveragePooling2D'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool', 'GlobalMaxPooling2D'),
  MaxPooling1D: pool1d('MaxPool'),
  AveragePooling1D: pool1d('AveragePool'),
  GlobalAveragePooling1D: globalPool1d('GlobalAveragePool'),
  GlobalMaxPooling1D: globalPool1d('GlobalMaxPool'),
};
