// Cross-checks every zoo model layer by layer against tfjs itself: tfjs builds the model from the
// same IR and computes output shapes and weight shapes on its own. MACs are counted independently
// from tfjs' weight shapes (a kernel's elements times the output positions it is applied at).
import { strict as assert } from 'node:assert';
import type * as tfl from '@tensorflow/tfjs-layers';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildTfjsModel } from '../../src/core/engines/tfjs/buildModel';
import { ZOO } from '../../src/core/zoo';
import { cpuBackend } from './helpers/tfjs';
import { caseModel, LAYER_CASES } from './helpers/layerModels';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** MACs from tfjs' own weight shapes and output shape. */
function tfjsMacs(layer: tfl.layers.Layer): number {
  const out = layer.outputShape as number[];
  const weights = new Map(layer.weights.map((w) => [w.originalName.split('/').pop()!, w.shape as number[]]));
  const positions = size(out.slice(1, -1)); // spatial (or leading) positions of the output
  switch (layer.getClassName()) {
    case 'Conv1D':
    case 'NetLensCausalConv1D':
    case 'Conv2D':
      return size(weights.get('kernel')!) * positions;
    case 'DepthwiseConv2D':
      return size(weights.get('depthwise_kernel')!) * positions;
    case 'SeparableConv2D':
      return (size(weights.get('depthwise_kernel')!) + size(weights.get('pointwise_kernel')!)) * positions;
    case 'Dense':
      return size(weights.get('kernel')!) * positions;
    default:
      return 0;
  }
}

describe('analyser vs tfjs, layer by layer, every zoo model', function () {
  this.timeout(300_000);
  before(async () => { await cpuBackend(); });

  for (const entry of ZOO) {
    it(`${entry.name}: shapes, params (trainable / non-trainable) and MACs equal tfjs'`, async () => {
      const spec = entry.build();
      const a = analyzeModel(spec.model);
      const model = await buildTfjsModel(spec);
      try {
        assert.equal(a.layers.length, model.layers.length, 'layer count');
        assert.deepEqual(a.unsupported, []);
        for (const l of a.layers) {
          const t = model.getLayer(l.name);
          const where = `${entry.name}/${l.name}`;
          assert.deepEqual(l.outputShape, t.outputShape, `${where} output shape`);
          assert.equal(l.params, t.countParams(), `${where} params`);
          assert.equal(l.trainableParams, t.trainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0), `${where} trainable`);
          assert.equal(l.nonTrainableParams, t.nonTrainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0), `${where} non-trainable`);
          assert.equal(l.macs, tfjsMacs(t), `${where} MACs`);
        }
        assert.equal(a.totals.params, model.countParams());
      } finally {
        model.dispose();
      }
    });
  }
});

describe('analyser vs tfjs, one model per added layer class and activation', function () {
  this.timeout(60_000);
  let tf: Awaited<ReturnType<typeof cpuBackend>>;
  before(async () => { tf = await cpuBackend(); });

  for (const c of LAYER_CASES) {
    it(`${c.name}: shape and params equal tfjs'; the output equals Keras' definition`, async () => {
      const spec = caseModel(c);
      const a = analyzeModel(spec.model);
      assert.deepEqual(a.unsupported, []);
      const model = await buildTfjsModel(spec);
      try {
        for (const l of a.layers) {
          const t = model.getLayer(l.name);
          assert.deepEqual(l.outputShape, t.outputShape, `${l.name} output shape`);
          assert.equal(l.trainableParams, t.trainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0), `${l.name} trainable`);
          assert.equal(l.nonTrainableParams, t.nonTrainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0), `${l.name} non-trainable`);
          assert.equal(l.macs, tfjsMacs(t), `${l.name} MACs`);
        }
        // Inputs from -4 to 4 (exp and softplus stay well inside float32).
        const n = size(c.input);
        const x = Float32Array.from({ length: n }, (_, i) => -4 + (8 * ((i * 37) % n)) / n);
        const y = tf.tidy(() => (model.predict(tf.tensor(x, [1, ...c.input])) as import('@tensorflow/tfjs-core').Tensor).dataSync().slice());
        assert.ok(y.every(Number.isFinite), 'outputs are finite');
        if (c.expect) {
          const want = c.expect(x);
          assert.equal(y.length, want.length);
          for (let i = 0; i < y.length; i++) {
            assert.ok(Math.abs(y[i] - want[i]) <= 1e-4 * Math.max(1, Math.abs(want[i])), `${c.name}: output[${i}] ${y[i]} != ${want[i]} (input ${x[i]})`);
          }
        }
      } finally {
        model.dispose();
      }
    });
  }
});
