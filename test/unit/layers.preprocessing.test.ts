// Preprocessing for any model: a model that rescales itself (Rescaling/Normalization first, past
// resizing and augmentation layers) defaults to 'none'; a user's choice overrides the default; the
// profile result states what was applied; bad names are one line.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetLensError } from '../../src/core/ir/types';
import { knownPreprocessing, preprocessingFor, rescalesItself } from '../../src/core/engines/tfjs/preprocess';
import { parsePreprocessing, PREPROCESSINGS } from '../../src/core/profile/preprocessModes';
import { profileModel } from '../../src/core/profile/profile';
import { buildZooModel } from '../../src/core/zoo';
import { caseModel, LayerCase } from './helpers/layerModels';
import { cpuBackend } from './helpers/tfjs';
import { SAMPLES } from './profileFixtures';

const spec = (layers: LayerCase['layers'], input = [32, 32, 3]) => caseModel({ name: 'pre', input, layers });
const rescale = { class_name: 'Rescaling', config: { scale: 1 / 255 } };
const pool = { class_name: 'GlobalAveragePooling2D', config: {} };

describe('preprocessing: what a model says about its input', () => {
  it('Rescaling or Normalization first: the model rescales itself, so the image goes in raw (none)', () => {
    assert.equal(knownPreprocessing(spec([rescale, pool])), 'none');
    assert.equal(knownPreprocessing(spec([{ class_name: 'Normalization', config: { mean: [1, 2, 3], variance: [1, 1, 1] } }, pool])), 'none');
  });

  it('past resizing and augmentation layers too (a tutorial model: RandomFlip, RandomRotation, Rescaling)', () => {
    const s = spec([{ class_name: 'RandomFlip', config: {} }, { class_name: 'RandomRotation', config: { factor: 0.1 } }, rescale, pool]);
    assert.ok(rescalesItself(s));
    assert.ok(rescalesItself(spec([{ class_name: 'Resizing', config: { height: 16, width: 16 } }, rescale, pool])));
  });

  it('a model that starts computing first says nothing: tf for colour, grayscale01 for one channel', () => {
    const s = spec([{ class_name: 'Conv2D', config: { filters: 2, kernel_size: 3 } }, rescale]);
    assert.equal(knownPreprocessing(s), undefined);
    assert.equal(preprocessingFor(s, 3), 'tf');
    assert.equal(preprocessingFor(s, 1), 'grayscale01');
  });

  it("zoo entries keep their family's Keras preprocess_input mode", () => {
    assert.equal(knownPreprocessing(buildZooModel('resnet50')), 'caffe');
    assert.equal(knownPreprocessing(buildZooModel('xception')), 'tf');
  });

  it("the user's choice beats the model's default", () => {
    assert.equal(preprocessingFor({ ...spec([rescale, pool]), preprocessing: 'torch' }, 3), 'torch');
  });

  it('names are checked: one line listing the modes', () => {
    assert.deepEqual(PREPROCESSINGS.map((p) => parsePreprocessing(p)), PREPROCESSINGS);
    assert.equal(parsePreprocessing(undefined), undefined);
    assert.throws(() => parsePreprocessing('imagenet'), (e: unknown) =>
      e instanceof NetLensError && e.message === '--preprocessing must be one of caffe, tf, torch, grayscale01, none, got "imagenet"');
    assert.throws(() => parsePreprocessing(3, 'preprocessing'), /preprocessing must be one of/);
  });
});

describe('preprocessing: the profile result states what was applied', function () {
  this.timeout(60_000);
  before(async () => { await cpuBackend(); });
  const image = join(SAMPLES, 'chelsea.png');

  it('a self-rescaling model is profiled with none; an override is used and stated', async () => {
    const own = await profileModel(spec([rescale, pool]), image, { backend: 'cpu', runs: 1, warmup: 0 });
    assert.equal(own.preprocessing, 'none');
    const chosen = await profileModel({ ...spec([rescale, pool]), preprocessing: 'caffe' }, image, { backend: 'cpu', runs: 1, warmup: 0 });
    assert.equal(chosen.preprocessing, 'caffe');
  });
});

describe('preprocessing: netlens profile --preprocessing (dist/cli.js)', function () {
  this.timeout(120_000);
  const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
  let dir: string;
  let model: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netlens-pre-'));
    model = join(dir, 'selfscaled.json');
    writeFileSync(model, JSON.stringify({ class_name: 'Sequential', config: { name: 'selfscaled', layers: [
      { class_name: 'Rescaling', config: { name: 'rescale', scale: 1 / 255, offset: 0, batch_input_shape: [null, 16, 16, 3] } },
      { class_name: 'GlobalAveragePooling2D', config: { name: 'gap' } },
    ] } }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, 'profile', model, '--backend', 'cpu', '--runs', '1', '--warmup', '0', ...args], { encoding: 'utf8' });

  it('states none for a model that rescales itself, and the chosen mode when given (valid JSON either way)', () => {
    const own = cli('--json');
    assert.equal(own.status, 0, own.stderr);
    assert.equal(JSON.parse(own.stdout).preprocessing, 'none');
    const chosen = cli('--json', '--preprocessing', 'torch');
    assert.equal(chosen.status, 0, chosen.stderr);
    assert.equal(JSON.parse(chosen.stdout).preprocessing, 'torch');
    assert.match(cli('--preprocessing', 'caffe').stdout, /\(caffe preprocessing\)/);
  });

  it('an unknown mode is one line on stderr and exit 1', () => {
    const r = cli('--preprocessing', 'imagenet');
    assert.equal(r.status, 1);
    assert.deepEqual(r.stderr.split('\n').filter((l) => l.startsWith('netlens:')),
      ['netlens: --preprocessing must be one of caffe, tf, torch, grayscale01, none, got "imagenet"']);
  });
});
