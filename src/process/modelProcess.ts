// The model process, forked by the extension host (host/modelService.ts, through childClient.ts)
// with a heap cap: it reads model files and zoo models (untrusted files: a hostile one can at worst
// end this process), analyses them, builds the view graph and lays graphs out with elkjs (warm
// between requests). Opening a model answers the view graph with its first view's layout in one
// message. The host gets view graphs, layouts and totals only; weights are read by loadModel (it
// checks them) and dropped here.
import { loadModel } from '../core/io/loadModel';
import { analyzeModel } from '../core/analysis/analyze';
import { buildViewGraph, ViewGraph } from '../core/graph/viewGraph';
import { nodeElk } from '../core/graph/node/elkNode';
import { structureHash } from '../core/graph/layout';
import { initialCollapsed } from '../core/graph/collapse';
import { layoutFirstView } from '../core/graph/firstView';
import { buildZooModel } from '../core/zoo';
import { NetLensError } from '../core/ir/types';
import type { ModelSpec } from '../core/ir/types';
import { parseHostRequest } from '../protocol/modelService';
import type { FirstViewAnswer, FirstViewRequest, HostToService, ModelFigures, ServiceToHost } from '../protocol/modelService';

type GraphSource = Pick<ModelSpec, 'name' | 'model' | 'groups' | 'layerGroup'>;

/** Models read recently, without weights, so a new batch size needs no second read. */
const recent = new Map<string, GraphSource>();
const RECENT = 8;

async function source(arg: string, fresh: boolean): Promise<GraphSource> {
  const hit = fresh ? undefined : recent.get(arg);
  if (hit) return hit;
  const spec = await loadModel(arg);
  const kept: GraphSource = { name: spec.name, model: spec.model, groups: spec.groups, layerGroup: spec.layerGroup };
  recent.delete(arg);
  recent.set(arg, kept);
  while (recent.size > RECENT) recent.delete(recent.keys().next().value as string);
  return kept;
}

const graphOf = (s: GraphSource, batch: number): ViewGraph => buildViewGraph(s, analyzeModel(s.model, { batch }));

/** The first view of a graph the host asked to open: its layout unless the host keeps this structure's layouts. */
async function firstView(graph: ViewGraph, first: FirstViewRequest): Promise<FirstViewAnswer> {
  if (first.known.includes(structureHash(graph))) return { collapsed: [...initialCollapsed(graph, { threshold: first.threshold })], layout: null };
  return layoutFirstView(nodeElk(), graph, first.threshold);
}

/** Zoo models' params and MACs at batch 1 (the Models tree and the quick pick when no shipped view holds them). */
function figures(names: string[]): ModelFigures[] {
  return names.map((name) => {
    const t = analyzeModel(buildZooModel(name).model, { batch: 1 }).totals;
    return { name, params: t.params, macs: t.macs };
  });
}

function reply(m: ServiceToHost): void {
  process.send?.(m);
}

async function handle(m: HostToService): Promise<void> {
  try {
    switch (m.type) {
      case 'open': {
        const graph = graphOf(await source(m.arg, true), m.batch);
        reply({ type: 'graph', id: m.id, graph, ...(m.first ? { first: await firstView(graph, m.first) } : {}) });
        break;
      }
      case 'analyse':
        reply({ type: 'graph', id: m.id, graph: graphOf(await source(m.arg, false), m.batch) });
        break;
      case 'figures':
        reply({ type: 'figures', id: m.id, figures: figures(m.names) });
        break;
      case 'layout':
        reply({ type: 'layout', id: m.id, out: await nodeElk().layout(m.elk) });
        break;
    }
  } catch (e) {
    const user = e instanceof NetLensError;
    // elkjs errors can carry kilobytes of compiled source: keep the first line, bounded.
    const message = String((e as Error)?.message ?? e).split('\n')[0].slice(0, 600);
    reply({ type: 'error', id: m.id, message, userError: user });
  }
}

process.on('message', (raw: unknown) => {
  // Parsed on receipt like every message; a malformed one is one line on stderr and dropped.
  const m = parseHostRequest(raw);
  if (m) void handle(m);
  else {
    process.stderr.write(`netlens model process: dropped a malformed request\n`);
    // One with an id is answered, so the host does not wait for it until its time limit.
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'number' && Number.isFinite(id)) reply({ type: 'error', id, message: 'the model process received a malformed request', userError: false });
  }
});
// The host going away (window closed, extension host ended) ends this process too.
process.on('disconnect', () => process.exit(0));
