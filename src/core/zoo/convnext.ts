// ConvNeXt-Tiny as Keras Applications builds ConvNeXtTiny (224x224x3, include_preprocessing,
// 28,589,128 params). The input is normalised inside the model (ImageNet mean and variance as
// constants, no weights). Keras' stem and downsampling blocks are nested Sequential models: their
// layers are written flat here, grouped under the Sequential's name, so every weight keeps its
// layer name. Each block ends with Keras 3's residual `inputs + layer(x)`, an op Keras names add, add_1, ...
import { ModelBuilder, Sym } from '../ir/builder';
import { ModelSpec } from '../ir/types';

const LN_EPS = 1e-6;
const LAYER_SCALE_INIT = 1e-6;

const layerNorm = (b: ModelBuilder, x: Sym, name: string): Sym =>
  b.layer('LayerNormalization', { axis: -1, epsilon: LN_EPS, center: true, scale: true }, [x], name);

/** ConvNeXtBlock: 7x7 depthwise (grouped Conv2D), LN, Dense 4C, GELU, Dense C, LayerScale, identity, + input. */
function block(b: ModelBuilder, x: Sym, dim: number, name: string): Sym {
  return b.group(name, () => {
    let y = b.layer('Conv2D', {
      filters: dim, kernel_size: [7, 7], strides: [1, 1], padding: 'same', data_format: 'channels_last',
      dilation_rate: [1, 1], groups: dim, activation: 'linear', use_bias: true,
    }, [x], `${name}_depthwise_conv`);
    y = layerNorm(b, y, `${name}_layernorm`);
    y = b.dense(y, 4 * dim, { name: `${name}_pointwise_conv_1` });
    y = b.activation(y, 'gelu', `${name}_gelu`);
    y = b.dense(y, dim, { name: `${name}_pointwise_conv_2` });
    y = b.layer('LayerScale', { init_values: LAYER_SCALE_INIT, projection_dim: dim }, [y], `${name}_layer_scale`);
    // drop_path_rate is 0 for ConvNeXtTiny, so Keras puts a linear Activation where StochasticDepth would be.
    y = b.activation(y, 'linear', `${name}_identity`);
    return b.add([x, y]);
  });
}

function convnext(name: string, depths: number[], dims: number[]): ModelSpec {
  const b = new ModelBuilder(name);
  const input = b.input([224, 224, 3], 'input_1');
  let x = b.group(`${name}_prestem`, () => b.layer('Normalization', {
    axis: -1,
    mean: [0.485 * 255, 0.456 * 255, 0.406 * 255],
    variance: [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
    invert: false,
  }, [input], `${name}_prestem_normalization`));
  for (let i = 0; i < depths.length; i++) {
    x = i === 0
      ? b.group(`${name}_stem`, () => layerNorm(b, b.conv2d(x, dims[0], { kernelSize: 4, strides: 4, name: `${name}_stem_conv` }), `${name}_stem_layernorm`))
      : b.group(`${name}_downsampling_block_${i - 1}`, () => {
        const y = layerNorm(b, x, `${name}_downsampling_layernorm_${i - 1}`);
        return b.conv2d(y, dims[i], { kernelSize: 2, strides: 2, name: `${name}_downsampling_conv_${i - 1}` });
      });
    x = b.group(`${name}_stage_${i}`, () => {
      let y = x;
      for (let j = 0; j < depths[i]; j++) y = block(b, y, dims[i], `${name}_stage_${i}_block_${j}`);
      return y;
    });
  }
  x = b.group(`${name}_head`, () => {
    const y = layerNorm(b, b.globalAvgPool(x, `${name}_head_gap`), `${name}_head_layernorm`);
    return b.dense(y, 1000, { activation: 'softmax', name: `${name}_head_dense` });
  });
  return b.build([x], 'none');
}

export const convnexttiny = (): ModelSpec => convnext('convnext_tiny', [3, 3, 9, 3], [96, 192, 384, 768]);
