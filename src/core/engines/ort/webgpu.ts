// ONNX Runtime's WebGPU execution provider (Dawn inside onnxruntime-node; Vulkan on Linux, D3D12 on
// Windows, Metal on macOS): the adapter probe the profiler process runs, the label, whether the
// adapter is software, and per-layer GPU times from ONNX Runtime's profile. Facts measured with
// onnxruntime-node 1.30.0 are in docs/profiler.md ("GPU"):
// - onnxruntime-node exposes no adapter information to JavaScript, and ONNX Runtime logs none.
//   The adapter is described from what the OS offers Dawn (Vulkan ICD manifests and DRM devices on
//   Linux); Dawn itself refuses Mesa's lavapipe, so a software adapter here is SwiftShader.
// - With profiling on, the provider writes one "Api" event per GPU program, named
//   `<node>&<op>&<program>`, whose duration is the GPU timestamp difference around that dispatch
//   (written inside the compute pass when the device has timestamp-query-inside-passes, else at
//   pass boundaries). Its "Node" events only time the CPU side that records the commands.
//   Without timestamp queries there are no Api events.
// - The default NHWC layout miscomputes Conv for some channel counts (6, 9, 18, 30 input channels,
//   3x3 and 5x5 kernels; LeNet-5's second conv among them) on SwiftShader and on an H200 (issue 20);
//   NCHW matches the CPU provider within 1e-6. NHWC is the fast layout, so the profiler checks it
//   per model against the CPU provider (gpuLayout.ts) and falls back to NCHW where it is wrong.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import type * as Ort from 'onnxruntime-node';

type OrtModule = typeof Ort;

/** Provider options of the probe and of readiness checks (the profile's own layout is decided per model: gpuLayout.ts). */
export const WEBGPU_PROVIDER = { name: 'webgpu', preferredLayout: 'NCHW' } as const;

/** Whether a session's provider list asks for WebGPU. */
export const usesWebGpu = (providers: unknown[]): boolean =>
  providers.some((p) => p === 'webgpu' || (typeof p === 'object' && p !== null && (p as { name?: string }).name === 'webgpu'));

export type GpuApi = 'Vulkan' | 'D3D12' | 'Metal';

export interface WebGpuAdapter {
  api: GpuApi;
  /** "SwiftShader by Google", "NVIDIA (nvidia)", "Apple GPU", ... */
  name: string;
  /** true: a CPU implementation of the API; false: a GPU; undefined: not known from here. */
  software: boolean | undefined;
  /** How the description was reached, for the chain line. */
  evidence: string;
}

/** Vulkan drivers by their ICD library name: vendor, driver, software or not. */
const VULKAN_DRIVERS: { match: RegExp; vendor: string; driver: string; software: boolean }[] = [
  { match: /swiftshader/i, vendor: 'Google', driver: 'SwiftShader', software: true },
  { match: /lvp|lavapipe/i, vendor: 'Mesa', driver: 'lavapipe', software: true },
  { match: /nvidia|libGLX_nvidia/i, vendor: 'NVIDIA', driver: 'NVIDIA proprietary', software: false },
  { match: /nouveau/i, vendor: 'NVIDIA', driver: 'NVK (Mesa)', software: false },
  { match: /radeon/i, vendor: 'AMD', driver: 'RADV (Mesa)', software: false },
  { match: /amdvlk/i, vendor: 'AMD', driver: 'AMDVLK', software: false },
  { match: /intel_hasvk/i, vendor: 'Intel', driver: 'hasvk (Mesa)', software: false },
  { match: /intel/i, vendor: 'Intel', driver: 'ANV (Mesa)', software: false },
  { match: /freedreno/i, vendor: 'Qualcomm', driver: 'Turnip (Mesa)', software: false },
  { match: /panfrost/i, vendor: 'Arm', driver: 'PanVK (Mesa)', software: false },
  { match: /broadcom/i, vendor: 'Broadcom', driver: 'V3DV (Mesa)', software: false },
  { match: /asahi/i, vendor: 'Apple', driver: 'Honeykrisp (Mesa)', software: false },
  { match: /dzn/i, vendor: 'Microsoft', driver: 'Dozen (over D3D12)', software: false },
  { match: /virtio/i, vendor: 'virtio', driver: 'Venus (Mesa)', software: false },
];

