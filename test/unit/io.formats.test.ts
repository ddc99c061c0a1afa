// Importers end to end: a tfjs model with non-trivial weights is written as tfjs model.json
// (two shards), Keras 3 .keras, Keras 2 .h5 and Keras 3 legacy .h5 (test/fixtures/writers.ts
// follows each real layout), read back with loadModel, rebuilt with tfjs and must predict exactly
// what the original predicts; the analysis must equal the original's.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackend } from './helpers/tfjs';
import { loadModel } from '../../src/core/io/loadModel';
import { buildTfjsModel } from '../../src/core/engines/tfjs/buildModel';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { normalizeModel } from '../../src/core/ir/normalize';
import { kerasModelOf, NetLensError } from '../../src/core/ir/types';
import { h5wasm, keras2Config, removeDir, saveKeras3, saveKerasH5, saveTfjs, tempDir, writeKerasArchive, writeKerasH5 } from '../fixtures/writers';

/** Conv, BN, depthwise, separable, a residual add, pooling and dense: every weight naming case. */
function testCnn(): tfl.LayersModel {
  const input = tfl.input({ shape: [12, 12, 3], name: 'img' });
  let x = tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'conv1' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn1' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ activation: 'relu', name: 'relu1' }).apply(x) as tfl.SymbolicTensor;
  const dw = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'dw1' }).apply(x) as tfl.SymbolicTensor;
  const sep = tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'sep1' }).apply(dw) as tfl.SymbolicTensor;
  x = tfl.layers.add({ name: 'add1' }).apply([sep, x]) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 4, kernelSize: 1, useBias: false, name: 'conv2' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flat' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 5, activation: 'softmax', name: 'probs' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out, name: 'io_cnn' });
  randomize(model);
  return model;
}

/** Non-default weights everywhere (BN moving statistics included, variances positive). */
function randomize(model: tfl.LayersModel): void {
  let seed = 1;
  model.setWeights(model.weights.map((w) => {
    const t = tf.randomUniform(w.shape as number[], -0.5, 0.5, 'float32', seed++);
    return w.originalName.endsWith('moving_variance') ? tf.add(tf.abs(t), 0.5) : t;
  }));
}

