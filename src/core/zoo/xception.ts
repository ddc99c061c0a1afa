// Xception exactly as Keras Applications builds it (299x299x3, 22,910,480 params), including the
// automatic names Keras gives the unnamed shortcut layers (conv2d, batch_normalization, add, ...).
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

function sep(b: ModelBuilder, x: Sym, filters: number, name: string): Sym {
  const y = b.separableConv2d(x, filters, { kernelSize: 3, padding: 'same', useBias: false, name });
  return b.batchNorm(y, { name: `${name}_bn` });
}

/** Entry/exit blocks: [relu] sep, relu, sep, maxpool + strided 1x1 projection shortcut. */
function downBlock(b: ModelBuilder, x: Sym, f1: number, f2: number, block: string, leadingRelu: boolean): Sym {
  return b.group(block, () => {
    let r = b.conv2d(x, f2, { kernelSize: 1, strides: 2, padding: 'same', useBias: false });
    r = b.batchNorm(r);
    let y = leadingRelu ? b.activation(x, 'relu', `${block}_sepconv1_act`) : x;
    y = sep(b, y, f1, `${block}_sepconv1`);
    y = b.activation(y, 'relu', `${block}_sepconv2_act`);
    y = sep(b, y, f2, `${block}_sepconv2`);
    y = b.maxPool(y, 3, { strides: 2, padding: 'same', name: `${block}_pool` });
    return b.add([y, r]);
  });
}

export function xception(): ModelSpec {
  const b = new ModelBuilder('xception');
  let x = b.input([299, 299, 3], 'input_1');
  x = b.group('block1', () => {
    let y = b.conv2d(x, 32, { kernelSize: 3, strides: 2, useBias: false, name: 'block1_conv1' });
    y = b.batchNorm(y, { name: 'block1_conv1_bn' });
    y = b.activation(y, 'relu', 'block1_conv1_act');
    y = b.conv2d(y, 64, { kernelSize: 3, useBias: false, name: 'block1_conv2' });
    y = b.batchNorm(y, { name: 'block1_conv2_bn' });
    return b.activation(y, 'relu', 'block1_conv2_act');
  });
  x = b.group('entry_flow', () => {
    let y = downBlock(b, x, 128, 128, 'block2', false);
    y = downBlock(b, y, 256, 256, 'block3', true);
    return downBlock(b, y, 728, 728, 'block4', true);
  }, 'entry flow');
  x = b.group('middle_flow', () => {
    let y = x;
    for (let i = 5; i <= 12; i++) {
      const block = `block${i}`;
      y = b.group(block, () => {
        let z = y;
        for (let j = 1; j <= 3; j++) {
          z = b.activation(z, 'relu', `${block}_sepconv${j}_act`);
          z = sep(b, z, 728, `${block}_sepconv${j}`);
        }
        return b.add([z, y]);
      });
    }
    return y;
  }, 'middle flow');
  x = b.group('exit_flow', () => {
    let y = downBlock(b, x, 728, 1024, 'block13', true);
    y = b.group('block14', () => {
      let z = sep(b, y, 1536, 'block14_sepconv1');
      z = b.activation(z, 'relu', 'block14_sepconv1_act');
      z = sep(b, z, 2048, 'block14_sepconv2');
      return b.activation(z, 'relu', 'block14_sepconv2_act');
    });
    y = b.globalAvgPool(y, 'avg_pool');
    return b.dense(y, 1000, { activation: 'softmax', name: 'predictions' });
  }, 'exit flow');
  return b.build([x], 'tf');
}
