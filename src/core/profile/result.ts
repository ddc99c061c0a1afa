// The profile result: what the profiler produces and `profile --json` prints (docs/contracts.md).
// Plain data only (structured-clone / JSON safe); no imports of runtime modules.

/** A measured spread over runs, in milliseconds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One layer's measurement (the `profile --json` contract in docs/contracts.md). */
export interface ProfileLayer {
  name: string;
  className: string;
  ms: Spread;
  /** Bytes allocated by the layer (its new tensors). */
  bytes: number;
  /** Tensors created by the layer. */
  tensors: number;
  /** Achieved GFLOP/s: the analyser's FLOPs over the median time. */
  gflops: number;
  // Engine extras (issue 10; docs/contracts.md "profile").
  /** Other layers that ran inside this entry's kernels (ONNX Runtime fused them), in model order. */
  fusedWith?: string[];
  /** What ran for this entry: "<op> <kernel node name>", in execution order (onnxruntime). */
  kernels?: string[];
  /** ms: timed by the engine (false: no time of its own, see `untimed`); bytes: the profiler's output sizes (false: the analyser's). */
  measured?: { ms: boolean; bytes: boolean };
  /** Why the layer has no time of its own: "folded into a constant", "removed as a no-op", "not executed", ... */
  untimed?: string;
}

export interface ProfileResult {
  model: string;
  backend: string;
  image: string;
  weights: 'random' | 'loaded';
  runs: number;
  warmup: number;
  endToEndMs: Spread;
  sumLayerMs: number;
  /** sumLayerMs / endToEndMs.median */
  overhead: number;
  peakBytes: number;
  layers: ProfileLayer[];
  predictions: { index: number; label: string; probability: number }[] | null;
  // Extras beyond the core contract (the profiler fills them; readers may ignore them).
  /** e.g. "wasm (SIMD, 2 threads, threaded build)". */
  backendLabel?: string;
  /** Each backend the selection chain tried, in order, and what happened. */
  backendSteps?: BackendStep[];
  /** Model input fed, Keras style, and the preprocessing applied to the image. */
  input?: (number | null)[];
  preprocessing?: string;
  /** The analyser's FLOPs for the whole model and the achieved rate end to end. */
  flops?: number;
  gflops?: number;
  /** Why predictions is null, when it is. */
  predictionsNote?: string;
  /** The load-robust form of the overhead: sum of per-layer minima over the fastest end-to-end run. */
  sumLayerMinMs?: number;
  overheadMin?: number;
  /** The engine that ran the model: 'onnxruntime' or 'tfjs'. */
  engine?: 'onnxruntime' | 'tfjs';
  /** Threads the engine computed with (intra-op pool, wasm pool; 1 for tfjs cpu). */
  threads?: number;
  /** ONNX Runtime's graph optimisation level ('all', 'extended', 'basic', 'disabled'); 'none' for tfjs (layer by layer, no graph rewrite). */
  optimization?: 'all' | 'extended' | 'basic' | 'disabled' | 'none';
  /** Layers that ran fused into another entry (listed in that entry's fusedWith). */
  fusedLayers?: number;
  /** Kernels ONNX Runtime executed per run, and those no model node matched (reported with a neighbour). */
  kernelCount?: number;
  unmatchedKernels?: string[];
  /** Whether peakBytes was measured (ONNX Runtime's arena peak plus the initializers) or computed by the analyser. */
  peakMeasured?: boolean;
  /** Session creation (ONNX Runtime: load, graph optimisation, kernel set-up), ms. */
  sessionMs?: number;
  /** GPU routes: per-layer times from GPU timestamps, or by synchronising read-back where the device has none (src/core/profile/ort/gpuProfile.ts). */
  gpuTiming?: 'timestamps' | 'readback';
}

/** One step of the backend selection chain. */
export interface BackendStep {
  /** A registry row name ('onnxruntime', 'tensorflow', 'wasm', 'cpu', ...) or a sub-step ('tensorflow-gpu'). */
  backend: string;
  ok: boolean;
  detail: string;
}

/** Stages of a profile job, reported with progress. */
export type ProfileStage = 'backend' | 'model' | 'image' | 'warmup' | 'layers' | 'predict' | 'report';
