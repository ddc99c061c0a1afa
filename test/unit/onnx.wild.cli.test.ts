// The CLI on models users bring (issue 19): exit codes, one-line errors for bad --dim / --input, and
// stderr left empty by a successful run (a protobufjs Buffer DeprecationWarning once leaked there).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { floatInit, modelBytes, node, placeFixture, valueInfo } from '../fixtures/onnx/files';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const WILD = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx-wild');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
const oneLine = (err: string, pattern: RegExp): void => {
  const lines = err.trim().split('\n');
  assert.equal(lines.length, 1, err);
  assert.match(lines[0], pattern);
};

describe('netlens CLI on models users bring', function () {
  this.timeout(120_000);
  let dir: string;
  let freeDims: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netlens-wild-cli-'));
    freeDims = join(dir, 'free.onnx');
    writeFileSync(freeDims, modelBytes({
      nodes: [node('Conv', ['x', 'w'], ['y'], '/conv/Conv', [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }])],
      inputs: [valueInfo('x', ['batch', 3, 'height', 'width'])],
      outputs: [valueInfo('y', ['batch', 4, 'height', 'width'])],
      initializers: [floatInit('w', [4, 3, 3, 3])],
    }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('summary of a detector prints its figures and exits 3, naming the layers whose sizes depend on data in one line', () => {
    const ref = JSON.parse(readFileSync(join(WILD, 'ssdlite320.reference.json'), 'utf8')) as { externalDataBytes: number };
    const r = run('summary', placeFixture('ssdlite320', dir, ref.externalDataBytes, WILD), '--json');
    assert.equal(r.code, 3);
    const json = JSON.parse(r.out) as { unknown: { name: string; reason: string }[]; totals: { macs: number } };
    assert.ok(json.unknown.length > 1000);
    assert.equal(Math.round(json.totals.macs / 1e7) / 100, 0.58);
    oneLine(r.err, /^netlens: \d+ layers whose sizes depend on data, not counted: .*\(first cause: NonZero "NonZero": the number of non-zero elements depends on data\)$/);
  });

  it('--dim sizes a free dimension (exit 0, stderr empty); a bad one is one line and exit 1', () => {
    const open = run('summary', freeDims);
    assert.equal(open.code, 3);
    oneLine(open.err, /free dimension "height" \(give it a size with --dim height=N\)/);
    const sized = run('summary', freeDims, '--dim', 'height=10', '--dim', 'width=20', '--json');
    assert.equal(sized.code, 0, sized.err);
    assert.equal(sized.err, '');
    assert.equal((JSON.parse(sized.out) as { totals: { macs: number } }).totals.macs, 10 * 20 * 4 * 27);
    for (const [arg, pattern] of [['height', /--dim must look like name=N/], ['height=0', /--dim must look like name=N/], ['depth=3', /no free input dimension of that name \(it has batch, height, width\)/]] as const) {
      const r = run('summary', freeDims, '--dim', arg);
      assert.equal(r.code, 1, arg);
      oneLine(r.err, pattern);
    }
  });

  it('profile: --input takes random or image, not with --image; a successful random profile leaves stderr empty', () => {
    const bad = run('profile', freeDims, '--input', 'noise');
    assert.equal(bad.code, 1);
    oneLine(bad.err, /--input must be random or image, got "noise"/);
    const both = run('profile', freeDims, '--input', 'random', '--image', 'x.png');
    assert.equal(both.code, 1);
    oneLine(both.err, /--input random and --image exclude each other/);
    const ok = run('profile', freeDims, '--input', 'random', '--dim', 'height=8', '--dim', 'width=8', '--backend', 'onnxruntime', '--runs', '1', '--warmup', '0', '--json');
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.err, '');
    assert.equal((JSON.parse(ok.out) as { feed: string }).feed, 'random');
  });

  it('a successful image profile of an ONNX detector leaves stderr empty', () => {
    const ref = JSON.parse(readFileSync(join(WILD, 'ssdlite320.reference.json'), 'utf8')) as { externalDataBytes: number };
    const r = run('profile', placeFixture('ssdlite320', dir, ref.externalDataBytes, WILD), '--backend', 'onnxruntime', '--runs', '1', '--warmup', '0', '--json');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.equal((JSON.parse(r.out) as { outputKind: string }).outputKind, 'detections');
  });
});
