// The Compare page in Debian Chromium under its own nonce CSP, with a stand-in for
// acquireVsCodeApi: nothing is blocked, clicks and inputs post the messages the host validates,
// and the host's 'update' message replaces the totals / planner and shows the budget error.
import { strict as assert } from 'node:assert';
import { chromium, Browser, Page } from 'playwright-core';
import { compareModels } from '../../src/core/compare/compare';
import { parseBytes, planMemory } from '../../src/core/compare/memoryPlan';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareHtml } from '../../src/core/report/compareHtml';
import { validateCompareMessage } from '../../src/protocol/compare';
import { ROOT } from './harness';
import { buildZooModel } from '../../src/core/zoo';

describe('compare page in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const specs = ['plain34', 'resnet34'].map(buildZooModel);
  const comparison = compareModels(specs);
  const html = compareHtml({
    comparison, plans: specs.map((s) => planMemory(s.model, { budgetBytes: parseBytes('8GiB') })),
    title: 'Plain-34 vs ResNet-34', batch: 1, optimizer: 'adam', budgetText: '8GiB',
  }, { nonce: 'Y29tcGFyZW5vbmNl', hostButtons: true, state: { request: { title: 'Plain-34 vs ResNet-34', models: ['plain34', 'resnet34'] } }, script: { inline: readFileSync(join(ROOT, 'dist', 'comparePage.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, '') } });
  const posted = async (): Promise<unknown[]> => page.evaluate(() => (window as unknown as { posted: unknown[] }).posted.splice(0));

  before(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.addInitScript(() => {
      const w = window as unknown as { posted: unknown[]; state: unknown; acquireVsCodeApi: () => unknown };
      w.posted = [];
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.posted.push(m), setState: (s: unknown) => { w.state = s; } });
    });
    // Served from a URL (not setContent) so the init script's stand-in is in the page's window.
    await page.route('http://compare.netlens.test/', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await page.goto('http://compare.netlens.test/');
  });
  after(async () => { await browser?.close(); });

  it('runs under its CSP with nothing blocked', () => {
    assert.deepEqual(problems, []);
  });

  it('keeps its comparison as webview state (restored after a window reload)', async () => {
    assert.deepEqual(await page.evaluate(() => (window as unknown as { state: unknown }).state),
      { request: { title: 'Plain-34 vs ResNet-34', models: ['plain34', 'resnet34'] } });
  });

  it('posts valid messages for clicks and inputs', async () => {
    await page.click('g.stage[data-stage="conv3"]');
    await page.click('#open-graphs');
    await page.fill('#budget', '4 GiB');
    await page.press('#budget', 'Enter');
    await page.selectOption('#optimizer', 'sgd');
    await page.fill('#batch', '0');
    await page.press('#batch', 'Enter'); // not a batch size: nothing posted
    await page.fill('#batch', '32');
    await page.press('#batch', 'Enter');
    const msgs = await posted();
    assert.deepEqual(msgs, [
      { type: 'revealStage', stage: 'conv3' }, { type: 'openGraphs' }, { type: 'budget', text: '4 GiB' },
      { type: 'optimizer', optimizer: 'sgd' }, { type: 'batch', batch: 32 },
    ]);
    for (const m of msgs) assert.deepEqual(validateCompareMessage(m, comparison.stageOrder), m);
  });

  it('applies the host\'s updates: the planner, the totals, the budget error', async () => {
    await page.evaluate(() => window.postMessage({ type: 'update', budgetError: 'cannot read "lots"' }, '*'));
    await page.waitForFunction(() => document.getElementById('budget-error')!.textContent === 'cannot read "lots"');
    assert.equal(await page.getAttribute('#budget', 'class'), 'bad');
    await page.evaluate(() => window.postMessage({ type: 'update', totals: 42 }, '*')); // malformed: ignored
    await page.evaluate(() => window.postMessage({ type: 'update', memory: '<p id="m2">new plan</p>', totals: '<p id="t2">new totals</p>', budgetError: '' }, '*'));
    await page.waitForSelector('#memory #m2');
    await page.waitForSelector('#totals #t2');
    assert.equal(await page.textContent('#budget-error'), '');
    assert.equal(await page.getAttribute('#budget', 'class'), '');
    assert.deepEqual(problems, []);
  });
});
