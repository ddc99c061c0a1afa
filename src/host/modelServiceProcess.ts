// The model service process, forked by the extension host (modelService.ts) with a heap cap: it
// reads model files (untrusted: a hostile one can at worst end this process), analyses them, builds
// the view graph and lays graphs out with elkjs (warm between requests). The host gets the view
// graph and layouts only; weights are read by loadModel (it checks them) and dropped here.
import { loadModel } from '../core/io/loadModel';
import { analyzeModel } from '../core/analysis/analyze';
import { buildViewGraph, ViewGraph } from '../core/graph/viewGraph';
import { nodeElk } from '../core/graph/node/elkNode';
import { NetLensError } from '../core/ir/types';
import type { ModelSpec } from '../core/ir/types';
import { parseHostRequest } from '../protocol/modelService';
import type { HostToService, ServiceToHost } from '../protocol/modelService';

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

function reply(m: ServiceToHost): void {
  process.send?.(m);
}

async function handle(m: HostToService): Promise<void> {
  try {
    switch (m.type) {
      case 'open':
      case 'analyse':
        reply({ type: 'graph', id: m.id, graph: graphOf(await source(m.arg, m.type === 'open'), m.batch) });
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
  else process.stderr.write(`netlens model service: dropped a malformed request\n`);
});
// The host going away (window closed, extension host ended) ends this process too.
process.on('disconnect', () => process.exit(0));
