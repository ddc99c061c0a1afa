// The zoo's first views, computed at build time and shipped in dist/zoo/ so "Show ResNet-50 graph"
// draws without waiting for the model process to start and elkjs to lay out cold (about 0.3 s and
// 0.5 s of a first graph). One file per model: its view graph at batch 1, the blocks collapsed at
// the default threshold and that view's layout. The extension host reads its own shipped file; a
// test checks that every file equals what the engine computes now.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../../analysis/analyze';
import { ZOO } from '../../zoo';
import { initialCollapsed, DEFAULT_COLLAPSE_THRESHOLD } from '../collapse';
import { layoutGraph, layoutKey } from '../layout';
import { buildViewGraph } from '../viewGraph';
import { ShippedView, ZOO_FIGURES_FILE } from '../pageData';
import { nodeElk } from './elkNode';

/** The view graph and first view of a zoo model at batch 1, without laying it out. */
export function zooViewGraph(name: string): Omit<ShippedView, 'layout'> {
  const entry = ZOO.find((e) => e.name === name);
  if (!entry) throw new Error(`no zoo model "${name}"`);
  const spec = entry.build();
  const graph = buildViewGraph(spec, analyzeModel(spec.model, { batch: 1 }));
  return { graph, collapsed: [...initialCollapsed(graph, { threshold: DEFAULT_COLLAPSE_THRESHOLD })] };
}

/**
 * Writes dist/zoo/<name>.json for every zoo model. A file whose graph and layout key are unchanged
 * keeps its layout (elkjs takes ~9 s over the whole zoo; analysis ~1 s).
 */
export async function writeZooViews(dir: string, log: (line: string) => void = () => undefined): Promise<{ laidOut: number; kept: number }> {
  mkdirSync(dir, { recursive: true });
  let laidOut = 0;
  let kept = 0;
  const figures: { name: string; params: number; macs: number }[] = [];
  for (const e of ZOO) {
    const file = join(dir, `${e.name}.json`);
    const { graph, collapsed } = zooViewGraph(e.name);
    figures.push({ name: e.name, params: graph.totals.params, macs: graph.totals.macs });
    const key = layoutKey(graph, new Set(collapsed));
    const text = (layout: unknown): string => JSON.stringify({ graph, collapsed, layout });
    if (existsSync(file)) {
      const before = readFileSync(file, 'utf8');
      const old = JSON.parse(before) as ShippedView;
      if (old.layout?.key === key && text(old.layout) === before) { kept++; continue; }
    }
    const t = Date.now();
    const layout = await layoutGraph(nodeElk(), graph, new Set(collapsed));
    writeFileSync(file, text(layout));
    laidOut++;
    log(`zoo view ${e.name}: laid out in ${Date.now() - t} ms`);
  }
  // The Models tree's figures in one small file, so the extension host reads two numbers per model, not 9 MB of views.
  writeFileSync(join(dir, ZOO_FIGURES_FILE), JSON.stringify(figures));
  return { laidOut, kept };
}
