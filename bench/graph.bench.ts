// Graph view benchmarks (figures for BENCHMARKS.md "Graph view"). Browser figures come from
// Debian Chromium headless (software rendering, --disable-gpu) on the built page, driven like the
// Playwright tests; layout engine figures compare elkjs and dagre on the same graphs in this process.
import dagre from '@dagrejs/dagre';
import { stubVscode } from '../test/unit/helpers/vscodeStub';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { analyzeModel } from '../src/core/analysis/analyze';
import { buildZooModel } from '../src/core/zoo';
import { ModelBuilder } from '../src/core/ir/builder';
import type { ModelSpec } from '../src/core/ir/types';
import { buildViewGraph, ViewGraph } from '../src/core/graph/viewGraph';
import { initialCollapsed } from '../src/core/graph/collapse';
import { layoutGraph, toElkGraph, ElkInputNode, structureHash } from '../src/core/graph/layout';
import { nodeElk } from '../src/core/graph/node/elkNode';
import { ROOT, openGraph, startHarness, Harness } from '../test/webview/harness';
import { ModelService } from '../src/host/modelService';
import { join } from 'node:path';

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const ms = (v: number): string => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
const rows: [string, string][] = [];
const row = (k: string, v: string): void => { rows.push([k, v]); process.stderr.write(`${k}: ${v}\n`); };

/** 5,000 layers: 50 stages x 10 blocks x (9 conv/bn/relu layers + add), nested groups like a ResNet's. */
export function synthetic5000(): ModelSpec {
  const b = new ModelBuilder('synthetic5000');
  let x = b.input([32, 32, 16], 'input');
  let n = 1;
  for (let s = 0; s < 50 && n < 5000; s++) {
    x = b.group(`stage${s}`, () => {
      let y = x;
      for (let k = 0; k < 10 && n < 5000; k++) {
        y = b.group(`stage${s}_block${k}`, () => {
          let z = y;
          for (let i = 0; i < 3; i++) {
            z = b.conv2d(z, 16, { kernelSize: 3, padding: 'same', name: `s${s}b${k}_conv${i}` });
            z = b.batchNorm(z, { name: `s${s}b${k}_bn${i}` });
            z = b.activation(z, 'relu', `s${s}b${k}_relu${i}`);
          }
          n += 10;
          return b.add([y, z], `s${s}b${k}_add`);
        });
      }
      return y;
    });
  }
  return b.build([x]);
}

// ---- layout engines: elkjs vs dagre on the same graphs ----------------------------------------

function dagreLayout(elk: ElkInputNode): number {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 22, ranksep: 26, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const walk = (n: ElkInputNode, parent: string | null): void => {
    for (const c of n.children ?? []) {
      if (c.children && c.children.length) g.setNode(c.id, { paddingTop: 34, paddingLeft: 12, paddingRight: 12, paddingBottom: 12 });
      else g.setNode(c.id, { width: c.width, height: c.height });
      if (parent) g.setParent(c.id, parent);
      walk(c, c.id);
    }
  };
  walk(elk, null);
  for (const e of elk.edges ?? []) g.setEdge(e.sources[0], e.targets[0]);
  const t = performance.now();
  dagre.layout(g);
  return performance.now() - t;
}

async function engines(): Promise<void> {
  const cases: [string, ViewGraph, Set<string>][] = [];
  for (const m of ['googlenet', 'resnet50', 'resnet152']) {
    const s = buildZooModel(m);
    const g = buildViewGraph(s, analyzeModel(s.model));
    cases.push([`${m} expanded`, g, new Set()]);
  }
  const big = synthetic5000();
  const bg = buildViewGraph(big, analyzeModel(big.model));
  cases.push(['synthetic 5,000 layers, collapsed-first', bg, initialCollapsed(bg)]);
  const elk = nodeElk();
  // Warm both engines (JIT) on a small graph first.
  const warm = buildViewGraph(buildZooModel('resnet18'), analyzeModel(buildZooModel('resnet18').model));
  for (let i = 0; i < 3; i++) { await layoutGraph(elk, warm, new Set()); dagreLayout(toElkGraph(warm, new Set()).elk); }
  const ratios: number[] = [];
  for (const [name, g, collapsed] of cases) {
    const e: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await layoutGraph(elk, g, collapsed);
      e.push(performance.now() - t);
      d.push(dagreLayout(toElkGraph(g, collapsed).elk));
    }
    const drawn = toElkGraph(g, collapsed).edges.length;
    ratios.push(median(e) / median(d));
    row(`layout ${name} (${drawn} edges): elkjs / dagre, median of 5`, `${ms(median(e))} / ${ms(median(d))} = ${(median(e) / median(d)).toFixed(2)}x`);
  }
  row('elkjs / dagre time ratio, geometric mean over those graphs', `${Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length).toFixed(2)}x`);
}

