// Messages between the extension host and the profiler worker process (child_process IPC).
import type { ProfileResult, ProfileStage } from '../core/profile/result';
import type { Preprocessing } from '../core/ir/types';
export type { ProfileStage };

/** 'auto' or a row name of the backend registry (src/core/profile/registry.ts); the worker validates it. */
export type ProfileBackendRequest = string;

/** ONNX Runtime graph optimisation level (src/core/profile/ort/session.ts). */
export type ProfileOptimization = 'all' | 'extended' | 'basic' | 'disabled';

export interface ProfileRequest {
  /** Zoo name or model file path. */
  model: string;
  image: string;
  backend: ProfileBackendRequest;
  runs: number;
  warmup: number;
  /** Default 'all'. */
  optimization?: ProfileOptimization;
  /** Default: one per CPU. */
  threads?: number;
  /** Image preprocessing chosen by the user; default: the model's own (its family's, or 'none' when it rescales itself). */
  preprocessing?: Preprocessing;
  /** WebGPU layout: 'auto' (checked against the CPU provider per model), 'nhwc', 'nchw' (src/core/profile/ort/gpuLayout.ts). Default 'auto'. */
  gpuLayout?: string;
  /** Samples per run, every backend. Default 1. */
  batch?: number;
}


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
