// The backend chain with the native packages simulated: absent (require fails with
// MODULE_NOT_FOUND, as here), present but broken (the GPU build's dlopen failing on CUDA
// libraries), registered with another tfjs-core copy, and present (a loader that registers a
// "tensorflow" backend the way @tensorflow/tfjs-node does; its kernels are the cpu backend's, so a
// model really runs on it). Each case checks the reported steps and the backend chosen.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { NetLensError } from '../../src/core/ir/types';
import { buildZooModel } from '../../src/core/zoo';
import { describeSteps, parseBackendRequest, selectBackend } from '../../src/core/profile/registry';
import { defaultNativeLoader, loadNative, NATIVE_PACKAGES, NativeLoader } from '../../src/core/engines/tfjs/native';
import { bundlePrelude, missingRequires } from '../../src/core/engines/tfjs/wasmThreads';
import { profileModel } from '../../src/core/profile/profile';
import { SAMPLES } from './profileFixtures';

function notFound(pkg: string): Error {
  const e = new Error(`Cannot find module '${pkg}'\nRequire stack:\n- /x/dist/worker.js`) as NodeJS.ErrnoException;
  e.code = 'MODULE_NOT_FOUND';
  return e;
}

let kernelsCopied = false;
/** What requiring @tensorflow/tfjs-node does to tfjs-core: registers backend "tensorflow" (priority 3). */
function registerFakeNative(): void {
  if (!kernelsCopied) {
    for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
    kernelsCopied = true;
  }
  tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
}

const absent: NativeLoader = (pkg) => { throw notFound(pkg); };
const gpuBrokenCpuPresent: NativeLoader = (pkg) => {
  if (pkg === NATIVE_PACKAGES.gpu) {
    throw new Error('libcudnn.so.8: cannot open shared object file: No such file or directory');
  }
  registerFakeNative();
  return { version: { 'tfjs-node': '4.22.0' } };
};
const gpuPresent: NativeLoader = (pkg) => {
  if (pkg !== NATIVE_PACKAGES.gpu) throw new Error('the GPU package should be tried first');
  registerFakeNative();
  return { version: { 'tfjs-node': '4.22.0' } };
};
const otherCore: NativeLoader = (pkg) => {
  if (pkg === NATIVE_PACKAGES.gpu) throw notFound(pkg);
  return { version: { 'tfjs-node': '4.22.0', 'tfjs-core': '4.10.0' } }; // registered elsewhere
};

