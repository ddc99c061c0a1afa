// Typed messages and result shapes shared by the extension host, the profiler worker, the CLI and
// the webview. Plain data only (structured-clone / JSON safe); no imports of runtime modules.

/** A measured spread over runs, in milliseconds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One layer's measurement (the `profile --json` contract in ../shared/DESIGN.md). */
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
  // Extras beyond the DESIGN.md contract (the profiler fills them; readers may ignore them).
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

// ---- profiler worker process (host <-> worker over child_process IPC) ----

export type ProfileBackendRequest = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface ProfileRequest {
  /** Zoo name or model file path. */
  model: string;
  image: string;
  backend: ProfileBackendRequest;
  runs: number;
  warmup: number;
}

export type ProfileStage = 'backend' | 'model' | 'image' | 'warmup' | 'layers' | 'predict' | 'report';

export type HostToWorker =
  | { type: 'profile'; id: number; request: ProfileRequest }
  | { type: 'cancel'; id: number };

export type WorkerToHost =
  | { type: 'ready'; pid: number; node: string }
  | { type: 'progress'; id: number; stage: ProfileStage; message: string; /** 0..1 of the whole job */ fraction: number }
  | { type: 'result'; id: number; result: ProfileResult }
  | { type: 'cancelled'; id: number }
  /** userError: a NetLensError (bad input, missing backend), shown as is; otherwise a bug with its stack. */
  | { type: 'error'; id: number; message: string; userError: boolean; stack?: string };

/** The command the profiler registers so the graph view can draw a result without a compile-time link. */
export const SHOW_PROFILE_COMMAND = 'netlens.internal.showProfile';
