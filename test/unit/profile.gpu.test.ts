// ONNX Runtime's GPU routes. Pure parts with simulated machines: the adapter description (Vulkan
// drivers and GPUs on Linux, Metal, D3D12), failure classification from ONNX Runtime's own error
// texts, and CUDA provider detection present / absent / wrong CUDA major. Real parts on software
// Vulkan (SwiftShader from Debian's chromium, VK_ICD_FILENAMES set for the child process only):
// the probe with and without an adapter (the process survives), and a small CNN whose WebGPU
// outputs match the CPU provider's and whose per-kernel GPU times come from GPU timestamps.
//
// Without the SwiftShader ICD the real parts fail under CI (CI installs chromium through
// scripts/ensure-chromium.sh, so a missing file is a broken setup) and are skipped elsewhere,
// saying so.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { apiFor, applyGpuTimes, describeAdapter, GpuHost, OrtTraceEvent, swiftShaderEnv, webGpuFailure, webGpuLabel } from '../../src/core/engines/ort/webgpu';
import { requireSwiftShader } from './helpers/swiftshader';
import { selectBackend } from '../../src/core/profile/registry';
import { finishGpuProfile, GpuRouteError } from '../../src/core/engines/ort/gpuProfile';
import type { OrtRunResult } from '../../src/core/engines/ort/session';
import type { CudaContext } from '../../src/core/engines/ort/gpuRows';
import { NetLensError } from '../../src/core/ir/types';
import { CUDA_LIBRARIES, CUDA_PROVIDER_FILES, CudaHost, detectCuda } from '../../src/core/engines/ort/cuda';

/** A machine made of a few files. */
function host(platform: NodeJS.Platform, files: Record<string, string>, env: NodeJS.ProcessEnv = {}, video?: string[]): GpuHost {
  return {
    platform, arch: 'x64', env,
    readText: (p) => files[p],
    list: (d) => [...new Set(Object.keys(files).filter((f) => f.startsWith(`${d}/`)).map((f) => f.slice(d.length + 1).split('/')[0]))],
    videoControllers: video ? () => video : undefined,
  };
}
const icd = (lib: string): string => JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: lib, api_version: '1.3.0' } });

describe('profile: GPU adapter description', () => {
  it('SwiftShader through VK_ICD_FILENAMES is a software Vulkan adapter', () => {
    const a = describeAdapter(host('linux', { '/x/vk_swiftshader_icd.json': icd('./libvk_swiftshader.so') }, { VK_ICD_FILENAMES: '/x/vk_swiftshader_icd.json' }));
    assert.deepEqual([a.api, a.name, a.software], ['Vulkan', 'SwiftShader by Google', true]);
    assert.match(a.evidence, /VK_ICD_FILENAMES/);
  });

  it('an NVIDIA driver with an NVIDIA card is a hardware adapter, ahead of SwiftShader', () => {
    const a = describeAdapter(host('linux', {
      '/usr/share/vulkan/icd.d/nvidia_icd.json': icd('libGLX_nvidia.so.0'),
      '/usr/share/vulkan/icd.d/swiftshader.json': icd('/opt/libvk_swiftshader.so'),
      '/sys/class/drm/card0/device/vendor': '0x10de\n',
    }));
    assert.deepEqual([a.name, a.software], ['NVIDIA GPU (NVIDIA proprietary)', false]);
  });

  it('a driver without its card, or lavapipe alone, identifies nothing', () => {
    const noCard = describeAdapter(host('linux', { '/usr/share/vulkan/icd.d/intel_icd.x86_64.json': icd('/usr/lib/x86_64-linux-gnu/libvulkan_intel.so') }));
    assert.equal(noCard.software, undefined);
    assert.match(noCard.evidence, /ANV \(Mesa\); GPUs seen: none/);
    const lvp = describeAdapter(host('linux', { '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json': icd('/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so') }));
    assert.equal(lvp.software, undefined);
    assert.match(lvp.evidence, /lavapipe/);
  });

  it('Metal is always a GPU; on Windows WARP alone is software', () => {
    assert.deepEqual([describeAdapter(host('darwin', {})).api, describeAdapter(host('darwin', {})).software], ['Metal', false]);
    const warp = describeAdapter(host('win32', {}, {}, ['Microsoft Basic Render Driver']));
    assert.deepEqual([warp.api, warp.software], ['D3D12', true]);
    const gpu = describeAdapter(host('win32', {}, {}, ['Microsoft Basic Render Driver', 'NVIDIA GeForce RTX 4070']));
    assert.deepEqual([gpu.name, gpu.software], ['NVIDIA GeForce RTX 4070', false]);
    assert.equal(apiFor('linux'), 'Vulkan');
  });

  it('the label says the API, the adapter, software or not, and how layers are timed', () => {
    const label = webGpuLabel('1.30.0', { api: 'Vulkan', name: 'SwiftShader by Google', software: true, evidence: '' }, true);
    assert.equal(label, 'webgpu (ONNX Runtime 1.30.0 WebGPU provider, Vulkan, SwiftShader by Google, software adapter, layer times from GPU timestamps)');
  });
});

