// Image decoding and preprocessing for the profiler: the bundled samples decode to their known
// sizes; broken and hostile inputs give one clear NetLensError; the 20000x20000 PNG header is
// refused before any pixel is decoded; each preprocessing gives the numbers its definition says.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { NetLensError } from '../../src/core/ir/types';
import { decodeImage, jpegDimensions, pngDimensions, readImage } from '../../src/core/profile/image';
import { imageToInput } from '../../src/core/engines/tfjs/preprocess';
import { hugePngHeader, SAMPLES } from './profileFixtures';

function expectUserError(f: () => unknown, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof NetLensError, `expected a NetLensError, got ${(e as Error)?.stack ?? e}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

describe('profile: image decoding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-img-'));

  it('decodes the bundled samples to their documented sizes', () => {
    const sizes: Record<string, [number, number, string]> = {
      'chelsea.png': [451, 300, 'png'], 'coffee.png': [600, 400, 'png'], 'rocket.jpg': [640, 427, 'jpeg'],
    };
    for (const [file, [w, h, format]] of Object.entries(sizes)) {
      const img = readImage(join(SAMPLES, file));
      assert.deepEqual([img.width, img.height, img.format], [w, h, format], file);
      assert.equal(img.rgb.length, w * h * 3);
      // A photograph, not a blank buffer: pixel values vary.
      const mean = img.rgb.reduce((a, b) => a + b, 0) / img.rgb.length;
      assert.ok(mean > 20 && mean < 235, `${file} mean ${mean}`);
    }
    assert.ok(readFileSync(join(SAMPLES, 'LICENSE.md'), 'utf8').includes('CC0'));
  });

  it('refuses a 20000x20000 PNG from its header, before decoding', () => {
    const file = join(dir, 'huge.png');
    writeFileSync(file, hugePngHeader(20000, 20000));
    assert.deepEqual(pngDimensions(readFileSync(file)), { width: 20000, height: 20000 });
    // The IDAT is garbage: had decoding started, the error would be pngjs's zlib error instead.
    expectUserError(() => readImage(file), /huge\.png: PNG is 20000x20000 \(400 MP\).*refused before decoding/);
  });

  it('says a truncated JPEG is truncated', () => {
    const full = readFileSync(join(SAMPLES, 'rocket.jpg'));
    assert.deepEqual(jpegDimensions(full), { width: 640, height: 427 });
    for (const cut of [0.6, 0.95]) {
      const file = join(dir, `cut${cut}.jpg`);
      writeFileSync(file, full.subarray(0, Math.floor(full.length * cut)));
      expectUserError(() => readImage(file), /cut.*\.jpg: JPEG is truncated/);
    }
    // Cut inside the headers, before the frame size is known.
    writeFileSync(join(dir, 'head.jpg'), full.subarray(0, 40));
    expectUserError(() => readImage(join(dir, 'head.jpg')), /head\.jpg: JPEG is truncated/);
  });

  it('says a text file named .png is not an image', () => {
    const file = join(dir, 'notes.png');
    writeFileSync(file, 'hello, this is a text file\n');
    expectUserError(() => readImage(file), /notes\.png is not a PNG or JPEG image: it looks like text \("hello, this is a\.\.\."\)/);
    writeFileSync(join(dir, 'empty.png'), '');
    expectUserError(() => readImage(join(dir, 'empty.png')), /empty\.png is not a PNG or JPEG image: it is empty/);
    expectUserError(() => readImage(join(dir, 'missing.png')), /cannot read image .*missing\.png: ENOENT/);
    expectUserError(() => readImage(dir), /is not a file/);
  });

  it('reports a truncated PNG as a decode failure of that file', () => {
    const full = readFileSync(join(SAMPLES, 'chelsea.png'));
    const file = join(dir, 'cut.png');
    writeFileSync(file, full.subarray(0, 2000));
    expectUserError(() => readImage(file), /cut\.png: cannot decode PNG/);
  });

  it('decodes images by content, whatever their extension', () => {
    const png = readFileSync(join(SAMPLES, 'chelsea.png'));
    assert.equal(decodeImage(png, 'cat.jpg').format, 'png');
  });
});

describe('profile: preprocessing', () => {
  before(async () => { await tf.setBackend('cpu'); });
  // One pixel (R, G, B) = (10, 20, 30), resized 1x1 -> 1x1 (identity).
  const img = { format: 'png' as const, width: 1, height: 1, rgb: new Uint8Array([10, 20, 30]) };
  const run = (pre: Parameters<typeof imageToInput>[4], channels = 3): number[] => {
    const t = imageToInput(img, 1, 1, channels, pre);
    const v = Array.from(t.dataSync());
    assert.deepEqual(t.shape, [1, 1, 1, channels]);
    t.dispose();
    return v;
  };
  const close = (a: number[], b: number[]): void => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-4, `${a} vs ${b}`));

  it('caffe: BGR minus the ImageNet mean', () => close(run('caffe'), [30 - 103.939, 20 - 116.779, 10 - 123.68]));
  it('tf: scaled to [-1, 1]', () => close(run('tf'), [10 / 127.5 - 1, 20 / 127.5 - 1, 30 / 127.5 - 1]));
  it('torch: [0, 1] normalised by the ImageNet mean and std', () =>
    close(run('torch'), [(10 / 255 - 0.485) / 0.229, (20 / 255 - 0.456) / 0.224, (30 / 255 - 0.406) / 0.225]));
  it('grayscale01: luminance in [0, 1] for one-channel models', () => close(run('grayscale01', 1), [(0.299 * 10 + 0.587 * 20 + 0.114 * 30) / 255]));
  it('none: raw values', () => close(run('none'), [10, 20, 30]));

  it('resizes a real photo to the model input without leaking tensors', () => {
    const before = tf.memory().numTensors;
    const t = imageToInput(readImage(join(SAMPLES, 'rocket.jpg')), 224, 224, 3, 'caffe');
    assert.deepEqual(t.shape, [1, 224, 224, 3]);
    t.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
