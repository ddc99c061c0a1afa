// First collapse of a block and PNG export on ResNet-50, in Debian Chromium headless (the webview
// harness the tests use), as in the editor: the page is served with the shipped first view
// (dist/zoo/resnet50.json) inside, so nothing has been laid out in this session and the model
// process is cold; the host starts it 1.5 s after the page is ready (graphPanel.ts), and the user
// collapses a block a little later. Before and after are measured side by side in one run.
// The standalone HTML export's first collapse too (NETLENS_BEFORE_STANDALONE: a page from before).
// `node bench/run.mjs webview.interaction`
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { execFileSync, execSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, pageHtml, startHarness, Harness } from '../test/webview/harness';
import { ModelService } from '../src/host/modelService';
import type { ModelMessage, ShippedView } from '../src/protocol/graph';
import type { GraphLayout } from '../src/core/graph/layout';

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const ms = (v: number): string => `${Math.round(v)} ms`;
const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));
const rows: [string, string, string][] = [];
const row = (k: string, before: string, after: string): void => { rows.push([k, before, after]); process.stderr.write(`${k}: ${before} | ${after}\n`); };

const shipped = JSON.parse(readFileSync(join(ROOT, 'dist', 'zoo', 'resnet50.json'), 'utf8')) as ShippedView;
let served = 0;
/** Host side of each layout request (model process round trip, ELK in and out, checks). */
const hostMs: number[] = [];

/** The page as the host serves a shipped zoo view: model message inside, layoutRequest answered by `service`. */
async function openShipped(h: Harness, service: ModelService, warm: (s: ModelService) => void, warmAfterMs: number): Promise<Page> {
  const msg: ModelMessage = {
    type: 'model', modelArg: 'resnet50', graph: shipped.graph, collapsed: shipped.collapsed,
    settings: { collapseThreshold: 300, colorBy: 'category', showShapes: false }, layouts: [shipped.layout], canProfile: false, profile: null,
  };
  const id = `i${++served}`;
  h.serve(id, pageHtml(h.origin, msg));
  const page = await h.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.exposeFunction('__nlHostLayout', async (collapsed: string[]): Promise<GraphLayout> => {
    const t = performance.now();
    const l = await service.layout(shipped.graph, new Set(collapsed));
    hostMs.push(performance.now() - t);
    return l;
  });
  await page.exposeFunction('__nlHostReady', () => { setTimeout(() => warm(service), warmAfterMs); });
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown> & { __nlHostLayout(c: string[]): Promise<unknown>; __nlHostReady(): void };
    const posted: unknown[] = [];
    w.__posted = posted;
    w.acquireVsCodeApi = () => ({
      postMessage(x: { type: string; collapsed?: string[] }) {
        posted.push(x);
        if (x.type === 'ready') w.__nlHostReady();
        if (x.type === 'layoutRequest') void w.__nlHostLayout(x.collapsed ?? []).then((layout) => window.postMessage({ type: 'layout', layout }, '*'));
      },
      getState: () => undefined,
      setState: () => undefined,
    });
  });
  await page.goto(`${h.origin}/pages/${id}.html`);
  await page.waitForFunction(() => (window as unknown as { __netlens?: { drawnMs?: number } }).__netlens?.drawnMs !== undefined, null, { timeout: 60000 });
  return page;
}

/** Collapses a block as a click on its header does, to the next painted frame; ms and the split. */
async function collapse(page: Page, group: string): Promise<{ total: number; render: number; nodes: number }> {
  return page.evaluate(async (id) => {
    const app = (window as unknown as { __netlens: { app: { toggleGroup(id: string): Promise<void> } } }).__netlens.app;
    performance.clearMarks();
    const t0 = performance.now();
    await app.toggleGroup(id);
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const t1 = performance.now();
    const r0 = performance.getEntriesByName('nl-render').at(-1)?.startTime ?? t1;
    const r1 = performance.getEntriesByName('nl-rendered').at(-1)?.startTime ?? t1;
    return { total: t1 - t0, render: r1 - r0, nodes: document.querySelectorAll('#nl-viewport .nl-node').length };
  }, group);
}

