// Issue 13, findings 1 and 8: what a workspace may choose (settings that name a program are
// machine-scoped; the profiler is off in untrusted workspaces), a run that cannot fit in memory is
// refused before anything is built, and a hung profiler process is killed by a watchdog.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { parseModelJson } from './helpers/modelJson';
import { NetLensError } from '../../src/core/ir/types';
import { checkMemoryFits, MEMORY_FRACTION, runBytes } from '../../src/core/profile/memoryGuard';
import { profileModel } from '../../src/core/profile/profile';
import { ProfilerClient, ProfilerCrashError } from '../../src/process/profilerClient';
import { removeDir, tempDir } from '../fixtures/writers';
import { SAMPLES } from './profileFixtures';

const ROOT = join(__dirname, '..', '..', '..');
const GiB = 1024 ** 3;

/** A chain of `n` Dense(16384) layers on a 16384-wide input: each kernel is 2^28 floats (1 GiB). */
function bigDense(n: number): string {
  const layers: unknown[] = [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 16384] } }];
  for (let i = 0; i < n; i++) layers.push({ class_name: 'Dense', config: { name: `d${i}`, units: 16384, use_bias: false } });
  return JSON.stringify({ class_name: 'Sequential', config: { name: 'huge', layers } });
}

describe('hardening: settings, memory cap and watchdog (issue 13, findings 1 and 8)', function () {
  this.timeout(60_000);

  describe('settings a workspace could use to run a program', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const configs = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
    const props: [string, Record<string, unknown>][] = configs.flatMap((c: { properties: Record<string, Record<string, unknown>> }) => Object.entries(c.properties));

    it('every setting that names a program or a path is machine-scoped and says so', () => {
      const risky = props.filter(([k, v]) => /path|program|binary|executable|command/i.test(`${k} ${v.description ?? ''} ${v.markdownDescription ?? ''}`) && v.type === 'string');
      assert.ok(risky.some(([k]) => k === 'netlens.nodePath'), 'netlens.nodePath is among them');
      for (const [k, v] of risky) {
        assert.equal(v.scope, 'machine', `${k} scope`);
        assert.match(String(v.description ?? v.markdownDescription), /Machine-scoped: only your user settings can set it/, `${k} description`);
      }
    });

    it('untrusted workspaces: limited support, nodePath restricted, the profiler command disabled', () => {
      const u = pkg.capabilities?.untrustedWorkspaces;
      assert.equal(u?.supported, 'limited');
      assert.ok(u.restrictedConfigurations.includes('netlens.nodePath'));
      assert.match(u.description, /does not run the profiler/);
      const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === 'netlens.profileModel');
      assert.equal(cmd.enablement, 'isWorkspaceTrusted');
      // The command handler checks too (the graph toolbar and the explorer call it directly).
      assert.match(readFileSync(join(ROOT, 'src', 'host', 'profile.ts'), 'utf8'), /if \(!vscode\.workspace\.isTrusted\)/);
    });

    it('the watchdog setting exists with bounds', () => {
      const t = props.find(([k]) => k === 'netlens.profile.timeoutSeconds')?.[1];
      assert.ok(t, 'netlens.profile.timeoutSeconds');
      assert.equal(t.type, 'integer');
      assert.ok((t.minimum as number) >= 1 && (t.maximum as number) >= (t.default as number));
    });
  });

  describe('memory cap before building a model', () => {
    it('the estimate is peak inference memory plus a second copy of the weights', () => {
      const a = analyzeModel(parseModelJson(bigDense(2), 'huge').model);
      assert.equal(a.totals.weightBytes, 2 * GiB, 'two 1 GiB kernels (16384 x 16384 x 4 bytes)');
      assert.equal(runBytes(a.totals), a.totals.peakInferenceBytes + 2 * GiB);
      assert.throws(() => checkMemoryFits('huge', a.totals, 8 * GiB), (e: unknown) => {
        assert.ok(e instanceof NetLensError);
        assert.match(e.message, /^cannot profile huge: a run needs about 4\.0 GiB \(weights 2\.0 GiB twice, plus activations\), more than 50% of the 8\.0 GiB of free memory; not building it$/);
        return true;
      });
      assert.doesNotThrow(() => checkMemoryFits('huge', a.totals, 16 * GiB));
      assert.equal(MEMORY_FRACTION, 0.5);
    });

    it('profileModel refuses 64 x 1 GiB Dense layers before decoding the image or building anything', async () => {
      const spec = parseModelJson(bigDense(64), 'huge');
      const before = process.memoryUsage().rss;
      const stages: string[] = [];
      await assert.rejects(profileModel(spec, join(SAMPLES, 'chelsea.png'), { backend: 'cpu', onProgress: (s) => stages.push(s) }),
        /cannot profile huge: a run needs about 128\.\d GiB/);
      assert.deepEqual(stages, [], 'refused before the first stage');
      assert.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024);
    });
  });

  describe('watchdog on profiler requests', () => {
    let dir: string;
    before(() => { dir = tempDir(); });
    after(() => removeDir(dir));

    it('a worker that never answers is killed after the timeout and reported; the next request starts a fresh process', async () => {
      const hung = join(dir, 'hung.js');
      // A stand-in for a backend stuck in a native call: reads requests, never answers.
      writeFileSync(hung, "process.on('message', () => {}); setInterval(() => {}, 1e6);\n");
      const c = new ProfilerClient({ workerPath: hung, timeoutMs: 400 });
      try {
        const req = { model: 'lenet5', image: join(SAMPLES, 'chelsea.png'), backend: 'cpu' as const, runs: 1, warmup: 0 };
        await assert.rejects(c.profile(req), (e: unknown) => {
          assert.ok(e instanceof ProfilerCrashError);
          assert.match(e.message, /^the profiler process sent nothing for 0\.4 s while profiling lenet5 \(a hung backend\?\); it was stopped \(netlens\.profile\.timeoutSeconds\)$/);
          return true;
        });
        const first = c.starts;
        await assert.rejects(c.profile(req), ProfilerCrashError);
        assert.equal(c.starts, first + 1, 'a fresh process for the next request');
      } finally {
        c.dispose();
      }
    });

    it('progress messages keep a slow but working run alive', async () => {
      const slow = join(dir, 'slow.js');
      // Sends progress every 100 ms for 3 s, then a result: longer than the 1.5 s watchdog in all.
      writeFileSync(slow, `process.on('message', (m) => {
  if (m.type !== 'profile') return;
  let n = 0;
  const t = setInterval(() => {
    if (++n < 30) return process.send({ type: 'progress', id: m.id, stage: 'layers', message: 'layer ' + n, fraction: n / 30 });
    clearInterval(t);
    // A result with the contract's fields: the client parses every message (issue 24).
    process.send({ type: 'result', id: m.id, result: { model: m.request.model, backend: 'cpu', image: 'x.png', weights: 'random', runs: 1, warmup: 0,
      endToEndMs: { median: 1, min: 1, max: 1 }, sumLayerMs: 1, overhead: 1, peakBytes: 0, layers: [], predictions: null } });
  }, 100);
});
`);
      const c = new ProfilerClient({ workerPath: slow, timeoutMs: 1500 });
      try {
        const r = await c.profile({ model: 'lenet5', image: 'x.png', backend: 'cpu', runs: 1, warmup: 0 });
        assert.equal(r.model, 'lenet5');
      } finally {
        c.dispose();
      }
    });
  });
});