// ---- extension activation ------------------------------------------------------------------------

function activation(): void {
  // dist/extension.js with a stand-in `vscode` module that records registrations.
  const registered: string[] = [];
  // Anything the extension touches is a callable, constructible stand-in returning another one.
  const anything = (): unknown => new Proxy(function stub() { /* nothing */ }, {
    get: (_t, k) => (k === 'then' ? undefined : k === Symbol.toPrimitive ? () => '' : anything()),
    apply: () => anything(),
    construct: () => anything() as object,
  });
  const fake: Record<string, unknown> = {};
  for (const k of ['window', 'workspace', 'env', 'languages', 'extensions', 'EventEmitter', 'TreeItem', 'ThemeIcon', 'MarkdownString', 'Uri',
    'TreeItemCollapsibleState', 'ViewColumn', 'ProgressLocation', 'StatusBarAlignment', 'Disposable', 'ConfigurationTarget', 'RelativePattern', 'CancellationTokenSource']) fake[k] = anything();
  fake.commands = new Proxy({}, { get: (_c, f) => (f === 'registerCommand' ? (id: string) => { registered.push(id); return anything(); } : anything()) });
  stubVscode(fake); // for the rest of this process
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(resolve(ROOT, 'dist', 'extension.js')) as { activate(c: unknown): void };
  const t1 = performance.now();
  ext.activate({ subscriptions: [], extensionUri: anything(), globalStorageUri: anything(), extensionPath: ROOT, globalState: anything(), workspaceState: anything() });
  const t2 = performance.now();
  row('extension: load dist/extension.js + activate() (stand-in vscode, cold process)', `${ms(t1 - t0)} + ${ms(t2 - t1)} (${registered.length} commands)`);
}

// ---- browser -------------------------------------------------------------------------------------

/**
 * Command to painted graph: from the host starting (openGraph: load, analyse, start the layout,
 * create the page) to the page's first painted frame; and the page's own part (navigation start
 * to first paint), which is what a webview adds once VS Code has created it.
 */
async function commandToPaint(h: Harness, spec: ModelSpec, o: Parameters<typeof openGraph>[2] = {}): Promise<[number, number]> {
  const t0 = performance.timeOrigin + performance.now();
  const p = await openGraph(h, spec, o);
  const [origin, fp] = await p.evaluate(() => [performance.timeOrigin, (window as unknown as { __netlens: { firstPaintMs: number } }).__netlens.firstPaintMs]);
  await p.close();
  return [origin + fp - t0, fp];
}

async function firstPaint(h: Harness, spec: ModelSpec, label: string, runs = 5): Promise<void> {
  // Host side of the command before the panel exists: load + analyse + view graph + cache key.
  const hostT: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    // Zoo models go through the model service as the command does; the synthetic model is built in memory.
    structureHash(spec.name === 'synthetic5000' ? buildViewGraph(spec, analyzeModel(spec.model)) : await h.layouts.open(spec.name));
    hostT.push(performance.now() - t);
  }
  const graph = buildViewGraph(spec, analyzeModel(spec.model));
  const cases: Record<'cold' | 'warm' | 'reopen', [number, number][]> = { cold: [], warm: [], reopen: [] };
  const shared = h.layouts;
  for (let i = 0; i < runs; i++) {
    // Cold: a new model service process (first graph of a session), nothing cached.
    h.layouts = new ModelService({ script: join(ROOT, 'dist', 'modelService.js') });
    cases.cold.push(await commandToPaint(h, spec));
    h.layouts.dispose();
    h.layouts = shared;
    // Warm: the session's thread has laid out other graphs before; nothing cached for this one.
    cases.warm.push(await commandToPaint(h, spec));
    // Reopen: the layout comes from the host's cache.
    const cached = await shared.layout(graph, initialCollapsed(graph));
    cases.reopen.push(await commandToPaint(h, spec, { layouts: [cached] }));
  }
  const fmt = (xs: [number, number][]): string => `${ms(median(xs.map((x) => x[0])))} (page part ${ms(median(xs.map((x) => x[1])))})`;
  row(`command to first paint, ${label}: first graph of a session (cold model service), median of ${runs}`, fmt(cases.cold));
  row(`command to first paint, ${label}: warm session, not laid out before, median of ${runs}`, fmt(cases.warm));
  row(`command to first paint, ${label}: reopened (layout cached), median of ${runs}`, fmt(cases.reopen));
  row(`host: load + analyse + view graph for ${label} (model service, part of the above), median of ${runs}`, ms(median(hostT)));
}