/** PCI vendor ids of display devices. */
const PCI_VENDORS: Record<string, string> = {
  '0x10de': 'NVIDIA', '0x1002': 'AMD', '0x1022': 'AMD', '0x8086': 'Intel', '0x1af4': 'virtio',
  '0x1234': 'QEMU', '0x15ad': 'VMware', '0x1414': 'Microsoft', '0x5143': 'Qualcomm', '0x13b5': 'Arm',
};

/** What the adapter description reads; tests pass their own. */
export interface GpuHost {
  platform: NodeJS.Platform;
  arch: string;
  env: NodeJS.ProcessEnv;
  readText(path: string): string | undefined;
  list(dir: string): string[];
  /** Windows only: display adapter names (Win32_VideoController). */
  videoControllers?(): string[];
}

export const defaultGpuHost = (): GpuHost => ({
  platform: process.platform,
  arch: process.arch,
  env: process.env,
  readText: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } },
  list: (d) => { try { return readdirSync(d); } catch { return []; } },
  videoControllers: () => {
    try {
      return execFileSync('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command',
        'Get-CimInstance Win32_VideoController | ForEach-Object { $_.Name }'], { encoding: 'utf8', timeout: 10_000, windowsHide: true })
        .split(/\r?\n/).filter(Boolean);
    } catch { return []; }
  },
});

export const apiFor = (platform: NodeJS.Platform): GpuApi => (platform === 'win32' ? 'D3D12' : platform === 'darwin' ? 'Metal' : 'Vulkan');

/** Vulkan ICD manifests the loader will read: the override variables, else the standard directories. */
export function vulkanIcdFiles(host: GpuHost): { files: string[]; from: string } {
  const override = host.env.VK_DRIVER_FILES || host.env.VK_ICD_FILENAMES;
  if (override) return { files: override.split(':').filter(Boolean), from: host.env.VK_DRIVER_FILES ? 'VK_DRIVER_FILES' : 'VK_ICD_FILENAMES' };
  const dirs = ['/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d',
    ...(host.env.XDG_DATA_DIRS ?? '').split(':').filter(Boolean).map((d) => `${d}/vulkan/icd.d`)];
  const files = [...new Set(dirs.flatMap((d) => host.list(d).filter((f) => f.endsWith('.json')).map((f) => `${d}/${f}`)))];
  return { files, from: 'the standard ICD directories' };
}

function icdDriver(host: GpuHost, file: string): (typeof VULKAN_DRIVERS)[number] | undefined {
  let lib = file;
  try {
    lib = (JSON.parse(host.readText(file) ?? '{}') as { ICD?: { library_path?: string } }).ICD?.library_path ?? file;
  } catch { /* unreadable manifest: classify by its file name */ }
  return VULKAN_DRIVERS.find((d) => d.match.test(lib)) ?? VULKAN_DRIVERS.find((d) => d.match.test(file));
}

/** GPUs the kernel drives (Linux): DRM cards by PCI vendor, plus NVIDIA's own driver directory. */
function gpuVendors(host: GpuHost): string[] {
  const drm = host.list('/sys/class/drm').filter((c) => /^card\d+$/.test(c))
    .map((c) => host.readText(`/sys/class/drm/${c}/device/vendor`)?.trim().toLowerCase())
    .filter((v): v is string => Boolean(v)).map((v) => PCI_VENDORS[v] ?? `PCI vendor ${v}`);
  if (host.list('/proc/driver/nvidia/gpus').length) drm.push('NVIDIA');
  return [...new Set(drm)];
}

/**
 * Which adapter Dawn can have picked, from what this machine offers it. Dawn asks for the
 * high-performance adapter, so a GPU wins over a software driver when both are usable.
 */
