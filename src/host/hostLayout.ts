// Layouts for the webviews, computed in the extension host process but off its main thread (a
// worker_threads thread running elkjs, see layoutThread.ts). One thread serves every panel, so
// after the first layout of a session elkjs is warm; it exits after a few idle minutes. Requests
// for a layout already being computed share the one computation.
import { Worker } from 'node:worker_threads';
import type { ElkOutputNode, GraphLayout } from '../core/graph/layout';
import { fromElk, layoutKey, toElkGraph } from '../core/graph/layout';
import type { ViewGraph } from '../core/graph/viewGraph';

const IDLE_MS = 5 * 60 * 1000;

export class HostLayout {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (o: ElkOutputNode) => void; reject: (e: Error) => void }>();
  private readonly inflight = new Map<string, Promise<GraphLayout>>();
  private idle: ReturnType<typeof setTimeout> | undefined;

  /** `script`: the built layoutThread.js. */
  constructor(private readonly script: string) {}

  layout(graph: ViewGraph, collapsed: ReadonlySet<string>): Promise<GraphLayout> {
    const key = layoutKey(graph, collapsed);
    const running = this.inflight.get(key);
    if (running) return running;
    const { elk, edges } = toElkGraph(graph, collapsed);
    const p = this.run(elk).then((out) => fromElk(key, out, edges)).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** Starts the thread ahead of the first layout (elkjs takes a moment to load). */
  warm(): void {
    this.thread();
  }

  private thread(): Worker {
    if (!this.worker) {
      const w = new Worker(this.script);
      w.unref();
      w.on('message', (m: { id: number; out?: ElkOutputNode; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.out) p.resolve(m.out); else p.reject(new Error(m.error ?? 'layout failed'));
        this.scheduleIdle();
      });
      const fail = (e: Error): void => {
        if (this.worker === w) this.worker = undefined;
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => fail(new Error(`the layout thread exited (${code})`)));
      this.worker = w;
    }
    return this.worker;
  }

  private run(input: unknown): Promise<ElkOutputNode> {
    clearTimeout(this.idle);
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread().postMessage({ id, input });
    });
  }

  private scheduleIdle(): void {
    clearTimeout(this.idle);
    if (this.pending.size) return;
    this.idle = setTimeout(() => this.dispose(), IDLE_MS);
    this.idle.unref?.();
  }

  dispose(): void {
    clearTimeout(this.idle);
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }
}
