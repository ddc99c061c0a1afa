// The real editor (code-server + Chromium): extension activation time as VS Code reports it
// ("Developer: Show Running Extensions"), and command-to-painted-graph for "Show ResNet-50 graph",
// first in a session and again after the panel is closed. Also the VSIX size.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureCodeServer, freePort, installVsix, startCodeServer } from '../test/e2e/codeServer';
import { launchBrowser, openWorkbench, runCommand } from '../test/e2e/workbench';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** ms from pressing the command to the graph's first frame with nodes drawn. */
async function commandToGraph(page: Page, title: string): Promise<number> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const label = page.locator('.quick-input-list .monaco-list-row .label-name').filter({ hasText: new RegExp(`^${title}$`) }).first();
  await label.waitFor({ state: 'visible' });
  const t0 = Date.now();
  await label.click();
  for (;;) {
    for (const f of page.frames()) {
      const n = await f.evaluate(() => document.querySelectorAll('#nl-viewport .nl-node').length).catch(() => 0);
      if (n > 0) return Date.now() - t0;
    }
    await page.waitForTimeout(10);
  }
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const vsix = join(root, 'netlens.vsix');
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'ignore' });
  const cs = ensureCodeServer();
  const home = mkdtempSync(join(tmpdir(), 'netlens-bench-'));
  const workspace = join(home, 'workspace');
  mkdirSync(workspace);
  installVsix(cs, vsix, join(home, 'ext'), join(home, 'ud'));
  const editor = await startCodeServer(cs, { port: await freePort(), extensionsDir: join(home, 'ext'), userDataDir: join(home, 'ud'), workspace });
  const browser = await launchBrowser();
  try {
    const page = await openWorkbench(browser, editor.url);
    await page.locator('.activitybar [aria-label*="NetLens"]').first().waitFor();
    await page.waitForTimeout(3000);
    const first = await commandToGraph(page, 'NetLens: Show ResNet-50 graph');
    const again: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.waitForTimeout(500);
      await runCommand(page, 'View: Close All Editors');
      await page.waitForTimeout(500);
      again.push(await commandToGraph(page, 'NetLens: Show ResNet-50 graph'));
    }
    await runCommand(page, 'Developer: Show Running Extensions');
    const row = page.locator('.monaco-list-row', { hasText: 'NetLens' }).first();
    await row.waitFor({ timeout: 30_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    const activation = /(\d+)\s*ms/.exec(text)?.[1] ?? `not shown (${text})`;
    console.log('| measure | value |');
    console.log('| --- | --- |');
    console.log(`| VSIX size (\`npm run package\`) | ${(statSync(vsix).size / 2 ** 20).toFixed(2)} MiB |`);
    console.log(`| extension activation, as "Show Running Extensions" reports it | ${activation} ms |`);
    console.log(`| "Show ResNet-50 graph": command to painted graph, first in the session | ${first} ms |`);
    console.log(`| "Show ResNet-50 graph": command to painted graph, panel closed and reopened (median of 5) | ${median(again)} ms (${again.join(', ')}) |`);
  } finally {
    await browser.close();
    editor.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