function predict(model: tfl.LayersModel, x: tf.Tensor): Float32Array {
  const y = model.predict(x) as tf.Tensor;
  const out = y.dataSync() as Float32Array;
  y.dispose();
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('io: model files with weights', function () {
  let dir: string;
  let model: tfl.LayersModel;
  let x: tf.Tensor;
  let expected: Float32Array;

  before(async () => {
    await cpuBackend();
    dir = tempDir();
    model = testCnn();
    x = tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 7);
    expected = predict(model, x);
  });
  after(() => removeDir(dir));

  async function checkRoundTrip(file: string, format: string): Promise<void> {
    const spec = await loadModel(file);
    assert.ok(spec.weights, `${format}: weights loaded`);
    assert.equal(spec.weights!.length, model.weights.length, `${format}: one array per model weight`);
    const names = new Set(spec.weights!.map((w) => w.name));
    for (const v of model.weights) assert.ok(names.has(v.originalName), `${format}: has ${v.originalName}`);
    const rebuilt = await buildTfjsModel(spec);
    const d = maxAbsDiff(predict(rebuilt, x), expected);
    assert.ok(d < 1e-6, `${format}: predictions differ by ${d}`);
    rebuilt.dispose();
    const a = analyzeModel(spec.model);
    const b = analyzeModel(normalizeModel(keras2Config(model)));
    assert.deepEqual(a.totals, b.totals, `${format}: totals`);
    assert.deepEqual(a.layers.map((l) => [l.name, l.className, l.outputShape, l.params, l.macs]),
      b.layers.map((l) => [l.name, l.className, l.outputShape, l.params, l.macs]), `${format}: layers`);
    assert.equal(a.totals.params, model.countParams());
  }

  it('tfjs model.json with two weight shards', async () => {
    const sub = join(dir, 'tfjs');
    mkdirSync(sub);
    const file = await saveTfjs(model, sub, 1024);
    await checkRoundTrip(file, 'tfjs');
  });

  it('Keras 3 .keras archive (config.json + model.weights.h5 layers/<name>/vars/<i>)', async () => {
    const file = join(dir, 'm.keras');
    await saveKeras3(model, file);
    await checkRoundTrip(file, '.keras');
  });

  it('.keras as tf.keras 2.13-2.15 wrote it (_layer_checkpoint_dependencies/<name>/vars/<i>)', async () => {
    const file = join(dir, 'tf213.keras');
    await saveKeras3(model, file, '_layer_checkpoint_dependencies');
    await checkRoundTrip(file, '.keras (tf.keras 2.13)');
  });

  it('Keras 2 .h5 (model_config + model_weights/<layer>/<layer>/kernel:0)', async () => {
    const file = join(dir, 'k2.h5');
    await saveKerasH5(model, file, 'keras2');
    await checkRoundTrip(file, 'Keras 2 h5');
  });

  it('Keras 3 legacy .h5 (Keras 3 config, weight names <model>/<layer>/<attr>, depthwise "kernel")', async () => {
    const file = join(dir, 'k3.h5');
    await saveKerasH5(model, file, 'keras3');
    await checkRoundTrip(file, 'Keras 3 h5');
  });

  it('the format is told by content, not by the extension', async () => {
    const file = join(dir, 'archive.h5');
    await saveKeras3(model, file);
    await checkRoundTrip(file, '.keras named .h5');
  });

  it('a tiny Keras 2 .h5 (fixed-length strings, under 4 KB: read into Node\'s shared buffer pool)', async () => {
    const file = join(dir, 'tiny.h5');
    const cfg = { class_name: 'Sequential', config: { name: 'tiny', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 2], name: 'in' } },
      { class_name: 'Dense', config: { name: 'd', units: 1 } }] } };
    await writeKerasH5(file, cfg, [{ name: 'd', className: 'Dense', weights: [
      { name: 'd/kernel:0', attr: 'kernel', shape: [2, 1], data: Float32Array.from([1.5, -2]) },
      { name: 'd/bias:0', attr: 'bias', shape: [1], data: Float32Array.from([0.25]) }] }], 'keras2');
    const spec = await loadModel(file);
    assert.deepEqual(spec.weights!.map((w) => [w.name, w.shape, Array.from(w.data)]),
      [['d/kernel', [2, 1], [1.5, -2]], ['d/bias', [1], [0.25]]]);
  });

  it('a Keras 2 .h5 whose model_config is over 64 KiB (HDF5 dense attribute storage in a fractal heap)', async () => {
    const layers: tfl.layers.Layer[] = [];
    for (let i = 0; i < 200; i++) layers.push(tfl.layers.dense({ units: 3, name: `dense_number_${i}`, inputShape: i === 0 ? [3] : undefined }));
    const deep = tfl.sequential({ name: 'deep_mlp', layers });
    randomize(deep);
    const file = join(dir, 'dense-attrs.h5');
    await saveKerasH5(deep, file, 'keras2');
    assert.ok(JSON.stringify(keras2Config(deep)).length > 65536, 'the config needs dense storage');
    const spec = await loadModel(file);
    assert.equal(kerasModelOf(spec).config.layers.length, 201);
    const xs = tf.randomUniform([4, 3], -1, 1, 'float32', 5);
    const d = maxAbsDiff(predict(await buildTfjsModel(spec), xs), predict(deep, xs));
    assert.ok(d < 1e-6, `predictions differ by ${d}`);
  });

  it('Keras 2 list attributes split into layer_names0, layer_names1, ... are read whole', async () => {
    const h5 = await h5wasm();
    const file = join(dir, 'chunked.h5');
    const f = new h5.File(file, 'w');
    f.create_attribute('model_config', JSON.stringify({ class_name: 'Sequential', config: { name: 'c', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 1], name: 'in' } },
      { class_name: 'Dense', config: { name: 'a', units: 1 } }, { class_name: 'Dense', config: { name: 'b', units: 1 } }] } }));
    const mw = f.create_group('model_weights');
    mw.create_attribute('layer_names0', ['in', 'a'], null, 'S2');
    mw.create_attribute('layer_names1', ['b'], null, 'S1');
    mw.create_group('in').create_attribute('weight_names', new Float64Array(0), [0]);
    for (const [n, k] of [['a', 2], ['b', -3]] as const) {
      const g = mw.create_group(n);
      g.create_attribute('weight_names0', [`${n}/kernel:0`]);
      g.create_attribute('weight_names1', [`${n}/bias:0`]);
      g.create_group(n).create_dataset({ name: 'kernel:0', data: Float32Array.from([k]), shape: [1, 1], dtype: '<f4' });
      g.get(n).create_dataset({ name: 'bias:0', data: Float32Array.from([1]), shape: [1], dtype: '<f4' });
    }
    f.close();
    const spec = await loadModel(file);
    assert.deepEqual(spec.weights!.map((w) => [w.name, w.data[0]]), [['a/kernel', 2], ['a/bias', 1], ['b/kernel', -3], ['b/bias', 1]]);
  });

  it('tfjs converter quantized weights (uint8 affine, float16) are dequantized', async () => {
    const sub = join(dir, 'quantized');
    mkdirSync(sub);
    const topology = { class_name: 'Sequential', config: { name: 'q', layers: [
      { class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 2] } }] } };
    // kernel [2, 2] uint8 (scale 0.5, min -1): 0, 2, 4, 255; bias [2] float16: 1.0, -2.5.
    const bytes = Uint8Array.from([0, 2, 4, 255, 0x00, 0x3c, 0x00, 0xc1]);
    writeFileSync(join(sub, 'w.bin'), bytes);
    writeFileSync(join(sub, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: [{ paths: ['w.bin'], weights: [
      { name: 'd/kernel', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'd/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } }] }] }));
    const spec = await loadModel(join(sub, 'model.json'));
    assert.deepEqual(spec.weights!.map((w) => [w.name, Array.from(w.data)]), [['d/kernel', [-1, 0, 1, 126.5]], ['d/bias', [1, -2.5]]]);
  });

  it('a .keras archive without model.weights.h5 opens without weights', async () => {
    const file = join(dir, 'noweights.keras');
    writeKerasArchive(file, { class_name: 'Sequential', config: { name: 's', layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 4], name: 'in' } },
      { class_name: 'Dense', config: { name: 'd', units: 2 } }] } }, undefined);
    const spec = await loadModel(file);
    assert.equal(spec.weights, undefined);
    assert.equal(analyzeModel(spec.model).totals.params, 10);
  });
});

