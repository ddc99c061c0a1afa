// Issue 13, findings 2-4: hand-made hostile files whose structures amplify (shared heap objects,
// declared vs actual sizes, interlaced PNG streams). Each must be refused in one line, fast, with
// bounded memory: the fix is what keeps these tests from taking the test process down with them.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zlibSync, zipSync } from 'fflate';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { loadModel } from '../../src/core/io/loadModel';
import { Hdf5File } from '../../src/core/formats/keras/hdf5';
import { unzipKeras } from '../../src/core/formats/keras/archive';
import { ByteBudget } from '../../src/core/io/limits';
import { decodeImage } from '../../src/core/profile/image';
import { NetLensError } from '../../src/core/ir/types';
import { removeDir, setDeclaredSize, tempDir, writeAmplifiedH5 } from '../fixtures/writers';

/** One NetLensError, one line, matching `re`. */
async function refuses(run: () => unknown, re: RegExp): Promise<string> {
  let err: unknown;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'expected an error, it passed');
  assert.ok(err instanceof NetLensError, `expected a NetLensError, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
  assert.ok(!/[\r\n]/.test(err.message), 'one line');
  assert.ok(err.message.length < 700, 'bounded');
  assert.match(err.message, re);
  return err.message;
}

const smallConfig = {
  class_name: 'Sequential',
  config: { name: 'tiny', layers: [
    { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4] } },
    { class_name: 'Dense', config: { name: 'd', units: 2 } },
  ] },
};

describe('hardening: amplifying files (issue 13, findings 2-4)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = tempDir('netlens-harden-'); });
  after(() => removeDir(dir));

  describe('HDF5: 3,000 variable-length strings sharing one 4 MB global-heap object (12 GB decoded)', () => {
    const amplified = (file: string, where: 'root' | 'model_weights', name: string): Promise<void> => writeAmplifiedH5(file, smallConfig, where, name);

    it('the amplified attribute is the one asked for (layer_names): refused by the decode budget', async () => {
      const file = join(dir, 'amplified-layer-names.h5');
      await amplified(file, 'model_weights', 'layer_names');
      await refuses(() => loadModel(file), /HDF5 file: decoding attribute layer_names would exceed \d+ bytes \(4x the file\)/);
    });

    it('an amplified attribute nobody asks for is never decoded (the model loads)', async () => {
      const file = join(dir, 'amplified-other.h5');
      await amplified(file, 'root', 'training_config_list');
      const spec = await loadModel(file);
      assert.equal(spec.name, 'tiny');
    });

    it('the budget is per file and shared by every attribute read', () => {
      const b = ByteBudget.forFile(10 * 1024 * 1024, 'x');
      assert.equal(b.limit, 40 * 1024 * 1024);
      b.take(39 * 1024 * 1024, 'a');
      assert.throws(() => b.take(2 * 1024 * 1024, 'b'), /x: decoding b would exceed 41943040 bytes/);
      assert.equal(ByteBudget.forFile(10, 'tiny').limit, 1024 * 1024, 'a floor for tiny files');
    });

    it("jsfive's own attribute decoder (which decodes everything) is not reachable through Hdf5File", async () => {
      const file = join(dir, 'amplified-jsfive.h5');
      await amplified(file, 'root', 'evil');
      const h5 = new Hdf5File(readFileSync(file));
      const root = h5.node('')!;
      assert.equal('attrs' in (Object.getPrototypeOf(h5) as object), false);
      // Asking for the amplified attribute by name is refused; asking for another is not.
      assert.equal(typeof h5.stringAttr(root, 'model_config'), 'string');
      await refuses(() => h5.stringListAttr(root, 'evil'), /would exceed/);
    });
  });

  describe('.keras: declared versus actual sizes', () => {
    const enc = new TextEncoder();
    const base = () => ({
      'metadata.json': enc.encode(JSON.stringify({ keras_version: '3.8.0' })),
      'config.json': enc.encode(JSON.stringify(smallConfig)),
    });

    it('a deflated entry that inflates past its declared size stops there (20 MB of spaces declared as 64 KiB)', async () => {
      const files = base();
      files['config.json'] = new Uint8Array(20 * 1024 * 1024).fill(32);
      const z = zipSync(files, { level: 9 });
      setDeclaredSize(z, 'config.json', 64 * 1024);
      // Break the stream near its end: an inflater that went on past the declared size would
      // reach this and report a corrupt stream instead of the refusal expected here.
      const at = Buffer.from(z).indexOf('config.json') + 'config.json'.length;
      const size = new DataView(z.buffer, z.byteOffset).getUint32(at - 'config.json'.length - 12, true); // compressed size, local header
      z.fill(0xff, at + size - 2048, at + size - 16);
      const f = join(dir, 'overflow.keras');
      writeFileSync(f, z);
      await refuses(() => loadModel(f), /archive entry config.json inflates past its declared 65536 bytes; refusing a decompression bomb/);
    });

    it('a deflated entry that inflates to less than it declares is refused', async () => {
      const files = base();
      const z = zipSync(files, { level: 9 });
      setDeclaredSize(z, 'config.json', files['config.json'].length + 100);
      await refuses(() => unzipKeras(z), /config.json inflates to \d+ bytes, not the \d+ it declares/);
    });

    it('a stored entry whose data is larger than its declared size (3 MB stored, declared 10 bytes)', async () => {
      const files = base();
      files['config.json'] = new Uint8Array(3 * 1024 * 1024).fill(32);
      const z = zipSync(files, { level: 0 });
      setDeclaredSize(z, 'config.json', 10);
      await refuses(() => unzipKeras(z), /config.json is stored with 3145728 bytes of data but declares 10; refusing a mislabelled entry/);
    });

    it('honest archives (stored and deflated) still read back exactly', () => {
      for (const level of [0, 6] as const) {
        const files = { ...base(), 'model.weights.h5': new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff) };
        const out = unzipKeras(zipSync(files, { level }));
        assert.deepEqual(Object.keys(out).sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
        for (const k of Object.keys(out)) assert.deepEqual(out[k], files[k as keyof typeof files], `${k} at level ${level}`);
      }
    });
  });

  describe('PNG: an interlaced stream that inflates far past what its header implies', () => {
    /** A 100x100 interlaced RGBA PNG whose IDAT stream inflates to `total` zero bytes. */
    function interlacedBomb(total: number): Buffer {
      const plain = PNG.sync.write(new PNG({ width: 100, height: 100 }), { colorType: 6 });
      const ihdr = Buffer.from(plain.subarray(16, 29));
      ihdr[12] = 1; // interlace method: Adam7
      // Node's zlib reads the zero pages without keeping them (RSS stays low); about 1 s.
      const zlibbed = deflateSync(Buffer.alloc(total), { level: 1 });
      return Buffer.concat([plain.subarray(0, 8), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlibbed), pngChunk('IEND', new Uint8Array(0))]);
    }

    it('a 100x100 interlaced PNG holding 256 MiB of zeros is refused before inflating it', async () => {
      const bomb = interlacedBomb(256 * 1024 * 1024);
      assert.ok(bomb.length < 2 * 1024 * 1024, `the file is small (${bomb.length} bytes)`);
      const before = process.memoryUsage().rss;
      await refuses(() => decodeImage(bomb, 'bomb.png'), /bomb.png: PNG image data inflates past the \d+ bytes its 100x100 header implies/);
      assert.ok(process.memoryUsage().rss - before < 100 * 1024 * 1024, 'did not inflate the 256 MiB');
    });

    it('an honest interlaced PNG still decodes', () => {
      const png = new PNG({ width: 9, height: 7 });
      for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) & 0xff;
      const plain = PNG.sync.write(png, { colorType: 6 });
      // pngjs does not write interlaced files; Adam7 pass layout done here (PNG spec 8.2).
      const inter = adam7(png.data, 9, 7);
      const ihdr = Buffer.from(plain.subarray(16, 29));
      ihdr[12] = 1;
      const file = Buffer.concat([plain.subarray(0, 8), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlibSync(inter)), pngChunk('IEND', new Uint8Array(0))]);
      const img = decodeImage(file, 'ok.png');
      assert.equal(img.width, 9);
      for (let p = 0; p < 63; p++) for (let c = 0; c < 3; c++) assert.equal(img.rgb[p * 3 + c], png.data[p * 4 + c]);
    });
  });
});

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Uint8Array): Buffer {
  const b = Buffer.alloc(12 + data.length);
  b.writeUInt32BE(data.length, 0);
  b.write(type, 4, 'latin1');
  Buffer.from(data).copy(b, 8);
  b.writeUInt32BE(crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
  return b;
}
/** RGBA pixels as Adam7 passes, each scanline with filter byte 0. */
function adam7(rgba: Uint8Array, w: number, h: number): Uint8Array {
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  const out: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((w - x0) / dx);
    if (pw <= 0) continue;
    for (let y = y0; y < h; y += dy) {
      out.push(0);
      for (let x = x0; x < w; x += dx) for (let c = 0; c < 4; c++) out.push(rgba[(y * w + x) * 4 + c]);
    }
  }
  return Uint8Array.from(out);
}
