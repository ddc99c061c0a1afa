// Profiles a model on ONNX Runtime: the ONNX model (lowered or the user's file), the image as its
// input, one profiled session (runs.ts), the kernels attributed to nodes (attribute.ts) and to
// layers (layers.ts), then the ProfileResult. Per-layer times are ONNX Runtime's own per-kernel
// durations; end to end is session.run with the output read back, so the overhead ratio says how
// much of a run the kernels account for.
import type { ModelAnalysis } from '../../analysis/analyze';
import { ModelSpec, NetLensError } from '../../ir/types';
import { ProfileCancelledError } from '../../profile/errors';
import type { DecodedImage } from '../../profile/image';
import type { BackendChoice } from '../../profile/registry';
import type { ProfileResult, ProfileStage } from '../../profile/result';
import { attributeKernels, nodeForKernel } from './attribute';
import { readOnnxGraph } from './graph';
import { buildOrtLayers, spreadOf } from './layers';
import { loadOrt } from './runtime';
import { OptimizationLevel, runProfiled } from './session';
import { onnxSourceFor } from './source';
import { imageInput, randomInput } from './feeds';
import { RANDOM_INPUT_LABEL } from '../../profile/inputKind';
import { summarizeOutputs } from '../../profile/outputSummary';
import { finishGpuProfile, GpuRouteError, gpuRouteError, isGpuBackend } from './gpuProfile';
import { decideGpuLayout, GpuLayoutDecision, GpuLayoutRequest, LayoutDeviceError, layoutRefusal, layoutText, webGpuProviderFor } from './gpuLayout';
import { planMemory } from '../../compare/memoryPlan';
import type { ProfileMemory } from '../../profile/result';
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
  /** `random`: seeded random data for every input (modelFeeds.ts) instead of the image. */
  feed?: 'image' | 'random';
  /** Sizes of named free input dimensions (--dim). */
  dims?: Record<string, number>;
}

export async function profileOnOrt(spec: ModelSpec, analysis: ModelAnalysis, img: DecodedImage | undefined, imagePath: string, choice: BackendChoice,
  opts: OrtProfileOptions): Promise<ProfileResult> {
  const ort = loadOrt();
  if (!ort.ok) throw new NetLensError(`backend "${choice.backend}" is not available: ${ort.detail}`);
  opts.say('model', `lowering ${spec.name} to ONNX`, 0.06);
  const src = onnxSourceFor(spec);
  const graph = readOnnxGraph(src.bytes, src.source);
  const batch = opts.batch ?? 1;
  // What the runs feed: the image as the model input, or seeded random data for every input.
  const fed = opts.feed === 'random'
    ? randomInput(graph.inputSpecs(), src.source, batch, opts.dims, opts.say)
    : await imageInput(spec, graph.inputDims, img, batch, opts.say);
  const { data, dims } = fed;
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
      // A lost device or no adapter: the route's one line, with the probe forgotten and a lost device marked (gpuProfile.ts).
      throw e instanceof LayoutDeviceError ? gpuRouteError('webgpu', e.original) : e;
    }
    if (opts.signal?.aborted) throw new ProfileCancelledError();
    if (!layout.agrees && layout.request === 'auto') throw new GpuRouteError('webgpu', layoutRefusal(layout), true);
    providers = [webGpuProviderFor(layout.layout)];
  }
  opts.say('model', `creating the ONNX Runtime session (${opts.optimization} optimizations, ${threads} threads)`, 0.1);
  const run = await runProfiled(ort.ort, src.path ?? src.bytes, src.source, fed.feeds ?? { data, dims }, {
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
  // The model's answer, read by the shape of its outputs (the first sample: every sample is the same input).
  const answer = loaded ? summarizeOutputs(run.outputs, batch, spec.labels) : undefined;
  return {
    model: spec.name,
    backend: choice.backend,
    image: opts.feed === 'random' ? RANDOM_INPUT_LABEL : imagePath,
    weights: loaded ? 'loaded' : 'random',
    runs: opts.runs,
    warmup: opts.warmup,
    endToEndMs,
    sumLayerMs,
    overhead: endToEndMs.median > 0 ? sumLayerMs / endToEndMs.median : 0,
    peakBytes: memory.measuredBytes ?? memory.plannedBytes,
    layers: built.layers,
    // The answer to random data means nothing: no classes are shown for it.
    predictions: opts.feed === 'random' ? null : answer?.predictions ?? null,
    backendLabel: `${choice.label}${layout ? `, ${layoutText(layout)}` : ''}, ${opts.optimization} graph optimizations${batch > 1 ? `, batch ${batch}` : ''}`,
    backendSteps: choice.steps,
    input: fed.shape,
    ...(fed.preprocessing ? { preprocessing: fed.preprocessing } : {}),
    feed: opts.feed === 'random' ? 'random' : 'image',
    ...(answer ? { outputKind: answer.kind } : {}),
    ...(answer?.segmentation ? { segmentation: answer.segmentation } : {}),
    ...(answer?.detections ? { detections: answer.detections } : {}),
    flops: analysis.totals.flops * batch,
    gflops: endToEndMs.median > 0 ? (analysis.totals.flops * batch) / (endToEndMs.median * 1e6) : 0,
    predictionsNote: !loaded ? 'random weights: no trained weights were loaded, so class predictions would be meaningless'
      : opts.feed === 'random' ? `random input: ${answer?.note ?? 'the answer to random data means nothing'}` : answer?.note,
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
