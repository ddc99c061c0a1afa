// Real files with the added layers: Keras 2 .h5, Keras 3 legacy .h5 and Keras 3 .keras (written as
// those Keras versions lay them out, test/fixtures/writers.ts) open with no unsupported layer, the
// exact totals (parameters checked against tfjs' own count of the model that was saved), and
// their weights (Normalization's mean, variance and int64 count; LayerScale's gamma; PReLU's
// alpha) load back so the rebuilt model predicts what the saved one did.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { loadModel } from '../../src/core/io/loadModel';
import { buildTfjsModel } from '../../src/core/engines/tfjs/buildModel';
import { buildZooModel } from '../../src/core/zoo';
import { keras2Config, layerWeights, removeDir, saveKeras3, saveKerasH5, tempDir, writeKerasH5 } from '../fixtures/writers';
import { caseModel, LayerCase } from './helpers/layerModels';
import { cpuBackend } from './helpers/tfjs';

const L = (class_name: string, config: Record<string, unknown> = {}) => ({ class_name, config });

const MODELS: LayerCase[] = [
  {
    name: 'tutorial_augment_rescale',
    input: [32, 32, 3],
    layers: [L('RandomFlip', { mode: 'horizontal', seed: 1 }), L('RandomRotation', { factor: 0.1, fill_mode: 'reflect', seed: 2 }),
      L('Rescaling', { scale: 1 / 255, offset: 0 }), L('Conv2D', { filters: 8, kernel_size: 3, activation: 'relu' }),
      L('MaxPooling2D', { pool_size: 2 }), L('GlobalAveragePooling2D'), L('Dense', { units: 10, activation: 'softmax' })],
  },
  {
    name: 'efficientnet_stem',
    input: [32, 32, 3],
    layers: [L('Rescaling', { scale: 1 / 255 }), L('Normalization', { axis: -1, mean: null, variance: null }),
      L('Rescaling', { scale: [1 / Math.sqrt(0.229), 1 / Math.sqrt(0.224), 1 / Math.sqrt(0.225)], offset: 0 }),
      L('Conv2D', { filters: 8, kernel_size: 3, strides: 2, padding: 'same', use_bias: false }),
      L('BatchNormalization', { axis: 3 }), L('Activation', { activation: 'swish' }), L('GlobalAveragePooling2D'), L('Dense', { units: 5 })],
  },
  {
    name: 'convnext_block',
    input: [16, 16, 3],
    layers: [L('Normalization', { axis: -1, mean: [123.675, 116.28, 103.53], variance: [3409.976, 3262.6944, 3291.890625] }),
      L('Conv2D', { filters: 16, kernel_size: 4, strides: 4 }), L('LayerNormalization', { epsilon: 1e-6, axis: -1 }),
      L('DepthwiseConv2D', { kernel_size: 7, padding: 'same' }), L('Dense', { units: 32 }), L('Activation', { activation: 'gelu' }),
      L('Dense', { units: 16 }), L('LayerScale', { init_values: 1e-6, projection_dim: 16 }), L('StochasticDepth', { drop_path_rate: 0.1 }),
      L('GlobalAveragePooling2D')],
  },
  {
    name: 'resize_crop_upsample',
    input: [16, 16, 3],
    layers: [L('Resizing', { height: 24, width: 24, interpolation: 'bilinear' }), L('CenterCrop', { height: 20, width: 20 }),
      L('Conv2D', { filters: 8, kernel_size: 3 }), L('Activation', { activation: 'hard_swish' }), L('ReLU', { max_value: 6 }),
      L('PReLU', { shared_axes: [1, 2] }), L('UpSampling2D', { size: 2, interpolation: 'nearest' }),
      L('Cropping2D', { cropping: [[1, 1], [2, 2]] }), L('Permute', { dims: [2, 1, 3] }), L('GlobalMaxPooling2D')],
  },
  {
    name: 'sequence_1d',
    input: [20, 4],
    layers: [L('Conv1D', { filters: 8, kernel_size: 3, padding: 'same', activation: 'relu' }), L('MaxPooling1D', { pool_size: 2 }),
      L('AveragePooling1D', { pool_size: 2 }), L('Conv1D', { filters: 4, kernel_size: 3 }), L('GlobalAveragePooling1D'), L('Dense', { units: 3 })],
  },
];

const FORMATS: { name: string; ext: string; save: (m: tfl.LayersModel, file: string) => Promise<void> }[] = [
  { name: 'Keras 2 .h5', ext: 'h5', save: (m, f) => saveKerasH5(m, f, 'keras2') },
  { name: 'Keras 3 legacy .h5', ext: 'h5', save: (m, f) => saveKerasH5(m, f, 'keras3') },
  { name: 'Keras 3 .keras', ext: 'keras', save: (m, f) => saveKeras3(m, f) },
];

const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