describe('io: nested models are flattened into groups', function () {
  let dir: string;
  let outer: tfl.LayersModel;
  let x: tf.Tensor;
  let expected: Float32Array;

  before(async () => {
    await cpuBackend();
    dir = tempDir();
    // A functional "backbone" used as the first layer of a Sequential, as in transfer learning.
    const bin = tfl.input({ shape: [8, 8, 2], name: 'backbone_in' });
    let h = tfl.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv_a', activation: 'relu' }).apply(bin) as tfl.SymbolicTensor;
    h = tfl.layers.batchNormalization({ name: 'bn_a' }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(h) as tfl.SymbolicTensor;
    const backbone = tfl.model({ inputs: bin, outputs: h, name: 'backbone' });
    outer = tfl.sequential({ name: 'classifier', layers: [backbone, tfl.layers.dense({ units: 3, activation: 'softmax', name: 'head' })] });
    randomize(outer);
    x = tf.randomUniform([2, 8, 8, 2], 0, 1, 'float32', 3);
    expected = predict(outer, x);
  });
  after(() => removeDir(dir));

  async function check(file: string, format: string): Promise<void> {
    const spec = await loadModel(file);
    const names = kerasModelOf(spec).config.layers.map((l) => l.name);
    for (const n of ['conv_a', 'bn_a', 'gap', 'head']) assert.ok(names.includes(n), `${format}: ${n} flattened in (${names})`);
    assert.ok(!kerasModelOf(spec).config.layers.some((l) => ['Functional', 'Model', 'Sequential'].includes(l.class_name)), `${format}: no model layer left`);
    assert.deepEqual(spec.groups.map((g) => g.id), ['backbone']);
    assert.equal(spec.layerGroup.conv_a, 'backbone');
    assert.equal(spec.layerGroup.head, undefined);
    assert.equal(analyzeModel(spec.model).totals.params, outer.countParams(), `${format}: params`);
    const rebuilt = await buildTfjsModel(spec);
    const d = maxAbsDiff(predict(rebuilt, x), expected);
    assert.ok(d < 1e-6, `${format}: predictions differ by ${d}`);
  }

  it('tfjs model.json', async () => {
    const sub = join(dir, 'tfjs');
    mkdirSync(sub);
    await check(await saveTfjs(outer, sub), 'tfjs');
  });

  it('Keras 2 .h5 (the nested model is one layer_names entry)', async () => {
    const file = join(dir, 'nested.h5');
    await saveKerasH5(outer, file, 'keras2');
    await check(file, 'h5');
  });

  it('Keras 3 .keras (layers/backbone/layers/conv_a/vars)', async () => {
    const file = join(dir, 'nested.keras');
    await saveKeras3(outer, file);
    await check(file, '.keras');
  });

  it('an inner name that collides with an outer one is prefixed with the nested model name', async () => {
    const cfg = {
      class_name: 'Functional',
      config: {
        name: 'outer',
        layers: [
          { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_input_shape: [null, 4] }, inbound_nodes: [] },
          { class_name: 'Sequential', name: 'block', config: { name: 'block', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 4 } }] }, inbound_nodes: [[['x', 0, 0, {}]]] },
          { class_name: 'Dense', name: 'dense', config: { name: 'dense', units: 2 }, inbound_nodes: [[['block', 0, 0, {}]]] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['dense', 0, 0]],
      },
    };
    const file = join(dir, 'collide.json');
    writeFileSync(file, JSON.stringify(cfg));
    const spec = await loadModel(file);
    assert.deepEqual(kerasModelOf(spec).config.layers.map((l) => [l.name, l.inbound_nodes[0]?.[0]?.[0] ?? null]),
      [['x', null], ['block_dense', 'x'], ['dense', 'block_dense']]);
    assert.equal(spec.layerGroup.block_dense, 'block');
    assert.equal(analyzeModel(spec.model).totals.params, 4 * 4 + 4 + 4 * 2 + 2);
  });
});

