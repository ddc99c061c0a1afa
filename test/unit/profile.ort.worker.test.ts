// ONNX Runtime in the profiler process (dist/worker.js), driven as the extension host drives it:
// the engine, threads and optimisation level are decided per request, so a second profile in the
// same process says what it ran with, not what the first one did; a crash recovers; wasm's label
// is built per profile from the thread count it really has.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ProfilerClient, ProfilerCrashError } from '../../src/process/profilerClient';
import type { ProfileRequest } from '../../src/protocol/worker';
import { SAMPLES } from './profileFixtures';

const WORKER = join(__dirname, '..', '..', '..', 'dist', 'worker.js');
const req = (model: string, over: Partial<ProfileRequest> = {}): ProfileRequest =>
  ({ model, image: join(SAMPLES, 'chelsea.png'), backend: 'onnxruntime', runs: 2, warmup: 1, ...over });

describe('profile: ONNX Runtime in the worker process', function () {
  this.timeout(180_000);
  let c: ProfilerClient;
  before(() => { c = new ProfilerClient({ workerPath: WORKER }); });
  after(() => c.dispose());

  it('decides threads and optimisation level per request, and says so in each result', async () => {
    const n = cpus().length;
    const a = await c.profile(req('resnet18'));
    assert.equal(a.engine, 'onnxruntime');
    assert.equal(a.threads, n);
    assert.equal(a.optimization, 'all');
    assert.match(a.backendLabel!, new RegExp(`${n} threads?\\), all graph optimizations$`));
    assert.ok(a.fusedLayers! > 0);
    const pid = c.pid;
    const b = await c.profile(req('resnet18', { threads: 1, optimization: 'disabled' }));
    assert.equal(c.pid, pid, 'same process');
    assert.equal(b.threads, 1);
    assert.equal(b.optimization, 'disabled');
    assert.match(b.backendLabel!, /\(CPU execution provider, 1 thread\), disabled graph optimizations$/);
    assert.equal(b.fusedLayers, 0);
    const d = await c.profile(req('resnet18', { backend: 'auto' }));
    assert.equal(d.threads, n);
    assert.equal(d.backend, 'onnxruntime');
  });

  it('a worker killed during an ONNX Runtime profile is reported, and the next profile gets a new one', async () => {
    let killed = false;
    const p = c.profile(req('resnet50', { runs: 200 }), {
      onProgress: (stage) => { if (stage === 'layers' && !killed) { killed = true; process.kill(c.pid!, 'SIGKILL'); } },
    });
    await assert.rejects(p, (e: unknown) => e instanceof ProfilerCrashError && /killed by SIGKILL/.test(e.message));
    const starts = c.starts;
    const r = await c.profile(req('lenet5'));
    assert.equal(r.engine, 'onnxruntime');
    assert.equal(c.starts, starts + 1);
  });

  it('wasm\'s label is built per profile: a later request for other threads says what the pool really has', () => {
    const out = join(__dirname, '..', '..');
    const script = `
      const { selectBackend } = require(${JSON.stringify(join(out, 'src/core/profile/registry.js'))});
      (async () => {
        const a = await selectBackend('wasm', { threads: 2 });
        const b = await selectBackend('wasm', { threads: 1 });
        const c = await selectBackend('wasm', { threads: 2 });
        console.log(JSON.stringify([a.label, b.label, c.label, b.threads]));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: join(out, '..'), timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const [a, b, c2, threads] = JSON.parse(r.stdout.trim().split('\n').pop()!) as [string, string, string, number];
    assert.equal(a, 'wasm (SIMD, 2 threads, threaded build, threads set by option)');
    assert.equal(b, 'wasm (SIMD, 2 threads, threaded build, 1 asked; the thread pool was fixed by an earlier profile in this process)');
    assert.equal(c2, a);
    assert.equal(threads, 2);
  });
});
