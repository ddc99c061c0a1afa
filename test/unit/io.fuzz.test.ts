// Fuzz: valid model files of every format are mutated thousands of times (bounded by count and
// time) and loaded; the importers must never crash, hang or throw anything but one NetLensError.
// The cases run in a worker thread with a heap cap, watched from here: a case that takes longer
// than the watchdog, or a worker that dies (out of memory, uncaught exception), fails the test
// and names the mutation. NETLENS_FUZZ_CASES / NETLENS_FUZZ_MS / NETLENS_FUZZ_SEED override the
// bounds (the defaults keep CI under half a minute on 2 cores).
import * as assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackend } from './helpers/tfjs';
import { removeDir, saveKeras3, saveKerasH5, saveTfjs, tempDir } from '../fixtures/writers';
import type { FuzzBase, FuzzInput, FuzzStats } from '../fixtures/fuzzWorker';
import { FIXTURES as ONNX_FIXTURES, modelBytes, smallCnn } from '../fixtures/onnx/files';

const CASES = Number(process.env.NETLENS_FUZZ_CASES ?? 5000);
const BUDGET_MS = Number(process.env.NETLENS_FUZZ_MS ?? 25_000);
const SEED = Number(process.env.NETLENS_FUZZ_SEED ?? 20261123);
/** No single case may take this long (the slowest valid load here takes a few ms). */
const WATCHDOG_MS = 10_000;

function fuzzModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 2], name: 'in' });
  let x = tfl.layers.conv2d({ filters: 3, kernelSize: 3, name: 'conv' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn' }).apply(x) as tfl.SymbolicTensor;
  const d = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'dw' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.add({ name: 'add' }).apply([x, d]) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'fuzz' });
}