export function describeAdapter(host: GpuHost = defaultGpuHost()): WebGpuAdapter {
  const api = apiFor(host.platform);
  if (host.platform === 'darwin') {
    // Metal has no software device: every Metal adapter is a GPU.
    return { api, name: host.arch === 'arm64' ? 'Apple GPU' : 'Mac GPU', software: false, evidence: 'Metal (no software Metal device exists)' };
  }
  if (host.platform === 'win32') {
    // Dawn takes WARP (Microsoft's software D3D12) only when no GPU adapter exists.
    const cards = (host.videoControllers?.() ?? []).filter((n) => n.trim());
    const gpu = cards.find((n) => !/Microsoft Basic (Render|Display)|Remote Display/i.test(n));
    if (gpu) return { api, name: gpu.trim(), software: false, evidence: 'Win32_VideoController' };
    if (cards.length) return { api, name: 'WARP (Microsoft Basic Render Driver)', software: true, evidence: `Win32_VideoController: ${cards.join(', ')}` };
    return { api, name: 'unidentified D3D12 adapter', software: undefined, evidence: 'Win32_VideoController gave no answer' };
  }
  const { files, from } = vulkanIcdFiles(host);
  const drivers = files.map((f) => icdDriver(host, f)).filter((d): d is NonNullable<typeof d> => Boolean(d));
  const gpus = gpuVendors(host);
  // A hardware driver counts only with a GPU of its vendor present (an installed NVIDIA ICD on a
  // machine without the card enumerates nothing).
  const hardware = drivers.find((d) => !d.software && (gpus.includes(d.vendor) || d.vendor === 'virtio' || d.vendor === 'Microsoft'));
  if (hardware) {
    return { api, name: `${hardware.vendor} GPU (${hardware.driver})`, software: false, evidence: `Vulkan drivers from ${from}; GPUs: ${gpus.join(', ')}` };
  }
  // Dawn refuses lavapipe (it lacks shaderUniform*ArrayDynamicIndexing), so SwiftShader is the software adapter.
  const soft = drivers.find((d) => d.software && d.driver === 'SwiftShader');
  if (soft) return { api, name: `${soft.driver} by ${soft.vendor}`, software: true, evidence: `Vulkan driver from ${from}` };
  const names = drivers.map((d) => d.driver).join(', ') || 'none known';
  return {
    api, name: 'unidentified Vulkan adapter', software: undefined,
    evidence: `Vulkan drivers from ${from}: ${names}; GPUs seen: ${gpus.join(', ') || 'none'}`,
  };
}

/** One-line label for results and the chain. */
export function webGpuLabel(ortVersion: string, adapter: WebGpuAdapter, timestamps: boolean): string {
  const kind = adapter.software === true ? 'software adapter' : adapter.software === false ? 'hardware adapter' : 'adapter';
  return `webgpu (ONNX Runtime ${ortVersion} WebGPU provider, ${adapter.api}, ${adapter.name}, ${kind}, ` +
    `${timestamps ? 'layer times from GPU timestamps' : 'no GPU timestamps: layer times by synchronising read-back'})`;
}

export type WebGpuFailureKind = 'no-adapter' | 'no-device' | 'device-lost' | 'out-of-memory' | 'missing-kernel' | 'other';

