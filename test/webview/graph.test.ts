// The built graph page in Debian Chromium, driven like a user: render, hover, collapse, search,
// keyboard, table, batch, profile overlay, exports, escaping, and the standalone HTML file.
// Expected figures come from the analyser, never from constants typed here.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildZooModel } from '../../src/core/zoo';
import { ModelBuilder } from '../../src/core/ir/builder';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { layersIn } from '../../src/core/graph/cards';
import { bytes, grouped } from '../../src/core/graph/text';
import { graphExport } from '../../src/cli/graph';
import type { ProfileResult } from '../../src/core/profile/result';
import { Harness, launchChromium, openGraph, pageErrors, startHarness } from './harness';

const XSS = '<img src=x onerror=alert(1)>';

/** Element id (n<i>/g<i>) of a layer or block in the page's own graph. */
const elementId = (page: Page, name: string): Promise<string> => page.evaluate((n) => {
  const app = (window as unknown as { __netlens: { app: { graph: { nodes: { name: string; index: number }[]; groups: { id: string; index: number }[] } } } }).__netlens.app;
  const node = app.graph.nodes.find((x) => x.name === n);
  if (node) return `n${node.index}`;
  const g = app.graph.groups.find((x) => x.id === n);
  if (g) return `g${g.index}`;
  throw new Error(`no ${n}`);
}, name);

const nodeCount = (page: Page): Promise<number> => page.locator('#nl-viewport .nl-node').count();
const posted = (page: Page): Promise<{ type: string; [k: string]: unknown }[]> => page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
const renders = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { __netlens: { renders: number } }).__netlens.renders);

async function hover(page: Page, id: string): Promise<string> {
  await page.mouse.move(1, 1);
  const el = page.locator(`#nl-viewport [data-id="${id}"]`).first();
  await el.scrollIntoViewIfNeeded();
  const box = await el.boundingBox();
  assert.ok(box, `${id} is on screen`);
  await page.mouse.move(box.x + Math.min(30, box.width / 2), box.y + Math.min(12, box.height / 2));
  await page.locator('#nl-hover:not([hidden])').waitFor();
  return (await page.locator('#nl-hover').textContent()) ?? '';
}

/** Brings an element into the canvas by centring the view on it (the page's own API). */
async function centre(page: Page, id: string): Promise<void> {
  await page.evaluate((i) => {
    const app = (window as unknown as { __netlens: { app: { layout: { boxes: Record<string, { x: number; y: number; w: number; h: number }> }; centerOn(x: number, y: number): void } } }).__netlens.app;
    const b = app.layout.boxes[i];
    app.centerOn(b.x + b.w / 2, b.y + b.h / 2);
  }, id);
  // Until the node is drawn inside the canvas (a loaded machine paints the new view late).
  await page.waitForFunction((i) => {
    const el = document.querySelector(`#nl-viewport [data-id="${i}"]`);
    const canvas = document.querySelector('#nl-canvas');
    if (!el || !canvas) return false;
    const r = el.getBoundingClientRect();
    const c = canvas.getBoundingClientRect();
    const x = r.x + r.width / 2;
    const y = r.y + r.height / 2;
    return x > c.left && x < c.right && y > c.top && y < c.bottom;
  }, id, { timeout: 10_000 });
}