describe('io fuzz: mutated model files never crash, hang or throw anything but one NetLensError', function () {
  this.timeout(BUDGET_MS + 120_000);
  let dir: string;
  before(async () => {
    await cpuBackend();
    dir = tempDir('netlens-fuzz-');
  });
  after(() => removeDir(dir));

  it(`mutates tfjs model.json + shards, .keras, Keras 2 and Keras 3 .h5, dense HDF5 attributes, ONNX, with structural attacks (up to ${CASES} cases / ${BUDGET_MS / 1000} s)`, async () => {
    const model = fuzzModel();
    const bases: FuzzBase[] = [];
    const mk = (n: string) => { const d = join(dir, n); mkdirSync(d); return d; };
    const tdir = mk('tfjs');
    await saveTfjs(model, tdir, 200);
    const { readdirSync } = await import('node:fs');
    bases.push({ name: 'tfjs', dir: tdir, target: 'model.json', files: readdirSync(tdir) });
    const kdir = mk('keras');
    await saveKeras3(model, join(kdir, 'model.keras'));
    bases.push({ name: '.keras', dir: kdir, target: 'model.keras', files: ['model.keras'] });
    const h2 = mk('h5k2');
    await saveKerasH5(model, join(h2, 'model.h5'), 'keras2');
    bases.push({ name: 'Keras 2 .h5', dir: h2, target: 'model.h5', files: ['model.h5'] });
    const h3 = mk('h5k3');
    await saveKerasH5(model, join(h3, 'model.h5'), 'keras3');
    bases.push({ name: 'Keras 3 .h5', dir: h3, target: 'model.h5', files: ['model.h5'] });
    // A config over 64 KiB: HDF5 keeps it in dense attribute storage (fractal heap, v2 B-tree).
    const deep = tfl.sequential({ name: 'deep', layers: Array.from({ length: 200 }, (_, i) => tfl.layers.dense({ units: 2, name: `d${i}_${'x'.repeat(20)}`, inputShape: i === 0 ? [2] : undefined })) });
    const hd = mk('h5dense');
    await saveKerasH5(deep, join(hd, 'model.h5'), 'keras2');
    bases.push({ name: 'Keras 2 .h5, dense attributes', dir: hd, target: 'model.h5', files: ['model.h5'] });
    // ONNX: a PyTorch export (protobuf, opset 17) and a hand-built model with an external data file.
    const od = mk('onnx');
    copyFileSync(join(ONNX_FIXTURES, 'opsnet-op17.onnx'), join(od, 'model.onnx'));
    bases.push({ name: 'ONNX (PyTorch export)', dir: od, target: 'model.onnx', files: ['model.onnx'] });
    const oe = mk('onnxext');
    const ext = smallCnn();
    ext.initializers = [...ext.initializers!.filter((t) => t.name !== 'fw'),
      { name: 'fw', dims: [10, 64], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'fw.bin' }] }];
    writeFileSync(join(oe, 'model.onnx'), modelBytes(ext));
    writeFileSync(join(oe, 'fw.bin'), new Uint8Array(640 * 4));
    bases.push({ name: 'ONNX + external data', dir: oe, target: 'model.onnx', files: ['model.onnx', 'fw.bin'] });
    model.dispose();
    deep.dispose();
    tf.disposeVariables();

    const input: FuzzInput = { bases, workDir: mk('work'), seed: SEED, maxCases: CASES, budgetMs: BUDGET_MS };
    const worker = new Worker(join(__dirname, '../fixtures/fuzzWorker.js'), {
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    const stats = await new Promise<FuzzStats>((resolve, reject) => {
      let last = 'before the first case';
      let lastDir = '';
      let timer: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          void worker.terminate();
          // Keep the input that hung for replay (test-artifacts/ is not committed).
          const keep = join(process.cwd(), 'test-artifacts', `fuzz-hang-${Date.now()}`);
          if (lastDir) cpSync(lastDir, keep, { recursive: true });
          reject(new Error(`hang: no progress for ${WATCHDOG_MS} ms on ${last} (input kept in ${keep})`));
        }, WATCHDOG_MS);
      };
      arm();
      worker.on('message', (m: { type: string; case?: number; base?: string; mutation?: string; dir?: string; stats?: FuzzStats; error?: string }) => {
        if (m.type === 'case') {
          last = `case ${m.case} (${m.base}, ${m.mutation})`;
          lastDir = m.dir ?? '';
          arm();
        } else if (m.type === 'done') {
          clearTimeout(timer);
          resolve(m.stats!);
        } else if (m.type === 'fatal') {
          clearTimeout(timer);
          reject(new Error(`fuzz worker failed: ${m.error}`));
        }
      });
      worker.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`fuzz worker died on ${last}: ${e.message}`));
      });
      worker.on('exit', (code) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(`fuzz worker exited with ${code} on ${last}`));
      });
    });
    await worker.terminate();
    // The count is part of the result: print it where the test output shows it.
    console.log(`      fuzz: ${stats.cases} mutated files in ${(stats.ms / 1000).toFixed(1)} s (seed ${SEED}): ` +
      `${stats.rejected} rejected with one NetLensError, ${stats.loaded} still loaded (${stats.analyzerErrors} of them refused by the analyser), ` +
      `${stats.crashes.length} crashes; per format ${JSON.stringify(stats.byBase)}; structural attacks ${JSON.stringify(stats.byAttack)}`);
    for (const c of stats.crashes.slice(0, 10)) console.log(`      crash: case ${c.case} ${c.base} [${c.mutation}] ${c.error} (saved in ${c.saved})`);
    assert.equal(stats.crashes.length, 0, `${stats.crashes.length} crashes`);
    assert.ok(stats.cases >= Math.min(CASES, 500), `ran ${stats.cases} cases`);
    assert.ok(stats.rejected > stats.cases / 10, 'the mutations do break files');
    for (const b of bases) assert.ok((stats.byBase[b.name] ?? 0) > 0, `${b.name} fuzzed`);
    // Issue 13: the structural attacks ran, each family at least once.
    for (const family of [/^hdf5 shared heap object/, /^hdf5 (vlen )?length field/, /^zip .* declared size/, /^zip .* compressed size/, /^json __proto__ key/, /^json (class_name|activation|dtype|name)/, /^onnx initializer/]) {
      assert.ok(Object.keys(stats.byAttack).some((k) => family.test(k)), `attack ${family} ran (${JSON.stringify(stats.byAttack)})`);
    }
  });
});
