// Messages between the extension host and the profiler process (child_process IPC), both ways
// parsed on receipt: parseWorkerMessage in the host (process/profilerClient.ts), parseProfilerRequest
// in the process (process/profilerProcess.ts).
import type { ProfileResult, ProfileStage } from '../core/profile/result';
import type { Preprocessing } from '../core/ir/types';
export type { ProfileStage };

/** 'auto' or a row name of the backend registry (src/core/profile/registry.ts); the worker validates it. */
export type ProfileBackendRequest = string;

/** ONNX Runtime graph optimisation level (src/core/engines/ort/session.ts). */
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
  /** WebGPU layout: 'auto' (checked against the CPU provider per model), 'nhwc', 'nchw' (src/core/engines/ort/gpuLayout.ts). Default 'auto'. */
  gpuLayout?: string;
  /** Samples per run, every backend. Default 1. */
  batch?: number;
  /** 'random': seeded random data for every model input instead of `image` (src/core/profile/modelFeeds.ts). */
  feed?: 'image' | 'random';
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

// --- checks on receipt ---------------------------------------------------------------------------
// The profiler process ran a model file someone else wrote: what it sends is parsed before use, like
// every other message (a string once passed for a profile result). IPC carries JSON, where NaN and
// Infinity arrive as null, so a figure is a finite number or null.

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const figure = (v: unknown): boolean => v === null || finite(v);
const text = (v: unknown, max = 100_000): v is string => typeof v === 'string' && v.length <= max;
const STAGES = new Set(['backend', 'model', 'image', 'warmup', 'layers', 'predict', 'report']);
const MAX_LAYERS = 1_000_000;
const spread = (v: unknown): boolean => isObj(v) && figure(v.median) && figure(v.min) && figure(v.max);

/** The contract fields of a profile result have their types (extras are the page's to read defensively). */
export function validProfileResult(r: unknown): r is ProfileResult {
  if (!isObj(r) || !text(r.model) || !text(r.backend) || !text(r.image) || !text(r.weights)) return false;
  if (!figure(r.runs) || !figure(r.warmup) || !spread(r.endToEndMs) || !figure(r.sumLayerMs) || !figure(r.overhead) || !figure(r.peakBytes)) return false;
  if (!Array.isArray(r.layers) || r.layers.length > MAX_LAYERS) return false;
  for (const l of r.layers) {
    if (!isObj(l) || !text(l.name) || !text(l.className) || !spread(l.ms) || !figure(l.bytes) || !figure(l.tensors) || !figure(l.gflops)) return false;
  }
  const p = r.predictions;
  return p === null || (Array.isArray(p) && p.length <= 100_000 && p.every((x) => isObj(x) && figure(x.index) && text(x.label) && figure(x.probability)));
}

/** A worker message with its fields typed, or null (the caller logs one line and drops it). */
export function parseWorkerMessage(raw: unknown): WorkerToHost | null {
  if (!isObj(raw)) return null;
  if (raw.type === 'ready') return finite(raw.pid) && text(raw.node, 1000) ? raw as WorkerToHost : null;
  if (!finite(raw.id)) return null;
  switch (raw.type) {
    case 'progress':
      return typeof raw.stage === 'string' && STAGES.has(raw.stage) && text(raw.message) && finite(raw.fraction) ? raw as WorkerToHost : null;
    case 'result': return validProfileResult(raw.result) ? raw as WorkerToHost : null;
    case 'cancelled': return raw as WorkerToHost;
    case 'error':
      return text(raw.message) && typeof raw.userError === 'boolean' && (raw.stack === undefined || text(raw.stack)) ? raw as WorkerToHost : null;
    default: return null;
  }
}

const OPTIMIZATIONS = new Set(['all', 'extended', 'basic', 'disabled']);
const optional = (v: unknown, ok: (x: unknown) => boolean): boolean => v === undefined || ok(v);

/**
 * The fields of a profile request have their types. Their ranges (runs, batch, threads) and the
 * names the engine decides about (backend, preprocessing, GPU layout) are checked by the engine as
 * it runs, with a line for people.
 */
export function validProfileRequest(r: unknown): r is ProfileRequest {
  return isObj(r) && text(r.model, 4096) && text(r.image, 4096) && text(r.backend, 100)
    && finite(r.runs) && finite(r.warmup)
    && optional(r.optimization, (o) => typeof o === 'string' && OPTIMIZATIONS.has(o))
    && optional(r.threads, finite)
    && optional(r.preprocessing, (p) => text(p, 100))
    && optional(r.gpuLayout, (g) => text(g, 100))
    && optional(r.batch, finite)
    && optional(r.feed, (f) => f === 'image' || f === 'random');
}

/**
 * A host request with its fields typed, or null: the process answers a malformed request that
 * carries an id with an error (so the host does not wait for it) and drops any other.
 */
export function parseProfilerRequest(raw: unknown): HostToWorker | null {
  if (!isObj(raw) || !finite(raw.id)) return null;
  switch (raw.type) {
    case 'profile': return validProfileRequest(raw.request) ? { type: 'profile', id: raw.id, request: raw.request } : null;
    case 'cancel': return { type: 'cancel', id: raw.id };
    default: return null;
  }
}
