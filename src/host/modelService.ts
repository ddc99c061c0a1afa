// The host side of the model service process (modelServiceProcess.ts): model files are read,
// analysed and laid out there, in a separate Node.js process with a heap cap, never in the
// extension host. The host receives view graphs and layouts only. Requests go one at a time, so
// when a file takes the process down (a decompression or allocation bomb) the request that did it
// fails with one line naming the file, and the requests queued behind it run in a fresh process.
// The process stays warm between requests (elkjs' compiled code with it) and exits after a few
// idle minutes. No vscode import: unit tests drive it directly.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ElkOutputNode, GraphLayout } from '../core/graph/layout';
import { fromElk, layoutKey, toElkGraph } from '../core/graph/layout';
import type { ViewGraph } from '../core/graph/viewGraph';
import { NetLensError } from '../core/ir/types';
import { HostToService, parseServiceMessage, ServiceToHost } from '../protocol/modelService';
import { forkCapped } from '../worker/cappedProcess';

export const DEFAULT_SERVICE_HEAP_MB = 2048;
const IDLE_MS = 5 * 60 * 1000;
const STDERR_TAIL = 4000;

type Request = { type: 'open' | 'analyse'; arg: string; batch: number } | { type: 'layout'; elk: unknown };
type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface ModelServiceOptions {
  /** The built service script (dist/modelService.js). */
  script: string;
  /** Heap cap of the process in MiB, read at each start (a setting can change it between starts). */
  heapMb?: () => number;
  idleMs?: number;
}

interface Pending {
  id: number;
  request: Request;
  what: string;
  resolve: (m: ServiceToHost) => void;
  reject: (e: Error) => void;
}

/** What a view needs of a model, as the service sends it. */
export class ModelService {
  private child: ChildProcess | undefined;
  private seq = 0;
  /** The request the process is working on, and those waiting their turn. */
  private current: Pending | undefined;
  private readonly queue: Pending[] = [];
  private readonly inflight = new Map<string, Promise<GraphLayout>>();
  private idle: ReturnType<typeof setTimeout> | undefined;
  private stderrTail: () => string = () => '';
  private heap = DEFAULT_SERVICE_HEAP_MB;
  private stale = false;
  /** Processes started so far (tests read it to see a restart). */
  starts = 0;