describe('profile: GPU failures', () => {
  // The text onnxruntime-node 1.30.0 throws with no adapter (measured here without VK_ICD_FILENAMES).
  const noAdapter = '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n';

  it('no adapter is one short line; what Linux needs is the route\'s hint', async () => {
    const f = webGpuFailure(noAdapter, 'linux');
    assert.equal(f.kind, 'no-adapter');
    assert.equal(f.line, 'no WebGPU adapter: no usable Vulkan driver (Failed to get a WebGPU adapter: No supported adapters)');
    const { WEBGPU_INSTALL_HINT } = await import('../../src/core/engines/ort/gpuRows');
    assert.match(WEBGPU_INSTALL_HINT, /lavapipe.*libvulkan1.*VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd\.json/);
  });

  it('lost device, out of memory and a missing kernel are told apart', () => {
    assert.equal(webGpuFailure('WebGPU device lost (2): Device was destroyed.').kind, 'device-lost');
    assert.equal(webGpuFailure('Buffer size (4294967296) exceeds the max buffer size limit (268435456).').kind, 'out-of-memory');
    assert.equal(webGpuFailure('[ONNXRuntimeError] : 9 : NOT_IMPLEMENTED : Could not find an implementation for Foo(1) node with name \'x\'').kind, 'missing-kernel');
  });
});

describe('profile: GPU times from the trace', () => {
  const api = (name: string, dur: number): OrtTraceEvent => ({ cat: 'Api', name, ts: 0, dur });
  const kernels = (): { node: string; op: string; provider: string; us: number }[][] => [0, 1].map(() => [
    { node: 'conv', op: 'FusedConv', provider: 'WebGpuExecutionProvider', us: 900 },
    { node: 'flatten', op: 'Flatten', provider: 'WebGpuExecutionProvider', us: 12 },
    { node: 'dense', op: 'Gemm', provider: 'WebGpuExecutionProvider', us: 30 },
  ]);

  it('splits program events into runs and sums the programs of each node', () => {
    const runs = kernels();
    const g = applyGpuTimes(runs, [
      api('conv&FusedConv&Im2Col', 100), api('conv&FusedConv&Conv2dMM', 5000), api('dense&Gemm&Gemm', 700),
      api('conv&FusedConv&Im2Col', 110), api('conv&FusedConv&Conv2dMM', 5100), api('dense&Gemm&Gemm', 800),
    ]);
    assert.equal(g.applied, true);
    assert.deepEqual(runs.map((r) => r.map((k) => k.us)), [[5100, 0, 700], [5210, 0, 800]]);
    assert.deepEqual(g.unattributedMs, [0, 0]);
  });

  it('without program events nothing changes and says so; an uneven count is an error', () => {
    const runs = kernels();
    assert.equal(applyGpuTimes(runs, []).applied, false);
    assert.equal(runs[0][0].us, 900);
    assert.throws(() => applyGpuTimes(kernels(), [api('conv&FusedConv&Conv2dMM', 1)]), /1 program events, not a multiple of the 2 runs/);
  });
});

