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
import { finishGpuProfile, gpuRouteError, isGpuBackend } from './gpuProfile';

export interface OrtProfileOptions {
  runs: number;
  warmup: number;
  optimization: OptimizationLevel;
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
  const data = tf.tidy(() => {
    const x = imageToInput(img, shape.h, shape.w, shape.c, pre);
    return (shape.layout === 'NCHW' ? tf.transpose(x, [0, 3, 1, 2]) : x).dataSync() as Float32Array;
  });
  const dims = shape.layout === 'NCHW' ? [1, shape.c, shape.h, shape.w] : [1, shape.h, shape.w, shape.c];
  if (opts.signal?.aborted) throw new ProfileCancelledError();

  const threads = choice.threads ?? 1;
  opts.say('model', `creating the ONNX Runtime session (${opts.optimization} optimizations, ${threads} threads)`, 0.1);
  const run = await runProfiled(ort.ort, src.path ?? src.bytes, src.source, { data, dims }, {
    executionProviders: choice.executionProviders ?? ['cpu'], threads, optimization: opts.optimization,
    runs: opts.runs, warmup: opts.warmup, signal: opts.signal, nodeName: (k) => nodeForKernel(graph, k),
    onRun: (done, total) => {
      const warm = done <= opts.warmup;
      opts.say(warm ? 'warmup' : 'layers', warm ? `warm-up ${done}/${opts.warmup}` : `run ${done - opts.warmup}/${opts.runs}`, 0.15 + 0.8 * (done / total));
    },
  }).catch((e: unknown) => {
    // A GPU session that fails (lost device, out of memory, ...) is the route's failure: one line (gpuProfile.ts).
    throw isGpuBackend(choice.backend) && !(e instanceof ProfileCancelledError) ? gpuRouteError(choice.backend, e) : e;
  });
  opts.say('report', 'attributing kernels to layers', 0.97);
  const attr = attributeKernels(graph, run.trace.runs[0] ?? []);
  const built = buildOrtLayers(graph, attr, run.trace.runs, analysis.layers, src.nodeLayer);
  const gpu = await finishGpuProfile(ort.ort, choice.backend, choice.executionProviders ?? ['cpu'], run, built.layers,
    { bytes: src.bytes, feed: { name: run.inputName, data, dims }, layerOf: src.nodeLayer },
    { runs: opts.runs, signal: opts.signal, say: (m, f) => opts.say('layers', m, 0.95 + 0.02 * f) });

  const endToEndMs = spreadOf(run.endToEnd);
  const sumLayerMs = built.layers.reduce((a, l) => a + l.ms.median, 0);
  const sumLayerMinMs = built.layers.reduce((a, l) => a + l.ms.min, 0);
  const loaded = Boolean(spec.weights && spec.weights.length) || !src.lowered;
  const peakMeasured = run.trace.peakBytes !== undefined;
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
    peakBytes: peakMeasured ? run.trace.peakBytes! + graph.initializerBytes : analysis.totals.peakInferenceBytes,
    layers: built.layers,
    predictions: loaded ? opts.topK(run.output, spec.labels) : null,
    backendLabel: `${choice.label}, ${opts.optimization} graph optimizations`,
    backendSteps: choice.steps,
    input: shape.layout === 'NCHW' ? [null, shape.c, shape.h, shape.w] : [null, shape.h, shape.w, shape.c],
    preprocessing: pre,
    flops: analysis.totals.flops,
    gflops: endToEndMs.median > 0 ? analysis.totals.flops / (endToEndMs.median * 1e6) : 0,
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
    gpuTiming: gpu?.timing,
  };
}
