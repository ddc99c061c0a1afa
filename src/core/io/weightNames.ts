// Keras weight naming -> tfjs weight naming. tfjs names a layer's weights
// "<layer>/<attribute>" (LayerVariable.originalName), with Keras 2's attribute names. Keras 2 .h5
// files store "<layer>/<attribute>:0"; Keras 3's legacy .h5 stores "<model>/<layer>/<attribute>";
// Keras 3's model.weights.h5 stores no names at all, only layers/<layer>/vars/0,1,... in the order
// the layer created them, which the table below spells out per class.

type Cfg = Record<string, unknown>;
const flag = (cfg: Cfg, key: string, dflt = true): boolean => (typeof cfg[key] === 'boolean' ? cfg[key] as boolean : dflt);

/** Variable creation order of Keras 3 layers, as tfjs attribute names. Unknown classes: undefined. */
export function keras3VarNames(className: string, cfg: Cfg): string[] | undefined {
  const bias = flag(cfg, 'use_bias') ? ['bias'] : [];
  switch (className) {
    case 'Dense':
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'Conv1DTranspose':
    case 'Conv2DTranspose':
    case 'Conv3DTranspose':
      return ['kernel', ...bias];
    case 'DepthwiseConv1D':
    case 'DepthwiseConv2D':
      return ['depthwise_kernel', ...bias];
    case 'SeparableConv1D':
    case 'SeparableConv2D':
      return ['depthwise_kernel', 'pointwise_kernel', ...bias];
    case 'BatchNormalization':
      return [...(flag(cfg, 'scale') ? ['gamma'] : []), ...(flag(cfg, 'center') ? ['beta'] : []), 'moving_mean', 'moving_variance'];
    case 'LayerNormalization':
      return [...(flag(cfg, 'scale') ? ['gamma'] : []), ...(flag(cfg, 'center') ? ['beta'] : [])];
    case 'PReLU':
      return ['alpha'];
    // Adapted Normalization keeps mean, variance and a scalar count; with a given mean it has none.
    case 'Normalization':
      return cfg.mean === undefined || cfg.mean === null ? ['mean', 'variance', 'count'] : [];
    case 'LayerScale': // ConvNeXt
      return ['gamma'];
    case 'Embedding':
      return ['embeddings'];
    default:
      return undefined;
  }
}

/**
 * The tfjs attribute name for a Keras weight name's last component. Keras 3 calls a depthwise
 * convolution's kernel "kernel"; tfjs (and Keras 2) call it "depthwise_kernel". Keras 2's LayerScale
 * saves its gamma as "Variable".
 */
export function tfjsAttribute(className: string, attr: string): string {
  const a = attr.replace(/:\d+$/, '');
  if ((className === 'DepthwiseConv2D' || className === 'DepthwiseConv1D') && a === 'kernel') return 'depthwise_kernel';
  // Keras 2's ConvNeXt LayerScale makes its gamma with a bare tf.Variable, saved as "<layer>/Variable:0".
  if (className === 'LayerScale' && /^Variable(_\d+)?$/.test(a)) return 'gamma';
  return a;
}
