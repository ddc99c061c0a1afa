// The `netlens` CLI as users and scripts call it: the built dist/cli.js in a child process.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelBuilder } from '../../src/core/ir/builder';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function run(...args: string[]): { code: number; out: string; err: string } {
  return runIn(undefined, ...args);
}

function runIn(cwd: string | undefined, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Expect one clear line on stderr, a non-zero exit and no stack trace. */
function failsCleanly(r: { code: number; err: string }, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${r.err}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.err, /\s+at\s.+\(/, 'no stack trace');
}

describe('netlens CLI', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'netlens-cli-'));
  const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };

  it('summary, graph and memory load no engine (tfjs, ONNX Runtime): profile and machine load theirs on use', () => {
    // A preload records every module the CLI's process requires; summary must stay light.
    const probe = file('probe.js', `process.on('exit', () => {
      const hit = Object.keys(require.cache).filter((p) => /node_modules[\\\\/](@tensorflow|onnxruntime)/.test(p));
      require('fs').writeSync(2, 'ENGINES:' + JSON.stringify(hit) + '\\n');
    });`);
    const engines = (...args: string[]): string[] => {
      const r = spawnSync(process.execPath, ['-r', probe, CLI, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(/ENGINES:(.*)/.exec(r.stderr)?.[1] ?? 'null') as string[];
    };
    for (const args of [['summary', 'lenet5'], ['graph', 'lenet5', '--out', join(dir, 'g.json')], ['memory', 'lenet5']]) {
      assert.deepEqual(engines(...args), [], args.join(' '));
    }
    // The probe sees an engine when one loads (--verbose keeps the profile in this process).
    assert.ok(engines('profile', 'lenet5', '--verbose').some((p) => /onnxruntime/.test(p)));
  });

  it('summary --json prints the contract object', () => {
    const r = run('summary', 'resnet50', '--json');
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.model, 'resnet50');
    assert.deepEqual(o.input, [null, 224, 224, 3]);
    assert.equal(o.batch, 1);
    for (const k of ['params', 'trainableParams', 'nonTrainableParams', 'macs', 'flops', 'weightBytes', 'activationBytes', 'peakInferenceBytes', 'trainingBytes']) {
      assert.equal(typeof o.totals[k], 'number', k);
    }
    assert.equal(o.totals.params, 25_636_712);
    assert.equal(o.layers.length, 177);
    const conv1 = o.layers.find((l: { name: string }) => l.name === 'conv1_conv');
    assert.deepEqual(Object.keys(conv1).sort(), ['activationBytes', 'className', 'flops', 'inbound', 'macs', 'name', 'nonTrainableParams',
      'outputShape', 'params', 'receptiveField', 'trainableParams', 'weightBytes'].sort());
    assert.deepEqual(conv1.inbound, ['conv1_pad']);
    assert.deepEqual(o.unsupported, []);
  });

  it('summary prints a Keras-style table with totals', () => {
    const r = run('summary', 'vgg16');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /block1_conv1 \(Conv2D\)\s+\(None, 224, 224, 64\)\s+1,792/);
    assert.match(r.out, /Total params: 138,357,544/);
  });

  it('--batch and --input change the figures', () => {
    const o = JSON.parse(run('summary', 'lenet5', '--json', '--batch', '4').out);
    assert.equal(o.batch, 4);
    assert.equal(o.layers[0].activationBytes, 32 * 32 * 4 * 4);
    const big = JSON.parse(run('summary', 'resnet50', '--json', '--input', '320x320x3').out);
    assert.deepEqual(big.input, [null, 320, 320, 3]);
  });

  it('summary accepts a Keras JSON config file', () => {
    const b = new ModelBuilder('from_file');
    const x = b.input([150, 100, 3]);
    const spec = b.build([b.conv2d(x, 200, { kernelSize: 5, padding: 'same', name: 'conv' })]);
    const o = JSON.parse(run('summary', file('conv.json', JSON.stringify(spec.model)), '--json').out);
    assert.equal(o.totals.macs, 225_000_000);
    assert.equal(o.totals.params, 15_200);
  });

  it('demo (what `npm start` runs) prints the ResNet-50 summary and writes its JSON and graph page', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'netlens-demo-'));
    const r = runIn(cwd, 'demo');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Total params: 25,636,712/);
    const summary = JSON.parse(readFileSync(join(cwd, 'netlens-out', 'resnet50.summary.json'), 'utf8'));
    assert.equal(summary.totals.macs, 3_857_973_248);
    const html = readFileSync(join(cwd, 'netlens-out', 'resnet50.graph.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok(html.includes('conv5_block3_out'), 'the page carries the model');
  });

  it('list names every zoo model', () => {
    const r = run('list');
    assert.equal(r.code, 0);
    for (const n of ['lenet5', 'resnet50', 'xception', 'se_resnet50', 'resnet34_textbook', 'mnist_cnn']) assert.match(r.out, new RegExp(`^${n}\\b`, 'm'));
  });

  describe('bad input: one line on stderr, non-zero exit, no stack', () => {
    it('unknown model name lists the known ones', () => failsCleanly(run('summary', 'resnet51'), /unknown model "resnet51"; known models: .*resnet50/));
    it('unreadable file', () => failsCleanly(run('summary', join(dir, 'missing.json')), /cannot read .*missing\.json: ENOENT/));
    it('invalid JSON', () => failsCleanly(run('summary', file('bad.json', '{"class_name": "Model", ')), /invalid JSON/));
    it('not a model', () => failsCleanly(run('summary', file('other.json', '{"a": 1}')), /not a Keras\/tfjs model/));
    it('negative dimension', () => {
      const m = { class_name: 'Model', config: { name: 'neg', layers: [
        { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, -4, 4, 3] }, inbound_nodes: [] },
      ], input_layers: [['in', 0, 0]], output_layers: [['in', 0, 0]] } };
      failsCleanly(run('summary', file('neg.json', JSON.stringify(m))), /positive integer/);
    });
    it('a shape that overflows', () => failsCleanly(run('summary', 'resnet50', '--input', '99999999x99999999x3'), /overflows/));
    it('unknown layer class: figures printed, the gap named, exit 3', () => {
      const m = { class_name: 'Model', config: { name: 'custom', layers: [
        { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 4, 4, 3] }, inbound_nodes: [] },
        { class_name: 'Lambda', name: 'lam', config: { function: 'evil()' }, inbound_nodes: [[['in', 0, 0, {}]]] },
      ], input_layers: [['in', 0, 0]], output_layers: [['lam', 0, 0]] } };
      const r = run('summary', file('lambda.json', JSON.stringify(m)), '--json');
      assert.equal(r.code, 3);
      assert.deepEqual(JSON.parse(r.out).unsupported, [{ name: 'lam', className: 'Lambda' }]);
      failsCleanly(r, /1 unsupported layer class, not counted: lam \(Lambda\)/);
    });
    it('bad options', () => {
      failsCleanly(run('summary', 'resnet50', '--batch', '0'), /--batch must be a positive integer/);
      failsCleanly(run('summary', 'resnet50', '--input', '224x-1'), /--input must look like/);
      failsCleanly(run('summary', 'resnet50', '--frobnicate'), /Unknown option/);
      failsCleanly(run('frobnicate'), /unknown command/);
    });
  });
});