  constructor(private readonly options: ModelServiceOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Reads the model (zoo name or file path) in the service and answers its view graph. */
  async open(arg: string, batch = 1): Promise<ViewGraph> {
    return this.graphReply(await this.request({ type: 'open', arg, batch }, arg));
  }

  /** The view graph of a model at another batch size (the service keeps recent models, weights dropped). */
  async analyse(arg: string, batch: number): Promise<ViewGraph> {
    return this.graphReply(await this.request({ type: 'analyse', arg, batch }, arg));
  }

  /** Lays the graph out with these blocks collapsed; concurrent requests for one layout share it. */
  layout(graph: ViewGraph, collapsed: ReadonlySet<string>): Promise<GraphLayout> {
    const key = layoutKey(graph, collapsed);
    const running = this.inflight.get(key);
    if (running) return running;
    const { elk, edges } = toElkGraph(graph, collapsed);
    const p = this.request({ type: 'layout', elk }, `the ${graph.model} graph`).then((m) => {
      if (m.type !== 'layout') throw new Error('the model service answered a layout request with something else');
      return fromElk(key, m.out as ElkOutputNode, edges);
    }).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** A new heap limit applies from the next request: the process is replaced once it is free. */
  restart(): void {
    this.stale = true;
    if (!this.current) this.replaceIfStale();
  }

  private replaceIfStale(): void {
    if (!this.stale) return;
    this.stale = false;
    const c = this.child;
    this.child = undefined;
    c?.kill();
  }

  /** Starts the process ahead of the first request (it exits after the idle time like any other). */
  warm(): void {
    if (this.child) return;
    try {
      this.hold(this.start(), false);
      this.scheduleIdle();
    } catch { /* reported by the first request */ }
  }

  dispose(): void {
    clearTimeout(this.idle);
    const c = this.child;
    this.child = undefined;
    for (const p of [...(this.current ? [this.current] : []), ...this.queue.splice(0)]) p.reject(new NetLensError(`${p.what}: NetLens closed its model process`));
    this.current = undefined;
    c?.kill();
  }

  private graphReply(m: ServiceToHost): ViewGraph {
    if (m.type !== 'graph') throw new Error('the model service answered a model request with something else');
    return m.graph;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    if (!existsSync(this.options.script)) throw new NetLensError(`the model service is not built (${this.options.script}); run \`npm run build\``);
    this.heap = this.options.heapMb?.() ?? DEFAULT_SERVICE_HEAP_MB;
    const { child, stderrTail } = forkCapped(this.options.script, { heapMb: this.heap, tailChars: STDERR_TAIL });
    this.starts++;
    this.stderrTail = stderrTail;
    child.on('message', (raw: unknown) => this.onMessage(raw));
    child.on('error', (e) => this.gone(child, `could not start (${e.message})`));
    child.on('exit', (code, signal) => this.gone(child, this.describeExit(code, signal)));
    this.child = child;
    return child;
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    if (/heap out of memory|Allocation failed|out of memory|Invalid array length|Array buffer allocation failed/i.test(this.stderrTail())) {
      return `ran out of memory (limit ${this.heap} MiB)`;
    }
    if (signal) return `was killed by ${signal}`;
    return `exited with code ${code}`;
  }

  /**
   * The process ended: the request it was working on fails with one line naming its model (that
   * model is what ended it); the queued ones go on in a new process.
   */
  private gone(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    const p = this.current;
    this.current = undefined;
    p?.reject(new NetLensError(`${p.what}: the model process ${why}; NetLens starts a new one for the next request`));
    this.pump();
  }

  private onMessage(raw: unknown): void {
    const p = this.current;
    if (!p || (raw as { id?: unknown })?.id !== p.id) return;
    this.current = undefined;
    const m = parseServiceMessage(raw);
    if (!m) p.reject(new Error(`the model service sent a malformed answer for ${p.what}`));
    else if (m.type === 'error') p.reject(m.userError ? new NetLensError(m.message) : new Error(`model service: ${m.message}`));
    else p.resolve(m);
    this.pump();
  }

  private request(request: Request, what: string): Promise<ServiceToHost> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.seq, request, what, resolve, reject });
      this.pump();
    });
  }

  /** Sends the next queued request once the process is free. */
  private pump(): void {
    if (this.current) return;
    const p = this.queue.shift();
    if (!p) { this.scheduleIdle(); return; }
    clearTimeout(this.idle);
    this.replaceIfStale();
    let child: ChildProcess;
    try { child = this.start(); } catch (e) { p.reject(e as Error); this.pump(); return; }
    this.current = p;
    this.hold(child, true);
    child.send({ ...p.request, id: p.id } as Distribute<HostToService> & { id: number }, (e) => {
      if (e && this.current === p) {
        this.current = undefined;
        p.reject(new NetLensError(`${p.what}: the model process is not reachable (${e.message})`));
        this.pump();
      }
    });
  }

  /** Keeps the caller's event loop alive only while an answer is awaited (a CLI or test can exit when done). */
  private hold(child: ChildProcess, on: boolean): void {
    const channel = (child as unknown as { channel?: { ref(): void; unref(): void } }).channel;
    if (on) { child.ref(); channel?.ref(); } else { child.unref(); channel?.unref(); }
  }

  private scheduleIdle(): void {
    clearTimeout(this.idle);
    if (this.current || this.queue.length) return;
    if (this.child) this.hold(this.child, false);
    this.idle = setTimeout(() => this.dispose(), this.options.idleMs ?? IDLE_MS);
    this.idle.unref?.();
  }
}
