// `netlens summary|compare|memory` on .onnx files, as users call them: the built dist/cli.js in a
// child process (run `npm run build` first). Figures against the PyTorch/onnx references.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelBytes, node, placeFixture, reference, smallCnn } from '../fixtures/onnx/files';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};

describe('ONNX import: the CLI', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'netlens-onnx-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('summary --json of a torchvision ResNet-18 export: totals and NCHW shapes as the references', () => {
    const ref = reference('resnet18-op17');
    const file = placeFixture('resnet18-op17', dir, ref.externalDataBytes);
    const r = run('summary', file, '--json');
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(r.out);
    assert.equal(s.totals.params, ref.params);
    assert.equal(s.totals.macs, ref.macs);
    assert.deepEqual(s.input, [null, 3, 224, 224]);
    const conv = s.layers.find((l: { name: string }) => l.name === 'layer1.0.conv1');
    assert.deepEqual([conv.className, conv.outputShape, conv.macs], ['Conv', [null, 64, 56, 56], ref.moduleMacs['layer1.0.conv1']]);
  });

  it('the table and memory commands take .onnx too', () => {
    const ref = reference('resnet18-op13');
    const file = placeFixture('resnet18-op13', dir, ref.externalDataBytes);
    const t = run('summary', file);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /layer4\.1\.conv2 \(Conv\)\s+\(1, 512, 7, 7\)\s+2,359,808/);
    assert.match(t.out, /Total params: 11,684,712/);
    const m = run('memory', file, '--json');
    assert.equal(m.code, 0, m.err);
  });

  it('an unsupported op: figures printed, the op named on stderr, exit 3', () => {
    const g = smallCnn();
    g.nodes[1] = { ...node('FancyAct', ['c'], ['r'], '/act/FancyAct'), domain: 'com.example' };
    const file = join(dir, 'fancy.onnx');
    writeFileSync(file, modelBytes(g));
    const r = run('summary', file);
    assert.equal(r.code, 3);
    assert.match(r.err, /act \(com\.example\.FancyAct\)/);
  });

  it('a broken file: one line on stderr naming the file, exit 1', () => {
    const file = join(dir, 'broken.onnx');
    writeFileSync(file, modelBytes(smallCnn()).subarray(0, 200));
    const r = run('summary', file);
    assert.equal(r.code, 1);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /broken\.onnx: not a valid ONNX protobuf/);
  });
});
