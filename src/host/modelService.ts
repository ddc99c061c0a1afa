// The host side of the model process (src/process/modelProcess.ts): model files are read,
// analysed and laid out there, in a separate Node.js process with a heap cap, never in the
// extension host. The host receives view graphs and layouts only, and checks both. Each process
// serves one request at a time, so when a file takes a process down (a decompression or
// allocation bomb) the request that did it fails with one line naming the file, and the requests
// queued behind it run in a fresh process. A file that keeps its process busy cannot hold the
// others up: once a request has run for OVERFLOW_MS, the next ones go to a second process, and a
// request past its time limit (netlens.modelService.timeoutSeconds) ends its process with one line.
// The process stays warm between requests (elkjs' compiled code with it) and exits after a few
// idle minutes. Each process is driven through the one child-process client (process/childClient.ts:
// ids, parse on receipt, time limit, exit text); here are the lanes, the queue and the idle exit.
// No vscode import: unit tests drive it directly.
import type { ElkOutputNode, GraphLayout } from '../core/graph/layout';
import { countBoxes, fromElk, layoutKey, MAX_ELK_ELEMENTS, stackedLayout, toElkGraph } from '../core/graph/layout';
import type { ViewGraph } from '../core/graph/viewGraph';
import { NetLensError } from '../core/ir/types';
import { FirstViewAnswer, FirstViewRequest, HostToService, ModelFigures, parseServiceMessage, ServiceToHost } from '../protocol/modelService';
import { validLayout } from '../protocol/graph';
import { CallEnd, ChildClient } from '../process/childClient';

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

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = Distribute<HostToService>;

/** A model opened for a page: its view graph and first view (the layout null when the host's cache holds it). */
export interface OpenedView extends FirstViewAnswer {
  graph: ViewGraph;
}

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
  request: Request;
  what: string;
  resolve: (m: ServiceToHost) => void;
  reject: (e: Error) => void;
}

/** One process and the request it is working on. */
interface Lane {
  client: ChildClient<HostToService, ServiceToHost>;
  current: Pending | undefined;
  /** When `current` was sent. */
  since: number;
}

