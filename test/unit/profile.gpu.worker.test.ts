// WebGPU through the profiler process (dist/worker.js) on software Vulkan: the worker is started
// with VK_ICD_FILENAMES pointing at SwiftShader (Debian's chromium), as a user's machine would
// offer a GPU driver. LeNet-5 and a trained fixture on `--backend webgpu`: outputs equal the CPU
// provider's within 1e-4 relative, predictions identical, every layer of the model in the profile
// with GPU-timestamp times, cancel, and what `auto` and a machine without an adapter do.
// Each profile is small (LeNet-5 and a 32x32 CNN: well under a second of software GPU work).
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { NetLensError } from '../../src/core/ir/types';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildZooModel } from '../../src/core/zoo';
import { ProfileCancelledError } from '../../src/core/profile/errors';
import { swiftShaderEnv } from '../../src/core/engines/ort/webgpu';
import { ProfilerClient } from '../../src/process/profilerClient';
import type { ProfileRequest } from '../../src/protocol/worker';
import { drawShape, SHAPES, SIZE, trainShapesCnn } from '../fixtures/shapes';
import { removeDir, saveTfjs, tempDir } from '../fixtures/writers';
import { SAMPLES } from './profileFixtures';
import { requireSwiftShader } from './helpers/swiftshader';

const WORKER = join(__dirname, '..', '..', '..', 'dist', 'worker.js');
const req = (model: string, over: Partial<ProfileRequest> = {}): ProfileRequest =>
  ({ model, image: join(SAMPLES, 'chelsea.png'), backend: 'webgpu', runs: 2, warmup: 1, ...over });

/** The helper process's JSON (same helper as profile.gpu.test.ts). */
function child(args: string[], env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(__dirname, 'helpers', 'webgpuChild.js'), ...args], { env, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>);
      } catch {
        reject(new Error(`webgpu helper gave no JSON (${err?.message ?? 'exit 0'}): ${stderr.slice(-2000)}`));
      }
    });
  });
}

const closeRel = (a: number, b: number, rel = 1e-4): boolean => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-7;