describe('graph webview (Chromium)', function () {
  this.timeout(120000);
  let h: Harness;
  let page: Page;
  const spec = buildZooModel('resnet50');
  const analysis = analyzeModel(spec.model);
  const graph = buildViewGraph(spec, analysis);

  before(async () => {
    h = await startHarness();
    page = await openGraph(h, spec, { canProfile: true });
  });
  after(async () => { await h?.close(); });

  it('renders all 177 ResNet-50 layers with the analyser totals and no CSP or script errors', async () => {
    assert.equal(await nodeCount(page), analysis.layers.length);
    assert.equal(await nodeCount(page), 177);
    const names = await page.locator('#nl-viewport .nl-node .nl-name').allTextContents();
    assert.ok(names.includes('conv1_conv') && names.includes('predictions'));
    const totals = await page.locator('#nl-totals').textContent();
    assert.ok(totals?.includes(bytes(analysis.totals.peakInferenceBytes)), totals ?? '');
    assert.deepEqual(pageErrors(page), []);
    assert.ok((await posted(page)).some((m) => m.type === 'layoutRequest'), 'the page asked the host for its layout');
  });

  it('draws a glyph for every icon once loaded (the page carries only the icons its script names); tools are labelled buttons that work from the keyboard', async () => {
    // The icon stylesheet is switched on at the load event (the page is shown without waiting for the font).
    await page.waitForFunction(() => (document.getElementById('nl-codicons') as HTMLStyleElement).media === 'all', null, { timeout: 10_000 });
    const missing = await page.evaluate(() => Array.from(document.querySelectorAll('.codicon'))
      .filter((e) => ['none', 'normal', ''].includes(getComputedStyle(e, '::before').content)).map((e) => e.className));
    assert.deepEqual(missing, []);
    assert.ok(await page.locator('.codicon').count() > 15);
    const tools = await page.evaluate(() => Array.from(document.querySelectorAll('.nl-toolbar .nl-button')).map((b) => ({ tag: b.tagName, label: b.getAttribute('aria-label') ?? '', title: (b as HTMLElement).title })));
    assert.ok(tools.length > 10 && tools.every((t) => t.tag === 'BUTTON' && t.label && t.title), JSON.stringify(tools));
    const shapes = page.locator('#nl-shapes');
    await shapes.focus();
    await page.keyboard.press('Space');
    assert.equal(await shapes.getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('Enter');
    assert.equal(await shapes.getAttribute('aria-pressed'), 'false');
  });

  it('hovering conv1_conv shows its params, MACs and the MAC formula', async () => {
    const id = await elementId(page, 'conv1_conv');
    const text = await hover(page, id);
    const l = analysis.layers.find((x) => x.name === 'conv1_conv')!;
    assert.ok(text.includes('9,472'), text);
    assert.ok(text.includes('118,013,952'), text);
    assert.equal(grouped(l.params), '9,472');
    assert.equal(grouped(l.macs), '118,013,952');
    assert.ok(text.includes(`${l.macsFormula.replace(/x/g, '×')} = 118,013,952`), text);
    assert.ok(text.includes('7×7×3 × 112×112 × 64 = 118,013,952'), text);
    assert.ok(text.includes('Receptive field'));
  });

  it('collapsing conv2_block1 hides its layers and shows its sums', async () => {
    const block = graph.groups.find((g) => g.id === 'conv2_block1')!;
    const inside = layersIn(graph, 'conv2_block1');
    const id = `g${block.index}`;
    const before = await renders(page);
    await centre(page, id);
    await page.locator(`#nl-viewport .nl-frame[data-id="${id}"] .nl-frame-label`).click();
    await page.waitForFunction((b) => (window as unknown as { __netlens: { renders: number } }).__netlens.renders > b, before);
    assert.equal(await nodeCount(page), 177 - inside.length + 1);
    const names = await page.locator('#nl-viewport .nl-node .nl-name').allTextContents();
    for (const n of inside) assert.ok(!names.includes(n), `${n} is hidden`);
    const blockNode = page.locator(`#nl-viewport .nl-node.nl-block[data-id="${id}"]`);
    assert.equal(await blockNode.count(), 1);
    assert.ok((await blockNode.textContent())?.includes(`${inside.length} layers`));
    const text = await hover(page, id);
    const params = analysis.layers.filter((l) => inside.includes(l.name)).reduce((a, l) => a + l.params, 0);
    const macs = analysis.layers.filter((l) => inside.includes(l.name)).reduce((a, l) => a + l.macs, 0);
    assert.ok(text.includes(grouped(params)), text);
    assert.ok(text.includes(grouped(macs)), text);
    // Clicking the block expands it again, from the layout cache (no new layout computed).
    const layouts = (await posted(page)).filter((m) => m.type === 'layoutRequest').length;
    const r = await renders(page);
    await blockNode.click();
    await page.waitForFunction((b) => (window as unknown as { __netlens: { renders: number } }).__netlens.renders > b, r);
    assert.equal(await nodeCount(page), 177);
    assert.equal((await posted(page)).filter((m) => m.type === 'layoutRequest').length, layouts);
  });

  it('search finds conv5_block3_out, also inside collapsed blocks, with next/previous', async () => {
    await page.locator('#nl-collapse-all').click();
    await page.waitForFunction(() => document.querySelectorAll('#nl-viewport .nl-node').length < 20);
    const field = page.locator('#nl-search');
    await field.fill('conv5_block3_out');
    await field.press('Enter');
    await page.waitForFunction(() => document.querySelector('#nl-viewport .nl-node.nl-current .nl-name')?.textContent === 'conv5_block3_out');
    assert.equal((await page.locator('#nl-search-count').textContent())?.trim(), '1 / 1');
    const current = await page.locator('#nl-viewport .nl-node.nl-current').boundingBox();
    const canvas = await page.locator('#nl-canvas').boundingBox();
    assert.ok(current && canvas && current.y >= canvas.y && current.y + current.height <= canvas.y + canvas.height, 'centred on screen');
    const sel = (await posted(page)).filter((m) => m.type === 'selected').pop();
    assert.equal(sel?.name, 'conv5_block3_out');
    // A class search: next and previous walk the matches.
    await field.fill('Add');
    // Whole words or prefixes: the 16 Add layers, not the two ZeroPadding2D ("P-add-ing").
    const adds = analysis.layers.filter((l) => l.className === 'Add').length;
    assert.equal(adds, 16);
    assert.equal((await page.locator('#nl-search-count').textContent())?.trim(), `${adds} found`);
    await page.locator('#nl-search-next').click();
    await page.locator('#nl-search-next').click();
    await page.waitForFunction(() => document.querySelector('#nl-search-count')?.textContent === `2 / ${document.querySelector('#nl-search-count')?.textContent?.split(' / ')[1]}`);
    await page.locator('#nl-search-prev').click();
    await page.waitForFunction((n) => document.querySelector('#nl-search-count')?.textContent === `1 / ${n}`, adds);
    await page.locator('#nl-expand-all').click();
    await page.waitForFunction(() => document.querySelectorAll('#nl-viewport .nl-node').length === 177);
  });

  it('moves the selection with the keyboard along the edges', async () => {
    const id = await elementId(page, 'conv1_conv');
    // A layout that lands late can move the view after centring: centre again and retry the click.
    for (let attempt = 1; ; attempt++) {
      await centre(page, id);
      try {
        await page.locator(`#nl-viewport [data-id="${id}"]`).click({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    await page.keyboard.press('ArrowDown');
    const next = analysis.layers.find((l) => l.inbound.includes('conv1_conv'))!.name;
    await page.waitForFunction((n) => document.querySelector('#nl-viewport .nl-node.nl-selected .nl-name')?.textContent === n, next);
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => document.querySelector('#nl-viewport .nl-node.nl-selected .nl-name')?.textContent === 'conv1_conv');
    assert.match((await page.locator('#nl-announcer').textContent()) ?? '', /^conv1_conv, Conv2D, output 112×112×64, 9,472 parameters, 118,013,952 MACs$/);
    await page.keyboard.press('Enter');
    assert.ok((await page.locator('#nl-details').textContent())?.includes('Config'));
    assert.ok((await page.locator('#nl-details').textContent())?.includes('kernel_size'));
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#nl-details').isHidden(), true);
  });

  it('zooms with the wheel and keys, and fits', async () => {
    const k = (): Promise<number> => page.evaluate(() => (window as unknown as { __netlens: { app: { view: { k: number } } } }).__netlens.app.view.k);
    const k0 = await k();
    const c = (await page.locator('#nl-canvas').boundingBox())!;
    await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
    await page.mouse.wheel(0, -300);
    assert.ok((await k()) > k0);
    await page.locator('#nl-canvas').focus();
    await page.keyboard.press('0');
    const fitK = await k();
    const l = await page.evaluate(() => (window as unknown as { __netlens: { app: { layout: { width: number; height: number } } } }).__netlens.app.layout);
    // Fit leaves the strip the legend takes at the bottom free.
    const legendTop = (await page.locator('#nl-legend').boundingBox())!.y;
    const free = Math.max(c.height / 2, legendTop - c.y - 4);
    assert.ok(Math.abs(fitK - Math.min(c.width / l.width, free / l.height) * 0.98) < 1e-3, `${fitK}`);
    // Dragging empty canvas pans by the distance dragged.
    const v0 = await page.evaluate(() => ({ ...(window as unknown as { __netlens: { app: { view: { x: number; y: number } } } }).__netlens.app.view }));
    await page.mouse.move(c.x + 20, c.y + c.height - 60);
    await page.mouse.down();
    await page.mouse.move(c.x + 80, c.y + c.height - 160, { steps: 5 });
    await page.mouse.up();
    const v1 = await page.evaluate(() => ({ ...(window as unknown as { __netlens: { app: { view: { x: number; y: number } } } }).__netlens.app.view }));
    assert.ok(Math.abs(v1.x - v0.x - 60) < 1 && Math.abs(v1.y - v0.y + 100) < 1, JSON.stringify([v0, v1]));
  });

  it('fits the graph above the legend: the legend covers no node', async () => {
    await page.locator('#nl-fit').click();
    await page.waitForTimeout(50);
    const overlaps = await page.evaluate(() => {
      const legend = document.getElementById('nl-legend')!.getBoundingClientRect();
      return Array.from(document.querySelectorAll('#nl-viewport .nl-node')).map((n) => n.getBoundingClientRect())
        .filter((b) => b.left < legend.right && b.right > legend.left && b.top < legend.bottom && b.bottom > legend.top).length;
    });
    assert.equal(overlaps, 0);
  });

  it('a narrower panel keeps the view the user set, shifted by half the width change', async () => {
    const app = (): Promise<{ x: number; k: number }> => page.evaluate(() => {
      const v = (window as unknown as { __netlens: { app: { view: { x: number; k: number } } } }).__netlens.app.view;
      return { x: v.x, k: v.k };
    });
    const size = page.viewportSize()!;
    await page.keyboard.press('0'); // fit: the automatic view
    await page.mouse.move(size.width / 2, size.height / 2);
    await page.mouse.wheel(0, -200); // a user zoom: the view is now the user's
    await page.waitForTimeout(50);
    const before = await app();
    await page.setViewportSize({ width: size.width - 400, height: size.height });
    await page.waitForTimeout(100);
    const after = await app();
    assert.equal(after.k, before.k, 'zoom kept');
    assert.ok(Math.abs(after.x - (before.x - 200)) < 1, `x shifted by -200: ${before.x} -> ${after.x}`);
    await page.setViewportSize(size);
  });

  it('sorts the layer table and keeps it in sync with the graph', async () => {
    await page.locator('#nl-table-toggle').click();
    await page.locator('#nl-layer-table th[data-col="macs"]').click();
    const first = await page.locator('#nl-layer-table tbody tr').first().locator('td').nth(1).textContent();
    const max = [...analysis.layers].sort((a, b) => b.macs - a.macs || a.name.localeCompare(b.name))[0];
    assert.equal((await page.locator('#nl-layer-table tbody tr').first().locator('td').nth(6).textContent()), grouped(max.macs));
    assert.ok(analysis.layers.filter((l) => l.macs === max.macs).some((l) => l.name === first));
    assert.equal(await page.locator('#nl-layer-table tbody tr').count(), 177);
    await page.locator('#nl-layer-table tbody tr').first().click();
    await page.waitForFunction((n) => document.querySelector('#nl-viewport .nl-node.nl-selected .nl-name')?.textContent === n, first);
    await page.locator('#nl-table-toggle').click();
  });

  it('recomputes memory for a new batch size', async () => {
    const field = page.locator('#nl-batch');
    await field.fill('8');
    await field.press('Enter');
    const peak8 = analyzeModel(spec.model, { batch: 8 }).totals.peakInferenceBytes;
    await page.waitForFunction((t) => document.querySelector('#nl-totals')?.textContent?.includes(t), bytes(peak8));
    const text = await hover(page, await elementId(page, 'conv1_conv'));
    const act = analyzeModel(spec.model, { batch: 8 }).layers.find((l) => l.name === 'conv1_conv')!.activationBytes;
    assert.ok(text.includes(bytes(act)) && text.includes('batch 8'), text);
    assert.ok((await posted(page)).some((m) => m.type === 'batch' && m.batch === 8));
    await field.fill('0');
    await field.press('Enter');
    assert.equal(await page.locator('#nl-batch').getAttribute('aria-invalid'), 'true');
    await field.fill('1');
    await field.press('Enter');
  });

  it('colours by a metric and overlays a posted profile (time, measured figures)', async () => {
    await page.evaluate(() => {
      const d = document.querySelector('#nl-color-by') as HTMLElement & { value: string };
      d.value = 'macs';
      d.dispatchEvent(new Event('change'));
    });
    const fills = await page.locator('#nl-viewport .nl-node').evaluateAll((els) => new Set(els.map((e) => (e as HTMLElement).style.getPropertyValue('--nl-c'))).size);
    assert.ok(fills > 5, `${fills} distinct heat colours`);
    const profile: ProfileResult = {
      model: 'resnet50', backend: 'wasm', image: 'sample.jpg', weights: 'random', runs: 5, warmup: 2,
      endToEndMs: { median: 123.4, min: 120, max: 130 }, sumLayerMs: 110, overhead: 110 / 123.4, peakBytes: 1e8,
      layers: analysis.layers.map((l, i) => ({ name: l.name, className: l.className, ms: { median: 0.5 + (i % 7), min: 0.4, max: 9 }, bytes: l.activationBytes, tensors: 1, gflops: 2.5 })),
      predictions: null,
    };
    const runs = await page.evaluate(() => (window as unknown as { __netlens: { renders: number } }).__netlens.renders);
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'profile', result: profile });
    await page.waitForFunction(() => (document.querySelector('#nl-color-by') as HTMLElement & { value: string }).value === 'time');
    assert.ok((await page.locator('#nl-totals').textContent())?.includes('123.4 ms'));
    const text = await hover(page, await elementId(page, 'conv1_conv'));
    const i = analysis.layers.findIndex((l) => l.name === 'conv1_conv');
    assert.ok(text.includes('Time (measured)') && text.includes(`${(0.5 + (i % 7)).toFixed(3)} ms`), text);
    assert.ok(text.includes('118,013,952'), 'analytic figures stay beside measured ones');
    assert.equal(await renders(page), runs, 'colouring does not re-render the graph');
    // The profile button runs the profiler's command through the host.
    await page.locator('#nl-profile').click();
    assert.ok((await posted(page)).some((m) => m.type === 'runProfile'));
  });

  it('a fused run shares its kernel\'s colour and outline; a member\'s hover card names the kernel and its time', async () => {
    const fusedInto = new Map([['conv1_pad', 'conv1_conv'], ['conv1_bn', 'conv1_conv'], ['conv1_relu', 'conv1_conv']]);
    const entries = analysis.layers.filter((l) => !fusedInto.has(l.name));
    const profile: ProfileResult = {
      model: 'resnet50', backend: 'onnxruntime', image: 'sample.jpg', weights: 'random', runs: 5, warmup: 2,
      endToEndMs: { median: 50, min: 49, max: 52 }, sumLayerMs: 40, overhead: 0.8, peakBytes: 1e8, engine: 'onnxruntime', fusedLayers: 3,
      layers: entries.map((l, i) => ({ name: l.name, className: l.className, ms: { median: l.name === 'conv1_conv' ? 4.25 : 0.1 + (i % 5) / 10, min: 0.05, max: 5 },
        bytes: l.activationBytes, tensors: 1, gflops: 2.5, fusedWith: l.name === 'conv1_conv' ? ['conv1_pad', 'conv1_bn', 'conv1_relu'] : [] })),
      predictions: null,
    };
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'profile', result: profile });
    await page.waitForFunction(() => document.querySelectorAll('#nl-viewport .nl-node.nl-fused').length === 4);
    const look = async (name: string) => page.evaluate((id) => {
      const el = document.querySelector(`#nl-viewport [data-id="${id}"]`) as SVGGElement;
      return { c: el.style.getPropertyValue('--nl-c'), fused: el.classList.contains('nl-fused'), dash: getComputedStyle(el.querySelector('.nl-bg')!).strokeDasharray };
    }, await elementId(page, name));
    const conv = await look('conv1_conv');
    for (const name of ['conv1_pad', 'conv1_bn', 'conv1_relu']) assert.deepEqual(await look(name), conv, name);
    assert.ok(conv.fused && conv.dash !== 'none', JSON.stringify(conv));
    const pool = await look('pool1_pool');
    assert.ok(!pool.fused && pool.c !== conv.c, JSON.stringify(pool));
    const text = await hover(page, await elementId(page, 'conv1_bn'));
    assert.ok(text.includes('Ran fused in') && text.includes('conv1_conv + conv1_pad + conv1_bn + conv1_relu'), text);
    assert.ok(text.includes('Kernel time (measured)') && text.includes('4.250 ms'), text);
  });

  it('exports a valid SVG and PNG of the current view', async () => {
    for (const format of ['svg', 'png']) {
      await page.locator('#nl-export').click();
      await page.locator(`.nl-menu-item[data-format="${format}"]`).click();
      await page.waitForFunction((f) => (window as unknown as { __posted: { type: string; format?: string }[] }).__posted.some((m) => m.type === 'export' && m.format === f), format);
    }
    const exports = (await posted(page)).filter((m) => m.type === 'export') as unknown as { format: string; data: string }[];
    const svg = exports.find((m) => m.format === 'svg')!.data;
    assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const check = await page.evaluate((s) => {
      const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
      return { error: doc.getElementsByTagName('parsererror').length, nodes: doc.querySelectorAll('.nl-node').length, style: doc.querySelector('style')?.textContent?.includes('var(--vscode') ?? true };
    }, svg);
    assert.deepEqual(check, { error: 0, nodes: 177, style: false });
    const png = exports.find((m) => m.format === 'png')!.data;
    assert.match(png, /^data:image\/png;base64,/);
    const img = PNG.sync.read(Buffer.from(png.slice('data:image/png;base64,'.length), 'base64'));
    const l = await page.evaluate(() => (window as unknown as { __netlens: { app: { layout: { width: number; height: number } } } }).__netlens.app.layout);
    assert.ok(Math.abs(img.width / img.height - l.width / l.height) < 0.01, 'the whole graph, in proportion');
    // At the screen's device scale (1 here; 2 on HiDPI), inside Chromium's canvas limits: the drawn graph, not a new layout.
    const dpr = await page.evaluate(() => window.devicePixelRatio);
    const k = Math.min(Math.min(2, Math.max(1, dpr)), 16384 / l.width, 16384 / l.height);
    assert.deepEqual([img.width, img.height], [Math.floor(l.width * k), Math.floor(l.height * k)]);
    const colours = new Set<number>();
    for (let i = 0; i < img.data.length; i += 4 * 997) colours.add(img.data.readUInt32BE(i));
    assert.ok(colours.size > 10, `${colours.size} colours: the PNG has content`);
  });

  it('draws collapsed blocks in their own colour, named in the legend (not grey like Input)', async () => {
    await page.evaluate(() => (window as unknown as { __netlens: { app: { setColorBy(c: string): void } } }).__netlens.app.setColorBy('category'));
    await page.locator('#nl-collapse-all').click();
    await page.locator('#nl-viewport .nl-node.nl-block').first().waitFor();
    const [block, input] = await page.evaluate(() => [
      getComputedStyle(document.querySelector('#nl-viewport .nl-node.nl-block .nl-bg')!).stroke,
      getComputedStyle(document.querySelector('#nl-viewport .nl-node.cat-input .nl-bg')!).stroke,
    ]);
    assert.notEqual(block, input);
    assert.ok((await page.locator('#nl-legend').textContent())?.includes('Collapsed block'));
    await page.locator('#nl-expand-all').click();
    await page.waitForFunction(() => document.querySelectorAll('#nl-viewport .nl-node.nl-block').length === 0);
  });

  it('at 500 px nothing floats over the nodes but a one-line legend, and the model name is not cut', async () => {
    await page.setViewportSize({ width: 500, height: 800 });
    await page.waitForTimeout(150);
    const m = await page.evaluate(() => {
      const legend = document.querySelector('.nl-legend') as HTMLElement;
      const minimap = document.querySelector('.nl-minimap') as HTMLElement;
      const name = document.querySelector('.nl-model') as HTMLElement;
      const item = legend.querySelector('.nl-legend-item') as HTMLElement | null;
      return {
        minimap: minimap.offsetWidth, legendH: legend.offsetHeight, itemH: item?.offsetHeight ?? 0,
        nameCut: name.scrollWidth > name.clientWidth + 1,
      };
    });
    assert.equal(m.minimap, 0, 'no minimap over the nodes');
    assert.ok(m.legendH <= m.itemH + 10, `legend on one line (${m.legendH} px for ${m.itemH} px items)`);
    assert.equal(m.nameCut, false, 'model name in full');
    // The layer table keeps its columns by priority and fits the panel (the toggle may sit in More actions here).
    const toggle = (): Promise<void> => page.evaluate(() => (document.getElementById('nl-table-toggle') as HTMLElement).click());
    await toggle();
    await page.locator('#nl-layer-table tbody tr').first().waitFor();
    const t = await page.evaluate(() => {
      const pane = document.getElementById('nl-table')!;
      const cols = Array.from(document.querySelectorAll('#nl-layer-table thead th')).filter((th) => (th as HTMLElement).offsetWidth > 0).map((th) => th.getAttribute('data-col'));
      const name = document.querySelector('#nl-layer-table tbody tr td:nth-child(2)') as HTMLElement;
      return { cols, fits: pane.scrollWidth <= pane.clientWidth + 1, tip: name.title === name.textContent, w: [pane.scrollWidth, pane.clientWidth] };
    });
    await toggle();
    assert.deepEqual(t.cols.slice(0, 4), ['index', 'name', 'params', 'macs']);
    assert.ok(t.fits, `no sideways scroll in the table: ${JSON.stringify(t)}`);
    assert.ok(t.tip, 'the name cell has its full name as a tooltip');
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForTimeout(150);
  });

  it('a narrow panel keeps the toolbar and the header on one row (More actions; the backend chip cut, in full in its tooltip)', async () => {
    const backendLabel = 'onnxruntime 1.30.0 (CPU execution provider, 2 threads), all graph optimizations';
    const profile: ProfileResult = {
      model: 'resnet50', backend: 'onnxruntime', backendLabel, image: 'sample.jpg', weights: 'random', runs: 5, warmup: 2,
      endToEndMs: { median: 0.175, min: 0.17, max: 0.2 }, sumLayerMs: 0.15, overhead: 0.15 / 0.175, peakBytes: 1e8,
      layers: analysis.layers.map((l) => ({ name: l.name, className: l.className, ms: { median: 0.001, min: 0.001, max: 0.002 }, bytes: l.activationBytes, tensors: 1, gflops: 2.5 })),
      predictions: null,
    };
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'profile', result: profile });
    await page.locator('#nl-measured').waitFor();
    /** How many rows the element's visible children take: their vertical extent over the tallest one. */
    const rows = (sel: string): Promise<number> => page.evaluate((s) => {
      const boxes = Array.from(document.querySelector(s)!.children).map((e) => e.getBoundingClientRect()).filter((b) => b.height > 0);
      const extent = Math.max(...boxes.map((b) => b.bottom)) - Math.min(...boxes.map((b) => b.top));
      return Math.round(extent / Math.max(...boxes.map((b) => b.height)));
    }, sel);
    for (const width of [520, 440]) {
      await page.setViewportSize({ width, height: 800 });
      await page.waitForTimeout(150);
      assert.equal(await rows('.nl-toolbar'), 1, `toolbar at ${width} px`);
      assert.equal(await rows('.nl-header'), 1, `header at ${width} px`);
      const fits = await page.evaluate(() => {
        const bar = document.querySelector('.nl-toolbar')!;
        return bar.scrollWidth <= bar.clientWidth + 1;
      });
      assert.ok(fits, `nothing in the toolbar past its edge at ${width} px`);
    }
    assert.equal(await page.locator('#nl-measured').getAttribute('title').then((t) => t?.startsWith(`${backendLabel}: 0.175 ms end to end`)), true);
    assert.ok((await page.locator('#nl-measured').textContent())?.includes('0.175 ms'));
    // The tools that left the row are in More actions, and they work from there.
    assert.equal(await page.locator('#nl-zoom-in').isVisible(), false);
    const k0 = await page.evaluate(() => (window as unknown as { __netlens: { app: { view: { k: number } } } }).__netlens.app.view.k);
    await page.locator('#nl-more').click();
    await page.locator('#nl-more-menu .nl-menu-item', { hasText: 'Zoom in (+)' }).click();
    assert.ok(await page.evaluate(() => (window as unknown as { __netlens: { app: { view: { k: number } } } }).__netlens.app.view.k) > k0);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForTimeout(150);
    assert.equal(await page.locator('#nl-more').isVisible(), false, 'wide again: everything back on the row');
    assert.equal(await page.locator('#nl-zoom-in').isVisible(), true);
  });

  it('keeps the search text when the panel is shown again (the page reloads)', async () => {
    await page.locator('#nl-search').fill('conv5_block3');
    await page.waitForFunction(() => document.querySelector('#nl-search-count')?.textContent?.endsWith('found'));
    const count = await page.locator('#nl-search-count').textContent();
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __netlens?: { drawnMs?: number } }).__netlens?.drawnMs !== undefined, null, { timeout: 60000 });
    await page.waitForFunction(() => (document.querySelector('#nl-search') as HTMLElement & { value: string }).value === 'conv5_block3');
    assert.equal(await page.locator('#nl-search-count').textContent(), count);
    assert.ok(await page.locator('#nl-viewport .nl-node.nl-match').count() > 0);
  });
});