/** ONNX Runtime's WebGPU errors, classified and cut to the sentence a user can act on. */
export function webGpuFailure(message: string, platform: NodeJS.Platform = process.platform): { kind: WebGpuFailureKind; line: string } {
  const text = String(message);
  // ORT's ENFORCE text: "<source>:<line> <function> <condition> was false. <message>"
  const cut = (text.includes(' was false. ') ? text.slice(text.indexOf(' was false. ') + 11) : text).split('\n')[0].trim();
  if (/Failed to get a WebGPU adapter/i.test(text)) {
    const how = platform === 'linux'
      ? 'no usable Vulkan driver'
      : platform === 'win32' ? 'no D3D12 adapter' : 'no Metal device';
    return { kind: 'no-adapter', line: `no WebGPU adapter: ${how} (${cut})` };
  }
  if (/Failed to get a WebGPU device/i.test(text)) return { kind: 'no-device', line: `the WebGPU adapter refused a device: ${cut}` };
  if (/device (was )?lost|DeviceLost|Device is lost/i.test(text)) return { kind: 'device-lost', line: `the WebGPU device was lost: ${cut}` };
  if (/out of memory|OutOfMemory|\bOOM\b|Failed to allocate|exceeds the max|maxBufferSize|maxStorageBufferBindingSize/i.test(text)) {
    return { kind: 'out-of-memory', line: `out of GPU memory or over an adapter limit: ${cut}` };
  }
  if (/NOT_IMPLEMENTED|Could not find an implementation|no kernel/i.test(text)) return { kind: 'missing-kernel', line: `the WebGPU provider lacks a kernel: ${cut}` };
  return { kind: 'other', line: `the WebGPU provider failed: ${cut}` };
}

/** One event of ONNX Runtime's profile file (Chrome trace format). */
export interface OrtTraceEvent {
  cat: string;
  name: string;
  ts: number;
  /** Microseconds. */
  dur: number;
  args?: Record<string, unknown>;
}

/** A GPU program event: `<node>&<op>&<program>` in category "Api". */
export interface GpuProgramEvent { node: string; op: string; program: string; us: number }

export function gpuProgramEvents(events: OrtTraceEvent[]): GpuProgramEvent[] {
  return events.filter((e) => e.cat === 'Api' && e.name.split('&').length === 3).map((e) => {
    const [node, op, program] = e.name.split('&');
    return { node, op, program, us: e.dur };
  });
}

/** The kernels of one run as the trace parser gives them (trace.ts): node name and microseconds. */
export interface TimedKernel { node: string; op: string; provider: string; us: number }

export interface GpuTimes {
  /** Whether the trace held GPU program events (the device writes timestamps). */
  applied: boolean;
  /** Per run, GPU ms of programs whose node ran no kernel in that run's list (none seen so far). */
  unattributedMs: number[];
  /** Nodes ONNX Runtime placed on its CPU provider (no WebGPU kernel for their op). */
  onCpu: { node: string; op: string }[];
}

/**
 * Replaces each kernel's CPU-side duration with the GPU time of its programs, run by run. `runs`
 * holds every run the profile covered (warm-up included), in order; each run dispatches the same
 * programs in the same order, so the Api events split into equal consecutive blocks. A kernel
 * with no GPU program (a Reshape/Flatten that only relabels a buffer) gets 0. Kernels on the CPU
 * provider keep their own (CPU) time and are listed in `onCpu`.
 */
export function applyGpuTimes(runs: TimedKernel[][], events: OrtTraceEvent[]): GpuTimes {
  const progs = gpuProgramEvents(events);
  const onCpu = (runs[0] ?? []).filter((k) => k.provider === 'CPUExecutionProvider').map((k) => ({ node: k.node, op: k.op }));
  if (!progs.length || !runs.length) return { applied: false, unattributedMs: [], onCpu };
  if (progs.length % runs.length !== 0) {
    throw new Error(`the GPU profile has ${progs.length} program events, not a multiple of the ${runs.length} runs profiled`);
  }
  const per = progs.length / runs.length;
  const unattributedMs: number[] = [];
  runs.forEach((kernels, r) => {
    const gpuUs = new Map<string, number>();
    for (const p of progs.slice(r * per, (r + 1) * per)) gpuUs.set(p.node, (gpuUs.get(p.node) ?? 0) + p.us);
    for (const k of kernels) {
      if (k.provider === 'CPUExecutionProvider') continue;
      k.us = gpuUs.get(k.node) ?? 0;
      gpuUs.delete(k.node);
    }
    unattributedMs.push([...gpuUs.values()].reduce((a, b) => a + b, 0) / 1000);
  });
  return { applied: true, unattributedMs, onCpu };
}

