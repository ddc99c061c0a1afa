// The host's side of one child process (the profiler's, or one of the model process's lanes): it
// forks the script with a heap cap (cappedFork.ts), numbers requests, routes each answer to its
// request, parses every message on receipt (a malformed one is dropped, never trusted), cancels
// (the process's own cancel message, then a kill after a grace period), stops a request whose
// process went silent, and turns the process's end into one line for every request it held
// (exitReason.ts). The next request after an exit starts a fresh process. What a request means
// and how its end is worded is the caller's (profilerClient.ts, host/modelService.ts).
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { NetLensError } from '../core/ir/types';
import { forkCapped } from './cappedFork';
import { describeExit } from './exitReason';

export interface ChildClientOptions<In> {
  /** The built script (dist/worker.js, dist/modelService.js). */
  script: string;
  /** The process in messages: "the profiler process", "the model process". */
  name: string;
  /** V8 heap cap in MiB, read at each start (a setting may change it between starts). */
  heapMb: () => number;
  /** Node.js binary (default: this process's; under Electron it runs as plain Node.js). */
  execPath?: string;
  env?: Record<string, string>;
  /** stderr kept to explain an exit (default 8192 characters). */
  tailChars?: number;
  /** Parses one message from the process: null drops it (one logged line). */
  parse: (raw: unknown) => In | null;
  /** Message types that do not end a request (progress): a malformed one is dropped and the request goes on. */
  partial?: readonly string[];
  /** Each new process (a fresh one is cold). */
  onStart?: () => void;
  /** Parsed messages that name no pending request (the profiler's 'ready'). */
  onOther?: (m: In) => void;
}

/** How a request ended without an answer of its own. */
export type CallEnd =
  /** The process ended; why: "the model process ran out of memory (limit 64 MiB)". */
  | { kind: 'exit'; why: string }
  /** Nothing came for silenceMs: the process was stopped. */
  | { kind: 'silent'; ms: number }
  /** The cancel was not confirmed within its grace period: the process was stopped. */
  | { kind: 'cancelled' }
  /** The answer did not parse. */
  | { kind: 'malformed'; type: string }
  /** The request could not be sent (the channel closed). */
  | { kind: 'unsent'; why: string };

export interface CallHandlers<In> {
  /** A parsed message for this request; returns true when it ends the request. */
  message(m: In): boolean;
  /** The request ended without an answer; called once, never after message() ended it. */
  failed(end: CallEnd): void;
  /** Silence (no message for this request) allowed before the process is taken as hung and stopped. */
  silenceMs?: number;
}

interface Call<In> {
  handlers: CallHandlers<In>;
  watchdog?: ReturnType<typeof setTimeout>;
  cancelTimer?: ReturnType<typeof setTimeout>;
}

const idOf = (raw: unknown): unknown => (typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined);
const typeOf = (raw: unknown): string => String(typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : raw).slice(0, 40);

export class ChildClient<Out extends { id: number }, In> {
  private child: ChildProcess | undefined;
  private stderrTail: () => string = () => '';
  private heap = 0;
  private nextId = 1;
  private readonly calls = new Map<number, Call<In>>();
  /** Processes started so far (a crash followed by a request makes it 2). */
  starts = 0;

  constructor(private readonly options: ChildClientOptions<In>) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Requests sent and not yet ended. */
  get busy(): number {
    return this.calls.size;
  }

  /** Starts the process unless one runs; a missing script or Node.js binary is a NetLensError. */
  start(): void {
    if (this.child) return;
    const { script, execPath } = this.options;
    if (!existsSync(script)) throw new NetLensError(`${this.options.name} is not built (${script} is missing); run \`npm run build\``);
    if (execPath && !existsSync(execPath)) throw new NetLensError(`the Node.js binary ${execPath} does not exist`);
    this.heap = this.options.heapMb();
    const { child, stderrTail } = forkCapped(script, { heapMb: this.heap, tailChars: this.options.tailChars ?? 8192, execPath: execPath || process.execPath, env: this.options.env });
    this.starts++;
    this.stderrTail = stderrTail;
    this.child = child;
    child.on('message', (raw: unknown) => this.onMessage(child, raw));
    child.on('error', (e) => this.gone(child, `could not be started with ${execPath || process.execPath} (${e.message})`));
    child.on('exit', (code, signal) => this.gone(child, describeExit({ code, signal, stderrTail: this.stderrTail(), heapMb: this.heap })));
    this.hold(false);
    this.options.onStart?.();
  }

