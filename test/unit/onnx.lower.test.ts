// Keras IR -> ONNX lowering, checked for "same answers": ONNX Runtime (onnxruntime-node, CPU
// execution provider) runs the lowered model and tfjs (wasm backend) runs the same Keras config
// with the same weights on the same input. Agreement is measured as
//     rel = max_i |onnx_i - tfjs_i| / max_i |tfjs_i|   (over the whole output tensor)
// and must be <= 1e-4. Every zoo model is run with random weights (at a reduced input size where
// the model allows it, ResNet-50 and GoogLeNet also at full size), every layer class in a small
// model of its own (before and after a convolution, so both the Keras and the NCHW layout reach
// it), and the CNN trained in test/fixtures/shapes.ts through the real importers.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { ACTIVATION_OPS, KERAS_ALIASES, LAYER_KINDS, TRAINING_ONLY } from '../../src/core/layers';
import { ModelBuilder } from '../../src/core/ir/builder';
import { KerasModel, ModelSpec, NamedWeight, NetLensError } from '../../src/core/ir/types';
import { loadModel } from '../../src/core/io/loadModel';
import { lowerToOnnx, onnxUnsupported, randomWeights, KERAS_LOWERINGS } from '../../src/core/engines/ort/lowering';
import { ACTIVATIONS } from '../../src/core/engines/ort/lowering/activations';
import { initWasm } from '../../src/core/engines/tfjs/backends';
import { buildTfjsModel } from '../../src/core/engines/tfjs/buildModel';
import { ZOO } from '../../src/core/zoo';
import { SHAPES, SIZE, shapesDataset, trainShapesCnn } from '../fixtures/shapes';
import { removeDir, saveKeras3, saveKerasH5, saveTfjs, tempDir } from '../fixtures/writers';
import { caseModel, LAYER_CASES, LayerCase } from './helpers/layerModels';

const TOLERANCE = 1e-4;
const MERGES = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate'];

/** max |a - b| / max |b|; NaN anywhere makes it NaN (and the assertion fail). */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'output sizes differ');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    diff = Number.isNaN(d) || d > diff ? d : diff;
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(scale > 0 && Number.isFinite(scale), `reference output is degenerate (max |x| = ${scale})`);
  return diff / scale;
}

/** A deterministic input in [-1, 1). */
function inputFor(shape: number[], seed = 7): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function inputShape(spec: ModelSpec): number[] {
  const a = analyzeModel(spec.model);
  return a.input.slice(1) as number[];
}

/** The spec with its (single) input resized to h x w (channels kept); undefined if the model does not allow it. */
function resized(spec: ModelSpec, size: number): ModelSpec | undefined {
  const model = spec.model as KerasModel;
  const layers = model.config.layers.map((l) => {
    if (l.class_name !== 'InputLayer') return l;
    const { batch_shape: keras3Shape, ...config } = l.config;
    const s = (config.batch_input_shape ?? keras3Shape) as (number | null)[];
    return { ...l, config: { ...config, batch_input_shape: [null, size, size, s[3]] } };
  });
  const out = { ...spec, model: { ...model, config: { ...model.config, layers } } };
  try {
    analyzeModel(out.model);
    return out;
  } catch {
    return undefined;
  }
}

type Level = 'disabled' | 'basic' | 'extended' | 'all';

async function runOnnx(bytes: Uint8Array, inputName: string, outputName: string, x: Float32Array, shape: number[], level: Level = 'all'): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: level });
  try {
    const result = await session.run({ [inputName]: new ort.Tensor('float32', x, shape) });
    return result[outputName].data as Float32Array;
  } finally {
    await session.release();
  }
}

