// `netlens graph <model> --out x.svg|x.html|x.json`: the graph view's exports without VS Code.
// All three are laid out here (elkjs in Node); the HTML page carries its first view's layout and lays
// out other collapse states in the browser.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { analyzeModel } from '../core/analysis/analyze';
import { loadModel } from '../core/io/loadModel';
import { ModelSpec, NetLensError } from '../core/ir/types';
import { buildViewGraph, ViewGraph } from '../core/graph/viewGraph';
import { GraphLayout, layoutGraph } from '../core/graph/layout';
import { initialCollapsed } from '../core/graph/collapse';
import { renderGraphSvg } from '../core/graph/svg';
import { nodeElk } from '../core/graph/node/elkNode';
import { DEFAULT_SETTINGS, standalonePage } from '../core/graph/node/standalone';
import { parse, positiveIntOption, requireModelArg } from './common';
import { writeOut } from './output';

/** The built assets: the nearest dist/ with webview.js up from here (dist/cli.js, or out/src/cli in tests), media/ beside it. */
export function assetDirs(): { dist: string; media: string } {
  for (let d = resolve(__dirname); ; d = resolve(d, '..')) {
    if (existsSync(join(d, 'webview.js')) && existsSync(join(d, 'elk-worker.min.js'))) return { dist: d, media: resolve(d, '..', 'media') };
    if (existsSync(join(d, 'dist', 'webview.js'))) return { dist: join(d, 'dist'), media: join(d, 'media') };
    if (resolve(d, '..') === d) throw new NetLensError('the graph page is not built: run `npm run build` first');
  }
}

type Collapse = 'none' | 'auto' | 'all';

function collapsedSet(graph: ViewGraph, mode: Collapse): Set<string> {
  if (mode === 'all') return new Set(graph.groups.filter((g) => g.parent === null).map((g) => g.id));
  if (mode === 'auto') return initialCollapsed(graph);
  return new Set();
}

/** The graph and its layout as plain JSON: every layer with its figures and box, every edge with its route. */
export function graphJson(graph: ViewGraph, layout: GraphLayout): unknown {
  return {
    model: graph.model,
    batch: graph.batch,
    totals: graph.totals,
    width: layout.width,
    height: layout.height,
    nodes: graph.nodes.map((n) => {
      const s = n.stats;
      return {
        id: `n${n.index}`, name: n.name, className: n.className, category: n.category, outputShape: s.outputShape, group: n.group,
        params: s.params, trainableParams: s.trainableParams, nonTrainableParams: s.nonTrainableParams, macs: s.macs, macsFormula: s.macsFormula,
        flops: s.flops, weightBytes: s.weightBytes, activationBytes: s.activationBytes, receptiveField: s.receptiveField,
        box: layout.boxes[`n${n.index}`] ?? null,
      };
    }),
    groups: graph.groups.map((g) => ({ id: g.id, element: `g${g.index}`, label: g.label, parent: g.parent, sums: g.sums, box: layout.boxes[`g${g.index}`] ?? null, collapsed: layout.nodes.includes(`g${g.index}`) })),
    edges: layout.edges,
    unsupported: graph.unsupported,
  };
}

export async function graphCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' }, batch: { type: 'string' }, collapse: { type: 'string' } });
  const arg = requireModelArg(positionals, 'graph');
  const out = values.out;
  if (typeof out !== 'string' || !out) throw new NetLensError('usage: netlens graph <zoo-name | path> --out <file.svg | file.html | file.json> [--batch N] [--collapse none|auto|all]');
  const ext = extname(out).toLowerCase();
  if (!['.svg', '.html', '.json'].includes(ext)) throw new NetLensError(`--out must end in .svg, .html or .json, got "${out}"`);
  const collapse = (values.collapse ?? 'none') as Collapse;
  if (!['none', 'auto', 'all'].includes(collapse)) throw new NetLensError(`--collapse must be none, auto or all, got "${values.collapse}"`);
  const batch = positiveIntOption('batch', values.batch, 1);
  const spec = await loadModel(arg);
  const text = await graphExport(spec, ext.slice(1) as 'svg' | 'html' | 'json', batch, collapse);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, text);
  writeOut(`Wrote ${out}\n`);
}

export async function graphExport(spec: Pick<ModelSpec, 'name' | 'model' | 'groups' | 'layerGroup'>, format: 'svg' | 'html' | 'json', batch = 1, collapse: Collapse = 'none'): Promise<string> {
  const graph = buildViewGraph(spec, analyzeModel(spec.model, { batch }));
  if (format === 'html') {
    // The page opens on the first view the editor would show (collapsed-first for big models).
    const first = initialCollapsed(graph, { threshold: DEFAULT_SETTINGS.collapseThreshold });
    const layout = await layoutGraph(nodeElk(), graph, first);
    return standalonePage({ graph, collapsed: [...first], layouts: [layout], settings: DEFAULT_SETTINGS }, assetDirs());
  }
  const layout = await layoutGraph(nodeElk(), graph, collapsedSet(graph, collapse));
  if (format === 'svg') return renderGraphSvg(graph, layout, { standalone: true, title: `${graph.model} · NetLens` });
  return `${JSON.stringify(graphJson(graph, layout), null, 1)}\n`;
}

/** `npm start` writes the interactive graph beside the summary. */
export async function demoGraphExport(model: string, outDir: string): Promise<string[]> {
  const spec = await loadModel(model);
  const file = join(outDir, `${spec.name}.graph.html`);
  writeFileSync(file, await graphExport(spec, 'html'));
  return [file];
}
