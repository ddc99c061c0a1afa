// Weights end to end: a small CNN is trained here (tfjs, cpu backend, seconds; see
// test/fixtures/shapes.ts for how) on 1000 synthetic circles / squares / triangles, saved by tfjs as model.json + weight shards with a labels.txt
// beside it, and reopened with loadModel. The reopened model must classify held-out images
// (drawn with another seed) well above chance, give the very same probabilities as the trained
// model, and name the classes from labels.txt. The same trained weights written as a Keras 3
// .keras and a Keras 2 .h5 must predict the same.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackend } from './helpers/tfjs';
import { PNG } from 'pngjs';
import { loadModel } from '../../src/core/io/loadModel';
import { profileModel } from '../../src/core/profile/profile';
import { buildTfjsModel } from '../../src/core/engines/tfjs/buildModel';
import { removeDir, saveKeras3, saveKerasH5, saveTfjs, tempDir } from '../fixtures/writers';
import { SHAPES, SIZE, shapesDataset, trainShapesCnn } from '../fixtures/shapes';

function argmaxRows(p: Float32Array | Int32Array | Uint8Array, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.length / k; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
    out.push(best);
  }
  return out;
}

describe('io: a CNN trained here on synthetic shapes, saved by tfjs and reopened', function () {
  this.timeout(300_000);
  let dir: string;
  let trained: tfl.LayersModel;
  let test: ReturnType<typeof shapesDataset>;
  let xTest: tf.Tensor;
  let trainedProbs: Float32Array;
  let trainMs = 0;

  before(async () => {
    await cpuBackend();
    dir = tempDir();
    const result = await trainShapesCnn(1000, 12, 1);
    trained = result.model;
    trainMs = result.ms;
    test = shapesDataset(150, 2); // held out: another seed
    xTest = tf.tensor4d(test.x, [150, SIZE, SIZE, 1]);
    trainedProbs = (trained.predict(xTest) as tf.Tensor).dataSync() as Float32Array;
  });
  after(() => removeDir(dir));

  it('reopened from model.json + shards + labels.txt, it classifies held-out shapes well above chance', async () => {
    const file = await saveTfjs(trained, dir, 4096);
    writeFileSync(join(dir, 'labels.txt'), `${SHAPES.join('\n')}\n`);
    const spec = await loadModel(file);
    assert.deepEqual(spec.labels, [...SHAPES]);
    const model = await buildTfjsModel(spec);
    const probs = (model.predict(xTest) as tf.Tensor).dataSync() as Float32Array;
    assert.deepEqual(Array.from(probs), Array.from(trainedProbs), 'same probabilities as the trained model');
    const predicted = argmaxRows(probs, SHAPES.length);
    const correct = predicted.filter((p, i) => p === test.labels[i]).length;
    const accuracy = correct / test.labels.length;
    const named = predicted.slice(0, 6).map((p) => spec.labels![p]);
    console.log(`      shapes CNN: trained in ${(trainMs / 1000).toFixed(1)} s, held-out accuracy ${(accuracy * 100).toFixed(1)}% ` +
      `(${correct}/${test.labels.length}, chance 33%); first predictions ${named.join(', ')}`);
    assert.ok(accuracy >= 0.8, `held-out accuracy ${accuracy}`);
    // Every class is recognised, not just one guessed everywhere.
    for (let k = 0; k < SHAPES.length; k++) {
      const idx = test.labels.map((l, i) => [l, i]).filter(([l]) => l === k).map(([, i]) => i);
      const hit = idx.filter((i) => predicted[i] === k).length / idx.length;
      assert.ok(hit >= 0.6, `${SHAPES[k]} recall ${hit}`);
    }
    model.dispose();
  });

  it('profiling the reopened .keras file uses its weights and names classes from labels.txt', async () => {
    const file = join(dir, 'profiled.keras');
    await saveKeras3(trained, file);
    const spec = await loadModel(file);
    // Twelve held-out images as 8-bit PNGs, as a user would hand them to the profiler.
    const imgs = shapesDataset(12, 3);
    let right = 0;
    for (let i = 0; i < 12; i++) {
      const png = new PNG({ width: SIZE, height: SIZE });
      for (let p = 0; p < SIZE * SIZE; p++) {
        const v = Math.round(imgs.x[i * SIZE * SIZE + p] * 255);
        png.data[4 * p] = png.data[4 * p + 1] = png.data[4 * p + 2] = v;
        png.data[4 * p + 3] = 255;
      }
      const img = join(dir, `shape${i}.png`);
      writeFileSync(img, PNG.sync.write(png));
      const r = await profileModel(spec, img, { backend: 'cpu', runs: 1, warmup: 0 });
      assert.equal(r.weights, 'loaded');
      assert.deepEqual(r.predictions!.map((p) => p.label).sort(), [...SHAPES].sort(), 'top classes are the labels');
      if (r.predictions![0].label === SHAPES[imgs.labels[i]]) right++;
    }
    console.log(`      profiler on the reopened .keras: top-1 right on ${right}/12 held-out PNGs`);
    assert.ok(right >= 9, `top-1 right on ${right}/12`);
  });

  for (const [format, save] of [
    ['Keras 3 .keras', (f: string) => saveKeras3(trained, f)],
    ['Keras 2 .h5', (f: string) => saveKerasH5(trained, f, 'keras2')],
  ] as const) {
    it(`the same trained weights as ${format} predict the same`, async () => {
      const file = join(dir, format.endsWith('.keras') ? 'shapes.keras' : 'shapes.h5');
      await save(file);
      const spec = await loadModel(file);
      assert.deepEqual(spec.labels, [...SHAPES], 'labels.txt beside it applies too');
      const model = await buildTfjsModel(spec);
      const probs = (model.predict(xTest) as tf.Tensor).dataSync() as Float32Array;
      assert.deepEqual(Array.from(probs), Array.from(trainedProbs));
      model.dispose();
    });
  }
});
