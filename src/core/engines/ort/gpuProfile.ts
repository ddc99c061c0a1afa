// What a GPU execution provider changes in an ONNX Runtime profile (profileOrt.ts calls this after
// the kernels are attributed to layers):
// - a node the WebGPU provider has no kernel for ran on ONNX Runtime's CPU provider: not a GPU
//   profile, so the route fails with that line (auto goes on down the chain);
// - no GPU timestamps (and CUDA, whose kernel events only time the launch): per-layer times by
//   synchronising read-back (readback.ts) replace the CPU-side kernel times;
// - the provider reports no memory peak: the analyser's figure is used (labelled computed).
// Failures of a GPU route at run time (no adapter, lost device, out of memory, missing kernel)
// are GpuRouteError: one line; profile.ts falls back under auto and stops with it otherwise.
import { NetLensError } from '../../ir/types';
import type { ProfileLayer, Spread } from '../../profile/result';
import type { OrtRunResult } from './session';
import type { OrtModule } from './runtime';
import { readbackLayerTimes } from './readback';
import { resetWebGpuProbe, usesWebGpu, webGpuFailure } from './webgpu';

export class GpuRouteError extends NetLensError {
  /**
   * toCpu: the route works but is wrong for this model (WebGPU's outputs differ from the CPU
   * provider's in both layouts): the profile goes to the CPU provider even when the route was named.
   */
  constructor(readonly backend: string, message: string, readonly toCpu = false) {
    super(message);
    this.name = 'GpuRouteError';
  }
}

export const isGpuBackend = (name: string): boolean => name === 'webgpu' || name === 'cuda';

let deviceLost = false;

/**
 * Whether a GPU device was lost in this process. ONNX Runtime keeps one WebGPU context per process,
 * so the profiler process ends once its queue is done and the next request starts a fresh one.
 */
export const gpuDeviceLost = (): boolean => deviceLost;

/** An error of a GPU session turned into the route's one line (and the probe forgotten after a lost device). */
export function gpuRouteError(backend: string, e: unknown): GpuRouteError {
  if (e instanceof GpuRouteError) return e;
  const f = webGpuFailure(String((e as Error)?.message ?? e));
  if (f.kind === 'device-lost' || f.kind === 'no-device') {
    resetWebGpuProbe();
    deviceLost = f.kind === 'device-lost' || deviceLost;
  }
  return new GpuRouteError(backend, backend === 'webgpu' ? f.line : `the ${backend} provider failed: ${f.line.replace(/^the WebGPU provider failed: /, '')}`);
}

function spreadOf(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? 0, min: s[0] ?? 0, max: s[s.length - 1] ?? 0 };
}

export interface GpuFinish {
  /** How layer times were taken on the GPU. */
  timing: 'timestamps' | 'readback';
}

/**
 * Applies the GPU rules to a finished ONNX Runtime run. Returns undefined for sessions on no GPU
 * provider. `layers` are edited in place (read-back times); `run.trace.peakBytes` is cleared.
 */
export async function finishGpuProfile(ort: OrtModule, backend: string, providers: unknown[], run: OrtRunResult, layers: ProfileLayer[],
  model: { bytes: Uint8Array; feed: { name: string; data: Float32Array; dims: number[] }; layerOf: (node: string) => string | undefined },
  opts: { runs: number; signal?: AbortSignal; say?: (message: string, fraction: number) => void }): Promise<GpuFinish | undefined> {
  const cuda = providers.includes('cuda');
  if (!usesWebGpu(providers) && !cuda) return undefined;
  // WebGPU's events say 0 (no arena figures); the CPU arena's figures say nothing about the GPU.
  run.trace.peakBytes = undefined;
  const gpu = run.gpu;
  if (gpu?.onCpu.length) {
    const list = gpu.onCpu.slice(0, 3).map((n) => `${model.layerOf(n.node) ?? n.node} (${n.op})`).join(', ');
    throw new GpuRouteError(backend, `the WebGPU provider has no kernel for ${list}${gpu.onCpu.length > 3 ? ` and ${gpu.onCpu.length - 3} more` : ''}; ` +
      'ONNX Runtime ran them on the CPU, so this is not a GPU profile (--backend onnxruntime profiles the whole model on the CPU)');
  }
  if (gpu?.applied) return { timing: 'timestamps' };
  // No timestamps on this device, or CUDA (whose kernel events time the launch on the CPU, not the
  // GPU work): time each layer as the difference of two read-back runs.
  const times = await readbackLayerTimes(ort, model.bytes, model.feed, model.layerOf, {
    executionProviders: providers, runs: opts.runs, signal: opts.signal,
    onLayer: (done, total) => opts.say?.(`read-back timing ${done}/${total} layers`, done / total),
  });
  for (const l of layers) {
    const flops = l.gflops * l.ms.median * 1e6;
    const ms = times.get(l.name);
    l.ms = ms ? spreadOf(ms) : { median: 0, min: 0, max: 0 };
    l.gflops = l.ms.median > 0 ? flops / (l.ms.median * 1e6) : 0;
  }
  return { timing: 'readback' };
}
