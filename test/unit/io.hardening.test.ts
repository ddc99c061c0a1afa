// Model files are untrusted. Each hostile or broken file below must give exactly one NetLensError:
// one line, bounded length, saying what is wrong, and nothing else (no TypeError, no RangeError,
// no crash, no allocation of what the file claims).
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, zipSync } from 'fflate';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackend } from './helpers/tfjs';
import { loadModel } from '../../src/core/io/loadModel';
import { NetLensError } from '../../src/core/ir/types';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { profileModel } from '../../src/core/profile/profile';
import { SAMPLES } from './profileFixtures';
import { h5wasm, removeDir, saveKeras3, saveKerasH5, saveTfjs, tempDir, writeKerasArchive, writeKerasH5 } from '../fixtures/writers';

function smallModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 1], name: 'in' });
  let x = tfl.layers.conv2d({ filters: 2, kernelSize: 3, name: 'conv' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flat' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, name: 'out' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'small' });
}

/** Asserts one clear NetLensError: a single line, bounded, matching `re`. */
async function rejectsClearly(file: string, re: RegExp): Promise<string> {
  let err: unknown;
  try {
    await loadModel(file);
  } catch (e) {
    err = e;
  }
  assert.ok(err, `${file}: expected an error, the file loaded`);
  assert.ok(err instanceof NetLensError, `expected a NetLensError, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
  const msg = err.message;
  assert.ok(!/[\r\n]/.test(msg), `one line: ${JSON.stringify(msg.slice(0, 200))}`);
  assert.ok(msg.length < 700, `bounded message (${msg.length} chars)`);
  assert.match(msg, re);
  return msg;
}

describe('io hardening: hostile and broken model files give one clear error', function () {
  this.timeout(120_000);
  let dir: string;
  let n = 0;
  const sub = () => {
    const d = join(dir, `case${n++}`);
    mkdirSync(d);
    return d;
  };
  let model: tfl.LayersModel;
  let tfjsJson: Record<string, any>;
  let shard: Buffer;

  before(async () => {
    await cpuBackend();
    dir = tempDir();
    model = smallModel();
    const d = sub();
    const file = await saveTfjs(model, d);
    tfjsJson = JSON.parse(readFileSync(file, 'utf8'));
    shard = readFileSync(join(d, tfjsJson.weightsManifest[0].paths[0]));
  });
  after(() => removeDir(dir));

  /** A tfjs model folder with a (possibly altered) model.json and shard. */
  function tfjsCase(alter: (json: any) => void = () => {}, shardBytes: Uint8Array = shard): string {
    const d = sub();
    const json = JSON.parse(JSON.stringify(tfjsJson));
    alter(json);
    writeFileSync(join(d, 'group1-shard1of1.bin'), shardBytes);
    writeFileSync(join(d, 'model.json'), JSON.stringify(json));
    return join(d, 'model.json');
  }

  describe('tfjs model.json', () => {
    it('truncated model.json', async () => {
      const f = tfjsCase();
      const t = readFileSync(f, 'utf8');
      writeFileSync(f, t.slice(0, t.length / 2));
      await rejectsClearly(f, /invalid JSON/);
    });
    it('truncated weight shard', async () => {
      await rejectsClearly(tfjsCase(undefined, shard.subarray(0, shard.length - 7)), /declares \d+ bytes but its shards hold \d+/);
    });
    it('missing weight shard: the model still opens (params from its config), without weights, naming the shard it lacks', async () => {
      const spec = await loadModel(tfjsCase((j) => { j.weightsManifest[0].paths = ['nope.bin']; }));
      assert.deepEqual(spec.missingWeights, ['nope.bin']);
      assert.equal(spec.weights, undefined);
      assert.ok(analyzeModel(spec.model).totals.params > 0);
      await assert.rejects(profileModel(spec, join(SAMPLES, 'chelsea.png'), { runs: 1, warmup: 0 }),
        (e: Error) => e instanceof NetLensError && /cannot run without its weights: "nope\.bin" is not beside the model/.test(e.message));
    });
    for (const p of ['../secret.bin', 'a/../../secret.bin', '..\\secret.bin', '/etc/passwd', 'C:\\Windows\\win.ini', 'file:///etc/passwd']) {
      it(`path traversal in weightsManifest: ${p}`, async () => {
        await rejectsClearly(tfjsCase((j) => { j.weightsManifest[0].paths = [p]; }), /leaves the model's folder|absolute or a URL/);
      });
    }
    it('a shard that is a symlink out of the folder', async () => {
      const outside = join(dir, 'outside.bin');
      writeFileSync(outside, shard);
      const f = tfjsCase((j) => { j.weightsManifest[0].paths = ['link.bin']; });
      symlinkSync(outside, join(f, '..', 'link.bin'));
      await rejectsClearly(f, /link that leaves the model's folder/);
    });
    it('absurd weight shape', async () => {
      await rejectsClearly(tfjsCase((j) => { j.weightsManifest[0].weights[0].shape = [1e9, 1e9]; }), /absurd shape/);
    });
    it('negative and fractional dimensions', async () => {
      await rejectsClearly(tfjsCase((j) => { j.weightsManifest[0].weights[0].shape = [3, -3, 1.5]; }), /invalid shape/);
    });
    it('unknown weight dtype', async () => {
      await rejectsClearly(tfjsCase((j) => { j.weightsManifest[0].weights[0].dtype = 'complex64'; }), /unsupported dtype complex64/);
    });
    it('the same weight listed twice', async () => {
      await rejectsClearly(tfjsCase((j) => {
        const w = j.weightsManifest[0].weights;
        w[1].name = w[0].name;
      }), /lists weight conv\/kernel twice/);
    });
    it('a megabyte-long layer name', async () => {
      await rejectsClearly(tfjsCase((j) => {
        const long = 'x'.repeat(1 << 20);
        j.modelTopology.config.layers[1].name = long;
        j.modelTopology.config.layers[1].config.name = long;
      }), /name longer than 1000 characters/);
    });
    it('a megabyte-long weight name', async () => {
      await rejectsClearly(tfjsCase((j) => { j.weightsManifest[0].weights[0].name = 'w'.repeat(1 << 20); }), /name longer than 1000 characters/);
    });
    it('weightsManifest that is not a list', async () => {
      await rejectsClearly(tfjsCase((j) => { j.weightsManifest = { paths: 'x' }; }), /weightsManifest is not a list/);
    });
    it('an absurd input shape in the config', async () => {
      await rejectsClearly(tfjsCase((j) => { j.modelTopology.config.layers[0].config.batch_input_shape = [null, 1e12, 1e12, 3]; }), /absurd shape/);
    });
    it('a layer graph with a cycle', async () => {
      await rejectsClearly(tfjsCase((j) => { j.modelTopology.config.layers[1].inbound_nodes = [[['out', 0, 0, {}]]]; }), /cycle/);
    });
    it('deeply nested JSON', async () => {
      const d = sub();
      writeFileSync(join(d, 'model.json'), '['.repeat(200_000) + ']'.repeat(200_000));
      await rejectsClearly(join(d, 'model.json'), /invalid JSON|not a Keras\/tfjs model/);
    });
    it('models nested beyond the depth cap', async () => {
      let inner: any = { class_name: 'Dense', config: { name: 'd', units: 1 } };
      for (let i = 0; i < 40; i++) inner = { class_name: 'Sequential', config: { name: `s${i}`, layers: [inner] } };
      const d = sub();
      writeFileSync(join(d, 'model.json'), JSON.stringify({ class_name: 'Sequential', config: { name: 'top', layers: [
        { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 2] } }, inner] } }));
      await rejectsClearly(join(d, 'model.json'), /nested more than 16 levels/);
    });
  });

  describe('Keras .keras archives', () => {
    let good: string;
    before(async () => {
      good = join(sub(), 'good.keras');
      await saveKeras3(model, good);
    });
    const unzipped = () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { unzipSync } = require('fflate') as typeof import('fflate');
      return unzipSync(readFileSync(good));
    };

    it('zip bomb: an entry declaring more than the cap is refused before inflating', async () => {
      const f = join(sub(), 'bomb.keras');
      const files = unzipped();
      files['config.json'] = new Uint8Array(80 * 1024 * 1024).fill(32); // 80 MB of spaces deflates to ~80 kB
      writeFileSync(f, zipSync(files, { level: 1 }));
      await rejectsClearly(f, /would inflate to \d+ bytes|more than \d+ bytes/);
    });
    it('zip bomb that lies about its size is refused before inflating', async () => {
      const f = join(sub(), 'liar.keras');
      const files = unzipped();
      files['config.json'] = new Uint8Array(100 * 1024 * 1024).fill(32); // 100 MB of spaces
      const z = zipSync(files, { level: 9 });
      const v = new DataView(z.buffer, z.byteOffset, z.byteLength);
      // Rewrite the declared sizes of config.json in its local and central headers to 100 bytes.
      for (let i = 0; i + 46 < z.length; i++) {
        const sig = v.getUint32(i, true);
        const nameLen = sig === 0x04034b50 ? v.getUint16(i + 26, true) : sig === 0x02014b50 ? v.getUint16(i + 28, true) : 0;
        const nameAt = sig === 0x04034b50 ? i + 30 : i + 46;
        if (nameLen !== 11 || new TextDecoder().decode(z.subarray(nameAt, nameAt + 11)) !== 'config.json') continue;
        v.setUint32(sig === 0x04034b50 ? i + 22 : i + 24, 100, true);
      }
      writeFileSync(f, z);
      const before = process.memoryUsage().rss;
      await rejectsClearly(f, /config.json has \d+ compressed bytes for a declared 100; refusing an entry that lies about its size/);
      assert.ok(process.memoryUsage().rss - before < 80 * 1024 * 1024, 'did not inflate the 100 MB');
    });
    it('path traversal in an archive entry name', async () => {
      const f = join(sub(), 'trav.keras');
      writeFileSync(f, zipSync({ ...unzipped(), '../../.bashrc': new TextEncoder().encode('echo pwned') }));
      await rejectsClearly(f, /escapes the archive/);
    });
    it('an archive holding an entry twice (a real hostile .keras does this to hide a pickle)', async () => {
      const f = join(sub(), 'dup.keras');
      const z = zipSync({ ...unzipped(), 'model.weights.npz': new Uint8Array([1]), 'model.weights.npy': new Uint8Array([2]) }, { level: 0 });
      // Rename the second entry to the first's name in both headers.
      const s = Buffer.from(z);
      let at = s.indexOf('model.weights.npy');
      while (at >= 0) { s.write('model.weights.npz', at); at = s.indexOf('model.weights.npy'); }
      writeFileSync(f, s);
      await rejectsClearly(f, /holds model.weights.npz twice/);
    });
    it('truncated archive', async () => {
      const f = join(sub(), 'trunc.keras');
      const b = readFileSync(good);
      writeFileSync(f, b.subarray(0, Math.floor(b.length * 0.6)));
      await rejectsClearly(f, /corrupt \.keras archive|not a model file|corrupt|not valid/);
    });
    it('an archive without config.json', async () => {
      const f = join(sub(), 'noconfig.keras');
      writeFileSync(f, zipSync({ 'readme.txt': new Uint8Array([65]) }));
      await rejectsClearly(f, /no config.json/);
    });
    it('config.json that is not JSON', async () => {
      const f = join(sub(), 'badjson.keras');
      writeKerasArchive(f, undefined, undefined, { 'config.json': new TextEncoder().encode('{"class_name": "Functional", "config": {') });
      await rejectsClearly(f, /config.json in the archive is not valid JSON/);
    });
    it('model.weights.h5 that is garbage', async () => {
      const f = join(sub(), 'garbage.keras');
      const files = unzipped();
      files['model.weights.h5'] = new Uint8Array(files['model.weights.h5'].length).fill(7);
      writeFileSync(f, zipSync(files));
      await rejectsClearly(f, /not an HDF5 file/);
    });
    it('model.weights.h5 with a layer holding the wrong number of arrays', async () => {
      const f = join(sub(), 'count.keras');
      const files = unzipped();
      const h5 = await h5wasm();
      const p = join(sub(), 'w.h5');
      const w = new h5.File(p, 'w');
      const vars = w.create_group('layers').create_group('conv').create_group('vars');
      for (const i of [0, 1, 2]) vars.create_dataset({ name: String(i), data: new Float32Array(2), shape: [2], dtype: '<f4' });
      w.close();
      files['model.weights.h5'] = readFileSync(p);
      writeFileSync(f, zipSync(files));
      await rejectsClearly(f, /has 3 arrays for Conv2D layer conv, which has 2/);
    });
  });

  describe('Keras .h5 files', () => {
    let good: string;
    before(async () => {
      good = join(sub(), 'good.h5');
      await saveKerasH5(model, good, 'keras2');
    });
    it('truncated .h5', async () => {
      for (const frac of [0.05, 0.3, 0.9]) {
        const f = join(sub(), `trunc${frac}.h5`);
        const b = readFileSync(good);
        writeFileSync(f, b.subarray(0, Math.floor(b.length * frac)));
        await rejectsClearly(f, /truncated HDF5 file: it has \d+ bytes, its superblock says \d+/);
      }
    });
    it('a weights-only .h5 (model.save_weights) says so', async () => {
      const h5 = await h5wasm();
      const f = join(sub(), 'weights.h5');
      const w = new h5.File(f, 'w');
      w.create_attribute('layer_names', ['conv']);
      w.create_group('conv').create_attribute('weight_names', ['conv/kernel:0']);
      w.close();
      await rejectsClearly(f, /holds weights only/);
    });
    it('model_config that is not JSON', async () => {
      const f = join(sub(), 'badcfg.h5');
      await writeKerasH5(f, 'not json', [], 'keras2');
      // writeKerasH5 JSON-encodes; write the raw attribute instead.
      const h5 = await h5wasm();
      const w = new h5.File(f, 'w');
      w.create_attribute('model_config', '{"class_name": "Functional", "config": {"layers": [');
      w.close();
      await rejectsClearly(f, /model_config is not valid JSON/);
    });
    it('compressed datasets (an inflating filter) are refused', async () => {
      const f = join(sub(), 'gzip.h5');
      const h5 = await h5wasm();
      const cfg = JSON.parse(JSON.stringify(model.toJSON(null, false)));
      const w = new h5.File(f, 'w');
      w.create_attribute('model_config', JSON.stringify(cfg));
      const mw = w.create_group('model_weights');
      mw.create_attribute('layer_names', ['conv']);
      const g = mw.create_group('conv');
      g.create_attribute('weight_names', ['conv/kernel:0']);
      g.create_group('conv').create_dataset({ name: 'kernel:0', data: new Float32Array(18), shape: [3, 3, 1, 2], dtype: '<f4', chunks: [3, 3, 1, 2], compression: 'gzip' });
      w.close();
      await rejectsClearly(f, /is compressed \(HDF5 filters\)/);
    });
    it('a megabyte-long weight name', async () => {
      const f = join(sub(), 'longname.h5');
      await writeKerasH5(f, model.toJSON(null, false), [{ name: 'conv', className: 'Conv2D', weights: [{ name: `conv/${'k'.repeat(1 << 20)}:0`, attr: 'kernel', shape: [1], data: new Float32Array(1) }] }], 'keras2');
      await rejectsClearly(f, /weight name longer than 1000 characters/);
    });
    it('weights for a layer the config does not have', async () => {
      const f = join(sub(), 'stray.h5');
      await writeKerasH5(f, model.toJSON(null, false), [{ name: 'ghost', className: 'Dense', weights: [{ name: 'ghost/kernel:0', attr: 'kernel', shape: [1], data: new Float32Array(1) }] }], 'keras2');
      await rejectsClearly(f, /weights for layer ghost, which its model_config does not have/);
    });
  });

  describe('any file', () => {
    it('empty file', async () => {
      const f = join(sub(), 'empty.h5');
      writeFileSync(f, '');
      await rejectsClearly(f, /the file is empty/);
    });
    it('binary garbage', async () => {
      const f = join(sub(), 'garbage.bin');
      writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
      await rejectsClearly(f, /not a model file/);
    });
    it('a folder', async () => {
      await rejectsClearly(sub(), /not a file/);
    });
    it('a model file over the size cap is refused before reading (sparse 2 GB file)', async () => {
      const f = join(sub(), 'huge.h5');
      writeFileSync(f, '');
      truncateSync(f, 2 * 1024 * 1024 * 1024);
      await rejectsClearly(f, /over \d+ bytes are refused/);
    });
    it('a JSON config over 64 MiB is refused', async () => {
      const f = join(sub(), 'big.json');
      writeFileSync(f, Buffer.alloc(65 * 1024 * 1024, 32));
      await rejectsClearly(f, /too large for a JSON model config/);
    });
    it('deflate-bomb-shaped bytes that are not a zip', async () => {
      const f = join(sub(), 'deflated.keras');
      writeFileSync(f, deflateSync(new Uint8Array(10 * 1024 * 1024)));
      await rejectsClearly(f, /not a model file/);
    });
  });
});
