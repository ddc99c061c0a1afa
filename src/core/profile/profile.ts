// Profiles a model against an image: backend selection (registry.ts), image decode and
// preprocessing, then the engine: ONNX Runtime with its own per-kernel profiler (ort/), or tfjs with
// the layer-by-layer executor; the ProfileResult of the `profile --json` contract. Node only.
// Everything allocated here is disposed before returning (or throwing, or being cancelled): the
// engine's tensor count after a profile equals the count before it.
import { topK } from './outputSummary';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { analyzeModel } from '../analysis/analyze';
import { checkMemoryFits } from './memoryGuard';
import { kerasModelOf, ModelSpec, NetLensError } from '../ir/types';
import { buildTfjsModel } from '../engines/tfjs/buildModel';
import type { ProfileLayer, ProfileResult, ProfileStage, Spread } from './result';
import type { BackendOptions } from '../engines/tfjs/backends';
import { BackendRequest, selectBackend } from './registry';
import { profileOnOrt } from '../engines/ort/profileOrt';
import { GpuRouteError } from '../engines/ort/gpuProfile';
import { OptimizationLevel } from '../engines/ort/session';
import type { GpuLayoutRequest } from '../engines/ort/gpuLayout';
import { planMemory } from '../compare/memoryPlan';
import { onnxBlockReason, onnxPath } from '../engines/ort/source';
import { executeProfile, ProfileCancelledError } from '../engines/tfjs/executor';
import { DecodedImage, readImage } from './image';
import { imageToInput, preprocessingFor } from '../engines/tfjs/preprocess';

export { ProfileCancelledError } from '../engines/tfjs/executor';

export interface ProfileOptions extends BackendOptions {
  backend?: BackendRequest;
  /** ONNX Runtime graph optimisation level (default 'all'; 'basic' or 'disabled' to see each layer unfused). */
  optimization?: OptimizationLevel;
  /** Threads (default one per CPU, decided per profile). */
  threads?: number;
  runs?: number;
  warmup?: number;
  /** Samples per run (default 1): the image repeated; every backend. */
  batch?: number;
  /** WebGPU layout (src/core/engines/ort/gpuLayout.ts): auto (checked against the CPU provider), nhwc, nchw. */
  gpuLayout?: GpuLayoutRequest;
  /** `random`: seeded random data for every model input instead of the image (ONNX Runtime only; modelFeeds.ts). */
  feed?: 'image' | 'random';
  /** Sizes of named free input dimensions (--dim name=value). */
  dims?: Record<string, number>;
  signal?: AbortSignal;
  onProgress?: (stage: ProfileStage, message: string, fraction: number) => void;
}

export const DEFAULT_RUNS = 5;
export const DEFAULT_WARMUP = 1;
export const MAX_RUNS = 1000;
export const MAX_BATCH = 4096;

export function spread(xs: number[]): Spread {
  if (xs.length === 0) return { median: 0, min: 0, max: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, min: s[0], max: s[s.length - 1] };
}

/** Top-k classes (outputSummary.ts: loops, so a large output cannot overflow the stack). */
export { topK };

function checkCount(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min || v > MAX_RUNS) throw new NetLensError(`${name} must be an integer from ${min} to ${MAX_RUNS}, got ${v}`);
  return v;
}

/** [batch, h, w, c] of a Keras model that takes one fixed-size image, or one clear error. */
function imageInput(spec: ModelSpec, analysis: ReturnType<typeof analyzeModel>): [null, number, number, number] {
  const inputs = kerasModelOf(spec, 'The profiler').config.input_layers?.length ?? analysis.layers.filter((l) => l.className === 'InputLayer').length;
  if (inputs !== 1) throw new NetLensError(`cannot profile ${spec.name}: the profiler feeds one image, and the model has ${inputs} inputs`);
  const input = analysis.input;
  if (input.length !== 4) throw new NetLensError(`cannot profile ${spec.name}: the profiler feeds images, and the model input ${JSON.stringify(input)} is not [batch, height, width, channels]`);
  const [, h, w, c] = input;
  if (h === null || w === null || c === null) throw new NetLensError(`cannot profile ${spec.name}: its input size ${JSON.stringify(input)} is not fixed`);
  return [null, h, w, c];
}

