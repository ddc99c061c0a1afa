// The VSIX `npm run package` builds (npm test builds it first) carries ONNX Runtime's native
// library for this platform only, and the profiler process runs from the unpacked extension:
// onnxruntime-node resolves inside it, not from the checkout.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { ProfilerClient } from '../../src/process/profilerClient';
import { SAMPLES } from './profileFixtures';

const VSIX = join(__dirname, '..', '..', '..', 'netlens.vsix');

describe('profile: ONNX Runtime in the packaged extension', function () {
  this.timeout(120_000);
  let dir = '';
  let files: string[] = [];
  before(function () {
    if (!existsSync(VSIX)) throw new Error(`${VSIX} missing: run npm run package`);
    const entries = unzipSync(readFileSync(VSIX));
    files = Object.keys(entries);
    dir = mkdtempSync(join(tmpdir(), 'netlens-vsix-'));
    for (const [name, data] of Object.entries(entries)) {
      if (name.endsWith('/')) continue;
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), data);
    }
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('holds this platform\'s ONNX Runtime binaries and no other platform\'s', () => {
    const bins = files.filter((f) => f.startsWith('extension/node_modules/onnxruntime-node/bin/'));
    const mine = `extension/node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/`;
    assert.ok(bins.length > 0 && bins.every((f) => f.startsWith(mine)), bins.join(', '));
    assert.ok(bins.some((f) => f.endsWith('onnxruntime_binding.node')));
    assert.ok(files.includes('extension/node_modules/onnxruntime-common/dist/cjs/index.js'));
    const manifest = readFileSync(join(dir, 'extension.vsixmanifest'), 'utf8');
    assert.match(manifest, new RegExp(`TargetPlatform="${process.platform}-${process.arch}"`));
  });

  it('the unpacked extension\'s profiler process profiles on ONNX Runtime', async () => {
    const c = new ProfilerClient({ workerPath: join(dir, 'extension', 'dist', 'worker.js') });
    try {
      const r = await c.profile({ model: 'lenet5', image: join(SAMPLES, 'chelsea.png'), backend: 'onnxruntime', runs: 2, warmup: 1 });
      assert.equal(r.engine, 'onnxruntime');
      assert.ok(r.layers.some((l) => l.measured?.ms && l.ms.median > 0));
    } finally {
      c.dispose();
    }
  });
});