  /** Sends a request (starting the process if needed; throws if it cannot start) and returns its id. */
  call(make: (id: number) => Out, handlers: CallHandlers<In>): number {
    this.start();
    const child = this.child!;
    const id = this.nextId++;
    const call: Call<In> = { handlers };
    this.calls.set(id, call);
    this.arm(id, call);
    this.hold(true);
    child.send(make(id), (e) => {
      if (e && this.calls.get(id) === call) this.end(id, { kind: 'unsent', why: e.message });
    });
    return id;
  }

  /** Whether a request is still waiting for its answer. */
  pending(id: number): boolean {
    return this.calls.has(id);
  }

  /**
   * Asks the process to cancel a request (its own cancel message); if the request has not ended
   * within graceMs (a long uninterruptible step), the process is stopped, which frees all it held.
   */
  cancel(id: number, message: unknown, graceMs: number): void {
    const call = this.calls.get(id);
    const child = this.child;
    if (!call || call.cancelTimer || !child) return;
    if (child.connected) child.send(message as Out);
    call.cancelTimer = setTimeout(() => {
      if (this.calls.get(id) === call && this.child === child) child.kill('SIGKILL');
    }, graceMs);
  }

  /** Stops the process; the requests it held end as an exit ("was killed by SIGTERM"). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child?.kill(signal);
  }

  /**
   * Forgets the process and stops it: the requests it held end at once with this reason (the
   * caller's own wording: "NetLens closed its model process"), not with its exit.
   */
  stop(why?: string): void {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    for (const id of [...this.calls.keys()]) this.end(id, { kind: 'exit', why: why ?? `${this.options.name} was stopped` });
    child.kill();
  }

  private end(id: number, end: CallEnd | null): Call<In> | undefined {
    const call = this.calls.get(id);
    if (!call) return undefined;
    this.calls.delete(id);
    clearTimeout(call.watchdog);
    clearTimeout(call.cancelTimer);
    if (this.calls.size === 0) this.hold(false);
    if (end) call.handlers.failed(end);
    return call;
  }

  private gone(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    for (const [id, call] of [...this.calls]) this.end(id, call.cancelTimer ? { kind: 'cancelled' } : { kind: 'exit', why: `${this.options.name} ${why}` });
  }

  private onMessage(child: ChildProcess, raw: unknown): void {
    if (this.child !== child) return;
    const m = this.options.parse(raw);
    const id = idOf(raw);
    const call = typeof id === 'number' ? this.calls.get(id) : undefined;
    if (!m) {
      const type = typeOf(raw);
      console.warn(`netlens: dropped a malformed "${type}" message from ${this.options.name}`);
      // A malformed answer ends its request now rather than at the watchdog; a malformed progress line is only dropped.
      if (call && !this.options.partial?.includes(type)) this.end(id as number, { kind: 'malformed', type });
      return;
    }
    if (!call) {
      this.options.onOther?.(m);
      return;
    }
    this.arm(id as number, call);
    if (call.handlers.message(m)) this.end(id as number, null);
  }

  /** (Re)starts a request's watchdog: each message for it proves the process alive. */
  private arm(id: number, call: Call<In>): void {
    clearTimeout(call.watchdog);
    const ms = call.handlers.silenceMs;
    if (ms === undefined) return;
    const child = this.child;
    call.watchdog = setTimeout(() => {
      if (this.calls.get(id) !== call || this.child !== child || !child) return;
      // Forgotten before its requests end, so a request sent from their handlers starts a fresh process.
      this.child = undefined;
      child.kill('SIGKILL');
      for (const [other, c] of [...this.calls]) this.end(other, c === call ? { kind: 'silent', ms } : { kind: 'exit', why: `${this.options.name} was killed by SIGKILL` });
    }, ms);
  }

  /** Keeps the caller's event loop alive only while an answer is awaited (a CLI or a test can exit when done). */
  private hold(on: boolean): void {
    const child = this.child;
    if (!child) return;
    const channel = (child as unknown as { channel?: { ref(): void; unref(): void } }).channel;
    if (on) { child.ref(); channel?.ref(); } else { child.unref(); channel?.unref(); }
  }
}