/** Export PNG as the toolbar does, to the posted message (in VS Code the host's save dialog opens then). */
async function exportPng(page: Page): Promise<{ total: number; bytes: number }> {
  return page.evaluate(async () => {
    const w = window as unknown as { __posted: { type: string; data?: string }[]; __netlens: { app: { export(f: string): Promise<void> } } };
    const n = w.__posted.length;
    const t0 = performance.now();
    await w.__netlens.app.export('png');
    const m = w.__posted.slice(n).find((x) => x.type === 'export');
    return { total: performance.now() - t0, bytes: m?.data?.length ?? 0 };
  });
}

/** The PNG export as it was before (webview/exporter.ts at 0432384): scale 2 inside the canvas limits, toDataURL. */
async function exportPngBefore(page: Page): Promise<{ total: number; bytes: number }> {
  return page.evaluate(async () => {
    const app = (window as unknown as { __netlens: { app: { exportSvg(): string; layout: { width: number; height: number } } } }).__netlens.app;
    const t0 = performance.now();
    const svgText = app.exportSvg();
    const layout = app.layout;
    const scale = Math.min(2, 16384 / layout.width, 16384 / layout.height, Math.sqrt((64 * 1024 * 1024) / (layout.width * layout.height)));
    const w = Math.max(1, Math.floor(layout.width * scale));
    const hgt = Math.max(1, Math.floor(layout.height * scale));
    const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
    const img = new Image();
    img.decoding = 'async';
    await new Promise<void>((resolve, reject) => { img.onload = () => resolve(); img.onerror = () => reject(new Error('raster')); img.src = url; });
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = hgt;
    canvas.getContext('2d')!.drawImage(img, 0, 0, w, hgt);
    const data = canvas.toDataURL('image/png');
    URL.revokeObjectURL(url);
    return { total: performance.now() - t0, bytes: data.length };
  });
}

/** A standalone HTML export (elkjs in a worker on the page): first collapse `look` ms after the first paint. */
async function standaloneCollapse(h: Harness, file: string, look: number): Promise<number> {
  const page = await h.browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => (window as unknown as { __netlens?: { drawnMs?: number } }).__netlens?.drawnMs !== undefined, null, { timeout: 60000 });
    await sleep(look);
    return (await collapse(page, 'conv3_block1')).total;
  } finally {
    await page.close();
  }
}

