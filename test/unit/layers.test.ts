// The added Keras layers against Keras' own figures (model.summary() counts and the layers'
// definitions in keras/src/layers and keras/src/applications), and bad configs against Keras'
// complaints: one NetLensError naming the layer.
import { strict as assert } from 'node:assert';
import { analyzeModel, LayerStats } from '../../src/core/analysis/analyze';
import { ACTIVATION_OPS } from '../../src/core/analysis/rules';
import { NetLensError } from '../../src/core/ir/types';
import { caseModel, LayerCase } from './helpers/layerModels';

function only(c: Omit<LayerCase, 'name'>): LayerStats {
  const a = analyzeModel(caseModel({ name: 'm', ...c }).model);
  assert.deepEqual(a.unsupported, []);
  return a.layers[a.layers.length - 1];
}

function refuses(c: Omit<LayerCase, 'name'>, message: RegExp): void {
  assert.throws(() => analyzeModel(caseModel({ name: 'm', ...c }).model), (e: unknown) => {
    assert.ok(e instanceof NetLensError, String(e));
    assert.match(e.message, message);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

describe('Keras preprocessing and Keras Applications layers: counts as Keras gives them', () => {
  it("Normalization adapted on RGB: 7 non-trainable (mean 3, variance 3, count 1), EfficientNet's stem", () => {
    // keras.io: EfficientNetB0 has 42,023 non-trainable params = 42,016 BatchNormalization + 7 here.
    const l = only({ input: [224, 224, 3], layers: [{ class_name: 'Normalization', config: { axis: -1, mean: null, variance: null } }] });
    assert.deepEqual([l.trainableParams, l.nonTrainableParams], [0, 7]);
    assert.deepEqual(l.outputShape, [null, 224, 224, 3]);
    assert.equal(l.category, 'preprocessing');
    assert.equal(l.flops, 2 * 224 * 224 * 3);
  });

  it('Normalization with a given mean and variance has no weights (ConvNeXt PreStem: ConvNeXtTiny is all trainable)', () => {
    const l = only({ input: [224, 224, 3], layers: [{ class_name: 'Normalization', config: { mean: [1, 2, 3], variance: [1, 1, 1] } }] });
    assert.equal(l.params, 0);
  });

  it('Normalization axis=None keeps one scalar mean and variance: 3 non-trainable', () => {
    const l = only({ input: [8, 8, 3], layers: [{ class_name: 'Normalization', config: { axis: null } }] });
    assert.equal(l.nonTrainableParams, 3);
  });

  it('Rescaling: no weights, a multiply and an add per element', () => {
    const l = only({ input: [32, 32, 3], layers: [{ class_name: 'Rescaling', config: { scale: 1 / 127.5, offset: -1 } }] });
    assert.deepEqual([l.params, l.macs, l.flops], [0, 0, 2 * 32 * 32 * 3]);
  });

  it('LayerScale: projection_dim trainable gammas, one multiply per element', () => {
    const l = only({ input: [56, 56, 96], layers: [{ class_name: 'LayerScale', config: { init_values: 1e-6, projection_dim: 96 } }] });
    assert.deepEqual([l.trainableParams, l.nonTrainableParams, l.flops], [96, 0, 56 * 56 * 96]);
  });

  it('StochasticDepth: no weights, no work at inference', () => {
    const l = only({ input: [56, 56, 96], layers: [{ class_name: 'StochasticDepth', config: { drop_path_rate: 0.1 } }] });
    assert.deepEqual([l.params, l.flops], [0, 0]);
    assert.equal(l.category, 'regularization');
  });

  it('activation FLOPs per element come from the documented table', () => {
    for (const a of ['gelu', 'hard_sigmoid', 'hard_swish', 'hard_silu', 'relu6', 'swish', 'silu', 'selu', 'elu', 'softplus', 'softsign', 'exponential', 'mish']) {
      const l = only({ input: [4, 4, 2], layers: [{ class_name: 'Activation', config: { activation: a } }] });
      assert.ok(ACTIVATION_OPS[a] > 0, a);
      assert.equal(l.flops, 32 * ACTIVATION_OPS[a], a);
    }
  });
});

describe('Keras preprocessing layers: bad configs get one line naming the layer', () => {
  it('Rescaling with a 4-value scale on 3 channels', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Rescaling', config: { name: 'rescale_in', scale: [1, 2, 3, 4] } }] },
      /layer "rescale_in": scale has 4 values; it must be one value or one per channel \(3\)/);
  });
  it('Rescaling with a string scale', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Rescaling', config: { name: 'r', scale: 'x' } }] }, /layer "r": scale must be a number/);
  });
  it('Normalization with a wrong-length mean', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Normalization', config: { name: 'norm', mean: [1, 2], variance: [1, 1, 1] } }] },
      /layer "norm": mean has 2 values; axis -1 of \[null, 8, 8, 3\] needs 1 or 3/);
  });
  it('Normalization with a mean but no variance (Keras: both must be set)', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Normalization', config: { name: 'norm', mean: [1, 2, 3] } }] },
      /layer "norm": when setting values directly, both `mean` and `variance` must be set/);
  });
  it('Normalization on the batch axis', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Normalization', config: { name: 'norm', axis: 0 } }] }, /layer "norm": axis 0 is out of range/);
  });
  it('LayerScale whose projection_dim is not the channel count', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'LayerScale', config: { name: 'ls', init_values: 1e-6, projection_dim: 4 } }] },
      /layer "ls": projection_dim 4 does not match/);
  });
});
