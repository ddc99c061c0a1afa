// The host side of the profiler process (profilerProcess.ts): dist/worker.js, optionally under
// another Node.js binary, driven through the one child-process client (childClient.ts: ids, parse
// on receipt, cancel, watchdog, exit text); here a profile request, its progress, and the wording
// of every way it can end. The next request after a crash starts a fresh process. Imports no tfjs.
//
// Cancel: the worker checks its abort signal between layers; if it has not confirmed within
// `cancelGraceMs` (a single layer of a big model on the pure-JS backend can take longer, and a
// model.predict is one uninterruptible call), the process is killed, which frees all its memory
// at once. Either way a cancel settles within about a second.
//
// Watchdog: a request whose worker sends nothing (no progress, no result) for `timeoutMs` is
// taken as a hung backend (a native kernel or GPU driver that never returns): the process is
// killed and the request fails with that reason; the next request starts a fresh process.
import { existsSync } from 'node:fs';
import { parseWorkerMessage } from '../protocol/worker';
import type { HostToWorker, ProfileRequest, WorkerToHost } from '../protocol/worker';
import type { ProfileResult, ProfileStage } from '../core/profile/result';
import { NetLensError } from '../core/ir/types';
import { ProfileCancelledError } from '../core/profile/errors';
import { CallEnd, ChildClient } from './childClient';

export interface ProfilerClientOptions {
  /** The worker script (dist/worker.js). */
  workerPath: string;
  /** Node.js binary to run it with (default: this process's, i.e. the editor's runtime). */
  nodePath?: string;
  /** V8 heap limit for the worker in MiB (default 4096). */
  maxOldSpaceMb?: number;
  /** How long a cancel may take before the process is killed (default 800 ms). */
  cancelGraceMs?: number;
  /** Extra environment for the worker (e.g. NETLENS_WASM_DIR, NETLENS_WASM_THREADS). */
  env?: Record<string, string>;
  /** Watchdog: silence (no progress or result) allowed per request before the process is killed (default 600 s; netlens.profile.timeoutSeconds). */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 600_000;

export interface ProfileCallOptions {
  onProgress?: (stage: ProfileStage, message: string, fraction: number) => void;
  signal?: AbortSignal;
}

/** The worker process died while working: out of memory, a crash, or killed from outside. */
export class ProfilerCrashError extends NetLensError {
  constructor(message: string) {
    super(message);
    this.name = 'ProfilerCrashError';
  }
}

const NAME = 'the profiler process';

export class ProfilerClient {
  private readonly child: ChildClient<HostToWorker, WorkerToHost>;

  constructor(private readonly options: ProfilerClientOptions) {
    this.child = new ChildClient<HostToWorker, WorkerToHost>({
      script: options.workerPath, name: NAME, heapMb: () => options.maxOldSpaceMb ?? 4096,
      execPath: options.nodePath, env: options.env, parse: parseWorkerMessage, partial: ['progress'],
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Processes started so far (a crash followed by a request makes it 2). */
  get starts(): number {
    return this.child.starts;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** A request's end without its answer, in the profiler's words. */
  private ended(end: CallEnd, model: string): Error {
    switch (end.kind) {
      case 'cancelled': return new ProfileCancelledError();
      case 'silent': return new ProfilerCrashError(`${NAME} sent nothing for ${Number((end.ms / 1000).toFixed(1))} s while profiling ${model} (a hung backend?); it was stopped (netlens.profile.timeoutSeconds)`);
      case 'malformed': return new ProfilerCrashError(`${NAME} sent a malformed ${end.type} while profiling ${model}`);
      case 'unsent': return new ProfilerCrashError(`${NAME} is not reachable (${end.why}) while profiling ${model}; it will be restarted on the next profile`);
      case 'exit': return new ProfilerCrashError(`${end.why} while profiling ${model}; it will be restarted on the next profile`);
    }
  }

  profile(request: ProfileRequest, call: ProfileCallOptions = {}): Promise<ProfileResult> {
    if (call.signal?.aborted) return Promise.reject(new ProfileCancelledError());
    const { workerPath, nodePath } = this.options;
    if (!existsSync(workerPath)) return Promise.reject(new NetLensError(`profiler worker not found at ${workerPath}; run \`npm run build\``));
    if (nodePath && !existsSync(nodePath)) return Promise.reject(new NetLensError(`netlens.nodePath "${nodePath}" does not exist; set it to a Node.js binary (node 20 or newer) or leave it empty`));
    return new Promise<ProfileResult>((resolve, reject) => {
      let cancelling = false;
      let id: number;
      try {
        id = this.child.call((id) => ({ type: 'profile', id, request }), {
          silenceMs: this.timeoutMs,
          failed: (end) => reject(this.ended(end, request.model)),
          message: (m) => {
            if (m.type === 'ready') return false;
            if (m.type === 'progress') {
              if (!cancelling) call.onProgress?.(m.stage, m.message, m.fraction);
              return false;
            }
            if (m.type === 'result') resolve(m.result);
            else if (m.type === 'cancelled') reject(new ProfileCancelledError());
            else if (m.userError) reject(new NetLensError(m.message));
            else {
              const e = new Error(`profiler worker: ${m.message}`);
              if (m.stack) e.stack = `profiler worker: ${m.stack}`;
              reject(e);
            }
            return true;
          },
        });
      } catch (e) {
        reject(e);
        return;
      }
      call.signal?.addEventListener('abort', () => {
        if (!this.child.pending(id) || cancelling) return;
        cancelling = true;
        // Still busy inside one long kernel after the grace: the process is stopped, which frees everything it held.
        this.child.cancel(id, { type: 'cancel', id } satisfies HostToWorker, this.options.cancelGraceMs ?? 800);
      }, { once: true });
    });
  }

  /** Stops the worker process (if any); pending profiles fail as crashed. */
  dispose(): void {
    this.child.kill();
  }
}