async function runTfjs(spec: ModelSpec, weights: NamedWeight[], x: Float32Array, shape: number[]): Promise<Float32Array> {
  const model = await buildTfjsModel({ ...spec, weights });
  try {
    return tf.tidy(() => (model.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

/** Lowers, runs both engines on one input and returns rel; also checks node names against the layers. */
async function compare(spec: ModelSpec, weights: NamedWeight[], batch = 1): Promise<number> {
  const lowered = lowerToOnnx(spec, weights);
  checkNodeNames(spec, lowered.nodeLayer);
  const shape = [batch, ...inputShape(spec)];
  const x = inputFor(shape);
  const a = await runOnnx(lowered.bytes, lowered.inputName, lowered.outputName, x, shape);
  const b = await runTfjs(spec, weights, x, shape);
  return relError(a, b);
}

/** Every layer but the input owns a node named after it; helper nodes are "<layer>/<part>". */
function checkNodeNames(spec: ModelSpec, nodeLayer: Record<string, string>): void {
  const layers = (spec.model as KerasModel).config.layers;
  const names = new Set(layers.map((l) => l.name));
  for (const [node, layer] of Object.entries(nodeLayer)) {
    assert.ok(names.has(layer), `node ${node} maps to unknown layer ${layer}`);
    assert.ok(node === layer || node.startsWith(`${layer}/`), `node ${node} is not named after its layer ${layer}`);
  }
  for (const l of layers) {
    if (l.class_name === 'InputLayer') continue;
    assert.equal(nodeLayer[l.name], l.name, `layer ${l.name} (${l.class_name}) has no ONNX node of its own name`);
  }
}

/** Layer classes the analyser supported before wave 2 that no zoo model uses, and layouts the zoo does not reach. */
const conv = (o: Record<string, unknown>) => ({
  class_name: 'Conv2D',
  config: { filters: 5, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true, ...o },
});
const CLASSIC_CASES: LayerCase[] = [
  { name: 'Conv2D dilated, same padding', input: [9, 9, 3], layers: [conv({ dilation_rate: [2, 2], activation: 'elu' })] },
  { name: 'Conv2D stride 2 on an even input (asymmetric same padding)', input: [8, 10, 3], layers: [conv({ strides: [2, 2], kernel_size: [4, 3] })] },
  { name: 'DepthwiseConv2D multiplier 2, stride 2, same', input: [8, 8, 3], layers: [{ class_name: 'DepthwiseConv2D', config: { kernel_size: [3, 3], strides: [2, 2], padding: 'same', depth_multiplier: 2, activation: 'relu6', use_bias: true } }] },
  { name: 'SeparableConv2D multiplier 2, dilated, valid', input: [9, 9, 3], layers: [{ class_name: 'SeparableConv2D', config: { filters: 4, kernel_size: [3, 3], padding: 'valid', dilation_rate: [2, 2], depth_multiplier: 2, activation: 'selu', use_bias: true } }] },
  { name: 'Conv2DTranspose stride 2, same', input: [5, 6, 3], layers: [{ class_name: 'Conv2DTranspose', config: { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'linear', use_bias: true } }] },
  { name: 'Conv2DTranspose stride 3 > kernel 2, same', input: [4, 4, 2], layers: [{ class_name: 'Conv2DTranspose', config: { filters: 3, kernel_size: [2, 2], strides: [3, 3], padding: 'same', use_bias: false } }] },
  { name: 'Conv2DTranspose valid', input: [4, 5, 2], layers: [{ class_name: 'Conv2DTranspose', config: { filters: 3, kernel_size: [3, 2], strides: [2, 1], padding: 'valid', use_bias: true } }] },
  { name: 'Dense on a rank-4 tensor (last axis)', input: [3, 4, 5], layers: [{ class_name: 'Dense', config: { units: 6, activation: 'tanh', use_bias: true } }] },
  { name: 'Dense after Flatten keeps Keras\' channels-last order', input: [4, 3, 5], layers: [conv({}), { class_name: 'Flatten', config: {} }, { class_name: 'Dense', config: { units: 7, activation: 'softsign' } }] },
  { name: 'Reshape of an image, then softmax over the new last axis', input: [4, 4, 6], layers: [conv({ filters: 6 }), { class_name: 'Reshape', config: { target_shape: [8, 12] } }, { class_name: 'Softmax', config: { axis: -1 } }] },
  { name: 'BatchNormalization on a rank-2 tensor', input: [12], layers: [{ class_name: 'BatchNormalization', config: { axis: -1, epsilon: 0.001, center: true, scale: false } }] },
  { name: 'LayerNormalization', input: [5, 5, 8], layers: [{ class_name: 'LayerNormalization', config: { axis: -1, epsilon: 0.001 } }] },
  { name: 'LRN (tfjs semantics)', input: [5, 5, 9], layers: [{ class_name: 'LRN', config: { depth_radius: 2, bias: 1.5, alpha: 0.3, beta: 0.75 } }] },
  { name: 'LeakyReLU, ELU, Softmax layers', input: [6, 6, 3], layers: [{ class_name: 'LeakyReLU', config: { alpha: 0.1 } }, { class_name: 'ELU', config: { alpha: 1 } }, { class_name: 'Softmax', config: { axis: -1 } }] },
  { name: 'pools with same padding (average excludes the padding, as TensorFlow)', input: [7, 7, 3], layers: [{ class_name: 'AveragePooling2D', config: { pool_size: [3, 3], strides: [2, 2], padding: 'same' } }, { class_name: 'MaxPooling2D', config: { pool_size: [2, 2], strides: null, padding: 'same' } }] },
  { name: 'GlobalMaxPooling2D', input: [5, 5, 4], layers: [{ class_name: 'GlobalMaxPooling2D', config: {} }] },
  // ONNX Runtime's PadFusion would fold these zero pads into the pools as -inf / uncounted padding.
  { name: 'ZeroPadding2D then MaxPooling2D over negative values (ResNetV2\'s pool1)', input: [6, 7, 3], layers: [conv({ activation: 'linear' }), { class_name: 'ZeroPadding2D', config: { padding: [[1, 1], [1, 1]] } }, { class_name: 'MaxPooling2D', config: { pool_size: [3, 3], strides: [2, 2], padding: 'valid' } }] },
  { name: 'ZeroPadding2D then AveragePooling2D (the zeros count)', input: [6, 7, 3], layers: [{ class_name: 'ZeroPadding2D', config: { padding: [[1, 2], [2, 1]] } }, { class_name: 'AveragePooling2D', config: { pool_size: [3, 3], strides: [1, 1], padding: 'valid' } }] },
  { name: 'ZeroPadding2D asymmetric', input: [4, 5, 2], layers: [{ class_name: 'ZeroPadding2D', config: { padding: [[1, 2], [0, 3]] } }] },
  ...['softplus', 'hard_sigmoid', 'gelu', 'mish', 'swish', 'exponential', 'linear', 'sigmoid', 'relu', 'log_softmax'].map((a) => ({
    name: `Activation ${a} after a convolution`, input: [4, 4, 3], layers: [conv({ activation: a })],
  })),
];

/** Zoo models run at full size here; the rest at the smallest of these sizes they accept. */
const FULL_SIZE = new Set(['resnet50', 'googlenet']);
const REDUCED = [64, 75, 96, 128, 160];

describe('ONNX lowering: ONNX Runtime equals tfjs (rel = max|onnx - tfjs| / max|tfjs| <= 1e-4)', function () {
  this.timeout(600_000);
  let previousBackend = '';
  before(async () => {
    previousBackend = tf.getBackend() ?? '';
    const wasm = await initWasm({});
    if (!wasm.ok) await tf.setBackend('cpu');
    await tf.ready();
  });
  // Leave tfjs on the backend the next test file found it on.
  after(async () => { if (previousBackend) await tf.setBackend(previousBackend); });

  describe('every zoo model, random weights', () => {
    for (const entry of ZOO) {
      it(entry.name, async () => {
        const native = entry.build();
        const [h] = inputShape(native);
        let spec = native;
        if (!FULL_SIZE.has(entry.name) && h > REDUCED[0]) {
          spec = REDUCED.map((s) => resized(native, s)).find((s) => s !== undefined) ?? native;
        }
        assert.deepEqual(onnxUnsupported(spec), []);
        const rel = await compare(spec, randomWeights(spec, 1));
        assert.ok(rel <= TOLERANCE, `${entry.name} at ${inputShape(spec).join('x')}: rel ${rel}`);
      });
    }
  });

  describe('every layer class, in a model of its own', () => {
    const conv1x1 = (c: number) => ({
      class_name: 'Conv2D',
      config: { filters: c, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true },
    });
    for (const c of [...LAYER_CASES, ...CLASSIC_CASES]) {
      it(c.name, async () => {
        const spec = caseModel(c);
        assert.deepEqual(onnxUnsupported(spec), []);
        const rel = await compare(spec, randomWeights(spec, 3), 2);
        assert.ok(rel <= TOLERANCE, `rel ${rel}`);
      });
      // After a convolution the layer's input reaches ONNX as NCHW: the layout bookkeeping is exercised.
      if (c.input.length === 3) {
        it(`${c.name}, after a convolution`, async () => {
          const spec = caseModel({ ...c, layers: [conv1x1(c.input[2]), ...c.layers] });
          const rel = await compare(spec, randomWeights(spec, 3), 2);
          assert.ok(rel <= TOLERANCE, `rel ${rel}`);
        });
      }
    }

    it('every class the lowering table names is exercised by a zoo model or a case above', () => {
      const seen = new Set<string>();
      for (const e of ZOO) for (const l of (e.build().model as KerasModel).config.layers) seen.add(l.class_name);
      for (const c of [...LAYER_CASES, ...CLASSIC_CASES]) for (const l of c.layers) seen.add(l.class_name);
      for (const c of [...MERGES, ...TRAINING_ONLY, 'Identity', 'BatchNormalization']) seen.add(c);
      const missing = Object.keys(KERAS_LOWERINGS).filter((k) => !seen.has(k) && !seen.has(KERAS_ALIASES[k] ?? ''));
      assert.deepEqual(missing, []);
    });

    it('training-only layers and Identity are the identity at inference (ONNX output = input)', async () => {
      for (const cls of [...TRAINING_ONLY, 'Identity']) {
        const spec = caseModel({ name: cls, input: [4, 5, 3], layers: [{ class_name: cls, config: { rate: 0.5, stddev: 1, factor: 0.2 } }] });
        const lowered = lowerToOnnx(spec, []);
        const x = inputFor([2, 4, 5, 3]);
        const y = await runOnnx(lowered.bytes, lowered.inputName, lowered.outputName, x, [2, 4, 5, 3]);
        assert.deepEqual(Array.from(y), Array.from(x), cls);
      }
    });

    it('BatchNormalization on axis 1 of a rank-3 tensor equals Keras\' formula (tfjs gets this case wrong)', async () => {
      const spec = caseModel({ name: 'bn_axis1', input: [4, 6], layers: [{ class_name: 'BatchNormalization', config: { axis: 1, epsilon: 0.01 } }] });
      const w = randomWeights(spec, 3).map((x) => x.data);
      const lowered = lowerToOnnx(spec, randomWeights(spec, 3));
      const x = inputFor([2, 4, 6]);
      const y = await runOnnx(lowered.bytes, lowered.inputName, lowered.outputName, x, [2, 4, 6]);
      const [gamma, beta, mean, variance] = w;
      const expected = Array.from(x, (v, i) => {
        const c = Math.floor(i / 6) % 4;
        return ((v - mean[c]) / Math.sqrt(variance[c] + 0.01)) * gamma[c] + beta[c];
      });
      assert.ok(relError(y, expected) <= TOLERANCE);
    });

    it('Conv2D with groups (tfjs has none: the reference is tf.conv2d per group, concatenated)', async () => {
      const b = new ModelBuilder('grouped');
      const x = b.input([9, 9, 6], 'image');
      const y = b.layer('Conv2D', {
        filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1],
        groups: 2, activation: 'relu', use_bias: true,
      }, [x], 'grouped_conv');
      const spec = b.build([y]);
      const weights = randomWeights(spec, 5);
      assert.deepEqual(weights.map((w) => [w.name, w.shape]), [['grouped_conv/kernel', [3, 3, 3, 4]], ['grouped_conv/bias', [4]]]);
      const lowered = lowerToOnnx(spec, weights);
      const input = inputFor([2, 9, 9, 6]);
      const a = await runOnnx(lowered.bytes, lowered.inputName, lowered.outputName, input, [2, 9, 9, 6]);
      const ref = tf.tidy(() => {
        const xs = tf.split(tf.tensor4d(input, [2, 9, 9, 6]), 2, 3);
        const ks = tf.split(tf.tensor4d(weights[0].data, [3, 3, 3, 4]), 2, 3);
        const z = tf.concat(xs.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, ks[i] as tf.Tensor4D, 2, 'same')), 3);
        return tf.relu(tf.add(z, tf.tensor1d(weights[1].data))).dataSync() as Float32Array;
      });
      assert.ok(relError(a, ref) <= TOLERANCE);
    });
  });

  describe('weighted models through the importers (the shapes CNN trained in test/fixtures/shapes.ts)', () => {
    let dir: string;
    let probs: Float32Array;
    let files: Record<string, string>;
    const n = 24;
    const test = shapesDataset(n, 11);

    before(async () => {
      dir = tempDir('netlens-onnx-');
      const { model } = await trainShapesCnn(300, 3, 1);
      probs = tf.tidy(() => (model.predict(tf.tensor4d(test.x, [n, SIZE, SIZE, 1])) as tf.Tensor).dataSync() as Float32Array);
      mkdirSync(join(dir, 'tfjs'));
      const tfjsFile = await saveTfjs(model, join(dir, 'tfjs'), 4096);
      writeFileSync(join(dir, 'tfjs', 'labels.txt'), `${SHAPES.join('\n')}\n`);
      files = { 'tfjs model.json': tfjsFile, 'Keras 3 .keras': join(dir, 'm.keras'), 'Keras 2 .h5': join(dir, 'm.h5') };
      await saveKeras3(model, files['Keras 3 .keras']);
      await saveKerasH5(model, files['Keras 2 .h5'], 'keras2');
      model.dispose();
    });
    after(() => removeDir(dir));

    for (const kind of ['tfjs model.json', 'Keras 3 .keras', 'Keras 2 .h5']) {
      it(`${kind}: ONNX Runtime gives the trained model's probabilities and predictions (batch ${n})`, async () => {
        const spec = await loadModel(files[kind]);
        assert.ok(spec.weights && spec.weights.length > 0, 'the file carries weights');
        const lowered = lowerToOnnx(spec, spec.weights);
        const a = await runOnnx(lowered.bytes, lowered.inputName, lowered.outputName, test.x, [n, SIZE, SIZE, 1]);
        assert.ok(relError(a, probs) <= TOLERANCE, `rel ${relError(a, probs)}`);
        const argmax = (p: ArrayLike<number>, i: number): number => {
          const row = Array.from({ length: SHAPES.length }, (_, j) => p[i * SHAPES.length + j]);
          return row.indexOf(Math.max(...row));
        };
        for (let i = 0; i < n; i++) assert.equal(argmax(a, i), argmax(probs, i), `image ${i}: prediction changed`);
      });
    }
  });

  // Merges need a functional graph; they are checked here with the builder rather than as LayerCases.
  describe('merges (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate) across layouts', () => {
    for (const cls of MERGES) {
      it(`${cls}: a convolution's output (NCHW in ONNX) with the raw input (Keras order)`, async () => {
        const b = new ModelBuilder(`merge_${cls}`);
        const x = b.input([5, 6, 3], 'image');
        const c1 = b.conv2d(x, 3, { kernelSize: 3, padding: 'same', name: 'conv_a' });
        const inputs = cls === 'Subtract' ? [c1, x] : [c1, x, b.conv2d(x, 3, { kernelSize: 1, name: 'conv_b' })];
        const m = b.layer(cls, cls === 'Concatenate' ? { axis: -1 } : {}, inputs, 'merge');
        const spec = b.build([b.dense(b.flatten(m, 'flat'), 4, { name: 'head' })]);
        const weights = randomWeights(spec, 9);
        if (cls !== 'Subtract') {
          const rel = await compare(spec, weights, 2);
          assert.ok(rel <= TOLERANCE, `rel ${rel}`);
          return;
        }
        // tfjs has no Subtract: its reference is a + (-1 x b), with the same weights.
        const r = new ModelBuilder('subtract_reference');
        const rx = r.input([5, 6, 3], 'image');
        const ra = r.conv2d(rx, 3, { kernelSize: 3, padding: 'same', name: 'conv_a' });
        const neg = r.layer('Rescaling', { scale: -1, offset: 0 }, [rx], 'negate');
        const ref = r.build([r.dense(r.flatten(r.add([ra, neg], 'merge'), 'flat'), 4, { name: 'head' })]);
        const lowered = lowerToOnnx(spec, weights);
        checkNodeNames(spec, lowered.nodeLayer);
        const data = inputFor([2, 5, 6, 3]);
        const a = await runOnnx(lowered.bytes, lowered.inputName, lowered.outputName, data, [2, 5, 6, 3]);
        const rel = relError(a, await runTfjs(ref, weights, data, [2, 5, 6, 3]));
        assert.ok(rel <= TOLERANCE, `rel ${rel}`);
      });
    }
  });

  describe('coverage and optimisation levels', () => {
    it('every layer class and activation the analyser counts has an ONNX lowering', () => {
      assert.deepEqual(Object.keys(LAYER_KINDS).filter((k) => k !== 'InputLayer' && !Object.prototype.hasOwnProperty.call(KERAS_LOWERINGS, k)), []);
      assert.deepEqual(Object.keys(ACTIVATION_OPS).filter((k) => !Object.prototype.hasOwnProperty.call(ACTIVATIONS, k)), []);
    });

    // The profiler also runs at lower levels (each layer timed on its own): the answers must not change.
    for (const name of ['mobilenetv3small', 'resnet50v2']) {
      it(`${name} (64x64) equals tfjs at every ONNX Runtime optimisation level`, async () => {
        const spec = resized(ZOO.find((e) => e.name === name)!.build(), 64)!;
        const weights = randomWeights(spec, 2);
        const lowered = lowerToOnnx(spec, weights);
        const shape = [1, 64, 64, 3];
        const x = inputFor(shape);
        const ref = await runTfjs(spec, weights, x, shape);
        for (const level of ['disabled', 'basic', 'extended', 'all'] as const) {
          const rel = relError(await runOnnx(lowered.bytes, lowered.inputName, lowered.outputName, x, shape, level), ref);
          assert.ok(rel <= TOLERANCE, `${level}: rel ${rel}`);
        }
      });
    }
  });

  describe('what cannot be lowered', () => {
    it('an unknown class is listed by onnxUnsupported, and lowerToOnnx refuses with one line naming it', () => {
      const b = new ModelBuilder('odd');
      const x = b.input([8, 8, 3], 'image');
      const y = b.layer('FancyWarp', { strength: 2 }, [b.conv2d(x, 4, { kernelSize: 3, name: 'conv' })], 'warp');
      const spec = b.build([b.globalAvgPool(y, 'gap')]);
      assert.deepEqual(onnxUnsupported(spec).map(({ name, className }) => ({ name, className })), [{ name: 'warp', className: 'FancyWarp' }]);
      assert.throws(() => lowerToOnnx(spec, randomWeights(spec, 1)), (e: Error) =>
        e instanceof NetLensError && /layer "warp" \(FancyWarp\)/.test(e.message) && !e.message.includes('\n'));
    });

    it('a configuration a rule refuses (dilated Conv2DTranspose) is listed with the reason', () => {
      const b = new ModelBuilder('dilated_transpose');
      const x = b.input([8, 8, 3], 'image');
      const y = b.layer('Conv2DTranspose', { filters: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'same', dilation_rate: [2, 2] }, [x], 'up');
      const list = onnxUnsupported(b.build([y]));
      assert.equal(list.length, 1);
      assert.equal(list[0].name, 'up');
      assert.match((list[0] as { reason?: string }).reason ?? '', /dilated/);
    });

    it('a missing or misshapen weight is one clear error', () => {
      const spec = caseModel(CLASSIC_CASES[0]);
      const weights = randomWeights(spec, 1);
      assert.throws(() => lowerToOnnx(spec, weights.slice(1)), /no weights for/);
      const bad = weights.map((w, i) => (i === 0 ? { ...w, shape: [...w.shape].reverse() } : w));
      assert.throws(() => lowerToOnnx(spec, bad), /has shape \[.*\], the layer needs/);
    });

    it('randomWeights is deterministic and has tfjs\' names and shapes', async () => {
      const spec = ZOO.find((e) => e.name === 'resnet18')!.build();
      const a = randomWeights(spec, 42);
      const b = randomWeights(spec, 42);
      assert.deepEqual(a.map((w) => w.name), b.map((w) => w.name));
      assert.ok(a.every((w, i) => w.data.every((v, j) => v === b[i].data[j])));
      assert.ok(a.filter((w) => w.name.endsWith('moving_variance')).every((w) => w.data.every((v) => v > 0)));
      const model = await buildTfjsModel(spec);
      try {
        const tfjsWeights = model.weights.map((v) => [v.originalName, v.shape]).sort();
        assert.deepEqual(a.map((w) => [w.name, w.shape]).sort(), tfjsWeights);
      } finally {
        model.dispose();
      }
    });
  });
});
