// Layout off the UI thread, two ways. In VS Code the extension host lays out (in its model service
// process, warm across panels) and answers layoutRequest messages. In a standalone file
// elkjs' API runs here and its worker build in a web worker started from a blob (the file carries
// the worker inlined). Either way results are cached by structure + collapsed set, so toggling a
// block back or reopening a model does not lay it out again.
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkLike, GraphLayout } from '../src/core/graph/layout';
import { layoutGraph, layoutKey } from '../src/core/graph/layout';
import type { ViewGraph } from '../src/core/graph/viewGraph';

/** elkjs' worker script, base64 (a standalone page carries it inlined). */
export type WorkerSource = { base64: string };
export type LayoutEngine = { worker: WorkerSource } | { host: (collapsed: string[]) => void };

const MAX_CACHED = 64;
/** Layouts a standalone page runs in its new worker before elkjs' code is fast (see warm). */
const WARM_LAYOUTS = 5;

export class LayoutClient {
  private elk: Promise<ElkLike> | undefined;
  private readonly cache = new Map<string, GraphLayout>();
  private readonly waiting = new Map<string, { resolve: (l: GraphLayout) => void; reject: (e: Error) => void; promise: Promise<GraphLayout> }>();
  /** Called with each layout computed in this page (standalone mode). */
  onComputed: (l: GraphLayout) => void = () => undefined;
  /** Layouts being computed for the view (standalone mode). */
  private pending = 0;
  private warming = false;

  constructor(private readonly engine: LayoutEngine) {
    // Started at once: parsing elk's 1.6 MB worker overlaps with loading the model.
    if ('worker' in engine) this.elk = workerUrl(engine.worker).then((url) => new ELK({ workerFactory: () => new Worker(url) }) as unknown as ElkLike);
  }

  seed(layouts: GraphLayout[]): void {
    for (const l of layouts) this.remember(l);
  }

  cached(graph: ViewGraph, collapsed: ReadonlySet<string>): GraphLayout | undefined {
    return this.cache.get(layoutKey(graph, collapsed));
  }

  /** A layout the host sent (answering a request, or computed ahead of one). */
  receive(layout: GraphLayout): void {
    this.remember(layout);
    const w = this.waiting.get(layout.key);
    if (w) { this.waiting.delete(layout.key); w.resolve(layout); }
  }

  fail(key: string, message: string): void {
    const w = this.waiting.get(key);
    if (w) { this.waiting.delete(key); w.reject(new Error(message)); }
  }

  async layout(graph: ViewGraph, collapsed: ReadonlySet<string>): Promise<GraphLayout> {
    const hit = this.cached(graph, collapsed);
    if (hit) return hit;
    if ('host' in this.engine) {
      const key = layoutKey(graph, collapsed);
      let w = this.waiting.get(key);
      if (!w) {
        let resolve!: (l: GraphLayout) => void;
        let reject!: (e: Error) => void;
        const promise = new Promise<GraphLayout>((res, rej) => { resolve = res; reject = rej; });
        w = { resolve, reject, promise };
        this.waiting.set(key, w);
        this.engine.host(graph.groups.filter((g) => collapsed.has(g.id)).map((g) => g.id));
      }
      return w.promise;
    }
    this.pending++;
    try {
      const l = await layoutGraph(await this.elk!, graph, collapsed);
      this.remember(l);
      this.onComputed(l);
      return l;
    } finally {
      this.pending--;
    }
  }

  /**
   * Standalone page: lays the graph out a few times in the worker and drops the results, so the
   * first block collapsed is not laid out by cold elkjs code (ResNet-50: about 0.5 s cold, 0.15 s
   * warm). First every block collapsed (quick, loads the code), then the view as shown; each one
   * only while no layout for the view is running, so one waits behind a warm-up at most. The
   * host's model process is warmed the same way (ModelService.warm).
   */
  warm(graph: ViewGraph, collapsed: ReadonlySet<string>): void {
    if (!('worker' in this.engine) || this.warming) return;
    this.warming = true;
    const sets = [new Set(graph.groups.map((g) => g.id)), ...Array.from({ length: WARM_LAYOUTS - 1 }, () => collapsed)];
    void (async () => {
      for (const c of sets) {
        if (this.pending > 0) return;
        await layoutGraph(await this.elk!, graph, c).catch(() => undefined);
      }
    })();
  }

  private remember(l: GraphLayout): void {
    this.cache.delete(l.key);
    this.cache.set(l.key, l);
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
  }
}

async function workerUrl(source: WorkerSource): Promise<string> {
  const bin = atob(source.base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' }));
}
