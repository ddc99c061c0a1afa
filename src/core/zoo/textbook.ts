// The two Keras models written out in the textbook (Géron, "Hands-On Machine Learning", ch. 14):
// the Sequential CNN for (Fashion) MNIST and the Sequential ResNet-34 built from its ResidualUnit
// layer. Sequential models become a chain in the functional IR; each ResidualUnit is expanded into
// its layers and kept together as one group named as Keras names the unit.
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

export function mnistCnn(): ModelSpec {
  const b = new ModelBuilder('mnist_cnn');
  let x = b.input([28, 28, 1], 'conv2d_input');
  const conv = (y: Sym, filters: number, kernelSize = 3): Sym =>
    b.conv2d(y, filters, { kernelSize, activation: 'relu', padding: 'same' });
  x = conv(x, 64, 7);
  x = b.maxPool(x, 2);
  x = conv(conv(x, 128), 128);
  x = b.maxPool(x, 2);
  x = conv(conv(x, 256), 256);
  x = b.maxPool(x, 2);
  x = b.flatten(x);
  x = b.dense(x, 128, { activation: 'relu' });
  x = b.dropout(x, 0.5);
  x = b.dense(x, 64, { activation: 'relu' });
  x = b.dropout(x, 0.5);
  x = b.dense(x, 10, { activation: 'softmax' });
  return b.build([x], 'grayscale01');
}

/** The textbook's ResidualUnit: main path conv-BN-relu-conv-BN, 1x1 conv-BN skip when strided. */
function residualUnit(b: ModelBuilder, x: Sym, filters: number, strides: number, unit: string): Sym {
  return b.group(unit, () => {
    const conv = (y: Sym, k: number, s: number, n: string): Sym =>
      b.conv2d(y, filters, { kernelSize: k, strides: s, padding: 'same', useBias: false, name: `${unit}_${n}` });
    let main = conv(x, 3, strides, 'conv2d');
    main = b.batchNorm(main, { name: `${unit}_batch_normalization` });
    main = b.activation(main, 'relu', `${unit}_activation`);
    main = conv(main, 3, 1, 'conv2d_1');
    main = b.batchNorm(main, { name: `${unit}_batch_normalization_1` });
    let skip = x;
    if (strides > 1) {
      skip = conv(x, 1, strides, 'conv2d_2');
      skip = b.batchNorm(skip, { name: `${unit}_batch_normalization_2` });
    }
    const sum = b.add([main, skip], `${unit}_add`);
    return b.activation(sum, 'relu', `${unit}_activation_1`);
  }, `ResidualUnit ${unit}`);
}

export function resnet34Textbook(): ModelSpec {
  const b = new ModelBuilder('resnet34_textbook');
  let x = b.input([224, 224, 3], 'conv2d_input');
  x = b.conv2d(x, 64, { kernelSize: 7, strides: 2, padding: 'same', useBias: false, name: 'conv2d' });
  x = b.batchNorm(x, { name: 'batch_normalization' });
  x = b.activation(x, 'relu', 'activation');
  x = b.maxPool(x, 3, { strides: 2, padding: 'same', name: 'max_pooling2d' });
  let prev = 64;
  const filters = [...Array(3).fill(64), ...Array(4).fill(128), ...Array(6).fill(256), ...Array(3).fill(512)];
  filters.forEach((f: number, i) => {
    x = residualUnit(b, x, f, f === prev ? 1 : 2, i === 0 ? 'residual_unit' : `residual_unit_${i}`);
    prev = f;
  });
  x = b.globalAvgPool(x, 'global_average_pooling2d');
  x = b.flatten(x, 'flatten');
  x = b.dense(x, 10, { activation: 'softmax', name: 'dense' });
  return b.build([x], 'tf');
}
