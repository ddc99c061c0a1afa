// The registry rows of ONNX Runtime's GPU execution providers (registry.ts lists them first, so
// `auto` tries them before the CPU routes: CUDA, where installed, then WebGPU). Heavy modules load
// inside init only.
//   webgpu: the adapter probe (webgpu.ts); `auto` takes it only on a hardware adapter.
//   cuda:   file detection (cuda.ts), then a one-node session that must run on the CUDA provider.
import type { BackendAttempt, BackendContext, BackendEntry } from '../../profile/backendTypes';

/* eslint-disable @typescript-eslint/no-require-imports */
const runtime = (): typeof import('./runtime') => require('./runtime');
const webgpu = (): typeof import('./webgpu') => require('./webgpu');
const cuda = (): typeof import('./cuda') => require('./cuda');
/* eslint-enable @typescript-eslint/no-require-imports */

function ortPresent(): { ok: boolean; detail: string } {
  try {
    require.resolve('onnxruntime-node');
    return { ok: true, detail: 'onnxruntime-node found' };
  } catch {
    return { ok: false, detail: 'onnxruntime-node is not installed' };
  }
}

export const WEBGPU_INSTALL_HINT = 'WebGPU needs a GPU driver: Vulkan on Linux (NVIDIA, Mesa RADV/ANV/NVK, AMDVLK; Dawn refuses Mesa\'s lavapipe) ' +
  'with the Vulkan loader (Debian/Ubuntu: `sudo apt-get install libvulkan1`), D3D12 on Windows, Metal on macOS; onnxruntime-node carries the provider. ' +
  'A software adapter for trying it: `sudo apt-get install chromium` and `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` (see docs/profiler.md, "GPU")';

async function initWebGpu(ctx: BackendContext & { request?: string }): Promise<BackendAttempt> {
  const r = runtime().loadOrt();
  if (!r.ok) return { ok: false, detail: r.detail };
  const p = await webgpu().probeWebGpu(r.ort, runtime().ortVersion(r.ort));
  if (!p.ok || !p.adapter) return { ok: false, detail: p.detail, hint: p.kind === 'no-adapter' ? WEBGPU_INSTALL_HINT : undefined };
  if (ctx.request === 'auto' && p.adapter.software !== false) {
    const what = p.adapter.software ? `a software adapter (${p.adapter.name})` : `an adapter not identified as a GPU (${p.adapter.evidence})`;
    return { ok: false, detail: `${what}: auto takes WebGPU only on a hardware adapter; --backend webgpu runs on it` };
  }
  const t = runtime().ortThreads(ctx.threads);
  return { ok: true, detail: p.detail, executionProviders: [webgpu().WEBGPU_PROVIDER], sync: 'readback', threads: t.threads };
}

/** Tests pass a simulated machine (files present or absent) as `cudaHost`. */
export type CudaContext = BackendContext & { cudaHost?: import('./cuda').CudaHost };

async function initCuda(ctx: CudaContext): Promise<BackendAttempt> {
  const r = runtime().loadOrt();
  if (!r.ok) return { ok: false, detail: r.detail };
  const c = cuda();
  const providers = (r.ort as unknown as { listSupportedBackends?: () => { name: string; bundled: boolean }[] }).listSupportedBackends?.() ?? [];
  const host = ctx.cudaHost ?? c.defaultCudaHost(providers);
  const found = c.detectCuda(host);
  if (!found.ok) return { ok: false, detail: found.detail, hint: found.hint };
  // The files are there: a one-node session must really run on the CUDA provider.
  try {
    const s = await r.ort.InferenceSession.create(webgpu().probeModelBytes(), { executionProviders: ['cuda'], logSeverityLevel: 3 });
    await s.run({ x: new r.ort.Tensor('float32', new Float32Array(4), [1, 4]) });
    await s.release();
  } catch (e) {
    const f = c.cudaFailure(String((e as Error)?.message ?? e));
    return { ok: false, detail: f.detail, hint: f.hint };
  }
  const t = runtime().ortThreads(ctx.threads);
  return { ok: true, detail: c.cudaLabel(runtime().ortVersion(r.ort), host.libraries()), executionProviders: ['cuda'], sync: 'readback', threads: t.threads };
}

export const GPU_ROWS: BackendEntry[] = [
  {
    name: 'cuda',
    engine: 'onnxruntime',
    description: 'ONNX Runtime CUDA execution provider (linux x64, NVIDIA GPU; needs CUDA 12, cuDNN 9 and the provider libraries from ONNXRUNTIME_NODE_INSTALL=cuda12)',
    sync: 'readback',
    get installHint() {
      return `add the provider libraries with \`${cuda().cudaInstallCommand(cuda().defaultCudaHost([]).ortBinDir)}\` (downloads them from NuGet), then ${cuda().CUDA_LIBS_HINT}`;
    },
    probe: ortPresent,
    init: initCuda,
  },
  {
    name: 'webgpu',
    engine: 'onnxruntime',
    description: 'ONNX Runtime WebGPU execution provider (bundled; Vulkan on Linux, D3D12 on Windows, Metal on macOS), layer times from GPU timestamps; auto takes it on a hardware adapter only',
    sync: 'readback',
    installHint: WEBGPU_INSTALL_HINT,
    probe: ortPresent,
    init: initWebGpu,
  },
];