describe('graph webview: hostile names', function () {
  this.timeout(120000);
  let h: Harness;
  let page: Page;
  const b = new ModelBuilder('hostile');
  const x = b.input([16, 16, 3], 'input');
  const y = b.group('"><script>alert(2)</script>', () => b.activation(b.conv2d(x, 8, { kernelSize: 3, padding: 'same', name: XSS }), 'relu', 'relu & <b>bold</b>'), '<svg onload=alert(3)>');
  const spec = b.build([b.dense(b.flatten(y, 'flat'), 10, { name: 'head' })]);
  const dialogs: string[] = [];

  before(async () => {
    h = await startHarness();
    page = await openGraph(h, spec);
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  });
  after(async () => { await h?.close(); });

  it('renders a layer named <img src=x onerror=alert(1)> as text', async () => {
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('#nl-viewport script, #nl-viewport b').count(), 0);
    const names = await page.locator('#nl-viewport .nl-node .nl-name').allTextContents();
    assert.ok(names.includes(XSS), names.join(' | '));
    assert.ok(names.includes('relu & <b>bold</b>'));
    const text = await hover(page, await elementId(page, XSS));
    assert.ok(text.includes(XSS));
    assert.equal(await page.locator('#nl-hover img').count(), 0);
    await page.locator('#nl-search').fill('<img');
    await page.locator('#nl-search').press('Enter');
    await page.locator('#nl-viewport .nl-node.nl-current').waitFor();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('img').count(), 0);
    await page.locator('#nl-table-toggle').click();
    assert.ok((await page.locator('#nl-layer-table').textContent())?.includes(XSS));
    assert.equal(await page.locator('img, #app script').count(), 0);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors(page), []);
  });
});