export async function profileModel(spec: ModelSpec, imagePath: string, opts: ProfileOptions = {}): Promise<ProfileResult> {
  const runs = checkCount('runs', opts.runs ?? DEFAULT_RUNS, 1);
  const warmup = checkCount('warmup', opts.warmup ?? DEFAULT_WARMUP, 0);
  const batch = opts.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH) throw new NetLensError(`batch must be an integer from 1 to ${MAX_BATCH}, got ${batch}`);
  const say = (stage: ProfileStage, message: string, fraction: number): void => opts.onProgress?.(stage, message, fraction);
  const abortCheck = (): void => { if (opts.signal?.aborted) throw new ProfileCancelledError(); };

  // A model whose weight files are not beside it draws and counts, but cannot run: say which.
  const missing = spec.missingWeights;
  if (missing?.length) {
    throw new NetLensError(`${spec.name} cannot run without its weights: ${missing.map((f) => JSON.stringify(f)).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not beside the model (the graph and its counts need only the model file)`);
  }
  // Analysis first: the input size and per-layer FLOPs, and a clear error for unbuildable models.
  const random = opts.feed === 'random';
  const analysis = analyzeModel(spec.model, { dims: opts.dims });
  if (analysis.unsupported.length) {
    throw new NetLensError(`cannot profile ${spec.name}: unsupported layer${analysis.unsupported.length > 1 ? 's' : ''} ` +
      analysis.unsupported.map((u) => `${u.name} (${u.className})`).join(', '));
  }
  // Memory next: a model too big for this machine is refused before anything is allocated.
  checkMemoryFits(spec.name, batch === 1 ? analysis.totals : analyzeModel(spec.model, { batch }).totals);
  // Which engines can take this model at all: an ONNX file runs on ONNX Runtime only; a Keras
  // model with a layer the lowering has no rule for runs on tfjs only (auto says why).
  const onnxFile = onnxPath(spec);
  // A Keras model must take one fixed-size image, whichever engine runs it (an ONNX file's input is
  // checked against the session). Before lowering, so the error is about the model, not ONNX.
  const kerasInput = onnxFile || random ? undefined : imageInput(spec, analysis);
  const blockOrt = onnxFile ? undefined : onnxBlockReason(spec);
  const engineBlocked = onnxFile || random
    ? { tfjs: onnxFile ? 'an ONNX file runs on ONNX Runtime only' : '--input random runs on ONNX Runtime only' }
    : blockOrt ? { onnxruntime: blockOrt } : {};
  if (random && blockOrt) throw new NetLensError(`cannot profile ${spec.name} with --input random: ${blockOrt}, and random inputs run on ONNX Runtime only`);

  // Image before backend and model: a bad file fails in milliseconds. Random inputs read no file.
  let img: DecodedImage | undefined;
  if (!random) {
    say('image', `decoding ${imagePath}`, 0.01);
    img = readImage(imagePath);
  }
  abortCheck();

  say('backend', `selecting a backend (${opts.backend ?? 'auto'})`, 0.03);
  let choice = await selectBackend(opts.backend ?? 'auto', { ...opts, engineBlocked });
  abortCheck();
  const ortOpts = { runs, warmup, batch, gpuLayout: opts.gpuLayout, optimization: opts.optimization ?? 'all', signal: opts.signal, say, feed: opts.feed, dims: opts.dims };
  if (choice.engine === 'onnxruntime') {
    try {
      return await profileOnOrt(spec, analysis, img, imagePath, choice, ortOpts);
    } catch (e) {
      // A GPU route failing at run time (src/core/engines/ort/gpuProfile.ts): a named backend stops
      // with its line; auto puts the line in the chain and goes on down it.
      if (!(e instanceof GpuRouteError)) throw e;
      const named = (opts.backend ?? 'auto') !== 'auto';
      if (named && !e.toCpu) throw new NetLensError(`backend "${e.backend}" failed: ${e.message}`);
      say('backend', `${e.backend} failed: ${e.message}; trying the next backend`, 0.03);
      // A named route that is wrong for this model (toCpu) goes straight to the CPU provider, its line first.
      const before = choice.steps.filter((s) => s.backend !== e.backend);
      choice = named
        ? await selectBackend('onnxruntime', { ...opts, engineBlocked })
        : await selectBackend('auto', { ...opts, engineBlocked, failed: { [e.backend]: e.message } });
      if (named) choice.steps = [...before, { backend: e.backend, ok: false, detail: e.message }, ...choice.steps];
      abortCheck();
      if (choice.engine === 'onnxruntime') return profileOnOrt(spec, analysis, img, imagePath, choice, ortOpts);
    }
  }

  if (!kerasInput || !img) throw new NetLensError(`cannot profile ${spec.name} on TensorFlow.js: ${random ? '--input random runs' : 'an ONNX file runs'} on ONNX Runtime only`);
  const [, h, w, c] = kerasInput;
  const before = tf.memory().numTensors;
  const pre = preprocessingFor(spec, c);
  let x: tf.Tensor | undefined;
  let model: tfl.LayersModel | undefined;
  try {
    say('image', `resizing ${img.width}x${img.height} to ${w}x${h}, preprocessing "${pre}"`, 0.05);
    x = imageToInput(img, h, w, c, pre);
    say('model', `building ${spec.name} on ${choice.label}`, 0.07);
    model = await buildTfjsModel(spec);
    abortCheck();
    const exec = await executeProfile(model, x, {
      runs, warmup, batch, signal: opts.signal, syncEachLayer: choice.sync === 'readback',
      onProgress: (stage, message, f) => say(stage, message, 0.1 + 0.88 * f),
    });
    say('report', 'summarising', 0.99);
    const byName = new Map(analysis.layers.map((l) => [l.name, l]));
    // Report in the IR's layer order (tfjs executes in its own topological order, by depth).
    const irIndex = new Map(analysis.layers.map((l, i) => [l.name, i]));
    const ordered = [...exec.layers].sort((a, b) => (irIndex.get(a.name) ?? 1e9) - (irIndex.get(b.name) ?? 1e9));
    const layers: ProfileLayer[] = ordered.map((l) => {
      const ms = spread(l.times);
      const flops = byName.get(l.name)?.flops ?? 0;
      return {
        name: l.name,
        className: byName.get(l.name)?.className ?? l.className,
        ms,
        bytes: l.bytes,
        tensors: l.tensors,
        gflops: ms.median > 0 ? (flops * batch) / (ms.median * 1e6) : 0,
        fusedWith: [],
        measured: { ms: true, bytes: true },
      };
    });
    const endToEndMs = spread(exec.endToEnd);
    const sumLayerMs = layers.reduce((a, l) => a + l.ms.median, 0);
    const loaded = Boolean(spec.weights && spec.weights.length);
    return {
      model: spec.name,
      backend: choice.backend,
      image: imagePath,
      weights: loaded ? 'loaded' : 'random',
      runs,
      warmup,
      endToEndMs,
      sumLayerMs,
      overhead: endToEndMs.median > 0 ? sumLayerMs / endToEndMs.median : 0,
      peakBytes: exec.peakBytes,
      layers,
      predictions: loaded ? topK(exec.output, spec.labels) : null,
      backendLabel: `${choice.label}${batch > 1 ? `, batch ${batch}` : ''}`,
      backendSteps: choice.steps,
      input: analysis.input,
      preprocessing: pre,
      flops: analysis.totals.flops * batch,
      gflops: endToEndMs.median > 0 ? (analysis.totals.flops * batch) / (endToEndMs.median * 1e6) : 0,
      predictionsNote: loaded ? undefined : 'random weights: no trained weights were loaded, so class predictions would be meaningless',
      sumLayerMinMs: layers.reduce((a, l) => a + l.ms.min, 0),
      overheadMin: endToEndMs.min > 0 ? layers.reduce((a, l) => a + l.ms.min, 0) / endToEndMs.min : 0,
      engine: 'tfjs',
      threads: choice.threads,
      optimization: 'none',
      fusedLayers: 0,
      peakMeasured: true,
      batch,
      imagesPerSecond: endToEndMs.median > 0 ? (1000 * batch) / endToEndMs.median : 0,
      memory: {
        device: choice.sync === 'readback' ? 'gpu' : 'host', measuredBytes: exec.peakBytes, plannedBytes: planMemory(spec.model, { batches: [batch] }).points[0].inferenceBytes,
        measuredBy: `the tfjs engine's peak bytes during model.predict (tf.profile: weights, input and live activations)`,
      },
    };
  } finally {
    model?.dispose();
    x?.dispose();
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0 && !opts.signal?.aborted) {
      // Not expected; reported rather than silently accumulated across profiles.
      process.emitWarning(`netlens profiler: ${leaked} tensors still allocated after profiling ${spec.name}`);
    }
  }
}
