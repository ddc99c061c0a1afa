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
  predictions: { label: string; probability: number }[] | null;
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
}

/** One step of the backend selection chain. */
export interface BackendStep {
  /** 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu' */
  backend: string;
  ok: boolean;
  detail: string;
}

/** Stages of a profile job, reported with progress. */
export type ProfileStage = 'backend' | 'model' | 'image' | 'warmup' | 'layers' | 'predict' | 'report';
