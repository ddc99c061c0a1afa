// The host side of the model service process (modelServiceProcess.ts): model files are read,
// analysed and laid out there, in a separate Node.js process with a heap cap, never in the
// extension host. The host receives view graphs and layouts only, and checks both. Each process
// serves one request at a time, so when a file takes a process down (a decompression or
// allocation bomb) the request that did it fails with one line naming the file, and the requests
// queued behind it run in a fresh process. A file that keeps its process busy cannot hold the
// others up: once a request has run for OVERFLOW_MS, the next ones go to a second process, and a
// request past its time limit (netlens.modelService.timeoutSeconds) ends its process with one line.
// The process stays warm between requests (elkjs' compiled code with it) and exits after a few
// idle minutes. No vscode import: unit tests drive it directly.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ElkOutputNode, GraphLayout } from '../core/graph/layout';
import { countBoxes, fromElk, layoutKey, MAX_ELK_ELEMENTS, stackedLayout, toElkGraph } from '../core/graph/layout';
import type { ViewGraph } from '../core/graph/viewGraph';
import { NetLensError } from '../core/ir/types';
import { HostToService, parseServiceMessage, ServiceToHost } from '../protocol/modelService';
import { validLayout } from '../protocol/graph';
import { forkCapped } from '../worker/cappedProcess';

export const DEFAULT_SERVICE_HEAP_MB = 2048;
/** Default per-request time limit (netlens.modelService.timeoutSeconds). */
export const DEFAULT_SERVICE_TIMEOUT_S = 120;
const IDLE_MS = 5 * 60 * 1000;
/** A request busy this long lets the next ones start a second process. */
const OVERFLOW_MS = 2000;
/** Processes at most (each has the heap cap). */
const MAX_LANES = 2;
const STDERR_TAIL = 4000;
/** Layouts a warm-up runs in a new process before its code is fast (see warm). */
const WARM_LAYOUTS = 5;

type Request = { type: 'open' | 'analyse'; arg: string; batch: number } | { type: 'layout'; elk: unknown };
type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface ModelServiceOptions {
  /** The built service script (dist/modelService.js). */
  script: string;
  /** Heap cap of the process in MiB, read at each start (a setting can change it between starts). */
  heapMb?: () => number;
  /** Time limit of one request in seconds, read at each request. */
  timeoutSeconds?: () => number;
  idleMs?: number;
  /** How long a request runs before the next ones may start a second process. */
  overflowMs?: number;
}

interface Pending {
  id: number;
  request: Request;
  what: string;
  resolve: (m: ServiceToHost) => void;
  reject: (e: Error) => void;
}

/** One process and the request it is working on. */
interface Lane {
  child: ChildProcess | undefined;
  current: Pending | undefined;
  /** When `current` was sent. */
  since: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  stderrTail: () => string;
  heap: number;
}

/** What a view needs of a model, as the service sends it. */
export class ModelService {
  private readonly lanes: Lane[] = [];
  private seq = 0;
  private readonly queue: Pending[] = [];
  private readonly inflight = new Map<string, Promise<GraphLayout>>();
  private idle: ReturnType<typeof setTimeout> | undefined;
  private overflowCheck: ReturnType<typeof setTimeout> | undefined;
  private stale = false;
  /** Layouts answered by the running process (reset when a process starts: a new one is cold; tests read it). */
  layoutsRun = 0;
  /** Warm-up layouts still to send. */
  private warmLeft = 0;
  /** Processes started so far (tests read it to see a restart). */
  starts = 0;

  constructor(private readonly options: ModelServiceOptions) {}