describe('graph webview: model message served inside the page', function () {
  this.timeout(120000);
  let h: Harness;
  const END = '</script><script>alert(4)</script><!--';

  before(async () => { h = await startHarness(); });
  after(async () => { await h?.close(); });

  it('draws from the served message and layout, tells the host, asks for nothing, and keeps names as text', async () => {
    const b = new ModelBuilder(END);
    const x = b.input([16, 16, 3], 'input');
    const y = b.group(`${END}\u2028`, () => b.activation(b.conv2d(x, 8, { kernelSize: 3, padding: 'same', name: END }), 'relu', XSS));
    const spec = b.build([b.dense(b.flatten(y, 'flat'), 10, { name: 'head' })]);
    const page = await openGraph(h, spec, { embedded: true });
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    const view = buildViewGraph(spec, analyzeModel(spec.model, { batch: 1 }));
    assert.equal(await nodeCount(page), view.nodes.length);
    const names = await page.locator('#nl-viewport .nl-node .nl-name').allTextContents();
    assert.ok(names.includes(END) && names.includes(XSS), names.join(' | '));
    const sent = await posted(page);
    assert.deepEqual(sent.filter((m) => m.type === 'ready'), [{ type: 'ready', embedded: true }]);
    assert.equal(sent.filter((m) => m.type === 'layoutRequest').length, 0);
    assert.equal(await page.locator('#app script, img').count(), 0);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  it('draws in its first frame every element the first view shows, and the rest right after', async () => {
    for (const [model, width, height] of [['resnet50', 1400, 900], ['resnet50', 500, 700], ['mobilenetv2', 1400, 900], ['lenet5', 1400, 900]] as const) {
      const page = await openGraph(h, buildZooModel(model), { embedded: true, width, height });
      const r = await page.evaluate(() => {
        const p = (window as unknown as { __netlens: { firstFrame: string[]; app: { layout: { boxes: Record<string, { x: number; y: number; w: number; h: number }>; nodes: string[]; frames: string[] }; viewport: { visibleRect(): { x: number; y: number; w: number; h: number } } } } }).__netlens;
        const v = p.app.viewport.visibleRect();
        const all = [...p.app.layout.nodes, ...p.app.layout.frames];
        const seen = all.filter((id) => { const b = p.app.layout.boxes[id]; return b.x < v.x + v.w && v.x < b.x + b.w && b.y < v.y + v.h && v.y < b.y + b.h; });
        return { first: p.firstFrame, seen, all: all.length, drawn: document.querySelectorAll('#nl-viewport [data-id]').length };
      });
      const missing = r.seen.filter((id) => !r.first.includes(id));
      assert.deepEqual(missing, [], `${model} at ${width} px: on screen but not in the first frame`);
      assert.equal(r.drawn, r.all, `${model}: every element drawn once the first frame is on screen`);
      if (model === 'resnet50') assert.ok(r.first.length < r.all / 2, `${model} at ${width} px: ${r.first.length} of ${r.all} elements in the first frame`);
      if (model === 'lenet5') assert.equal(r.first.length, r.all, 'a graph that fits is drawn whole at once');
      assert.deepEqual(pageErrors(page), []);
      await page.close();
    }
  });

  it("shown again (the page reloads from the same served message), it keeps the panel's blocks, batch and search", async () => {
    const page = await openGraph(h, buildZooModel('resnet50'), { embedded: true });
    const block = await page.evaluate(() => {
      const app = (window as unknown as { __netlens: { app: { graph: { groups: { id: string }[] }; toggleGroup(id: string): Promise<void> } } }).__netlens.app;
      const id = app.graph.groups[3].id;
      return app.toggleGroup(id).then(() => id);
    });
    await page.locator('#nl-batch').fill('4');
    await page.locator('#nl-batch').press('Enter');
    await page.locator('#nl-search').fill('conv5_block3');
    await page.waitForFunction(() => document.querySelector('#nl-search-count')?.textContent?.endsWith('found'));
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __netlens?: { drawnMs?: number } }).__netlens?.drawnMs !== undefined, null, { timeout: 60000 });
    await page.waitForFunction(() => (document.querySelector('#nl-search') as HTMLElement & { value: string }).value === 'conv5_block3');
    const state = await page.evaluate(() => {
      const app = (window as unknown as { __netlens: { app: { collapsed: Set<string>; batch: number } } }).__netlens.app;
      return { collapsed: [...app.collapsed], batch: app.batch };
    });
    assert.deepEqual(state, { collapsed: [block], batch: 4 });
    const sent = await posted(page);
    assert.ok(sent.some((m) => m.type === 'batch' && m.batch === 4), 'the saved batch size is asked for again');
    await page.close();
  });

  it('a page without a served message still says so and waits for the host', async () => {
    const page = await openGraph(h, buildZooModel('lenet5'));
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'ready'), [{ type: 'ready', embedded: false }]);
    await page.close();
  });
});

