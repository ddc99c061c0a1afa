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
}

/** The command the profiler registers so the graph view can draw a result without a compile-time link. */
export const SHOW_PROFILE_COMMAND = 'netlens.internal.showProfile';