const PAGES = 3;
const AFTER_PAINT_MS = Number(process.env.NETLENS_LOOK_MS ?? 4000);

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  const uptimeBefore = execSync('uptime').toString().trim();
  const h = await startHarness();
  const script = join(ROOT, 'dist', 'modelService.js');
  const ids = shipped.graph.groups.map((g) => g.id);
  const first = ids.find((g) => g === 'conv3_block1') ?? ids[0];
  const second = ids.find((g) => g === 'conv4_block2') ?? ids[1];
  const standalone: [number, number[], number[]][] = [];
  const r: Record<'before' | 'after', { c1: number[]; c2: number[]; back: number[]; render: number[]; png: number[]; bytes: number }> = {
    before: { c1: [], c2: [], back: [], render: [], png: [], bytes: 0 },
    after: { c1: [], c2: [], back: [], render: [], png: [], bytes: 0 },
  };
  try {
    for (let i = 0; i < PAGES; i++) {
      for (const variant of ['before', 'after'] as const) {
        const service = new ModelService({ script });
        // Before: the host started the process 1.5 s after 'ready'; after: 0.5 s after an embedded
        // page's 'ready', and it also warms elkjs with this graph (graphPanel.ts).
        const page = variant === 'before'
          ? await openShipped(h, service, (s) => s.warm(), 1500)
          : await openShipped(h, service, (s) => s.warm(shipped.graph, new Set(shipped.collapsed)), 500);
        await sleep(AFTER_PAINT_MS);
        const h0 = hostMs.length;
        const c1 = await collapse(page, first);
        process.stderr.write(`  host part ${hostMs.slice(h0).map(Math.round).join(', ')} ms\n`);
        const back = await collapse(page, first);
        const c2 = await collapse(page, second);
        await collapse(page, second);
        r[variant].c1.push(c1.total); r[variant].back.push(back.total); r[variant].c2.push(c2.total); r[variant].render.push(c1.render);
        for (let k = 0; k < 3; k++) {
          const e = variant === 'before' ? await exportPngBefore(page) : await exportPng(page);
          r[variant].png.push(e.total);
          r[variant].bytes = e.bytes;
        }
        process.stderr.write(`${variant} ${i}: collapse ${Math.round(c1.total)} ms (${c1.nodes} nodes), back ${Math.round(back.total)}, another block ${Math.round(c2.total)}; png ${r[variant].png.slice(-3).map(Math.round).join(', ')} ms\n`);
        await page.close();
        service.dispose();
      }
    }
    // Standalone export: the page before the change from NETLENS_BEFORE_STANDALONE (a ResNet-50
    // .html written by the earlier build), the page now written by this build's CLI.
    const dir = mkdtempSync(join(tmpdir(), 'netlens-bench-'));
    const now = join(dir, 'resnet50.graph.html');
    execFileSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'graph', 'resnet50', '--out', now], { stdio: 'ignore' });
    const was = process.env.NETLENS_BEFORE_STANDALONE;
    for (const look of [1000, 4000]) {
      const sb: number[] = [];
      const sa: number[] = [];
      for (let i = 0; i < PAGES; i++) {
        if (was && existsSync(was)) sb.push(await standaloneCollapse(h, was, look));
        sa.push(await standaloneCollapse(h, now, look));
      }
      standalone.push([look, sb, sa]);
    }
  } finally {
    await h.close();
  }
  const b = r.before;
  const a = r.after;
  const list = (xs: number[]): string => `${ms(median(xs))} (${xs.map(Math.round).join(', ')})`;
  row('first collapse of a block (conv3_block1), click to painted frame, median of 3 pages', list(b.c1), list(a.c1));
  row('the block expanded again (layout cached in the page)', list(b.back), list(a.back));
  row('collapse of another block (conv4_block2), the process laid out one already', list(b.c2), list(a.c2));
  row('page part of the first collapse (render to rendered mark), median', ms(median(b.render)), ms(median(a.render)));
  row(`PNG export, toolbar call to the 'export' message, median of ${b.png.length}`, list(b.png), list(a.png));
  for (const [look, sb, sa] of standalone) {
    row(`standalone HTML export: first collapse (conv3_block1) ${look / 1000} s after the first paint, median of ${PAGES}`, sb.length ? list(sb) : 'not measured', list(sa));
  }
  row('PNG: pixels and data URL size', `${Math.floor(shipped.layout.width * Math.min(2, 16384 / shipped.layout.height))} x 16384 (scale 1.43), ${(b.bytes / 1e6).toFixed(2)} MB`, `${shipped.layout.width} x ${shipped.layout.height} (device scale 1), ${(a.bytes / 1e6).toFixed(2)} MB`);
  const cpu = (() => { try { return execSync('lscpu').toString().match(/Model name:\s*(.+)/)?.[1]?.trim(); } catch { return undefined; } })() ?? cpus()[0]?.model ?? '?';
  process.stdout.write(`\`node bench/run.mjs webview.interaction\` (bench/webview.interaction.bench.ts), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpu}, ${cpus().length} vCPU, Chromium headless --disable-gpu; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after (\`uptime\` before: ${uptimeBefore}). ResNet-50 served with its shipped first view (nothing laid out in the session, model process cold), the host starting the process (before: 1.5 s after 'ready'; after: 0.5 s, warming elkjs with the graph) and the user collapsing ${AFTER_PAINT_MS / 1000} s after the first paint; before and after alternate, one new model process per page:\n\n| measure | before | after |\n| --- | --- | --- |\n`);
  for (const [k, v1, v2] of rows) process.stdout.write(`| ${k} | ${v1} | ${v2} |\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
