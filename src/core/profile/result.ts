// The profile result: what the profiler produces and `profile --json` prints (docs/contracts.md).
// Plain data only (structured-clone / JSON safe); imports nothing.

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
  /** Where the entry sits under the machine's roof (src/core/profile/roofline.ts); absent when `machine` is, or see `rooflineSkipped`. */
  roofline?: LayerRoofline;
  /** Why a timed entry has no roofline: "no FLOPs", "no time of its own", ... */
  rooflineSkipped?: string;
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
  /** What the output is: classes (predictions), a per-pixel map (segmentation), boxes (detections), or other. */
  outputKind?: 'classes' | 'segmentation' | 'detections' | 'other';
  /** A segmenter's classes by share of pixels (argmax per pixel), largest first. */
  segmentation?: { index: number; label: string; share: number }[];
  /** A detector's boxes scored 0.5 or more ([x1, y1, x2, y2] in input pixels), highest first. */
  detections?: { index: number; label: string; score: number; box: [number, number, number, number] }[];
  /** What the model was fed: the image, or seeded random data for each input (`--input random`). */
  feed?: 'image' | 'random';
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
  /** GPU routes: per-layer times from GPU timestamps, or by synchronising read-back where the device has none (src/core/engines/ort/gpuProfile.ts). */
  gpuTiming?: 'timestamps' | 'readback';
  /** WebGPU: the layout convolutions ran in, chosen per model (src/core/engines/ort/gpuLayout.ts). */
  gpuLayout?: 'NHWC' | 'NCHW';
  /** WebGPU: max relative error of each layout's outputs against the CPU provider on one seeded input; null = not checked. */
  gpuLayoutCheck?: { NHWC: number | null; NCHW: number | null };
  /** Samples per run: the image repeated `batch` times (every figure is for the whole batch). */
  batch?: number;
  /** batch / end-to-end median, per second. */
  imagesPerSecond?: number;
  /** Where endToEndMs comes from: a session with profiling off ('plain session') or the profiled runs themselves. */
  endToEndSource?: 'plain session' | 'profiled runs';
  /** The profiled session's own end-to-end times (what the profiler's events and GPU timestamps cost is endToEndProfiledMs - endToEndMs). */
  endToEndProfiledMs?: Spread;
  /** Memory at this batch: what the engine measured (null where it reports nothing) beside the memory planner's estimate. */
  memory?: ProfileMemory;
  /** The machine's measured roof on this backend and thread count (src/core/profile/machinePeaks.ts); absent when it could not be measured (see rooflineNote). */
  machine?: MachinePeaks;
  /** Why there is no `machine` / per-layer `roofline` (a cancelled measurement, an engine NetLens cannot measure). */
  rooflineNote?: string;
  /** With `profile --compare-to` (and the results page's Compare): per-layer deltas against an earlier run (src/core/profile/runDiff.ts). */
  comparedTo?: RunDiff;
}

/** The machine's roof: `machine` in `profile --json` and `netlens machine --json` (docs/contracts.md). */
export interface MachinePeaks {
  /** fp32 GFLOP/s of a large MatMul on the engine (2*N^3 over its best kernel time). */
  peakGflops: number;
  /** GB/s (1e9 bytes) of a large element-wise Add: bytes read + written over its best kernel time. */
  bandwidthGBs: number;
  backend: string;
  threads: number;
  /** ISO 8601 date and time of the measurement. */
  measuredAt: string;
  /** The CPU as the OS names it, with the count of logical CPUs. */
  cpu?: string;
  /** The engine and its version, e.g. "onnxruntime 1.30.0". */
  engine?: string;
  /** What was run for each figure. */
  method?: { compute: string; memory: string };
  /** Measured for this profile, or read from the cache (dated by measuredAt). */
  source?: 'measured' | 'cached';
}

/** One timed entry (a layer or a fused group) against the roofs (docs/contracts.md). */
export interface LayerRoofline {
  /** FLOPs per byte moved. */
  intensity: number;
  /** FLOPs over the median time, GFLOP/s (the layer's `gflops`). */
  achievedGflops: number;
  /** min(peakGflops, intensity x bandwidthGBs). */
  attainableGflops: number;
  /** achieved / attainable. */
  efficiency: number;
  /** 'memory' when intensity x bandwidth is below the peak (left of the ridge point), else 'compute'. */
  bound: 'compute' | 'memory';
  /** The FLOPs and bytes the figures come from: inputs from outside the entry + outputs + weights. */
  flops: number;
  bytes: number;
  /** Whether `bytes` uses the engine's measured output sizes (else the analyser's activation bytes throughout). */
  bytesMeasured: boolean;
  /** Median time minus the time at the attainable rate: what reaching the roof would save, ms. */
  savedMs: number;
}

/** Peak memory of a profile at its batch (docs/contracts.md "memory"). */
export interface ProfileMemory {
  /** Where the activations live: host memory (CPU provider, tfjs CPU backends) or the GPU's. */
  device: 'host' | 'gpu';
  /** Bytes the engine reported at its peak (weights included), or null where it reports none. */
  measuredBytes: number | null;
  /** What measuredBytes is, or why there is none. */
  measuredBy: string;
  /** The memory planner's inference estimate for this batch: weights + batch x the peak of live activations (src/core/compare/memoryPlan.ts). */
  plannedBytes: number;
}

/** One step of the backend selection chain. */
export interface BackendStep {
  /** A registry row name ('onnxruntime', 'tensorflow', 'wasm', 'cpu', ...) or a sub-step ('tensorflow-gpu'). */
  backend: string;
  ok: boolean;
  detail: string;
  /** How to make a refused route available (install commands): for the output channel and docs, never the results page. */
  hint?: string;
}

/** Stages of a profile job, reported with progress. */
export type ProfileStage = 'backend' | 'model' | 'image' | 'warmup' | 'layers' | 'predict' | 'report';

// Per-layer deltas between two runs (`comparedTo`), computed by src/core/profile/runDiff.ts.

export interface DiffRow {
  /** The row's name: the heaviest entry of the later run (else the earlier one). */
  name: string;
  /** Every layer the row covers, in the later run's order. */
  layers: string[];
  /** Median ms of the entries on each side (summed when several). */
  beforeMs: number;
  afterMs: number;
  deltaMs: number;
  /** after / before (undefined when before is 0). */
  ratio?: number;
  /** Entries on each side ("conv1_conv +3"), when they differ from `name`. */
  beforeEntries: string[];
  afterEntries: string[];
}

export interface RunSide {
  model: string;
  backend: string;
  backendLabel?: string;
  optimization?: string;
  threads?: number;
  batch?: number;
  endToEndMs: number;
  sumLayerMs: number;
  image: string;
}

export interface RunDiff {
  before: RunSide;
  after: RunSide;
  rows: DiffRow[];
  /** Layers (as entries name them) that only one run has. */
  onlyBefore: string[];
  onlyAfter: string[];
}