describe('profile: GPU routes in the chain', function () {
  this.timeout(60_000);

  it('a GPU route that failed at run time is skipped by auto with its line', async () => {
    const c = await selectBackend('auto', { failed: { webgpu: 'the WebGPU device was lost: reason' } });
    assert.equal(c.backend, 'onnxruntime');
    assert.deepEqual(c.steps.map((s) => s.backend).slice(0, 3), ['cuda', 'webgpu', 'onnxruntime']);
    assert.deepEqual(c.steps[1], { backend: 'webgpu', ok: false, detail: 'the WebGPU device was lost: reason' });
  });

  it('nodes ONNX Runtime put on its CPU provider make the WebGPU route fail with their layers named', async () => {
    const run = {
      trace: { runs: [], runMs: [], peakBytes: 0 },
      gpu: { applied: true, unattributedMs: [], onCpu: [{ node: 'n7', op: 'Einsum' }] },
    } as unknown as OrtRunResult;
    await assert.rejects(finishGpuProfile({} as never, 'webgpu', [{ name: 'webgpu' }], run, [],
      { bytes: new Uint8Array(), feed: { name: 'x', data: new Float32Array(), dims: [] }, layerOf: (n) => (n === 'n7' ? 'mixer' : undefined) }, { runs: 1 }),
    (e: unknown) => {
      assert.ok(e instanceof GpuRouteError);
      assert.equal(e.backend, 'webgpu');
      assert.match(e.message, /^the WebGPU provider has no kernel for mixer \(Einsum\); ONNX Runtime ran them on the CPU/);
      return true;
    });
    assert.equal(run.trace.peakBytes, undefined, 'no arena peak taken from a WebGPU trace');
  });
});

