// Roofline (issue 21) in Debian Chromium: the graph's bound / efficiency / diff colour modes and the
// hover card's roofline line from a posted profile; the results page at 500 px (chart fits, text
// >= 11 px, nothing blocked by its CSP), a chart dot posting `select`, and the session's runs
// posting `showRun` / `compareRun`.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildZooModel } from '../../src/core/zoo';
import type { MachinePeaks, ProfileLayer, ProfileResult } from '../../src/core/profile/result';
import { withRoofline } from '../../src/core/profile/roofline';
import { diffRuns } from '../../src/core/profile/runDiff';
import { BOUND_COLOURS, diffColour, efficiencyColour } from '../../src/core/graph/rooflineColours';
import { profileHtml } from '../../src/core/report/profileHtml';
import { parseProfilePageMessage } from '../../src/protocol/profile';
import { Harness, launchChromium, openGraph, pageErrors, ROOT, startHarness } from './harness';

const M: MachinePeaks = { peakGflops: 100, bandwidthGBs: 20, backend: 'onnxruntime', threads: 2, measuredAt: '2026-12-04T12:00:00.000Z' };
const spec = buildZooModel('lenet5');
const analysis = analyzeModel(spec.model);

function profile(scale: number): ProfileResult {
  const layers: ProfileLayer[] = analysis.layers.filter((l) => l.className !== 'InputLayer').map((l, i) => {
    const ms = (0.01 + 0.002 * i) * scale;
    return { name: l.name, className: l.className, ms: { median: ms, min: ms, max: ms }, bytes: l.activationBytes, tensors: 1, gflops: l.flops / (ms * 1e6), fusedWith: [] };
  });
  const sum = layers.reduce((a, l) => a + l.ms.median, 0);
  return withRoofline({ model: 'lenet5', backend: 'onnxruntime', image: 'x.png', weights: 'random', runs: 3, warmup: 1, endToEndMs: { median: sum, min: sum, max: sum },
    sumLayerMs: sum, overhead: 1, peakBytes: 1e6, layers, predictions: null, engine: 'onnxruntime', threads: 2 }, analysis.layers, M);
}

const colourBy = async (page: Page, mode: string): Promise<void> => {
  await page.evaluate((m) => {
    const d = document.querySelector('#nl-color-by') as HTMLElement & { value: string };
    d.value = m;
    d.dispatchEvent(new Event('change'));
  }, mode);
};
const fillOf = (page: Page, name: string): Promise<string> => page.evaluate((n) => {
  const el = Array.from(document.querySelectorAll('#nl-viewport .nl-node')).find((e) => e.querySelector('.nl-name')?.textContent === n) as HTMLElement | undefined;
  return el?.style.getPropertyValue('--nl-c') ?? '';
}, name);

describe('roofline in the graph webview (Chromium)', function () {
  this.timeout(120000);
  let h: Harness;
  let page: Page;
  before(async () => {
    h = await startHarness();
    page = await openGraph(h, spec, { canProfile: true });
  });
  after(async () => { await h?.close(); });

  it('bound and efficiency colour each layer from its roofline; diff from the compared run', async () => {
    const r = profile(1);
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'profile', result: r });
    await page.waitForFunction(() => (document.querySelector('#nl-color-by') as HTMLElement & { value: string }).value === 'time');
    await colourBy(page, 'bound');
    for (const l of r.layers.filter((x) => x.roofline)) assert.equal(await fillOf(page, l.name), BOUND_COLOURS[l.roofline!.bound], l.name);
    assert.ok(r.layers.some((l) => l.roofline?.bound === 'memory') && r.layers.some((l) => l.roofline?.bound === 'compute'), 'both bounds drawn');
    assert.ok((await page.locator('#nl-legend').textContent())?.includes('memory-bound'));
    await colourBy(page, 'efficiency');
    const conv = r.layers.find((l) => l.roofline && l.className === 'Conv2D')!;
    assert.equal(await fillOf(page, conv.name), efficiencyColour(conv.roofline!.efficiency));
    // A compared run: the page switches to the diff colours.
    const after = profile(2);
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'profile', result: { ...after, comparedTo: diffRuns(r, after) } });
    await page.waitForFunction(() => (document.querySelector('#nl-color-by') as HTMLElement & { value: string }).value === 'diff');
    assert.equal(await fillOf(page, conv.name), diffColour(2));
    assert.deepEqual(pageErrors(page), []);
  });
});

describe('roofline on the results page (Chromium, 500 px)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const script = readFileSync(join(ROOT, 'dist', 'profilePage.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, '');
  const a = profile(1);
  const b = profile(1.5);
  const html = profileHtml(b, { nonce: 'cm9vZmxpbmVub25jZQ', hostButtons: true, script: { inline: script },
    runs: [{ at: '2026-12-04T20:00:00.000Z', result: a }, { at: '2026-12-04T20:01:00.000Z', result: b }], currentRun: 1, diff: diffRuns(a, b) });

  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 500, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.addInitScript(() => {
      const w = window as unknown as { posted: unknown[]; acquireVsCodeApi: () => unknown };
      w.posted = [];
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.posted.push(m) });
    });
    await page.route('http://roofline.netlens.test/', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await page.goto('http://roofline.netlens.test/');
  });
  after(async () => { await browser?.close(); });

  it('the chart fits the panel, its text is 11 px or more, nothing is blocked', async () => {
    const box = (await page.locator('svg.roofline').boundingBox())!;
    assert.ok(box.width <= 500 && box.width > 300, `chart ${box.width} px wide`);
    const sizes = await page.locator('svg.roofline text').evaluateAll((els) => els.map((e) => {
      const svg = (e as SVGTextElement).ownerSVGElement!;
      // Rendered size: the CSS size times the viewBox scale.
      return parseFloat(getComputedStyle(e).fontSize) * (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width);
    }));
    assert.ok(sizes.length > 5);
    assert.ok(Math.min(...sizes) >= 11, `smallest chart text ${Math.min(...sizes).toFixed(1)} px`);
    assert.deepEqual(problems, []);
  });

  it('a dot selects its layer; the runs post show and compare', async () => {
    const name = b.layers.find((l) => l.roofline)!.name;
    await page.locator(`circle.rl-dot[data-layer="${name}"]`).dispatchEvent('click');
    assert.ok(await page.locator(`circle.rl-dot.rl-selected[data-layer="${name}"]`).count());
    await page.click('button[data-cmd="showRun"]');
    await page.click('button[data-cmd="compareRun"]');
    const msgs = await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted.splice(0));
    assert.deepEqual(msgs, [{ type: 'select', layer: name }, { type: 'showRun', run: 0 }, { type: 'compareRun', run: 0 }]);
    for (const m of msgs) assert.deepEqual(parseProfilePageMessage(m), m);
  });
});