describe('graph webview: standalone HTML', function () {
  this.timeout(120000);
  it('opens from a file with no server and renders the model (collapsed-first for ResNet-152)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-html-'));
    const spec = buildZooModel('resnet152');
    const file = join(dir, 'resnet152.graph.html');
    writeFileSync(file, await graphExport(spec, 'html'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`file://${file}`);
      await page.waitForFunction(() => (window as unknown as { __netlens?: { drawnMs?: number } }).__netlens?.drawnMs !== undefined, null, { timeout: 60000 });
      const n = await page.locator('#nl-viewport .nl-node').count();
      assert.ok(n > 10 && n < 200, `${n} elements: collapsed-first`);
      assert.ok(await page.locator('#nl-viewport .nl-node.nl-block').count() > 0);
      assert.equal(await page.locator('.nl-menu-item[data-format="html"]').count(), 0);
      // The page carries the view graph and its first view's layout (no model config to analyse).
      assert.equal(await page.evaluate(() => (window as unknown as { __netlens: { layouts: number } }).__netlens.layouts), 0, 'first view not laid out again');
      const data = JSON.parse(await page.locator('#netlens-data').textContent() ?? '{}');
      assert.ok(data.graph?.nodes?.length === 517 && !('spec' in data) && data.layouts.length === 1);
      assert.equal(await page.locator('#nl-batch').getAttribute('disabled'), '');
      // The worker warms elkjs after the first paint (results dropped); a block opened after that
      // is laid out once and drawn with its layers.
      await page.waitForTimeout(1500);
      const opened = await page.evaluate(async () => {
        const p = (window as unknown as { __netlens: { layouts: number; app: { collapsed: Set<string>; toggleGroup(id: string): Promise<void> } } }).__netlens;
        const id = [...p.app.collapsed][0];
        await p.app.toggleGroup(id);
        return { id, open: !p.app.collapsed.has(id), layouts: p.layouts, nodes: document.querySelectorAll('#nl-viewport .nl-node').length };
      });
      assert.ok(opened.open && opened.nodes > n, JSON.stringify(opened));
      assert.equal(opened.layouts, 1, 'one layout for the view; the warm-up layouts are not counted or drawn');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