describe('profile: CUDA provider detection', function () {
  this.timeout(60_000);
  const BIN = '/ext/node_modules/onnxruntime-node/bin/napi-v6/linux/x64';
  const allLibs = new Map(CUDA_LIBRARIES.map((l) => [l.soname, `/usr/local/cuda/lib64/${l.soname}`]));
  const cudaHost = (over: Partial<CudaHost> = {}): CudaHost => ({
    platform: 'linux', arch: 'x64', ortBinDir: BIN,
    exists: (p) => CUDA_PROVIDER_FILES.some((f) => p === join(BIN, f)) || p === '/ext/node_modules/onnxruntime-node/script/install.js',
    libraries: () => allLibs,
    providers: [{ name: 'cpu', bundled: true }, { name: 'webgpu', bundled: true }, { name: 'cuda', bundled: false }],
    ...over,
  });

  it('present: provider libraries beside ONNX Runtime and every CUDA library found', () => {
    const d = detectCuda(cudaHost());
    assert.equal(d.ok, true);
    assert.match(d.detail, /libcudnn\.so\.9 found$/);
  });

  it('absent: one short line naming each missing piece; the commands that add them are the hint', () => {
    const d = detectCuda(cudaHost({ exists: (p) => p.endsWith('/script/install.js'), libraries: () => new Map([['libcudart.so.13', '/usr/local/cuda-13.0/lib/libcudart.so.13']]) }));
    assert.equal(d.ok, false);
    assert.deepEqual(d.missing, [...CUDA_PROVIDER_FILES, ...CUDA_LIBRARIES.map((l) => l.soname)]);
    // A CUDA-13-only machine is told that onnxruntime-node 1.30 needs CUDA 12.
    assert.equal(d.detail, 'CUDA provider not ready: missing the provider\'s own libraries, ' +
      'the NVIDIA driver (libcuda.so.1), CUDA 12 (this machine has CUDA 13 only; onnxruntime-node 1.30\'s CUDA provider needs CUDA 12), cuDNN 9');
    assert.ok(d.hint?.startsWith('add the provider libraries with `ONNXRUNTIME_NODE_INSTALL=cuda12 node /ext/node_modules/onnxruntime-node/script/install.js` (downloads them from NuGet); then install the NVIDIA driver, CUDA 12'), d.hint);
    assert.ok(d.hint?.includes('nvidia-cudnn-cu12'), 'a way to add CUDA 12 beside CUDA 13 without root');
    assert.ok(!d.detail.includes('`') && !d.detail.includes('\n'), 'no commands in the chain line');
  });

  it('a CUDA 13 machine with the NVIDIA driver: the line says CUDA 12 is needed, and nothing about the driver', () => {
    const libs = new Map([['libcuda.so.1', '/usr/lib/x86_64-linux-gnu/libcuda.so.1'], ['libcudart.so.13', '/usr/local/cuda/lib64/libcudart.so.13'],
      ['libcublas.so.13', '/usr/local/cuda/lib64/libcublas.so.13'], ['libcudnn.so.9', '/usr/lib/x86_64-linux-gnu/libcudnn.so.9']]);
    const d = detectCuda(cudaHost({ libraries: () => libs }));
    assert.equal(d.detail, 'CUDA provider not ready: missing CUDA 12 (this machine has CUDA 13 only; onnxruntime-node 1.30\'s CUDA provider needs CUDA 12)');
    assert.deepEqual(d.missing, ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcufft.so.11', 'libcurand.so.10']);
  });

  it('from the VSIX (onnxruntime-node without its install script) the one command fetches the package aside and copies the libraries in', () => {
    const d = detectCuda(cudaHost({ exists: () => false }));
    assert.ok(d.hint?.includes('add the provider libraries with `npm install --prefix ~/.cache/netlens-ort-cuda --ignore-scripts onnxruntime-node@1.30.0 && ' +
      'ONNXRUNTIME_NODE_INSTALL=cuda12 node ~/.cache/netlens-ort-cuda/node_modules/onnxruntime-node/script/install.js && ' +
      'cp ~/.cache/netlens-ort-cuda/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so ' +
      `~/.cache/netlens-ort-cuda/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_shared.so ${BIN}/\` (downloads them from NuGet)`), d.hint);
  });

  it('provider installed but cuDNN missing names cuDNN only', () => {
    const libs = new Map(allLibs);
    libs.delete('libcudnn.so.9');
    const d = detectCuda(cudaHost({ libraries: () => libs }));
    assert.deepEqual(d.missing, ['libcudnn.so.9']);
    assert.equal(d.detail, 'CUDA provider not ready: missing cuDNN 9');
  });

  it('in the chain: absent is one line under auto and one error with the command when named', async () => {
    const absentHost = cudaHost({ exists: () => false, libraries: () => new Map() });
    const ctx = { cudaHost: absentHost } as CudaContext;
    const auto = await selectBackend('auto', ctx);
    assert.equal(auto.backend, 'onnxruntime');
    assert.equal(auto.steps[0].detail, 'CUDA provider not ready: missing the provider\'s own libraries, ' +
      'the NVIDIA driver (libcuda.so.1), CUDA 12, cuDNN 9');
    assert.match(auto.steps[0].hint ?? '', /^add the provider libraries with `npm install /, 'the install steps travel as the hint');
    // One line per backend tried, none of them with commands (those are the hints: output channel and docs).
    for (const s of auto.steps) assert.ok(!s.detail.includes('\n') && !s.detail.includes('`') && s.detail.length < 220, `${s.backend}: ${s.detail}`);
    await assert.rejects(selectBackend('cuda', ctx), (e: unknown) => {
      assert.ok(e instanceof NetLensError);
      assert.ok(!e.message.includes('\n'));
      assert.match(e.message, /^backend "cuda" is not available: CUDA provider not ready: missing .*cuDNN 9\. add the provider libraries with `npm install .*` \(downloads them from NuGet\); then install the NVIDIA driver, CUDA 12/);
      return true;
    });
  });

  it('in the chain: files present but the provider not loadable (here: no real libraries) is its own line, and auto goes on', async () => {
    // Detection passes on the simulated files; the one-node session then really asks ONNX Runtime for CUDA.
    const auto = await selectBackend('auto', { cudaHost: cudaHost() } as CudaContext);
    assert.equal(auto.backend, 'onnxruntime');
    assert.equal(auto.steps[0].backend, 'cuda');
    assert.equal(auto.steps[0].ok, false);
    assert.match(auto.steps[0].detail, /^the CUDA provider failed to start: OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library$/);
    assert.match(auto.steps[0].hint ?? '', /`ldd` on libonnxruntime_providers_cuda\.so/);
  });

  it('other platforms: onnxruntime-node has no CUDA install there', () => {
    const d = detectCuda(cudaHost({ platform: 'win32' }));
    assert.equal(d.ok, false);
    assert.match(d.detail, /linux x64 only \(this is win32 x64\); use --backend webgpu/);
  });
});

/** Runs the helper in a fresh process with the environment given (VK_ICD_FILENAMES or none). */
function child(what: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const script = join(__dirname, 'helpers', 'webgpuChild.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, what], { env, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`webgpu helper gave no JSON (${err?.message ?? 'exit 0'}): ${stderr.slice(-2000)}`));
      }
    });
  });
}

