// The backend registry is the one list of backends: the `netlens.backend` setting in package.json,
// the CLI usage and the chain reported with a profile all come from it.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetLensError } from '../../src/core/ir/types';
import { BACKENDS, backendNames, backendSetting, backendUsage, selectBackend } from '../../src/core/profile/registry';
import { OPTIMIZATION_LEVELS } from '../../src/core/engines/ort/session';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { enum?: string[]; enumDescriptions?: string[]; default?: unknown }> } };
};
const props = pkg.contributes.configuration.properties;

describe('profile: backend registry', () => {
  it('package.json declares netlens.backend exactly as the registry derives it', () => {
    const s = backendSetting();
    assert.deepEqual(props['netlens.backend'].enum, s.enum);
    assert.deepEqual(props['netlens.backend'].enumDescriptions, s.enumDescriptions);
    assert.equal(props['netlens.backend'].default, 'auto');
  });

  it('package.json offers the optimisation levels the profiler accepts', () => {
    assert.deepEqual(props['netlens.profile.optimization'].enum, [...OPTIMIZATION_LEVELS]);
    assert.equal(props['netlens.profile.optimization'].default, 'all');
  });

  it('auto tries ONNX Runtime before the tfjs chain, and every row is complete', () => {
    const names = BACKENDS.map((b) => b.name);
    assert.ok(names.indexOf('onnxruntime') < names.indexOf('tensorflow'));
    assert.deepEqual(names.filter((n) => ['tensorflow', 'wasm', 'cpu'].includes(n)), ['tensorflow', 'wasm', 'cpu']);
    assert.equal(new Set(names).size, names.length);
    for (const b of BACKENDS) {
      assert.ok(['onnxruntime', 'tfjs'].includes(b.engine), b.name);
      assert.ok(['blocking', 'readback'].includes(b.sync), b.name);
      assert.ok(b.description.length > 10 && b.installHint.length > 5, b.name);
    }
  });

  it('the CLI usage lists the same names', () => {
    assert.equal(backendUsage(), backendNames().join('|'));
    const r = require('node:child_process').spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), '--help'], { encoding: 'utf8' });
    assert.ok(r.stdout.includes(`--backend ${backendUsage()}`), r.stdout);
  });

  it('a forced backend that cannot take the model is one error with the reason', async () => {
    await assert.rejects(selectBackend('onnxruntime', { engineBlocked: { onnxruntime: 'cannot lower m to ONNX: x (Foo: no rule)' } }), (e: unknown) => {
      assert.ok(e instanceof NetLensError);
      assert.equal(e.message, 'backend "onnxruntime" cannot run this model: cannot lower m to ONNX: x (Foo: no rule)');
      return true;
    });
  });

  it('onnxruntime is available here, with all CPUs unless told', async () => {
    const c = await selectBackend('auto');
    assert.equal(c.backend, 'onnxruntime');
    assert.equal(c.engine, 'onnxruntime');
    assert.deepEqual(c.executionProviders, ['cpu']);
    const n = require('node:os').cpus().length;
    assert.equal(c.threads, n);
    assert.match(c.label, new RegExp(`^onnxruntime 1\\.30\\.0 \\(CPU execution provider, ${n} threads?\\)$`));
    const one = await selectBackend('onnxruntime', { threads: 1 });
    assert.equal(one.threads, 1);
    assert.match(one.label, /1 thread\)$/);
  });
});
