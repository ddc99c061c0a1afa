// The shape of a backend registry row (registry.ts holds the table and re-exports these; the rows
// kept in other files, e.g. ort/gpuRows.ts, are typed from here). Types only.
import type { BackendStep } from './result';
import type { BackendOptions } from '../engines/tfjs/backends';

export type Engine = 'onnxruntime' | 'tfjs';

/**
 * How a caller knows a step's work is finished: 'blocking' (the call returns when the work is
 * done: ONNX Runtime's run, tfjs cpu/wasm/native CPU) or 'readback' (asynchronous device work: a
 * per-layer clock must read the outputs back, as for tfjs on CUDA).
 */
export type SyncSemantics = 'blocking' | 'readback';

/** An ONNX Runtime execution provider as InferenceSession.create takes it ("cpu", or a config object). */
export type OrtExecutionProvider = string | { name: string; [option: string]: unknown };

export interface BackendContext extends BackendOptions {
  /** Threads asked for (default: one per CPU), decided per profile. */
  threads?: number;
  /** Why this model cannot run on an engine at all (e.g. a layer without an ONNX rule). */
  engineBlocked?: Partial<Record<Engine, string>>;
  /** Rows that failed at run time in this profile (a lost GPU device, ...): auto skips them with the reason. */
  failed?: Record<string, string>;
  /** The request being served, 'auto' or a row name (set by selectBackend; `webgpu` takes a software adapter only when named). */
  request?: string;
}

export interface BackendAttempt {
  ok: boolean;
  /** One line: the label when ok, why not otherwise. */
  detail: string;
  threads?: number;
  sync?: SyncSemantics;
  /** onnxruntime engine rows: the providers the session is created with. */
  executionProviders?: OrtExecutionProvider[];
  /** When one row tries several things (tensorflow: the GPU package, then the CPU one), each of them. */
  steps?: BackendStep[];
  /** When not ok: what to run or install for this machine (else the row's installHint); kept out of `detail` so the chain stays one line per backend. */
  hint?: string;
}

export interface BackendEntry {
  name: string;
  engine: Engine;
  /** One line for the setting's enumDescriptions and the CLI's help. */
  description: string;
  sync: SyncSemantics;
  /** How to make it available when it is not. */
  installHint: string;
  /** Cheap check that loads nothing heavy into the engine: can this backend be tried here? */
  probe(ctx: BackendContext): { ok: boolean; detail: string };
  /** Makes the backend ready for a profile; never throws (the attempt is the report). */
  init(ctx: BackendContext): Promise<BackendAttempt>;
}