describe('profile: WebGPU on software Vulkan (SwiftShader)', function () {
  this.timeout(120_000);
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  before(function () { requireSwiftShader(this); });

  it('the probe finds SwiftShader, software, with GPU timestamps', async () => {
    const r = await child('probe', { ...base, ...swiftShaderEnv() });
    const p = r.probe as { ok: boolean; adapter: { name: string; software: boolean }; timestamps: boolean; detail: string };
    assert.equal(p.ok, true, p.detail);
    assert.deepEqual([p.adapter.name, p.adapter.software, p.timestamps], ['SwiftShader by Google', true, true]);
    assert.match(p.detail, /^webgpu \(ONNX Runtime 1\.30\.0 WebGPU provider, Vulkan, SwiftShader by Google, software adapter/);
  });

  it('with no usable driver the probe says so in one line and the process lives on', async () => {
    // An ICD list naming no file: the Vulkan loader finds no driver at all.
    const r = await child('probe', { ...base, ...swiftShaderEnv(), VK_ICD_FILENAMES: '/nonexistent/none_icd.json' });
    const p = r.probe as { ok: boolean; kind: string; detail: string };
    assert.equal(p.ok, false);
    assert.equal(p.kind, 'no-adapter');
    assert.match(p.detail, /^no WebGPU adapter: .*No supported adapters\)$/);
    assert.equal(r.cpuAfter, 10);
  });

  it('a small CNN: outputs equal the CPU provider\'s, layer times are GPU timestamps within the run', async () => {
    const r = await child('conv', { ...base, ...swiftShaderEnv() }) as {
      cpuOut: number[]; gpuOut: number[]; runs: { node: string; op: string; provider: string; us: number }[][];
      runUs: number[]; cpuSideUs: number[][]; gpuTimes: { applied: boolean; unattributedMs: number[]; onCpu: unknown[] };
    };
    assert.equal(r.gpuOut.length, 10);
    r.cpuOut.forEach((v, i) => assert.ok(Math.abs(r.gpuOut[i] - v) <= 1e-4 * Math.abs(v) + 1e-7, `output ${i}: ${r.gpuOut[i]} vs CPU ${v}`));
    assert.equal(r.gpuTimes.applied, true);
    assert.deepEqual(r.gpuTimes.onCpu, []);
    assert.equal(r.runs.length, 3);
    for (let i = 0; i < r.runs.length; i++) {
      const conv = r.runs[i].find((k) => k.node === 'conv')!;
      assert.ok(conv && conv.us > 0, 'the conv has GPU time');
      const sum = r.runs[i].reduce((a, k) => a + k.us, 0);
      // GPU work is inside the run's wall time (the run waits for the output read-back).
      assert.ok(sum <= r.runUs[i], `run ${i}: GPU ${sum} us within the run's ${r.runUs[i]} us`);
    }
    // After the first run (shader compilation), the CPU side only records commands: the conv's GPU
    // time exceeds its CPU-side event, which is why the Node events are not used as GPU time.
    const last = r.runs.length - 1;
    const convAt = r.runs[last].findIndex((k) => k.node === 'conv');
    assert.ok(r.runs[last][convAt].us > r.cpuSideUs[last][convAt], `GPU ${r.runs[last][convAt].us} us vs CPU-side ${r.cpuSideUs[last][convAt]} us`);
  });

  it('a node ONNX Runtime runs on its CPU provider is named by the trace (the missing-kernel check)', async () => {
    const r = await child('cpu-node', { ...base, ...swiftShaderEnv() }) as { gpuTimes: { applied: boolean; onCpu: { node: string; op: string }[] } };
    assert.equal(r.gpuTimes.applied, true);
    assert.deepEqual(r.gpuTimes.onCpu, [{ node: 'softmax', op: 'Softmax' }]);
  });

  it('without timestamps, layers are timed by read-back: every layer, pruned sessions that run', async () => {
    const r = await child('readback', { ...base, ...swiftShaderEnv() }) as { layers: Record<string, number[]>; wholeMs: number[] };
    assert.deepEqual(Object.keys(r.layers), ['conv', 'relu', 'pool']);
    for (const [name, ms] of Object.entries(r.layers)) {
      assert.equal(ms.length, 2, name);
      assert.ok(ms.every((t) => Number.isFinite(t) && t >= 0), name);
    }
    assert.ok(r.layers.conv.some((t) => t > 0), 'the conv costs something');
  });
});
