// Profiles a model on ONNX Runtime: the ONNX model (lowered or the user's file), the image as its
// input, one profiled session (runs.ts), the kernels attributed to nodes (attribute.ts) and to
// layers (layers.ts), then the ProfileResult. Per-layer times are ONNX Runtime's own per-kernel
// durations; end to end is session.run with the output read back, so the overhead ratio says how
// much of a run the kernels account for.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ModelAnalysis } from '../../analysis/analyze';
import { ModelSpec, NetLensError } from '../../ir/types';
import { ProfileCancelledError } from '../errors';
import type { DecodedImage } from '../image';
import { imageToInput, preprocessingFor } from '../preprocess';
import type { BackendChoice } from '../registry';
import type { ProfileResult, ProfileStage } from '../result';
import { attributeKernels, nodeForKernel } from './attribute';
import { readOnnxGraph } from './graph';
import { buildOrtLayers, spreadOf } from './layers';
import { loadOrt } from './runtime';
import { OptimizationLevel, runProfiled } from './session';
import { onnxSourceFor } from './source';
import { finishGpuProfile, GpuRouteError, gpuRouteError, isGpuBackend } from './gpuProfile';
import { decideGpuLayout, GpuLayoutDecision, GpuLayoutRequest, LayoutDeviceError, layoutRefusal, layoutText, webGpuProviderFor } from './gpuLayout';
import { planMemory } from '../../compare/memoryPlan';
import type { ProfileMemory } from '../result';
import { ortVersion } from './runtime';

export interface OrtProfileOptions {
  runs: number;
  warmup: number;
  optimization: OptimizationLevel;
  /** Samples per run (default 1): the image repeated. */
  batch?: number;
  /** WebGPU layout: auto (checked, gpuLayout.ts), nhwc or nchw. */
  gpuLayout?: GpuLayoutRequest;
  signal?: AbortSignal;
  say: (stage: ProfileStage, message: string, fraction: number) => void;
  topK: (output: Float32Array, labels: string[] | undefined) => { index: number; label: string; probability: number }[];
}

/** The input layout of a rank-4 image input: channels second (an ONNX file from PyTorch) or last (lowered Keras). */
export function imageLayout(dims: (number | null)[]): { layout: 'NHWC' | 'NCHW'; h: number; w: number; c: number } | undefined {
  if (dims.length !== 4) return undefined;
  const [, a, b, c] = dims;
  if (c !== null && (c === 1 || c === 3) && a !== null && b !== null) return { layout: 'NHWC', h: a, w: b, c };
  if (a !== null && (a === 1 || a === 3) && b !== null && c !== null) return { layout: 'NCHW', h: b, w: c, c: a };
  return undefined;
}

