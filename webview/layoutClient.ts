// Layout off the UI thread: elkjs' API on this side, its worker build in a web worker started from
// a blob (a webview cannot start a worker from its resource origin; a standalone file has the
// worker inlined). Results are cached by structure + collapsed set, here and, through the host,
// on disk, so toggling a block back or reopening a model does not lay it out again.
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkLike, GraphLayout } from '../src/core/graph/layout';
import { layoutGraph, layoutKey } from '../src/core/graph/layout';
import type { ViewGraph } from '../src/core/graph/viewGraph';

export type WorkerSource = { url: string } | { base64: string };

const MAX_CACHED = 64;

export class LayoutClient {
  private elk: Promise<ElkLike>;
  private readonly cache = new Map<string, GraphLayout>();
  /** Called with each new layout (the host persists it). */
  onComputed: (l: GraphLayout) => void = () => undefined;

  constructor(source: WorkerSource) {
    // Started at once: parsing elk's 1.6 MB worker overlaps with loading the model.
    this.elk = workerUrl(source).then((url) => new ELK({ workerFactory: () => new Worker(url) }) as unknown as ElkLike);
  }

  seed(layouts: GraphLayout[]): void {
    for (const l of layouts) this.remember(l);
  }

  cached(graph: ViewGraph, collapsed: ReadonlySet<string>): GraphLayout | undefined {
    return this.cache.get(layoutKey(graph, collapsed));
  }

  async layout(graph: ViewGraph, collapsed: ReadonlySet<string>): Promise<GraphLayout> {
    const hit = this.cached(graph, collapsed);
    if (hit) return hit;
    const l = await layoutGraph(await this.elk, graph, collapsed);
    this.remember(l);
    this.onComputed(l);
    return l;
  }

  private remember(l: GraphLayout): void {
    this.cache.delete(l.key);
    this.cache.set(l.key, l);
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
  }
}

async function workerUrl(source: WorkerSource): Promise<string> {
  let blob: Blob;
  if ('url' in source) {
    const r = await fetch(source.url);
    if (!r.ok) throw new Error(`cannot load the layout worker (${r.status})`);
    blob = new Blob([await r.text()], { type: 'text/javascript' });
  } else {
    const bin = atob(source.base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    blob = new Blob([bytes], { type: 'text/javascript' });
  }
  return URL.createObjectURL(blob);
}