describe('Keras files with the added layers open with exact totals and their weights', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => { await cpuBackend(); dir = tempDir(); });
  after(() => removeDir(dir));

  for (const c of MODELS) {
    for (const fmt of FORMATS) {
      it(`${c.name} as ${fmt.name}`, async () => {
        const spec = caseModel(c);
        const model = await buildTfjsModel(spec);
        // Weights away from their initial values (positive, so variances stay variances; count rounds to 1).
        const values = model.weights.map((w, i) => tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 100 + i));
        model.setWeights(values);
        tf.dispose(values);
        const file = join(dir, `${c.name}-${fmt.name.replace(/\W+/g, '_')}.${fmt.ext}`);
        await fmt.save(model, file);
        const back = await loadModel(file);
        const a = analyzeModel(back.model);
        assert.deepEqual(a.unsupported, [], 'no unsupported layer');
        const want = analyzeModel(spec.model).totals;
        assert.deepEqual(
          [a.totals.params, a.totals.trainableParams, a.totals.nonTrainableParams, a.totals.macs, a.totals.flops],
          [want.params, want.trainableParams, want.nonTrainableParams, want.macs, want.flops]);
        // tfjs counts what was saved on its own.
        assert.equal(a.totals.params, model.countParams());
        assert.equal(a.totals.nonTrainableParams, model.nonTrainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0));
        assert.equal(back.weights?.length, model.weights.length, 'every weight read back');
        const count = back.weights!.find((w) => w.name.endsWith('/count'));
        if (count) {
          // Stored as int64 by Keras; read back as the whole number.
          const saved = model.weights.find((w) => w.originalName.endsWith('/count'))!.read().dataSync()[0];
          assert.deepEqual([count.shape, count.data[0]], [[], Math.round(saved)]);
        }

        const rebuilt = await buildTfjsModel(back);
        try {
          const x = tf.randomUniform([1, ...c.input] as number[], -2, 2, 'float32', 7);
          const y0 = (model.predict(x) as tf.Tensor).dataSync();
          const y1 = (rebuilt.predict(x) as tf.Tensor).dataSync();
          assert.equal(y1.length, y0.length);
          for (let i = 0; i < y0.length; i++) assert.ok(Math.abs(y0[i] - y1[i]) <= 1e-5 * Math.max(1, Math.abs(y0[i])), `output[${i}] ${y1[i]} != ${y0[i]}`);
          x.dispose();
        } finally {
          model.dispose();
          rebuilt.dispose();
        }
      });
    }
  }

  // Keras Applications families built on these layers, saved whole: keras.io's published totals.
  const PUBLISHED: [string, number, number][] = [
    ['efficientnetb0', 5_330_571, 42_023],
    ['mobilenetv3small', 2_554_968, 12_112],
  ];
  for (const [name, params, nonTrainable] of PUBLISHED) {
    for (const fmt of [FORMATS[0], FORMATS[2]]) {
      it(`${name} as ${fmt.name}: ${params.toLocaleString('en-US')} params, ${nonTrainable.toLocaleString('en-US')} non-trainable (Keras Applications)`, async () => {
        const model = await buildTfjsModel(buildZooModel(name));
        const file = join(dir, `${name}.${fmt.ext}`);
        try {
          await fmt.save(model, file);
        } finally {
          model.dispose();
        }
        const back = await loadModel(file);
        const t = analyzeModel(back.model);
        assert.deepEqual(t.unsupported, []);
        assert.deepEqual([t.totals.params, t.totals.nonTrainableParams], [params, nonTrainable]);
        assert.equal(back.weights!.reduce((n, w) => n + w.data.length, 0), params, 'every weight read back');
      });
    }
  }

  it("Keras 2's LayerScale gamma, saved as a bare tf.Variable (\"<layer>/Variable:0\"), loads as gamma", async () => {
    const spec = caseModel(MODELS.find((m) => m.name === 'convnext_block')!);
    const model = await buildTfjsModel(spec);
    const values = model.weights.map((w, i) => tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 300 + i));
    model.setWeights(values);
    tf.dispose(values);
    const layers = layerWeights(model).map((x) => ({
      name: x.layer.name,
      className: x.layer.getClassName(),
      weights: x.weights.map((w) => (x.layer.getClassName() === 'LayerScale' ? { ...w, name: `${x.layer.name}/Variable:0` } : w)),
    }));
    assert.ok(layers.some((l) => l.weights.some((w) => w.name.endsWith('/Variable:0'))));
    const file = join(dir, 'layerscale_variable.h5');
    await writeKerasH5(file, { ...keras2Config(model), class_name: 'Functional', keras_version: '2.15.0', backend: 'tensorflow' }, layers, 'keras2');
    const rebuilt = await buildTfjsModel(await loadModel(file));
    try {
      const x = tf.randomUniform([1, 16, 16, 3], 0, 255, 'float32', 5);
      const y0 = (model.predict(x) as tf.Tensor).dataSync();
      const y1 = (rebuilt.predict(x) as tf.Tensor).dataSync();
      for (let i = 0; i < y0.length; i++) assert.ok(Math.abs(y0[i] - y1[i]) <= 1e-5 * Math.max(1, Math.abs(y0[i])), `output[${i}]`);
      x.dispose();
    } finally {
      model.dispose();
      rebuilt.dispose();
    }
  });

  it('a Keras 2 .h5 whose model starts with Rescaling is no longer unsupported', async () => {
    const spec = caseModel({ name: 'starts_with_rescaling', input: [8, 8, 3], layers: [L('Rescaling', { scale: 1 / 255 }), L('Flatten'), L('Dense', { units: 2 })] });
    const model = await buildTfjsModel(spec);
    const file = join(dir, 'rescaling_first.h5');
    await saveKerasH5(model, file, 'keras2');
    model.dispose();
    const a = analyzeModel((await loadModel(file)).model);
    assert.deepEqual(a.unsupported, []);
    assert.equal(a.layers[1].className, 'Rescaling');
    assert.equal(a.totals.params, 8 * 8 * 3 * 2 + 2);
  });
});
