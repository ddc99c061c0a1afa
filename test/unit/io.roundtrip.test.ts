// Round trip: every zoo model is built in tfjs, exported to a tfjs model.json by tfjs itself
// (model.toJSON, the topology tfjs' save writes), re-imported with loadModel, and must give the
// identical analysis (every total and every per-layer figure). The small models also go through a
// full save with weight shards and must predict exactly what the original predicts.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackend } from './helpers/tfjs';
import { ZOO } from '../../src/core/zoo';
import { loadModel } from '../../src/core/io/loadModel';
import { buildTfjsModel, tfjsCompatible } from '../../src/core/engines/tfjs/buildModel';
import { KerasModel, kerasModelOf } from '../../src/core/ir/types';
import { analyzeModel, ModelAnalysis } from '../../src/core/analysis/analyze';
import { removeDir, saveTfjs, tempDir } from '../fixtures/writers';

/** The analysis without the model's name (the file's name may differ). */
function figures(a: ModelAnalysis): unknown {
  return { input: a.input, totals: a.totals, layers: a.layers, unsupported: a.unsupported };
}

/**
 * tfjs writes the layers of a branching model in its own topological order. Peak memory is
 * measured along the file's order, so the original is compared in the order the file has.
 */
function inOrder(model: KerasModel, names: string[]): KerasModel {
  const pos = new Map(names.map((n, i) => [n, i]));
  const layers = [...model.config.layers].sort((a, b) => pos.get(a.name)! - pos.get(b.name)!);
  return { ...model, config: { ...model.config, layers } };
}

describe('io: zoo round trip through tfjs model.json', function () {
  this.timeout(600_000);
  let dir: string;
  before(async () => {
    await cpuBackend();
    dir = tempDir();
  });
  after(() => removeDir(dir));

  for (const entry of ZOO) {
    it(`${entry.name}: tfjs-exported model.json re-imports with identical analysis`, async () => {
      const spec = entry.build();
      // What tfjs can hold: buildTfjsModel rewrites a rank-2 Flatten as the equivalent Reshape.
      const exported = tfjsCompatible(kerasModelOf(spec));
      const model = await buildTfjsModel(spec);
      let json: unknown;
      try {
        json = { format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null, modelTopology: model.toJSON(null, false) };
      } finally {
        model.dispose();
      }
      const file = join(dir, `${entry.name}.json`);
      writeFileSync(file, JSON.stringify(json));
      const back = await loadModel(file);
      assert.equal(back.weights, undefined);
      assert.equal(kerasModelOf(back).config.layers.length, kerasModelOf(spec).config.layers.length);
      const order = kerasModelOf(back).config.layers.map((l) => l.name);
      const got = analyzeModel(back.model);
      assert.deepEqual(figures(got), figures(analyzeModel(inOrder(exported, order))));
      // And every total but the order-dependent peak equals the zoo model's as the zoo writes it.
      const { peakInferenceBytes: _p1, ...t1 } = got.totals;
      const { peakInferenceBytes: _p2, ...t2 } = analyzeModel(spec.model).totals;
      assert.deepEqual(t1, t2);
    });
  }

  for (const name of ['lenet5', 'mnist_cnn']) {
    it(`${name}: saved with weight shards, re-imported, predicts exactly as the original`, async () => {
      const spec = ZOO.find((e) => e.name === name)!.build();
      const model = await buildTfjsModel(spec);
      const sub = join(dir, `${name}-weights`);
      mkdirSync(sub);
      const file = await saveTfjs(model, sub, 256 * 1024);
      const back = await loadModel(file);
      assert.equal(back.weights!.length, model.weights.length);
      const rebuilt: tfl.LayersModel = await buildTfjsModel(back);
      const shape = (model.inputs[0].shape as (number | null)[]).map((d) => d ?? 2);
      const x = tf.randomUniform(shape, 0, 1, 'float32', 11);
      const a = (model.predict(x) as tf.Tensor).dataSync();
      const b = (rebuilt.predict(x) as tf.Tensor).dataSync();
      assert.deepEqual(Array.from(b), Array.from(a));
      assert.deepEqual(figures(analyzeModel(back.model)), figures(analyzeModel(spec.model)));
      model.dispose();
      rebuilt.dispose();
    });
  }
});
