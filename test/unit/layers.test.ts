// The added Keras layers against Keras' own figures (model.summary() counts and the layers'
// definitions in keras/src/layers and keras/src/applications), and bad configs against Keras'
// complaints: one NetLensError naming the layer.
import { strict as assert } from 'node:assert';
import { analyzeModel, LayerStats } from '../../src/core/analysis/analyze';
import { ACTIVATION_OPS, TRAINING_ONLY } from '../../src/core/layers';
import { NetLensError } from '../../src/core/ir/types';
import { layerCard } from '../../src/core/graph/cards';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
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
  it('Conv1D: k x Cin x filters + bias params (Keras: 3x4x8 + 8 = 104), MACs per output step, a 1-D receptive field', () => {
    const a = analyzeModel(caseModel({ name: 'm', input: [16, 4], layers: [
      { class_name: 'Conv1D', config: { name: 'c1', filters: 8, kernel_size: 3, padding: 'same' } },
      { class_name: 'Conv1D', config: { name: 'c2', filters: 8, kernel_size: 3, strides: 2, padding: 'valid' } },
      { class_name: 'GlobalMaxPooling1D', config: { name: 'g' } },
    ] }).model);
    const [c1, c2, g] = a.layers.slice(1);
    assert.deepEqual([c1.params, c1.macs, c1.outputShape], [104, 16 * 8 * 3 * 4, [null, 16, 8]]);
    assert.deepEqual([c2.outputShape, c2.macs], [[null, 7, 8], 7 * 8 * 3 * 8]);
    assert.deepEqual(c2.receptiveField.size, [5, 1]);
    assert.deepEqual(g.outputShape, [null, 8]);
    assert.deepEqual(g.receptiveField.size, [5 + 6 * 2, 1]);
  });

  it('PReLU: one alpha per unshared position (Keras: shared_axes=[1, 2] on 6x6x4 gives 4)', () => {
    assert.equal(only({ input: [6, 6, 4], layers: [{ class_name: 'PReLU', config: { shared_axes: [1, 2] } }] }).trainableParams, 4);
    assert.equal(only({ input: [6, 6, 4], layers: [{ class_name: 'PReLU', config: {} }] }).trainableParams, 144);
  });

  it('ReLU FLOPs grow with max_value, negative_slope and threshold', () => {
    const f = (config: Record<string, unknown>): number => only({ input: [2, 2, 1], layers: [{ class_name: 'ReLU', config }] }).flops;
    assert.deepEqual([f({}), f({ max_value: 6 }), f({ max_value: 6, negative_slope: 0.1, threshold: 1 })], [4, 8, 16]);
  });

  it('Resizing: target size, documented resampling FLOPs, a window stepping in/out input pixels', () => {
    const l = only({ input: [224, 224, 3], layers: [{ class_name: 'Resizing', config: { height: 112, width: 56, interpolation: 'bilinear' } }] });
    assert.deepEqual(l.outputShape, [null, 112, 56, 3]);
    assert.equal(l.flops, 112 * 56 * 3 * 7);
    assert.deepEqual(l.receptiveField, { size: [2, 2], jump: [2, 4] });
    assert.equal(only({ input: [8, 8, 3], layers: [{ class_name: 'Resizing', config: { height: 4, width: 4, interpolation: 'nearest' } }] }).flops, 0);
  });

  it('CenterCrop only copies when the input is large enough, and resizes (bilinear) when it is not', () => {
    assert.equal(only({ input: [10, 10, 3], layers: [{ class_name: 'CenterCrop', config: { height: 8, width: 8 } }] }).flops, 0);
    assert.equal(only({ input: [6, 10, 3], layers: [{ class_name: 'CenterCrop', config: { height: 8, width: 8 } }] }).flops, 8 * 8 * 3 * 7);
  });

  it('UpSampling2D: size x the input, a half-step jump for the layers after it', () => {
    const a = analyzeModel(caseModel({ name: 'm', input: [7, 7, 2], layers: [
      { class_name: 'UpSampling2D', config: { name: 'up', size: 2 } },
      { class_name: 'Conv2D', config: { name: 'c', filters: 1, kernel_size: 3, padding: 'same' } },
    ] }).model);
    assert.deepEqual(a.layers[1].outputShape, [null, 14, 14, 2]);
    assert.deepEqual(a.layers[2].receptiveField, { size: [2, 2], jump: [0.5, 0.5] });
  });

  it('Cropping2D and Permute move no numbers', () => {
    const c = only({ input: [8, 9, 3], layers: [{ class_name: 'Cropping2D', config: { cropping: [[1, 2], [0, 3]] } }] });
    assert.deepEqual([c.outputShape, c.flops], [[null, 5, 6, 3], 0]);
    assert.deepEqual(only({ input: [3, 4, 2], layers: [{ class_name: 'Permute', config: { dims: [3, 1, 2] } }] }).outputShape, [null, 2, 3, 4]);
  });

  it('the random augmentations are identities at inference, in the preprocessing category, marked training-only', () => {
    for (const cls of ['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness']) {
      const l = only({ input: [6, 6, 3], layers: [{ class_name: cls, config: { factor: 0.1 } }] });
      assert.deepEqual([l.outputShape, l.params, l.flops, l.category], [[null, 6, 6, 3], 0, 0, 'preprocessing'], cls);
      assert.ok(TRAINING_ONLY.has(cls), cls);
    }
    assert.ok(!TRAINING_ONLY.has('RandomCrop'), 'RandomCrop resizes at inference');
  });

  it("the hover card says an augmentation is the identity at inference, and a Rescaling's category", () => {
    const spec = caseModel({ name: 'm', input: [6, 6, 3], layers: [
      { class_name: 'RandomFlip', config: { name: 'flip' } }, { class_name: 'Rescaling', config: { name: 'rescale', scale: 0.5 } }] });
    const g = buildViewGraph(spec, analyzeModel(spec.model));
    const card = (name: string) => layerCard(g.nodes.find((n) => n.name === name)!, g.totals);
    assert.match(card('flip').rows.map((r) => `${r.label}: ${r.value}`).join('\n'), /At inference: identity/);
    assert.ok(!card('rescale').rows.some((r) => r.label === 'At inference'));
    assert.match(card('rescale').subtitle, /Rescaling · Preprocessing/);
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
  it('Resizing to 0 pixels', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Resizing', config: { name: 'resize', height: 0, width: 4 } }] },
      /layer "resize": height must be a positive integer, got 0/);
  });
  it('Resizing with an unknown interpolation', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Resizing', config: { name: 'resize', height: 4, width: 4, interpolation: 'cubic' } }] },
      /layer "resize": interpolation must be one of/);
  });
  it('CenterCrop to a negative width', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'CenterCrop', config: { name: 'crop', height: 4, width: -2 } }] },
      /layer "crop": width must be a positive integer, got -2/);
  });
  it('Cropping2D with a negative crop', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Cropping2D', config: { name: 'crop', cropping: [[1, -1], [0, 0]] } }] },
      /layer "crop": cropping must be non-negative/);
  });
  it('Cropping2D that crops the whole input', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Cropping2D', config: { name: 'crop', cropping: [[4, 4], [0, 0]] } }] },
      /layer "crop": cropping 4\+4 leaves nothing of the input's 8-pixel height/);
  });
  it('ReLU with a negative max_value (Keras: cannot be a negative value)', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'ReLU', config: { name: 'act', max_value: -1 } }] },
      /layer "act": max_value of a ReLU layer cannot be a negative value, got -1/);
  });
  it('Permute with dims that are not a permutation', () => {
    refuses({ input: [3, 4, 2], layers: [{ class_name: 'Permute', config: { name: 'p', dims: [1, 1, 2] } }] },
      /layer "p": dims must be a permutation of 1..3/);
  });
  it('Conv1D on an image', () => {
    refuses({ input: [8, 8, 3], layers: [{ class_name: 'Conv1D', config: { name: 'c', filters: 2, kernel_size: 3 } }] },
      /layer "c": expects a rank-3 input/);
  });
});
