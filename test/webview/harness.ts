// Drives the built webview page in Debian Chromium with a stand-in for acquireVsCodeApi: a small
// static server plays the webview resource origin (dist/ and media/ only, as localResourceRoots),
// the page is the one the extension serves (webviewHtml), and the stand-in answers 'ready' with
// the same 'model' message the host posts (the view graph, analysed here as the host's model
// service does), 'layoutRequest' with the service's layouts and 'batch' with the re-analysed
// graph. Shared by the Playwright tests and the benchmarks.
import { createServer, Server } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, extname, resolve, sep } from 'node:path';
import { AddressInfo } from 'node:net';
import { chromium, Browser, Page } from 'playwright-core';
import { webviewHtml } from '../../src/core/graph/html';
import { readPageAssets } from '../../src/core/graph/node/pageAssets';
import type { GraphSettings, ModelMessage } from '../../src/protocol/graph';
import type { ModelSpec } from '../../src/core/ir/types';
import type { GraphLayout } from '../../src/core/graph/layout';
import { ModelService } from '../../src/host/modelService';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { initialCollapsed } from '../../src/core/graph/collapse';

/** The repository root: the nearest directory up from here with dist/ and media/ beside package.json. */
export const ROOT = ((): string => {
  for (let d = __dirname; ; d = resolve(d, '..')) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'media'))) return d;
    if (resolve(d, '..') === d) return process.cwd();
  }
})();
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.ttf': 'font/ttf', '.json': 'application/json' };
export const NONCE = 'dGVzdG5vbmNlMTIzNDU2Nzg5MA';

export interface Harness {
  browser: Browser;
  origin: string;
  server: Server;
  /** The extension host's model service process, as the host runs it (shared by all pages, so it warms up). */
  layouts: ModelService;
  /** Serves a page at `${origin}/pages/<id>.html` (a page with its model message inside). */
  serve(id: string, html: string): void;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (url === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    const served = /^\/pages\/([\w-]+)\.html$/.exec(url)?.[1];
    if (url === '/index.html' || served) {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const html = (served && pages.get(served)) || pageHtml(origin);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
      return;
    }
    const file = join(ROOT, url);
    const allowed = [join(ROOT, 'dist') + sep, join(ROOT, 'media') + sep].some((d) => file.startsWith(d));
    if (!allowed || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const layouts = new ModelService({ script: join(ROOT, 'dist', 'modelService.js') });
  return {
    browser, origin, server, layouts,
    serve: (id, html) => { pages.set(id, html); },
    async close() { layouts.dispose(); await browser.close(); await new Promise((r) => server.close(r)); },
  };
}

/** The page as the extension serves it, optionally with its first message inside. */
export function pageHtml(origin: string, model?: ModelMessage): string {
  return webviewHtml({
    cspSource: origin, nonce: NONCE, title: 'NetLens graph', model,
    assets: readPageAssets({ dist: join(ROOT, 'dist'), media: join(ROOT, 'media') }, `${origin}/dist/codicons/codicon.ttf`),
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface OpenOptions {
  batch?: number;
  settings?: Partial<GraphSettings>;
  canProfile?: boolean;
  /** Layouts the host has cached for this model (as on a reopen). */
  layouts?: GraphLayout[];
  width?: number;
  height?: number;
  /** Serve the model message inside the page with the first view's layout, as the host does for shipped zoo views. */
  embedded?: boolean;
}

/**
 * Opens the graph page for a model as the extension does: the host starts the first layout in its
 * model service when the command runs, serves the page, answers 'ready' with the view graph and
 * every 'layoutRequest' with a layout (from its cache or the service). Resolves once the whole graph is drawn
 * (the first frame may draw only what the first view shows: probe.firstFrame).
 */
let served = 0;

export async function openGraph(h: Harness, spec: ModelSpec, o: OpenOptions = {}): Promise<Page> {
  const settings: GraphSettings = { collapseThreshold: 300, colorBy: 'category', showShapes: false, ...o.settings };
  const graph = buildViewGraph(spec, analyzeModel(spec.model, { batch: o.batch ?? 1 }));
  const cache = new Map((o.layouts ?? []).map((l) => [l.key, l] as const));
  const layout = async (collapsed: string[]): Promise<GraphLayout> => {
    const l = await h.layouts.layout(graph, new Set(collapsed));
    cache.set(l.key, l);
    return l;
  };
  const first = initialCollapsed(graph, { threshold: settings.collapseThreshold });
  void layout([...first]).catch(() => undefined);
  const page = await h.browser.newPage({ viewport: { width: o.width ?? 1400, height: o.height ?? 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  (page as unknown as { nlErrors: string[] }).nlErrors = errors;
  await page.exposeFunction('__nlHostLayout', (collapsed: string[]) => layout(collapsed));
  await page.exposeFunction('__nlHostGraph', (batch: number) => buildViewGraph(spec, analyzeModel(spec.model, { batch })));
  const msg: ModelMessage = {
    type: 'model', modelArg: spec.name, graph, collapsed: [...first], settings,
    layouts: [...cache.values()], canProfile: o.canProfile ?? false, profile: null,
  };
  let url = `${h.origin}/index.html`;
  if (o.embedded) {
    msg.layouts = [await layout([...first])];
    const id = `p${++served}`;
    h.serve(id, pageHtml(h.origin, msg));
    url = `${h.origin}/pages/${id}.html`;
  }
  await page.addInitScript((m) => {
    const w = window as unknown as Record<string, unknown> & { __nlHostLayout(c: string[]): Promise<unknown>; __nlHostGraph(b: number): Promise<unknown> };
    const posted: unknown[] = [];
    w.__posted = posted;
    w.acquireVsCodeApi = () => ({
      postMessage(x: { type: string; collapsed?: string[]; batch?: number }) {
        posted.push(x);
        if (x.type === 'ready' && m) setTimeout(() => window.postMessage(m, '*'), 0);
        if (x.type === 'layoutRequest') {
          void w.__nlHostLayout(x.collapsed ?? []).then((layout) => window.postMessage({ type: 'layout', layout }, '*'));
        }
        if (x.type === 'batch') void w.__nlHostGraph(x.batch ?? 1).then((graph) => window.postMessage({ type: 'graph', graph }, '*'));
      },
      // Kept across a reload, as VS Code keeps a webview's state when its panel is shown again.
      getState: () => JSON.parse(sessionStorage.getItem('nl-state') ?? 'null') ?? undefined,
      setState: (s: unknown) => { sessionStorage.setItem('nl-state', JSON.stringify(s)); },
    });
  }, o.embedded ? null : msg);
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __netlens?: { drawnMs?: number } }).__netlens?.drawnMs !== undefined, null, { timeout: 60000 });
  return page;
}

export const pageErrors = (p: Page): string[] => (p as unknown as { nlErrors: string[] }).nlErrors;