/** A one-node model (Relu on float[1,4]) for the probe: small enough to cost nothing to compile. */
export function probeModelBytes(): Uint8Array {
  const tensor = (name: string): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'netlens-webgpu-probe',
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'probe', node: [{ name: 'relu', opType: 'Relu', input: ['x'], output: ['y'] }], input: [tensor('x')], output: [tensor('y')] },
  }).finish();
}

/** Reads the trace ORT wrote for a session profiled with `profileFilePrefix: <dir>/<prefix>`. */
export function readOrtTrace(dir: string, prefix: string): OrtTraceEvent[] {
  const files = readdirSync(dir).filter((f) => f.startsWith(`${prefix}_`) && f.endsWith('.json')).sort();
  if (!files.length) throw new Error(`ONNX Runtime wrote no profile into ${dir}`);
  return JSON.parse(readFileSync(join(dir, files[files.length - 1]), 'utf8')) as OrtTraceEvent[];
}

export interface WebGpuProbe {
  ok: boolean;
  /** The chain line: the label, or why not. */
  detail: string;
  kind?: WebGpuFailureKind;
  adapter?: WebGpuAdapter;
  /** Whether the device writes GPU timestamps (Api events in the profile). */
  timestamps?: boolean;
}

let probed: WebGpuProbe | undefined;

/** Forget the probe (after a lost device, so the next request looks again). */
export function resetWebGpuProbe(): void {
  probed = undefined;
}

/**
 * Whether the WebGPU provider gets an adapter and a device in this process, and whether it writes
 * GPU timestamps: one profiled run of the one-node model. Never throws. The outcome is cached for
 * the process (the Vulkan loader reads its environment once) until resetWebGpuProbe().
 */
export async function probeWebGpu(ort: OrtModule, version: string, host: GpuHost = defaultGpuHost()): Promise<WebGpuProbe> {
  if (probed) return probed;
  const list = (ort as unknown as { listSupportedBackends?: () => { name: string }[] }).listSupportedBackends?.() ?? [];
  if (!list.some((b) => b.name === 'webgpu')) {
    probed = { ok: false, kind: 'other', detail: `this onnxruntime-node build has no WebGPU provider on ${host.platform} ${host.arch}` };
    return probed;
  }
  const dir = mkdtempSync(join(tmpdir(), 'netlens-webgpu-'));
  try {
    const session = await ort.InferenceSession.create(probeModelBytes(), {
      executionProviders: [WEBGPU_PROVIDER], enableProfiling: true, profileFilePrefix: join(dir, 'probe'), logSeverityLevel: 3,
    });
    try {
      await session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 0, 1, 2]), [1, 4]) });
      await session.endProfiling();
    } finally {
      await session.release();
    }
    const timestamps = gpuProgramEvents(readOrtTrace(dir, 'probe')).length > 0;
    const adapter = describeAdapter(host);
    probed = { ok: true, adapter, timestamps, detail: webGpuLabel(version, adapter, timestamps) };
  } catch (e) {
    const f = webGpuFailure(String((e as Error)?.message ?? e), host.platform);
    probed = { ok: false, kind: f.kind, detail: f.line };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return probed;
}

/** The SwiftShader ICD Debian's chromium ships (tests and docs point VK_ICD_FILENAMES at it). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Environment for a process that should see SwiftShader as its Vulkan adapter: the ICD, and
 * chromium's own Vulkan loader (libvulkan.so.1) ahead on the library path, so Dawn finds a loader
 * even where Debian's libvulkan1 is not installed (chromium does not depend on it).
 */
export function swiftShaderEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const dir = '/usr/lib/chromium';
  return { VK_ICD_FILENAMES: SWIFTSHADER_ICD, LD_LIBRARY_PATH: [dir, env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
}
export const swiftShaderPresent = (): boolean => existsSync(SWIFTSHADER_ICD);
