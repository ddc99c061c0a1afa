// The profiler process (dist/worker.js, built by `npm test`) driven through ProfilerClient, as the
// extension host drives it: results and progress over IPC, user errors as one line, a killed or
// out-of-memory worker reported and replaced on the next request, cancel acknowledged by the
// worker between layers, and cancel during an uninterruptible step ending the process in time.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NetLensError } from '../../src/core/ir/types';
import { ProfileCancelledError } from '../../src/core/profile/errors';
import { ProfilerClient, ProfilerCrashError } from '../../src/process/profilerClient';
import type { ProfileRequest } from '../../src/protocol/worker';
import type { ProfileStage } from '../../src/core/profile/result';
import { SAMPLES } from './profileFixtures';

const WORKER = join(__dirname, '..', '..', '..', 'dist', 'worker.js');
const req = (model: string, over: Partial<ProfileRequest> = {}): ProfileRequest =>
  ({ model, image: join(SAMPLES, 'chelsea.png'), backend: 'wasm', runs: 2, warmup: 1, ...over });

describe('profile: worker process', function () {
  this.timeout(120_000);
  const clients: ProfilerClient[] = [];
  const client = (o: Partial<ConstructorParameters<typeof ProfilerClient>[0]> = {}): ProfilerClient => {
    const c = new ProfilerClient({ workerPath: WORKER, ...o });
    clients.push(c);
    return c;
  };
  before(function () { if (!existsSync(WORKER)) throw new Error(`${WORKER} missing: run npm run build`); });
  after(() => clients.forEach((c) => c.dispose()));

  it('profiles in a separate process and streams its stages', async () => {
    const c = client();
    const stages = new Set<ProfileStage>();
    const r = await c.profile(req('lenet5'), { onProgress: (s) => stages.add(s) });
    assert.equal(r.model, 'lenet5');
    assert.equal(r.backend, 'wasm');
    assert.equal(r.layers.length, 8);
    assert.ok(r.layers.every((l) => l.ms.median > 0));
    for (const s of ['image', 'backend', 'model', 'layers', 'predict'] as ProfileStage[]) assert.ok(stages.has(s), `stage ${s} reported`);
    assert.ok(c.pid && c.pid !== process.pid);
    assert.equal(c.starts, 1);
  });

  it('returns a bad input as one clear line and keeps the process', async () => {
    const c = client();
    await c.profile(req('lenet5', { runs: 1, warmup: 0 }));
    const pid = c.pid;
    await assert.rejects(c.profile(req('lenet5', { image: join(SAMPLES, 'LICENSE.md') })), (e: unknown) => {
      assert.ok(e instanceof NetLensError);
      assert.match(e.message, /^LICENSE\.md is not a PNG or JPEG image: it looks like text/);
      return true;
    });
    await assert.rejects(c.profile(req('no_such_model')), /unknown model "no_such_model"/);
    assert.equal(c.pid, pid);
    assert.equal(c.starts, 1);
  });

  it('reports a crashed worker and recovers with a new process', async () => {
    const c = client();
    let killed = false;
    const p = c.profile(req('resnet50', { runs: 3 }), {
      onProgress: (stage) => {
        if (stage === 'layers' && !killed) { killed = true; process.kill(c.pid!, 'SIGKILL'); }
      },
    });
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof ProfilerCrashError, String(e));
      assert.equal(e.message, 'the profiler process was killed by SIGKILL while profiling resnet50; it will be restarted on the next profile');
      return true;
    });
    const first = c.starts;
    const r = await c.profile(req('lenet5'));
    assert.equal(r.model, 'lenet5');
    assert.equal(c.starts, first + 1);
  });

  it('reports an out-of-memory worker as such', async () => {
    // 12 MiB of V8 heap is not enough to load tfjs and a model: a real heap exhaustion.
    const c = client({ maxOldSpaceMb: 12 });
    await assert.rejects(c.profile(req('resnet50')), (e: unknown) => {
      assert.ok(e instanceof ProfilerCrashError, String(e));
      assert.match(e.message, /^the profiler process ran out of memory \(limit 12 MiB\) while profiling resnet50/);
      return true;
    });
  });

  it('cancels between layers: the worker confirms within a second and stays up', async () => {
    const c = client();
    const abort = new AbortController();
    let at = 0;
    const p = c.profile(req('resnet50', { runs: 50 }), {
      signal: abort.signal,
      onProgress: (stage) => { if (stage === 'layers' && !at) { at = performance.now(); abort.abort(); } },
    });
    await assert.rejects(p, (e: unknown) => e instanceof ProfileCancelledError);
    const took = performance.now() - at;
    assert.ok(took < 1000, `cancel took ${took.toFixed(0)} ms`);
    const pid = c.pid;
    assert.ok(pid, 'the process survived the cancel');
    await c.profile(req('lenet5'));
    assert.equal(c.pid, pid);
    assert.equal(c.starts, 1);
  });

  it('cancels an uninterruptible step by ending the process, within a second', async () => {
    // Building VGG-16 on the cpu backend (138 M random weights) is one long synchronous call.
    const c = client({ cancelGraceMs: 300 });
    const abort = new AbortController();
    let at = 0;
    const p = c.profile(req('vgg16', { backend: 'cpu' }), {
      signal: abort.signal,
      onProgress: (_stage, message) => { if (message.startsWith('building') && !at) { at = performance.now(); abort.abort(); } },
    });
    await assert.rejects(p, (e: unknown) => e instanceof ProfileCancelledError);
    const took = performance.now() - at;
    assert.ok(took < 1000, `cancel took ${took.toFixed(0)} ms`);
    assert.equal(c.pid, undefined, 'the busy process was ended');
    await c.profile(req('lenet5', { runs: 1, warmup: 0 }));
    assert.equal(c.starts, 2);
  });

  it('runs under a configured Node.js binary and refuses a missing one', async () => {
    const ok = client({ nodePath: process.execPath });
    assert.equal((await ok.profile(req('lenet5', { runs: 1, warmup: 0 }))).model, 'lenet5');
    const bad = client({ nodePath: '/nonexistent/bin/node' });
    await assert.rejects(bad.profile(req('lenet5')), (e: unknown) =>
      e instanceof NetLensError && /^netlens\.nodePath "\/nonexistent\/bin\/node" does not exist/.test(e.message));
  });
});
