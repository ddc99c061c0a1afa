// Top-5 from a model with real weights: the importers' test fixture trains a small CNN on
// synthetic circles / squares / triangles and saves it as tfjs model.json + shards + labels.txt.
// Drawn shapes, written as PNG files, are profiled through `netlens profile <model.json> --json`:
// weights "loaded", class names from labels.txt, probabilities in order, and the same top class
// and probability as model.predict on the same decoded, preprocessed image.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { drawShape, SHAPES, SIZE, trainShapesCnn } from '../fixtures/shapes';
import { removeDir, saveTfjs, tempDir } from '../fixtures/writers';
import { loadModel } from '../../src/core/io/loadModel';
import { buildTfjsModel } from '../../src/core/engines/tfjs/buildModel';
import { readImage } from '../../src/core/profile/image';
import { imageToInput } from '../../src/core/engines/tfjs/preprocess';
import type { ProfileResult } from '../../src/core/profile/result';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** A SIZE x SIZE grayscale drawing in [0, 1] as an RGB PNG file. */
function writePng(file: string, pixels: Float32Array): void {
  const png = new PNG({ width: SIZE, height: SIZE });
  for (let i = 0; i < SIZE * SIZE; i++) {
    const v = Math.round(pixels[i] * 255);
    png.data.set([v, v, v, 255], i * 4);
  }
  writeFileSync(file, PNG.sync.write(png));
}

describe('profile: a trained model gives top-5 classes', function () {
  this.timeout(300_000);
  let dir: string;
  let modelFile: string;

  before(async () => {
    await tf.setBackend('cpu');
    dir = tempDir('netlens-profile-trained-');
    const { model } = await trainShapesCnn(600, 12, 1);
    modelFile = await saveTfjs(model, dir);
    writeFileSync(join(dir, 'labels.txt'), `${SHAPES.join('\n')}\n`);
    model.dispose();
  });
  after(() => removeDir(dir));

  it('names the classes from labels.txt, in order, as model.predict ranks them', async () => {
    let seed = 77;
    const r = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const spec = await loadModel(modelFile);
    const model = await buildTfjsModel(spec);
    let agree = 0;
    for (let k = 0; k < SHAPES.length; k++) {
      const file = join(dir, `${SHAPES[k]}.png`);
      writePng(file, drawShape(k, r));
      const run = spawnSync(process.execPath, [CLI, 'profile', modelFile, '--image', file, '--backend', 'wasm', '--runs', '2', '--json'], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, run.stderr);
      const res = JSON.parse(run.stdout) as ProfileResult;
      assert.equal(res.weights, 'loaded');
      assert.equal(res.predictionsNote, undefined);
      assert.ok(res.predictions, 'predictions present');
      const preds = res.predictions!;
      assert.equal(preds.length, 3, 'top-5 of a 3-class model lists all 3');
      assert.deepEqual([...preds.map((p) => p.label)].sort(), [...SHAPES].sort());
      for (let i = 1; i < preds.length; i++) assert.ok(preds[i - 1].probability >= preds[i].probability);
      assert.ok(Math.abs(preds.reduce((s, p) => s + p.probability, 0) - 1) < 1e-4);
      // The same decoded and preprocessed image through model.predict (cpu backend, this process).
      const x = imageToInput(readImage(file), SIZE, SIZE, 1, 'grayscale01');
      const y = Array.from((model.predict(x) as tf.Tensor).dataSync());
      tf.dispose(x);
      const best = y.indexOf(Math.max(...y));
      assert.equal(preds[0].label, spec.labels![best]);
      assert.ok(Math.abs(preds[0].probability - y[best]) < 1e-3, `${preds[0].probability} vs ${y[best]}`);
      if (preds[0].label === SHAPES[k]) agree++;
    }
    model.dispose();
    // Informative only (a small CNN on one drawing each): how many of the three it named right.
    console.log(`      shapes CNN top-1 on the drawn PNGs: ${agree}/3`);
  });
});