describe('profile: backend chain', function () {
  this.timeout(60_000);
  // Removing the active backend makes tfjs re-run the highest-priority factory on next use, so
  // select one explicitly afterwards.
  const cleanup = async (): Promise<void> => {
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    await tf.setBackend('cpu');
  };
  afterEach(cleanup);
  after(cleanup);

  it('auto on a model ONNX Runtime cannot take: the reason, both native packages missing, then wasm', async () => {
    const c = await selectBackend('auto', { nativeLoader: absent, engineBlocked: { onnxruntime: 'cannot lower toy to ONNX: x (Foo: no ONNX rule for Foo)' } });
    assert.equal(c.backend, 'wasm');
    assert.equal(c.engine, 'tfjs');
    assert.equal(tf.getBackend(), 'wasm');
    // The ONNX Runtime rows (cuda, webgpu, onnxruntime) each say why.
    assert.deepEqual(c.steps.map((s) => [s.backend, s.ok]), [['cuda', false], ['webgpu', false], ['onnxruntime', false], ['tensorflow-gpu', false], ['tensorflow', false], ['wasm', true]]);
    for (const i of [0, 1, 2]) assert.equal(c.steps[i].detail, 'cannot lower toy to ONNX: x (Foo: no ONNX rule for Foo)');
    assert.equal(c.steps[3].detail, '@tensorflow/tfjs-node-gpu is not installed');
    assert.equal(c.steps[4].detail, '@tensorflow/tfjs-node is not installed');
    assert.match(c.steps[5].detail, /^wasm \(SIMD, /);
    assert.equal(describeSteps(c.steps).length, 6);
  });

  it('a forced tensorflow backend that is missing is one error with how to install it', async () => {
    await assert.rejects(selectBackend('tensorflow', { nativeLoader: absent }), (e: unknown) => {
      assert.ok(e instanceof NetLensError);
      assert.match(e.message, /^backend "tensorflow" is not available: @tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed\./);
      assert.match(e.message, /npm install @tensorflow\/tfjs-node-gpu@4\.22\.0.*CUDA 11\.2 and cuDNN 8\.1/);
      assert.match(e.message, /npm install @tensorflow\/tfjs-node@4\.22\.0/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  });

  it('a GPU build that cannot load CUDA is reported, and the native CPU package is used', async () => {
    const c = await selectBackend('tensorflow', { nativeLoader: gpuBrokenCpuPresent });
    assert.equal(c.backend, 'tensorflow');
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.deepEqual(c.steps.map((s) => [s.backend, s.ok]), [['tensorflow-gpu', false], ['tensorflow', true]]);
    assert.match(c.steps[0].detail, /installed but failed to load \(the GPU build needs CUDA 11\.2 and cuDNN 8\.1 libraries\): libcudnn\.so\.8/);
    assert.equal(c.steps[1].detail, 'loaded @tensorflow/tfjs-node 4.22.0');
    assert.match(c.label, /native CPU/);
  });

  it('the GPU package, when present, comes first', async () => {
    const c = await selectBackend('tensorflow', { nativeLoader: gpuPresent });
    assert.equal(c.backend, 'tensorflow');
    assert.deepEqual(c.steps.map((s) => [s.backend, s.ok]), [['tensorflow-gpu', true]]);
    assert.match(c.label, /tfjs-node-gpu, CUDA/);
  });

  it('a package registered with another tfjs-core copy is refused with the versions', () => {
    const a = loadNative('cpu', otherCore);
    assert.equal(a.ok, false);
    assert.match(a.detail, /another copy of @tensorflow\/tfjs-core \(4\.10\.0, this build uses 4\.22\.0\)/);
  });

  it('profiles a model on the (simulated) native backend end to end', async () => {
    const before = tf.memory().numTensors;
    const r = await profileModel(buildZooModel('lenet5'), join(SAMPLES, 'chelsea.png'), { backend: 'tensorflow', nativeLoader: gpuBrokenCpuPresent, runs: 3, warmup: 1 });
    assert.equal(r.backend, 'tensorflow');
    assert.equal(r.engine, 'tfjs');
    assert.equal(r.optimization, 'none');
    assert.equal(r.backendSteps?.length, 2);
    assert.ok(r.layers.every((l) => l.ms.median > 0));
    assert.equal(tf.memory().numTensors, before);
  });

  it('the real loader reports this machine as it is', async () => {
    for (const kind of ['gpu', 'cpu'] as const) {
      let installed = true;
      try { require.resolve(NATIVE_PACKAGES[kind]); } catch { installed = false; }
      const a = loadNative(kind, defaultNativeLoader);
      if (!installed) assert.deepEqual(a, { ok: false, detail: `${NATIVE_PACKAGES[kind]} is not installed` });
      await cleanup();
    }
    assert.throws(() => defaultNativeLoader('left-pad'), /not a native tfjs package/);
  });

  it('forced cpu and wasm use exactly that backend', async () => {
    assert.equal((await selectBackend('cpu')).backend, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    const w = await selectBackend('wasm');
    assert.deepEqual(w.steps.map((s) => s.backend), ['wasm']);
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('parses backend names and refuses others', () => {
    assert.equal(parseBackendRequest(undefined), 'auto');
    assert.equal(parseBackendRequest('wasm'), 'wasm');
    assert.equal(parseBackendRequest('onnxruntime'), 'onnxruntime');
    assert.throws(() => parseBackendRequest('webgl'), /backend must be one of auto, cuda, webgpu, onnxruntime, tensorflow, wasm, cpu, got "webgl"/);
  });

  it('the threaded wasm prelude defines every bundle-level name the factory uses', () => {
    const bundle = require('node:fs').readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm'), 'utf8') as string;
    const prelude = bundlePrelude(bundle, '/tmp/x');
    assert.match(prelude, /var require\$\$0 = require\('fs'\);/);
    // The threaded factory is the function assigned to WasmBackendModuleThreadedSimd in the bundle.
    const start = bundle.indexOf('var WasmBackendModuleThreadedSimd = ');
    assert.ok(start > 0, 'factory found in the bundle');
    const factory = bundle.slice(start, bundle.indexOf('var wasmWorkerContents', start));
    assert.deepEqual(missingRequires(factory, prelude), []);
    assert.deepEqual(missingRequires('x = require$$9.foo', prelude), ['require$$9']);
  });
});