  /** The first running process (tests compare it across requests). */
  get pid(): number | undefined {
    return this.lanes.find((l) => l.child)?.child?.pid;
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
    // Too big for elkjs (it overflows the stack): stacked here by loops, as layoutGraph does.
    if (countBoxes(elk) > MAX_ELK_ELEMENTS) return Promise.resolve(stackedLayout(key, elk, edges));
    const p = this.request({ type: 'layout', elk }, `the ${graph.model} graph`).then((m) => {
      if (m.type !== 'layout') throw new Error('the model service answered a layout request with something else');
      const layout = fromElk(key, m.out as ElkOutputNode, edges, graph);
      // The process laid out a graph built from a file: its answer is checked like a page's.
      if (!validLayout(layout)) throw new Error(`the model service sent a malformed layout for ${graph.model}`);
      return layout;
    }).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** A new heap limit applies from the next request: each process is replaced once it is free. */
  restart(): void {
    this.stale = true;
    for (const lane of this.lanes) if (!lane.current) this.stop(lane);
    if (this.lanes.every((l) => !l.current)) this.stale = false;
  }

  /**
   * Starts the process ahead of the first request (it exits after the idle time like any other).
   * Given a graph, it also lays that graph out a few times and drops the results: elkjs' compiled
   * code is slow until V8 has optimised it (ResNet-50: 380-450 ms for the first layout in a
   * process, 180-230 ms for the second, 90-150 ms from the sixth), so the user's first collapse
   * would pay for it. The first warm-up layout is the graph with every block collapsed (about
   * 60 ms, elkjs loaded), so a block collapsed at once does not wait behind a cold full layout;
   * then the view as shown. Each is sent only when nothing else is queued or running, so a
   * request waits behind one at most.
   */
  warm(graph?: ViewGraph, collapsed: ReadonlySet<string> = new Set()): void {
    if (!this.lanes.some((l) => l.child)) {
      try {
        const lane = this.lanes[0] ?? this.addLane();
        this.hold(this.start(lane), false);
        this.scheduleIdle();
      } catch { return; /* reported by the first request */ }
    }
    if (graph && this.warmLeft === 0 && this.layoutsRun < WARM_LAYOUTS) {
      this.warmLeft = WARM_LAYOUTS - this.layoutsRun;
      this.warmUp(graph, collapsed);
    }
  }

  private warmUp(graph: ViewGraph, collapsed: ReadonlySet<string>): void {
    if (this.warmLeft <= 0 || this.queue.length || this.lanes.some((l) => l.current) || !this.lanes.some((l) => l.child)) { this.warmLeft = 0; return; }
    const all = this.layoutsRun === 0 && graph.groups.length > 0;
    const { elk } = toElkGraph(graph, all ? new Set(graph.groups.map((g) => g.id)) : collapsed);
    if (countBoxes(elk) > MAX_ELK_ELEMENTS) { this.warmLeft = 0; return; }
    this.warmLeft--;
    this.request({ type: 'layout', elk }, `warming up the layout of ${graph.model}`).then(
      () => this.warmUp(graph, collapsed),
      () => { this.warmLeft = 0; },
    );
  }

  dispose(): void {
    clearTimeout(this.idle);
    clearTimeout(this.overflowCheck);
    const pending = [...this.lanes.flatMap((l) => (l.current ? [l.current] : [])), ...this.queue.splice(0)];
    for (const lane of this.lanes.splice(0)) {
      clearTimeout(lane.timer);
      lane.current = undefined;
      this.stop(lane);
    }
    for (const p of pending) p.reject(new NetLensError(`${p.what}: NetLens closed its model process`));
  }

  private graphReply(m: ServiceToHost): ViewGraph {
    if (m.type !== 'graph') throw new Error('the model service answered a model request with something else');
    return m.graph;
  }

  private addLane(): Lane {
    const lane: Lane = { child: undefined, current: undefined, since: 0, timer: undefined, stderrTail: () => '', heap: DEFAULT_SERVICE_HEAP_MB };
    this.lanes.push(lane);
    return lane;
  }

  private stop(lane: Lane): void {
    const c = lane.child;
    lane.child = undefined;
    c?.kill();
  }

  private start(lane: Lane): ChildProcess {
    if (lane.child) return lane.child;
    if (!existsSync(this.options.script)) throw new NetLensError(`the model service is not built (${this.options.script}); run \`npm run build\``);
    lane.heap = this.options.heapMb?.() ?? DEFAULT_SERVICE_HEAP_MB;
    const { child, stderrTail } = forkCapped(this.options.script, { heapMb: lane.heap, tailChars: STDERR_TAIL });
    this.starts++;
    if (lane === this.lanes[0]) this.layoutsRun = 0;
    lane.stderrTail = stderrTail;
    child.on('message', (raw: unknown) => this.onMessage(lane, child, raw));
    child.on('error', (e) => this.gone(lane, child, `could not start (${e.message})`));
    child.on('exit', (code, signal) => this.gone(lane, child, this.describeExit(lane, code, signal)));
    lane.child = child;
    return child;
  }

  private describeExit(lane: Lane, code: number | null, signal: NodeJS.Signals | null): string {
    if (/heap out of memory|Allocation failed|out of memory|Invalid array length|Array buffer allocation failed/i.test(lane.stderrTail())) {
      return `ran out of memory (limit ${lane.heap} MiB)`;
    }
    if (signal) return `was killed by ${signal}`;
    return `exited with code ${code}`;
  }

  /** Ends a lane's request: its timer stops, and a spare process with nothing queued is let go. */
  private finish(lane: Lane): Pending | undefined {
    const p = lane.current;
    lane.current = undefined;
    clearTimeout(lane.timer);
    return p;
  }

  /**
   * The process ended: the request it was working on fails with one line naming its model (that
   * model is what ended it); the queued ones go on in a new process.
   */
  private gone(lane: Lane, child: ChildProcess, why: string): void {
    if (lane.child !== child) return;
    lane.child = undefined;
    const p = this.finish(lane);
    p?.reject(new NetLensError(`${p.what}: the model process ${why}; NetLens starts a new one for the next request`));
    this.pump();
  }

  /** A request past its time limit: its process is ended (the only way to stop a busy one). */
  private timedOut(lane: Lane, p: Pending, seconds: number): void {
    if (lane.current !== p) return;
    this.finish(lane);
    this.stop(lane);
    p.reject(new NetLensError(`${p.what}: took longer than ${seconds} s (netlens.modelService.timeoutSeconds); NetLens stopped its model process and starts a new one for the next request`));
    this.pump();
  }

  private onMessage(lane: Lane, child: ChildProcess, raw: unknown): void {
    const p = lane.current;
    if (lane.child !== child || !p || (raw as { id?: unknown })?.id !== p.id) return;
    this.finish(lane);
    const m = parseServiceMessage(raw);
    if (!m) p.reject(new Error(`the model service sent a malformed answer for ${p.what}`));
    else if (m.type === 'error') p.reject(m.userError ? new NetLensError(m.message) : new Error(`model service: ${m.message}`));
    else {
      if (m.type === 'layout' && lane === this.lanes[0]) this.layoutsRun++;
      p.resolve(m);
    }
    this.pump();
  }

  private request(request: Request, what: string): Promise<ServiceToHost> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.seq, request, what, resolve, reject });
      this.pump();
    });
  }

  /** A free lane for the next request: an idle process, else a new one when the busy ones have run OVERFLOW_MS. */
  private freeLane(): Lane | undefined {
    const free = this.lanes.find((l) => !l.current && l.child) ?? this.lanes.find((l) => !l.current);
    if (free) return free;
    if (this.lanes.length >= MAX_LANES) return undefined;
    const overflow = this.options.overflowMs ?? OVERFLOW_MS;
    const busySince = Math.max(...this.lanes.map((l) => l.since));
    if (this.lanes.length === 0 || Date.now() - busySince >= overflow) return this.addLane();
    // Look again when the busiest lane has run long enough.
    clearTimeout(this.overflowCheck);
    this.overflowCheck = setTimeout(() => this.pump(), overflow - (Date.now() - busySince) + 5);
    this.overflowCheck.unref?.();
    return undefined;
  }

  /** Sends queued requests to free processes. */
  private pump(): void {
    if (this.stale && this.lanes.every((l) => !l.current)) {
      this.stale = false;
      for (const lane of this.lanes) this.stop(lane);
    }
    // Spare processes (all but one) with nothing to do are let go.
    if (this.queue.length === 0) {
      for (const lane of [...this.lanes]) {
        if (this.lanes.length > 1 && !lane.current) {
          this.stop(lane);
          this.lanes.splice(this.lanes.indexOf(lane), 1);
        }
      }
      this.scheduleIdle();
      return;
    }
    clearTimeout(this.idle);
    for (let lane = this.freeLane(); lane && this.queue.length; lane = this.freeLane()) {
      const p = this.queue.shift()!;
      let child: ChildProcess;
      try { child = this.start(lane); } catch (e) { p.reject(e as Error); continue; }
      lane.current = p;
      lane.since = Date.now();
      const seconds = this.timeoutSeconds();
      const sent = lane;
      sent.timer = setTimeout(() => this.timedOut(sent, p, seconds), seconds * 1000);
      this.hold(child, true);
      child.send({ ...p.request, id: p.id } as Distribute<HostToService> & { id: number }, (e) => {
        if (e && sent.current === p) {
          this.finish(sent);
          p.reject(new NetLensError(`${p.what}: the model process is not reachable (${e.message})`));
          this.pump();
        }
      });
    }
  }

  private timeoutSeconds(): number {
    const s = this.options.timeoutSeconds?.() ?? DEFAULT_SERVICE_TIMEOUT_S;
    return Number.isFinite(s) && s > 0 ? Math.min(s, 24 * 3600) : DEFAULT_SERVICE_TIMEOUT_S;
  }

  /** Keeps the caller's event loop alive only while an answer is awaited (a CLI or test can exit when done). */
  private hold(child: ChildProcess, on: boolean): void {
    const channel = (child as unknown as { channel?: { ref(): void; unref(): void } }).channel;
    if (on) { child.ref(); channel?.ref(); } else { child.unref(); channel?.unref(); }
  }

  private scheduleIdle(): void {
    clearTimeout(this.idle);
    if (this.lanes.some((l) => l.current) || this.queue.length) return;
    for (const lane of this.lanes) if (lane.child) this.hold(lane.child, false);
    this.idle = setTimeout(() => this.dispose(), this.options.idleMs ?? IDLE_MS);
    this.idle.unref?.();
  }
}