describe('io: labels, unknown layers, Lambda code, names as data', function () {
  let dir: string;
  const dense3 = (name = 'm') => ({ class_name: 'Sequential', config: { name, layers: [
    { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], name: 'in' } },
    { class_name: 'Dense', config: { name: 'out', units: 3, activation: 'softmax' } }] } });
  before(() => { dir = tempDir(); });
  after(() => removeDir(dir));

  function modelIn(sub: string, files: Record<string, string>, config: unknown = dense3()): string {
    const d = join(dir, sub);
    mkdirSync(d);
    for (const [n, t] of Object.entries(files)) writeFileSync(join(d, n), t);
    writeFileSync(join(d, 'model.json'), JSON.stringify(config));
    return join(d, 'model.json');
  }

  it('labels.txt beside the model fills spec.labels', async () => {
    const spec = await loadModel(modelIn('txt', { 'labels.txt': 'circle\nsquare\r\ntriangle\n\n' }));
    assert.deepEqual(spec.labels, ['circle', 'square', 'triangle']);
  });

  it('labels.json as a list or as imagenet_class_index.json', async () => {
    assert.deepEqual((await loadModel(modelIn('list', { 'labels.json': '["a","b","c"]' }))).labels, ['a', 'b', 'c']);
    const idx = '{"1": ["n02", "b"], "0": ["n01", "a"], "2": ["n03", "c"]}';
    assert.deepEqual((await loadModel(modelIn('index', { 'labels.json': idx }))).labels, ['a', 'b', 'c']);
  });

  it('a labels file that does not match the output width is one clear error', async () => {
    await assert.rejects(loadModel(modelIn('bad', { 'labels.txt': 'a\nb\n' })),
      (e: Error) => e instanceof NetLensError && /labels.txt has 2 labels but the model outputs 3 classes/.test(e.message));
  });

  it('unknown layer classes are kept and listed as unsupported, never dropped', async () => {
    const cfg = dense3();
    cfg.config.layers.splice(1, 0, { class_name: 'MyCustomNorm', config: { name: 'custom', units: 0 } } as never);
    const spec = await loadModel(modelIn('custom', {}, cfg));
    assert.deepEqual(kerasModelOf(spec).config.layers.map((l) => l.class_name), ['InputLayer', 'MyCustomNorm', 'Dense']);
    assert.deepEqual(analyzeModel(spec.model).unsupported, [{ name: 'custom', className: 'MyCustomNorm' }]);
  });

  it('Lambda layers: the code is removed (never executed), the layer is listed as unsupported', async () => {
    // Keras 2 writes a lambda as base64 marshalled bytecode; this payload is Python code.
    const code = Buffer.from("__import__('os').system('touch /tmp/netlens-pwned')").toString('base64');
    const h5 = join(dir, 'lambda.h5');
    const cfg = dense3('lam');
    cfg.config.layers.splice(1, 0, { class_name: 'Lambda', config: { name: 'evil', function: [code, null, null], function_type: 'lambda', module: '__main__', output_shape: null, arguments: {} } } as never);
    await writeKerasH5(h5, cfg, [], 'keras2');
    const spec = await loadModel(h5);
    const lam = kerasModelOf(spec).config.layers.find((l) => l.name === 'evil')!;
    assert.equal(lam.class_name, 'Lambda');
    assert.ok(!JSON.stringify(lam.config).includes(code), 'code payload removed');
    assert.match(String(lam.config.function), /never executed/);
    assert.deepEqual(analyzeModel(spec.model).unsupported, [{ name: 'evil', className: 'Lambda' }]);
    await assert.rejects(buildTfjsModel(spec), (e: Error) => e instanceof NetLensError);
  });

  it('HTML in names is kept verbatim as data (escaping is the renderer\'s job)', async () => {
    const name = '<img src=x onerror="alert(1)">&amp;';
    const cfg = dense3();
    cfg.config.layers[1].config.name = name;
    const spec = await loadModel(modelIn('html', {}, cfg));
    assert.equal(kerasModelOf(spec).config.layers[1].name, name);
    assert.equal(analyzeModel(spec.model).layers[1].name, name);
  });
});
