// An ONNX model's details panel in Chromium: a depthwise Conv of MobileNetV3-Small (PyTorch export)
// lists every attribute of the node (dilations, group, kernel_shape, pads, strides) and the weight
// tensors it reads with their shapes; the hover card never covers the open panel.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadModel } from '../../src/core/io/loadModel';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { isModelGraph } from '../../src/core/ir/graph';
import { Harness, openGraph, pageErrors, ROOT, startHarness } from './harness';

describe('graph webview: ONNX details panel (Chromium)', function () {
  this.timeout(120000);
  let h: Harness;
  let page: Page;

  before(async () => {
    h = await startHarness();
  });
  after(async () => { await h?.close(); });

  it('a depthwise Conv lists every attribute and its weights; the hover card stays off the panel', async () => {
    const spec = await loadModel(join(ROOT, 'test', 'fixtures', 'onnx', 'mobilenetv3small-op13.onnx'));
    const m = spec.model;
    assert.ok(isModelGraph(m));
    const graph = buildViewGraph(spec, analyzeModel(spec.model));
    const dw = graph.nodes.find((n) => n.className === 'Conv' && n.attrs.some(([k, v]) => k === 'group' && v !== '1'))!;
    const file = m.nodes.find((n) => n.name === dw.name)!;
    const weights = file.inputs.filter((t) => t in m.weights);
    assert.equal(weights.length, 2);
    page = await openGraph(h, spec, { width: 1000, height: 800, settings: { collapseThreshold: 100000, colorBy: 'category', showShapes: false } });
    const id = `n${dw.index}`;
    await page.evaluate((i) => (window as unknown as { __netlens: { app: { selection: { element(id: string, details: boolean): void } } } }).__netlens.app.selection.element(i, true), id);
    await page.locator('#nl-details:not([hidden])').waitFor();
    const text = (await page.locator('#nl-details').textContent()) ?? '';
    assert.ok(text.includes('Attributes'), text);
    for (const [k, v] of Object.entries({ dilations: '[1,1]', group: '16', kernel_shape: '[3,3]', pads: '[1,1,1,1]', strides: '[2,2]' })) {
      assert.ok(text.includes(`${k}${v}`), `${k} ${v}: ${text}`);
    }
    assert.ok(text.includes('Weights (2)'), text);
    for (const w of weights) assert.ok(text.includes(w) && text.includes(`${m.weights[w].shape.join('×')} float32`), `${w}: ${text}`);
    // Hover a node near the panel: the card is drawn inside the canvas, left of the panel.
    const panel = (await page.locator('#nl-details').boundingBox())!;
    const canvasBox = (await page.locator('#nl-details').evaluate((el) => el.previousElementSibling!.getBoundingClientRect().toJSON())) as { right: number; top: number; bottom: number };
    // A point 150 px left of the panel: a card drawn to the right of the pointer would cover the panel.
    const x = panel.x - 150;
    const nodes = await page.locator('#nl-viewport .nl-node').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { l: r.left, r: r.right, y: r.top + r.height / 2 }; }));
    const under = nodes.find((n) => n.l + 4 < x && x < n.r - 4 && n.y > canvasBox.top + 20 && n.y < canvasBox.bottom - 20);
    assert.ok(under, 'a node drawn 150 px left of the panel');
    await page.mouse.move(x, under.y);
    await page.locator('#nl-hover:not([hidden])').waitFor();
    const card = (await page.locator('#nl-hover').boundingBox())!;
    assert.ok(card.x + card.width <= panel.x + 1, `card right ${card.x + card.width} <= panel left ${panel.x}`);
    assert.deepEqual(pageErrors(page), []);
  });
});