/** What a view needs of a model, as the service sends it. */
export class ModelService {
  private readonly lanes: Lane[] = [];
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
    return this.lanes.find((l) => l.client.running)?.client.pid;
  }

  /** Reads the model (zoo name or file path) in the service and answers its view graph. */
  async open(arg: string, batch = 1): Promise<ViewGraph> {
    return this.graphReply(await this.request({ type: 'open', arg, batch }, arg)).graph;
  }

  /**
   * Reads the model for a page: its view graph at batch 1 with the first view (the blocks drawn
   * collapsed at this threshold and their layout) in one answer, so an uncached file draws after
   * one round trip. No layout is made for a structure the host's cache already holds (first.known).
   */
  async openView(arg: string, first: FirstViewRequest): Promise<OpenedView> {
    const m = this.graphReply(await this.request({ type: 'open', arg, batch: 1, first }, arg));
    if (!m.first) throw new Error('the model process answered an open without its first view');
    return { graph: m.graph, ...m.first };
  }

  /** Params and MACs of zoo models at batch 1, analysed in the process (the extension host analyses nothing). */
  async figures(names: string[]): Promise<ModelFigures[]> {
    const m = await this.request({ type: 'figures', names }, `the figures of ${names.length} zoo models`);
    if (m.type !== 'figures') throw new Error('the model service answered a figures request with something else');
    return m.figures;
  }

  /** The view graph of a model at another batch size (the service keeps recent models, weights dropped). */
  async analyse(arg: string, batch: number): Promise<ViewGraph> {
    return this.graphReply(await this.request({ type: 'analyse', arg, batch }, arg)).graph;
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
    for (const lane of this.lanes) if (!lane.current) lane.client.stop();
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
    if (!this.lanes.some((l) => l.client.running)) {
      try {
        (this.lanes[0] ?? this.addLane()).client.start();
        this.scheduleIdle();
      } catch { return; /* reported by the first request */ }
    }
    if (graph && this.warmLeft === 0 && this.layoutsRun < WARM_LAYOUTS) {
      this.warmLeft = WARM_LAYOUTS - this.layoutsRun;
      this.warmUp(graph, collapsed);
    }
  }

  private warmUp(graph: ViewGraph, collapsed: ReadonlySet<string>): void {
    if (this.warmLeft <= 0 || this.queue.length || this.lanes.some((l) => l.current) || !this.lanes.some((l) => l.client.running)) { this.warmLeft = 0; return; }
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
      lane.current = undefined;
      lane.client.stop();
    }
    for (const p of pending) p.reject(new NetLensError(`${p.what}: NetLens closed its model process`));
  }

  private graphReply(m: ServiceToHost): Extract<ServiceToHost, { type: 'graph' }> {
    if (m.type !== 'graph') throw new Error('the model service answered a model request with something else');
    return m;
  }

  private addLane(): Lane {
    const lane: Lane = {
      current: undefined, since: 0,
      client: new ChildClient<HostToService, ServiceToHost>({
        script: this.options.script, name: 'the model process', tailChars: STDERR_TAIL,
        heapMb: () => this.options.heapMb?.() ?? DEFAULT_SERVICE_HEAP_MB,
        parse: parseServiceMessage,
        onStart: () => {
          this.starts++;
          // A new process is cold: the warm-up counts again.
          if (lane === this.lanes[0]) this.layoutsRun = 0;
        },
      }),
    };
    this.lanes.push(lane);
    return lane;
  }

  /** A request's end without its answer, in one line naming its model. */
  private ended(p: Pending, end: CallEnd, seconds: number): Error {
    switch (end.kind) {
      case 'exit': return new NetLensError(`${p.what}: ${end.why}; NetLens starts a new one for the next request`);
      case 'silent': return new NetLensError(`${p.what}: took longer than ${seconds} s (netlens.modelService.timeoutSeconds); NetLens stopped its model process and starts a new one for the next request`);
      case 'malformed': return new Error(`the model service sent a malformed answer for ${p.what}`);
      case 'unsent': return new NetLensError(`${p.what}: the model process is not reachable (${end.why})`);
      case 'cancelled': return new NetLensError(`${p.what}: cancelled`);
    }
  }

  /** A lane's request ended (answered or not): the lane takes the next one. */
  private settle(lane: Lane, p: Pending, outcome: () => void): void {
    if (lane.current !== p) return;
    lane.current = undefined;
    outcome();
    this.pump();
  }

  private request(request: Request, what: string): Promise<ServiceToHost> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, what, resolve, reject });
      this.pump();
    });
  }

  /** A free lane for the next request: an idle process, else a new one when the busy ones have run OVERFLOW_MS. */
  private freeLane(): Lane | undefined {
    const free = this.lanes.find((l) => !l.current && l.client.running) ?? this.lanes.find((l) => !l.current);
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
      for (const lane of this.lanes) lane.client.stop();
    }
    // Spare processes (all but one) with nothing to do are let go.
    if (this.queue.length === 0) {
      for (const lane of [...this.lanes]) {
        if (this.lanes.length > 1 && !lane.current) {
          lane.client.stop();
          this.lanes.splice(this.lanes.indexOf(lane), 1);
        }
      }
      this.scheduleIdle();
      return;
    }
    clearTimeout(this.idle);
    for (let lane = this.freeLane(); lane && this.queue.length; lane = this.freeLane()) {
      const p = this.queue.shift()!;
      const seconds = this.timeoutSeconds();
      lane.current = p;
      lane.since = Date.now();
      const sent = lane;
      try {
        lane.client.call((id) => ({ ...p.request, id }) as HostToService, {
          // One answer per request: silence is the request's whole time.
          silenceMs: seconds * 1000,
          failed: (end) => this.settle(sent, p, () => p.reject(this.ended(p, end, seconds))),
          message: (m) => {
            this.settle(sent, p, () => {
              if (m.type === 'error') p.reject(m.userError ? new NetLensError(m.message) : new Error(`model service: ${m.message}`));
              else {
                if (m.type === 'layout' && sent === this.lanes[0]) this.layoutsRun++;
                p.resolve(m);
              }
            });
            return true;
          },
        });
      } catch (e) {
        lane.current = undefined;
        p.reject(e as Error);
      }
    }
  }

  private timeoutSeconds(): number {
    const s = this.options.timeoutSeconds?.() ?? DEFAULT_SERVICE_TIMEOUT_S;
    return Number.isFinite(s) && s > 0 ? Math.min(s, 24 * 3600) : DEFAULT_SERVICE_TIMEOUT_S;
  }

  private scheduleIdle(): void {
    clearTimeout(this.idle);
    if (this.lanes.some((l) => l.current) || this.queue.length) return;
    this.idle = setTimeout(() => this.dispose(), this.options.idleMs ?? IDLE_MS);
    this.idle.unref?.();
  }
}