async function hoverTimes(h: Harness): Promise<void> {
  const p = await openGraph(h, buildZooModel('resnet50'));
  const r = await p.evaluate(async () => {
    const app = (window as unknown as { __netlens: { app: { layout: { nodes: string[] } }; lastHoverMs: number } }).__netlens;
    const svg = document.getElementById('nl-svg')!;
    const sync: number[] = [];
    const frame: number[] = [];
    for (const id of app.app.layout.nodes.slice(0, 120)) {
      const el = svg.querySelector(`[data-id="${id}"] .nl-bg`)!;
      const t = performance.now();
      el.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: 300, clientY: 300, pointerId: 1 }));
      sync.push(app.lastHoverMs);
      await new Promise<void>((res) => requestAnimationFrame(() => setTimeout(res, 0)));
      frame.push(performance.now() - t);
    }
    return { sync, frame };
  });
  await p.close();
  row('hover card, ResNet-50 (120 layers): handler time median / p95', `${ms(median(r.sync))} / ${ms(pct(r.sync, 95))}`);
  row('hover card, ResNet-50: event to next painted frame median / p95', `${ms(median(r.frame))} / ${ms(pct(r.frame, 95))}`);
}

async function frameTimes(h: Harness, spec: ModelSpec, label: string, settings?: { collapseThreshold: number }): Promise<void> {
  const p = await openGraph(h, spec, { settings });
  const n = await p.locator('#nl-viewport .nl-node').count();
  for (const mode of ['pan', 'zoom']) {
    const r = await p.evaluate(async (m) => {
      const app = (window as unknown as { __netlens: { app: { panBy(x: number, y: number): void; zoomBy(f: number): void } } }).__netlens.app;
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 180; i++) {
        if (m === 'pan') app.panBy(i % 60 < 30 ? -12 : 12, i % 120 < 60 ? -25 : 25); else app.zoomBy(i % 40 < 20 ? 1.04 : 1 / 1.04);
        await new Promise<void>((res) => requestAnimationFrame(() => res()));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times.slice(5);
    }, mode);
    const over = r.filter((t) => t > 1000 / 60 + 2).length;
    row(`${mode} ${label} (${n} nodes drawn), one step per frame: frame time median / p95 / max`, `${ms(median(r))} / ${ms(pct(r, 95))} / ${ms(Math.max(...r))}; ${(1000 / median(r)).toFixed(0)} fps median, ${over} of ${r.length} frames over 18.7 ms`);
  }
  await p.close();
}

(async () => {
  const loadBefore = loadavg()[0];
  activation();
  await engines();
  const h = await startHarness();
  try {
    // Warm the session's layout thread as a user's earlier graphs would.
    const warmUp = buildZooModel('resnet34');
    for (let i = 0; i < 3; i++) await h.layouts.layout(buildViewGraph(warmUp, analyzeModel(warmUp.model)), new Set());
    await firstPaint(h, buildZooModel('resnet50'), 'ResNet-50 (177 layers, expanded)');
    await firstPaint(h, buildZooModel('resnet152'), 'ResNet-152 (517 layers, collapsed-first)');
    await firstPaint(h, synthetic5000(), 'synthetic 5,000 layers (collapsed-first)', 3);
    await hoverTimes(h);
    await frameTimes(h, buildZooModel('resnet152'), 'ResNet-152 expanded', { collapseThreshold: 100000 });
  } finally {
    await h.close();
  }
  process.stdout.write(`\`npm run bench -- graph\` (bench/graph.bench.ts), one run, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Chromium headless with --disable-gpu; 1-minute load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after (2 cores, shared):\n\n| measure | value |\n| --- | --- |\n`);
  for (const [k, v] of rows) process.stdout.write(`| ${k} | ${v} |\n`);
})().catch((e) => { process.stderr.write(`${e.stack ?? e}\n`); process.exit(1); });