export async function profileOnOrt(spec: ModelSpec, analysis: ModelAnalysis, img: DecodedImage, imagePath: string, choice: BackendChoice,
  opts: OrtProfileOptions): Promise<ProfileResult> {
  const ort = loadOrt();
  if (!ort.ok) throw new NetLensError(`backend "${choice.backend}" is not available: ${ort.detail}`);
  opts.say('model', `lowering ${spec.name} to ONNX`, 0.06);
  const src = onnxSourceFor(spec);
  const graph = readOnnxGraph(src.bytes, src.source);
  const shape = imageLayout(graph.inputDims);
  if (!shape) throw new NetLensError(`cannot profile ${spec.name}: the profiler feeds images, and the ONNX input ${JSON.stringify(graph.inputDims)} is not [batch, height, width, channels] or [batch, channels, height, width] with 1 or 3 channels`);

  // The image as the model input, computed with tfjs' cpu kernels (small; the same code as the tfjs path).
  // (No backend chosen yet in this process: pick cpu rather than let tfjs start its best, wasm.)
  if (!(tf.engine() as unknown as { backendInstance?: unknown }).backendInstance) await tf.setBackend('cpu');
  const pre = preprocessingFor(spec, shape.c);
  opts.say('image', `resizing ${img.width}x${img.height} to ${shape.w}x${shape.h}, preprocessing "${pre}"`, 0.08);
  const one = tf.tidy(() => {
    const x = imageToInput(img, shape.h, shape.w, shape.c, pre);
    return (shape.layout === 'NCHW' ? tf.transpose(x, [0, 3, 1, 2]) : x).dataSync() as Float32Array;
  });
  const batch = opts.batch ?? 1;
  const fixedBatch = graph.inputDims[0];
  if (batch !== 1 && typeof fixedBatch === 'number' && fixedBatch !== batch) {
    throw new NetLensError(`cannot profile ${spec.name} at batch ${batch}: its ONNX input has a fixed batch of ${fixedBatch} (${JSON.stringify(graph.inputDims)})`);
  }
  const data = batch === 1 ? one : repeat(one, batch);
  const dims = shape.layout === 'NCHW' ? [batch, shape.c, shape.h, shape.w] : [batch, shape.h, shape.w, shape.c];
  if (opts.signal?.aborted) throw new ProfileCancelledError();

  const threads = choice.threads ?? 1;
  const gpu = isGpuBackend(choice.backend);
  // WebGPU: the layout, checked against the CPU provider on this model (gpuLayout.ts).
  let layout: GpuLayoutDecision | undefined;
  let providers = choice.executionProviders ?? ['cpu'];
  if (choice.backend === 'webgpu') {
    opts.say('model', `checking the WebGPU layout against the CPU provider (${opts.gpuLayout ?? 'auto'})`, 0.09);
    try {
      layout = await decideGpuLayout(ort.ort, src.path ?? src.bytes, src.bytes, {
        request: opts.gpuLayout ?? 'auto', dims, optimization: opts.optimization, threads, adapter: choice.label, ortVersion: ortVersion(ort.ort), signal: opts.signal,
      });
    } catch (e) {
      throw e instanceof LayoutDeviceError ? new GpuRouteError('webgpu', e.message) : e;
    }
    if (opts.signal?.aborted) throw new ProfileCancelledError();
    if (!layout.agrees && layout.request === 'auto') throw new GpuRouteError('webgpu', layoutRefusal(layout), true);
    providers = [webGpuProviderFor(layout.layout)];
  }
  opts.say('model', `creating the ONNX Runtime session (${opts.optimization} optimizations, ${threads} threads)`, 0.1);
  const run = await runProfiled(ort.ort, src.path ?? src.bytes, src.source, { data, dims }, {
    executionProviders: providers, threads, optimization: opts.optimization,
    runs: opts.runs, warmup: opts.warmup, signal: opts.signal, nodeName: (k) => nodeForKernel(graph, k),
    // GPU routes: end to end on a session without the profiler and GPU timestamps (issue 20).
    plainEndToEnd: gpu,
    onRun: (done, total) => {
      const warm = done <= opts.warmup;
      opts.say(warm ? 'warmup' : 'layers', warm ? `warm-up ${done}/${opts.warmup}` : `run ${done - opts.warmup}/${opts.runs}`, 0.15 + (gpu ? 0.6 : 0.8) * (done / total));
    },
    onPlainRun: (done, total) => opts.say('predict', `end to end without the profiler ${done}/${total}`, 0.75 + 0.2 * (done / total)),
  }).catch((e: unknown) => {
    // A GPU session that fails (lost device, out of memory, ...) is the route's failure: one line (gpuProfile.ts).
    throw gpu && !(e instanceof ProfileCancelledError) ? gpuRouteError(choice.backend, e) : e;
  });
  opts.say('report', 'attributing kernels to layers', 0.97);
  const attr = attributeKernels(graph, run.trace.runs[0] ?? []);
  const built = buildOrtLayers(graph, attr, run.trace.runs, analysis.layers, src.nodeLayer);
  // The analyser's FLOPs are per sample; a run computes `batch` of them.
  if (batch > 1) for (const l of built.layers) l.gflops *= batch;
  const gpuDone = await finishGpuProfile(ort.ort, choice.backend, providers, run, built.layers,
    { bytes: src.bytes, feed: { name: run.inputName, data, dims }, layerOf: src.nodeLayer },
    { runs: opts.runs, signal: opts.signal, say: (m, f) => opts.say('layers', m, 0.95 + 0.02 * f) });
  // The memory planner's estimate at this batch, beside what the engine measured.
  const planned = planMemory(spec.model, { batches: [batch] }).points[0].inferenceBytes;
  const memory = memoryOf(choice.backend, providers, run, graph.initializerBytes, planned);

  const endToEndMs = spreadOf(run.endToEnd);
  const sumLayerMs = built.layers.reduce((a, l) => a + l.ms.median, 0);
  const sumLayerMinMs = built.layers.reduce((a, l) => a + l.ms.min, 0);
  const loaded = Boolean(spec.weights && spec.weights.length) || !src.lowered;
  const peakMeasured = memory.measuredBytes !== null;
  const first = run.output.subarray(0, run.output.length / batch); // predictions: the first sample (every sample is the same image)
  return {
    model: spec.name,
    backend: choice.backend,
    image: imagePath,
    weights: loaded ? 'loaded' : 'random',
    runs: opts.runs,
    warmup: opts.warmup,
    endToEndMs,
    sumLayerMs,
    overhead: endToEndMs.median > 0 ? sumLayerMs / endToEndMs.median : 0,
    peakBytes: memory.measuredBytes ?? memory.plannedBytes,
    layers: built.layers,
    predictions: loaded ? opts.topK(first, spec.labels) : null,
    backendLabel: `${choice.label}${layout ? `, ${layoutText(layout)}` : ''}, ${opts.optimization} graph optimizations${batch > 1 ? `, batch ${batch}` : ''}`,
    backendSteps: choice.steps,
    input: shape.layout === 'NCHW' ? [null, shape.c, shape.h, shape.w] : [null, shape.h, shape.w, shape.c],
    preprocessing: pre,
    flops: analysis.totals.flops * batch,
    gflops: endToEndMs.median > 0 ? (analysis.totals.flops * batch) / (endToEndMs.median * 1e6) : 0,
    predictionsNote: loaded ? undefined : 'random weights: no trained weights were loaded, so class predictions would be meaningless',
    sumLayerMinMs,
    overheadMin: endToEndMs.min > 0 ? sumLayerMinMs / endToEndMs.min : 0,
    engine: 'onnxruntime',
    threads,
    optimization: opts.optimization,
    fusedLayers: built.fusedLayers,
    kernelCount: built.kernelCount,
    unmatchedKernels: attr.unmatched,
    peakMeasured,
    sessionMs: run.sessionMs,
    gpuTiming: gpuDone?.timing,
    gpuLayout: layout?.layout,
    gpuLayoutCheck: layout?.check,
    batch,
    imagesPerSecond: endToEndMs.median > 0 ? (1000 * batch) / endToEndMs.median : 0,
    endToEndSource: run.plain ? 'plain session' : 'profiled runs',
    endToEndProfiledMs: spreadOf(run.endToEndProfiled),
    memory,
  };
}

