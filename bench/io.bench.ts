// Importers: how long loadModel takes to open ResNet-50 with its 25.6 M weights (~98 MiB) from
// each format, against a plain read of the same bytes (the floor), and against tfjs' own path for
// the same artifacts (tf.io.fromMemory + loadLayersModel, which also builds the model); what a
// hostile file costs before it is refused. Files are written to a temp folder by the test writers
// (tfjs' save handler, h5wasm in the Keras layouts) and removed afterwards.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { zipSync } from 'fflate';
import { loadModel } from '../src/core/io/loadModel';
import { NetLensError } from '../src/core/ir/types';
import { buildTfjsModel } from '../src/core/engines/tfjs/buildModel';
import { buildZooModel } from '../src/core/zoo';
import { removeDir, saveKeras3, saveKerasH5, saveTfjs, tempDir } from '../test/fixtures/writers';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
/** Full collection, twice around a tick: V8 frees large ArrayBuffers lazily. */
async function settle(): Promise<void> {
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gc();
}
const mib = (b: number): string => (b / 2 ** 20).toFixed(1);

async function timeAsync(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const dir = tempDir('netlens-io-bench-');
  try {
    const model = await buildTfjsModel(buildZooModel('resnet50'));
    const params = model.countParams();
    const tfjsFile = await saveTfjs(model, dir);
    const kerasFile = join(dir, 'resnet50.keras');
    await saveKeras3(model, kerasFile);
    const h5File = join(dir, 'resnet50.h5');
    await saveKerasH5(model, h5File, 'keras2');
    model.dispose();
    tf.disposeVariables();

    const shardFiles = readdirSync(dir).filter((f) => f.endsWith('.bin')).map((f) => join(dir, f));
    const sizes = {
      tfjs: [tfjsFile, ...shardFiles].reduce((a, f) => a + statSync(f).size, 0),
      keras: statSync(kerasFile).size,
      h5: statSync(h5File).size,
    };
    const readAll = (files: string[]) => async () => { for (const f of files) readFileSync(f); };
    const runs = 5;
    const rows: [string, number, number, number][] = [];
    let kept: Awaited<ReturnType<typeof loadModel>> | undefined;
    for (const [label, files, target] of [
      ['tfjs model.json + 4 MiB shards', [tfjsFile, ...shardFiles], tfjsFile],
      ['Keras 3 .keras (zip, stored)', [kerasFile], kerasFile],
      ['Keras 2 .h5', [h5File], h5File],
    ] as [string, string[], string][]) {
      await loadModel(target); // warm
      const loadMs = await timeAsync(() => loadModel(target), runs);
      const readMs = await timeAsync(readAll(files), runs);
      kept = undefined;
      await settle();
      const before = process.memoryUsage();
      kept = await loadModel(target);
      await settle(); // what the spec keeps, not the temporaries of reading it
      const after = process.memoryUsage();
      const held = after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers;
      if (kept.weights!.reduce((a, w) => a + w.data.length, 0) !== params) throw new Error(`${label}: weight count differs`);
      rows.push([label, loadMs, readMs, held]);
    }

    kept = undefined;
    // tfjs' own loader on the same files (read here: tfjs has no file loader without tfjs-node),
    // against NetLens' loadModel + buildTfjsModel: both end with a runnable model holding the weights.
    const tfjsLoadMs = await timeAsync(async () => {
      const json = JSON.parse(readFileSync(tfjsFile, 'utf8'));
      const weightData = Buffer.concat(json.weightsManifest[0].paths.map((p: string) => readFileSync(join(dir, p))));
      const ab = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength);
      const m = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: ab }));
      m.dispose();
    }, 3);
    let loadPart = 0;
    const oursBuildMs = await timeAsync(async () => {
      const t = performance.now();
      const spec = await loadModel(tfjsFile);
      loadPart = performance.now() - t;
      const m = await buildTfjsModel(spec);
      m.dispose();
    }, 3);

    // Hostile: a .keras whose config.json claims 1.4 GiB (deflated to ~1.4 MiB of zeros).
    const bomb = join(dir, 'bomb.keras');
    writeFileSync(bomb, zipSync({ 'config.json': new Uint8Array(1400 * 2 ** 20) }, { level: 1 }));
    gc();
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    let refused = '';
    try { await loadModel(bomb); } catch (e) { refused = e instanceof NetLensError ? 'NetLensError' : String(e); }
    const bombMs = performance.now() - t0;
    const bombRss = process.memoryUsage().rss - rss0;

    console.log('## Importers\n');
    console.log(`\`npm run bench -- io\` (bench/io.bench.ts), one run, ${new Date().toISOString().slice(0, 10)}. ResNet-50 with ` +
      `${(params / 1e6).toFixed(1)} M random weights, written by the test writers; load = \`loadModel\` (parse, flatten, ` +
      `validate, decode every weight to Float32Array), median of ${runs}; read = \`readFileSync\` of the same files.\n`);
    console.log('| format | file size | load | plain read | load / read | held after load |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    const sizeOf = [sizes.tfjs, sizes.keras, sizes.h5];
    rows.forEach(([label, loadMs, readMs, held], i) => {
      console.log(`| ${label} | ${mib(sizeOf[i])} MiB | ${loadMs.toFixed(0)} ms (${(sizeOf[i] / 2 ** 20 / (loadMs / 1000)).toFixed(0)} MiB/s) | ${readMs.toFixed(0)} ms | ${(loadMs / readMs).toFixed(1)}x | ${mib(held)} MiB |`);
    });
    console.log('');
    console.log('| measure | value |');
    console.log('| --- | --- |');
    console.log(`| tfjs: read model.json + shards, \`loadLayersModel(fromMemory)\` (median of 3) | ${tfjsLoadMs.toFixed(0)} ms |`);
    console.log(`| NetLens: \`loadModel\` + \`buildTfjsModel\` (median of 3) | ${oursBuildMs.toFixed(0)} ms (of which loadModel ${loadPart.toFixed(0)} ms) |`);
    console.log(`| ratio NetLens / tfjs, runnable model with weights | ${(oursBuildMs / tfjsLoadMs).toFixed(1)}x |`);
    console.log(`| zip bomb (.keras, config.json declares 1400 MiB) refused | ${refused || 'NOT REFUSED'} in ${bombMs.toFixed(1)} ms, RSS +${mib(Math.max(0, bombRss))} MiB |`);
  } finally {
    removeDir(dir);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
