// The host side of the profiler process: forks dist/worker.js (optionally under another Node.js
// binary), sends typed requests, streams progress, and turns every way the process can die into
// one clear error, after which the next request starts a fresh process. Imports no tfjs.
//
// Cancel: the worker checks its abort signal between layers; if it has not confirmed within
// `cancelGraceMs` (a single layer of a big model on the pure-JS backend can take longer, and a
// model.predict is one uninterruptible call), the process is killed, which frees all its memory
// at once. Either way a cancel settles within about a second.
//
// Watchdog: a request whose worker sends nothing (no progress, no result) for `timeoutMs` is
// taken as a hung backend (a native kernel or GPU driver that never returns): the process is
// killed and the request fails with that reason; the next request starts a fresh process.
import type { ChildProcess } from 'node:child_process';
import { forkCapped } from './cappedProcess';
import { existsSync } from 'node:fs';
import { parseWorkerMessage } from '../protocol/worker';
import type { HostToWorker, ProfileRequest } from '../protocol/worker';
import type { ProfileResult, ProfileStage } from '../core/profile/result';
import { NetLensError } from '../core/ir/types';
import { ProfileCancelledError } from '../core/profile/errors';

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

interface Pending {
  resolve: (r: ProfileResult) => void;
  reject: (e: Error) => void;
  onProgress?: ProfileCallOptions['onProgress'];
  model: string;
  cancelTimer?: NodeJS.Timeout;
  watchdog?: NodeJS.Timeout;
  /** Set when the watchdog killed the process for this request. */
  hung?: boolean;
}

const STDERR_TAIL = 8192;

export class ProfilerClient {
  private child: ChildProcess | undefined;
  private stderrTail: () => string = () => '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Processes started so far (a crash followed by a request makes it 2). */
  starts = 0;

  constructor(private readonly options: ProfilerClientOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const { workerPath, nodePath } = this.options;
    if (!existsSync(workerPath)) throw new NetLensError(`profiler worker not found at ${workerPath}; run \`npm run build\``);
    if (nodePath && !existsSync(nodePath)) throw new NetLensError(`netlens.nodePath "${nodePath}" does not exist; set it to a Node.js binary (node 20 or newer) or leave it empty`);
    const { child, stderrTail } = forkCapped(workerPath, {
      heapMb: this.options.maxOldSpaceMb ?? 4096, tailChars: STDERR_TAIL, execPath: nodePath || process.execPath, env: this.options.env,
    });
    this.starts++;
    this.stderrTail = stderrTail;
    child.on('message', (m: unknown) => this.onMessage(m));
    child.on('error', (e) => this.onGone(child, `could not run the profiler process with ${nodePath || process.execPath}: ${e.message}`));
    child.on('exit', (code, signal) => this.onGone(child, this.describeExit(code, signal)));
    this.child = child;
    return child;
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    const oom = /heap out of memory|Allocation failed|out of memory|RangeError: Array buffer allocation failed|WebAssembly.Memory|Cannot enlarge memory/i.test(this.stderrTail());
    const limit = this.options.maxOldSpaceMb ?? 4096;
    if (oom) return `the profiler process ran out of memory (heap limit ${limit} MiB)`;
    if (signal) return `the profiler process was killed by ${signal}`;
    const last = this.stderrTail().trim().split('\n').filter(Boolean).pop();
    return `the profiler process exited with code ${code}${last ? `: ${last.slice(0, 300)}` : ''}`;
  }

  private onGone(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.cancelTimer);
      clearTimeout(p.watchdog);
      if (p.hung) p.reject(new ProfilerCrashError(`the profiler process sent nothing for ${Number((this.timeoutMs / 1000).toFixed(1))} s while profiling ${p.model} (a hung backend?); it was stopped (netlens.profile.timeoutSeconds)`));
      else if (p.cancelTimer) p.reject(new ProfileCancelledError());
      else p.reject(new ProfilerCrashError(`${why} while profiling ${p.model}; it will be restarted on the next profile`));
    }
  }

  /** Every message is parsed first (protocol/worker.ts): a malformed one is one logged line and dropped. */
  private onMessage(raw: unknown): void {
    const m = parseWorkerMessage(raw);
    if (!m) {
      const id = (raw as { id?: unknown } | null)?.id;
      const p = typeof id === 'number' ? this.pending.get(id) : undefined;
      const type = String((raw as { type?: unknown } | null)?.type).slice(0, 40);
      console.warn(`netlens: dropped a malformed "${type}" message from the profiler process`);
      // A malformed answer ends its request now rather than at the watchdog.
      if (p && type !== 'progress') {
        this.pending.delete(id as number);
        clearTimeout(p.cancelTimer);
        clearTimeout(p.watchdog);
        p.reject(new ProfilerCrashError(`the profiler process sent a malformed ${type} while profiling ${p.model}`));
      }
      return;
    }
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.arm(p);
    if (m.type === 'progress') {
      if (!p.cancelTimer) p.onProgress?.(m.stage, m.message, m.fraction);
      return;
    }
    this.pending.delete(m.id);
    clearTimeout(p.cancelTimer);
    clearTimeout(p.watchdog);
    if (m.type === 'result') p.resolve(m.result);
    else if (m.type === 'cancelled') p.reject(new ProfileCancelledError());
    else if (m.userError) p.reject(new NetLensError(m.message));
    else {
      const e = new Error(`profiler worker: ${m.message}`);
      if (m.stack) e.stack = `profiler worker: ${m.stack}`;
      p.reject(e);
    }
  }

  profile(request: ProfileRequest, call: ProfileCallOptions = {}): Promise<ProfileResult> {
    if (call.signal?.aborted) return Promise.reject(new ProfileCancelledError());
    let child: ChildProcess;
    try {
      child = this.start();
    } catch (e) {
      return Promise.reject(e);
    }
    const id = this.nextId++;
    return new Promise<ProfileResult>((resolve, reject) => {
      const entry: Pending = { resolve, reject, onProgress: call.onProgress, model: request.model };
      this.pending.set(id, entry);
      this.arm(entry, child);
      call.signal?.addEventListener('abort', () => {
        if (!this.pending.has(id) || entry.cancelTimer) return;
        this.send(child, { type: 'cancel', id });
        entry.cancelTimer = setTimeout(() => {
          // Still busy inside one long kernel: stop the process, which frees everything it held.
          if (this.pending.has(id) && this.child === child) child.kill('SIGKILL');
        }, this.options.cancelGraceMs ?? 800);
      }, { once: true });
      this.send(child, { type: 'profile', id, request });
    });
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** (Re)starts a request's watchdog: each message from the worker proves it is alive. */
  private arm(p: Pending, child = this.child): void {
    clearTimeout(p.watchdog);
    p.watchdog = setTimeout(() => {
      if (!child || this.child !== child || ![...this.pending.values()].includes(p)) return;
      p.hung = true;
      child.kill('SIGKILL');
    }, this.timeoutMs);
  }

  private send(child: ChildProcess, msg: HostToWorker): void {
    if (child.connected) child.send(msg);
  }

  /** Stops the worker process (if any); pending profiles fail as crashed. */
  dispose(): void {
    const child = this.child;
    if (!child) return;
    child.kill();
  }
}