/** `n` copies of one sample, back to back (the batch dimension is the outermost). */
export function repeat(one: Float32Array, n: number): Float32Array {
  const out = new Float32Array(one.length * n);
  for (let i = 0; i < n; i++) out.set(one, i * one.length);
  return out;
}

/**
 * Peak memory as ONNX Runtime reports it: its kernel events carry the arena statistics of the
 * allocator of the device each kernel ran on (mem_in_use_peak). The CPU provider's arena and the
 * CUDA provider's arena report them; the WebGPU provider reports 0 (no arena), so there the
 * planner's figure stands, labelled computed. Initializers are added (they sit outside the arena).
 */
export function memoryOf(backend: string, providers: unknown[], run: { peakByProvider: Record<string, number> }, initializerBytes: number, plannedBytes: number): ProfileMemory {
  const cuda = providers.includes('cuda');
  const webgpu = backend === 'webgpu';
  if (webgpu) {
    return { device: 'gpu', measuredBytes: null, measuredBy: 'not measured: the WebGPU provider reports no memory figures (its arena statistics are 0); computed by the memory planner', plannedBytes };
  }
  const provider = cuda ? 'CUDAExecutionProvider' : 'CPUExecutionProvider';
  const peak = run.peakByProvider[provider];
  if (!peak) {
    return { device: cuda ? 'gpu' : 'host', measuredBytes: null, measuredBy: `not measured: ONNX Runtime's profile gives no arena peak for ${provider}; computed by the memory planner`, plannedBytes };
  }
  return {
    device: cuda ? 'gpu' : 'host', measuredBytes: peak + initializerBytes, plannedBytes,
    measuredBy: `${cuda ? 'CUDA' : 'CPU'} arena peak (mem_in_use_peak in ONNX Runtime's profile) + initializers`,
  };
}