describe('profile: WebGPU in the profiler process (software Vulkan)', function () {
  this.timeout(300_000);
  const env = swiftShaderEnv();
  const clients: ProfilerClient[] = [];
  const client = (e: Record<string, string> = env): ProfilerClient => {
    const c = new ProfilerClient({ workerPath: WORKER, env: e });
    clients.push(c);
    return c;
  };
  before(function () {
    requireSwiftShader(this);
    if (!existsSync(WORKER)) throw new Error(`${WORKER} missing: run npm run build`);
  });
  after(() => clients.forEach((c) => c.dispose()));

  it('LeNet-5 lowered to ONNX: WebGPU outputs equal the CPU provider\'s within 1e-4', async () => {
    const r = await child(['zoo', 'lenet5'], { PATH: process.env.PATH ?? '', ...env }) as { cpuOut: number[]; gpuOut: number[] };
    assert.equal(r.gpuOut.length, 10);
    r.cpuOut.forEach((v, i) => assert.ok(closeRel(r.gpuOut[i], v), `output ${i}: WebGPU ${r.gpuOut[i]} vs CPU ${v}`));
  });

  it('LeNet-5 on --backend webgpu: software label, every layer, GPU-timestamp times inside the run', async () => {
    const c = client();
    const r = await c.profile(req('lenet5'));
    assert.equal(r.backend, 'webgpu');
    assert.match(r.backendLabel ?? '', /^webgpu \(ONNX Runtime 1\.30\.0 WebGPU provider, Vulkan, SwiftShader by Google, software adapter, layer times from GPU timestamps\)/);
    assert.equal(r.gpuTiming, 'timestamps');
    assert.deepEqual(r.backendSteps?.map((s) => [s.backend, s.ok]), [['webgpu', true]]);
    // Complete: the analyser's layers, each one listed (the input's transpose is the input's).
    const names = analyzeModel(buildZooModel('lenet5').model).layers.map((l) => l.name);
    assert.deepEqual(r.layers.map((l) => l.name), names);
    for (const l of r.layers) {
      if (l.className === 'Flatten') assert.equal(l.ms.median, 0, 'Flatten runs no GPU program');
      else if (l.className !== 'InputLayer') assert.ok(l.ms.median > 0, `${l.name} has GPU time`);
    }
    // GPU time of the layers lies within the profiled runs' wall time (each run waits for its read-back);
    // end to end itself comes from a second session with profiling and timestamps off (issue 20).
    assert.equal(r.endToEndSource, 'plain session');
    const profiled = r.endToEndProfiledMs!;
    assert.ok((r.sumLayerMinMs ?? Infinity) <= profiled.max, `${r.sumLayerMinMs} ms of GPU work within profiled runs of up to ${profiled.max} ms`);
    assert.ok(r.overhead > 0);
    // No arena figures on WebGPU: the peak is the analyser's, said so.
    assert.equal(r.peakMeasured, false);
    assert.equal(r.peakBytes, analyzeModel(buildZooModel('lenet5').model).totals.peakInferenceBytes);
  });

  it('a trained CNN: WebGPU predictions equal the CPU provider\'s (same classes, probabilities within 1e-4)', async () => {
    await tf.setBackend('cpu');
    const dir = tempDir('netlens-gpu-trained-');
    try {
      const { model } = await trainShapesCnn(300, 6, 1);
      const modelFile = await saveTfjs(model, dir);
      model.dispose();
      writeFileSync(join(dir, 'labels.txt'), `${SHAPES.join('\n')}\n`);
      let seed = 5;
      const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
      const px = drawShape(1, rand);
      const png = new PNG({ width: SIZE, height: SIZE });
      for (let i = 0; i < SIZE * SIZE; i++) { const v = Math.round(px[i] * 255); png.data.set([v, v, v, 255], i * 4); }
      const image = join(dir, 'shape.png');
      writeFileSync(image, PNG.sync.write(png));
      const c = client();
      const gpu = await c.profile(req(modelFile, { image }));
      const cpu = await c.profile(req(modelFile, { image, backend: 'onnxruntime' }));
      assert.equal(gpu.backend, 'webgpu');
      assert.equal(gpu.weights, 'loaded');
      assert.ok(gpu.predictions && cpu.predictions);
      assert.deepEqual(gpu.predictions.map((p) => p.label), cpu.predictions.map((p) => p.label));
      gpu.predictions.forEach((p, i) => assert.ok(closeRel(p.probability, cpu.predictions![i].probability), `${p.label}: ${p.probability} vs ${cpu.predictions![i].probability}`));
      // The input layer is listed only where a kernel of its own ran: the lowering's NHWC->NCHW
      // Transpose, which WebGPU's NHWC layout (chosen when it matches the CPU provider) cancels.
      const computed = (r: typeof gpu): string[] => r.layers.filter((l) => l.className !== 'InputLayer').map((l) => l.name);
      assert.deepEqual(computed(gpu), computed(cpu));
    } finally {
      removeDir(dir);
    }
  });

  it('cancel stops a WebGPU profile, and the same process profiles again', async () => {
    const c = client();
    const ac = new AbortController();
    let cancelled = false;
    const p = c.profile(req('lenet5', { runs: 400 }), {
      signal: ac.signal,
      onProgress: (stage) => { if (stage === 'layers' && !cancelled) { cancelled = true; ac.abort(); } },
    });
    await assert.rejects(p, (e: unknown) => e instanceof ProfileCancelledError);
    const again = await c.profile(req('lenet5', { runs: 1, warmup: 0 }));
    assert.equal(again.backend, 'webgpu');
    assert.equal(c.starts, 1, 'the worker confirmed the cancel itself (not killed)');
  });

  it('auto passes over a software adapter, saying so, and runs on the CPU provider', async () => {
    const r = await client().profile(req('lenet5', { backend: 'auto', runs: 1, warmup: 0 }));
    assert.equal(r.backend, 'onnxruntime');
    const web = r.backendSteps?.find((s) => s.backend === 'webgpu');
    assert.ok(web && !web.ok);
    assert.match(web.detail, /^a software adapter \(SwiftShader by Google\): auto takes WebGPU only on a hardware adapter; --backend webgpu runs on it$/);
    const cuda = r.backendSteps?.find((s) => s.backend === 'cuda');
    assert.match(cuda?.detail ?? '', /^CUDA provider not ready: missing /);
    assert.match(cuda?.hint ?? '', /ONNXRUNTIME_NODE_INSTALL=cuda12/);
  });

  it('no adapter: --backend webgpu is one line with what to install, and the process lives on', async () => {
    const c = client({ ...env, VK_ICD_FILENAMES: '/nonexistent/none_icd.json' });
    await assert.rejects(c.profile(req('lenet5')), (e: unknown) => {
      assert.ok(e instanceof NetLensError && !(e instanceof ProfileCancelledError));
      assert.match(e.message, /^backend "webgpu" is not available: no WebGPU adapter: no usable Vulkan driver .*No supported adapters\)\. WebGPU needs a GPU driver/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
    const pid = c.pid;
    const r = await c.profile(req('lenet5', { backend: 'auto', runs: 1, warmup: 0 }));
    assert.equal(r.backend, 'onnxruntime');
    assert.match(r.backendSteps?.find((s) => s.backend === 'webgpu')?.detail ?? '', /^no WebGPU adapter/);
    assert.equal(c.pid, pid);
  });
});
