// The profile results page in Debian Chromium under its own nonce CSP, with its script
// (webview/pages/profilePage.ts, built to dist/profilePage.js) and a stand-in for
// acquireVsCodeApi: nothing is blocked, the buttons post messages the host accepts, and a column
// header sorts the layer table.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ProfileResult } from '../../src/core/profile/result';
import { profileHtml } from '../../src/core/report/profileHtml';
import { parseProfilePageMessage } from '../../src/protocol/profile';
import { launchChromium, ROOT } from './harness';

function result(): ProfileResult {
  const layer = (name: string, median: number, className = 'Conv2D') =>
    ({ name, className, ms: { median, min: median * 0.9, max: median * 1.2 }, bytes: 4096 * median, tensors: 2, gflops: 1.5 });
  return {
    model: 'toy', backend: 'wasm', image: '/x/y/cat.png', weights: 'random', runs: 3, warmup: 1,
    endToEndMs: { median: 8.5, min: 8, max: 9 }, sumLayerMs: 8, overhead: 8 / 8.5, peakBytes: 123456,
    layers: [layer('conv1', 2), layer('<img src=x onerror=alert(1)>', 5, 'Dense'), layer('relu', 1, 'ReLU')],
    predictions: null, predictionsNote: 'random weights',
  };
}

describe('profile page in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const script = readFileSync(join(ROOT, 'dist', 'profilePage.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, '');
  const html = profileHtml(result(), { nonce: 'cHJvZmlsZW5vbmNl', hostButtons: true, preprocessingButton: true, script: { inline: script } });

  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 700, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('dialog', (d) => { problems.push(`dialog ${d.message()}`); void d.dismiss(); });
    await page.addInitScript(() => {
      const w = window as unknown as { posted: unknown[]; acquireVsCodeApi: () => unknown };
      w.posted = [];
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.posted.push(m) });
    });
    await page.route('http://profile.netlens.test/', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await page.goto('http://profile.netlens.test/');
  });
  after(async () => { await browser?.close(); });

  it('runs under its CSP with nothing blocked, names as text', async () => {
    assert.equal(await page.locator('img').count(), 0);
    assert.ok((await page.textContent('#layers'))?.includes('<img src=x onerror=alert(1)>'));
    assert.deepEqual(problems, []);
  });

  it('the buttons post messages the host accepts', async () => {
    for (const label of ['Export JSON', 'Export CSV', 'Export Markdown', 'Show on graph']) await page.click(`button:text-is("${label}")`);
    await page.click('button[data-cmd="preprocessing"]');
    const msgs = await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted.splice(0));
    assert.deepEqual(msgs, [{ type: 'export', format: 'json' }, { type: 'export', format: 'csv' }, { type: 'export', format: 'md' }, { type: 'overlay' }, { type: 'preprocessing' }]);
    for (const m of msgs) assert.deepEqual(parseProfilePageMessage(m), m);
    assert.equal(parseProfilePageMessage({ type: 'export', format: 'exe' }), null);
    assert.equal(parseProfilePageMessage({ type: 'runCommand' }), null);
  });

  it('in a narrow panel (500 px) the table fits without sideways scrolling: min, max, GFLOP/s and tensors give way, names wrap', async () => {
    await page.setViewportSize({ width: 500, height: 700 });
    const m = await page.evaluate(() => {
      const table = document.getElementById('layers')!;
      const box = table.parentElement!;
      const visible = Array.from(table.querySelectorAll('thead th')).filter((th) => (th as HTMLElement).offsetWidth > 0).map((th) => th.textContent);
      return { inner: box.scrollWidth, box: box.clientWidth, page: document.documentElement.scrollWidth, view: window.innerWidth, visible };
    });
    assert.ok(m.inner <= m.box + 1, `the table (${m.inner} px) fits its box (${m.box} px)`);
    assert.ok(m.page <= m.view, `the page (${m.page} px) fits the view (${m.view} px)`);
    assert.deepEqual(m.visible, ['#', 'layer', 'class', 'median ms', 'share', 'allocated']);
    // The slowest-layers chart: its 11 px text stays at least 11 px on screen (the wide chart scaled to 7).
    const px = async () => page.evaluate(() => Array.from(document.querySelectorAll('svg.chart[aria-label="slowest layers"]'))
      .filter((svg) => (svg as SVGSVGElement).getBoundingClientRect().width > 0)
      .map((svg) => (11 * (svg as SVGSVGElement).getBoundingClientRect().width) / (svg as SVGSVGElement).viewBox.baseVal.width));
    const narrow = await px();
    assert.equal(narrow.length, 1, 'one chart shown');
    assert.ok(narrow[0] >= 10.9, `chart text ${narrow[0].toFixed(1)} px at 500 px`);
    await page.setViewportSize({ width: 700, height: 900 });
    const wide = await page.evaluate(() => Array.from(document.querySelectorAll('#layers thead th')).filter((th) => (th as HTMLElement).offsetWidth > 0).length);
    assert.equal(wide, 10, 'every column in a wide panel');
  });

  it('says what the layer-sum ratio means (not "overhead" below 1) and labels the chart axis with its unit', async () => {
    const text = await page.textContent('.summary');
    assert.match(text ?? '', /0\.941 × end to end \(the layers timed one by one add up to 94\.1% of a whole run/);
    assert.ok(!/overhead/i.test(text ?? ''));
    assert.ok((await page.textContent('svg.chart'))?.includes('0 ms'));
    assert.match(profileHtml({ ...result(), sumLayerMs: 9.35, overhead: 1.1 }), /timing layer by layer costs 10\.0% more than a whole run/);
  });

  it('sorts the layer table by a column, both ways', async () => {
    const names = (): Promise<string[]> => page.$$eval('#layers tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent ?? ''));
    assert.deepEqual(await names(), ['<img src=x onerror=alert(1)>', 'conv1', 'relu'], 'slowest first');
    await page.click('#layers th:nth-child(4)');
    assert.deepEqual(await names(), ['<img src=x onerror=alert(1)>', 'conv1', 'relu'], 'median, descending');
    await page.click('#layers th:nth-child(4)');
    assert.deepEqual(await names(), ['relu', 'conv1', '<img src=x onerror=alert(1)>'], 'median, ascending');
    await page.click('#layers th:nth-child(2)');
    assert.deepEqual(await names(), ['relu', 'conv1', '<img src=x onerror=alert(1)>'], 'name, descending');
    assert.deepEqual(problems, []);
  });
});
