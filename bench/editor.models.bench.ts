// Models users bring, in the real editor (code-server + Chromium): an .onnx opened from Quick Open
// (NetLens's graph is the default editor for .onnx) to its first graph painted. Swin-T (6,333 ONNX
// nodes), SSDlite (a detector whose post-processing depends on data) and ViT-B/16, exported by
// scripts/onnx-fixtures-wild.py; weights recreated as zeros (drawing reads shapes only), and once
// without its weights file (the graph must still draw). Each file is opened first in its session
// (the model process cold), then again after the editors are closed.
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureCodeServer, freePort, installVsix, startCodeServer } from '../tools/editor/codeServer';
import { launchBrowser, openWorkbench, runCommand } from '../tools/editor/workbench';

const MODELS = ['swin_t', 'ssdlite320', 'vit_b_16'];

/** ms from Enter in Quick Open to the graph's first frame with nodes drawn. */
async function quickOpenToGraph(page: Page, file: string): Promise<number> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(file);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first();
  await row.waitFor({ state: 'visible' });
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  for (;;) {
    for (const f of page.frames()) {
      const n = await f.evaluate(() => document.querySelectorAll('#nl-viewport .nl-node').length).catch(() => 0);
      if (n > 0) return Date.now() - t0;
    }
    if (Date.now() - t0 > 120_000) throw new Error(`${file}: no graph painted within 120 s`);
    await page.waitForTimeout(10);
  }
}

function place(workspace: string, name: string, withWeights: boolean, as = name): void {
  const wild = join(__dirname, '..', '..', 'test', 'fixtures', 'onnx-wild');
  copyFileSync(join(wild, `${name}.onnx`), join(workspace, `${as}.onnx`));
  if (!withWeights) return;
  const ref = JSON.parse(readFileSync(join(wild, `${name}.reference.json`), 'utf8')) as { externalDataBytes: number };
  const fd = openSync(join(workspace, `${as}.onnx.data`), 'w');
  try { ftruncateSync(fd, ref.externalDataBytes); } finally { closeSync(fd); }
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const vsix = join(root, 'netlens.vsix');
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'ignore' });
  const cs = ensureCodeServer();
  const home = mkdtempSync(join(tmpdir(), 'netlens-bench-models-'));
  const workspace = join(home, 'workspace');
  mkdirSync(workspace);
  for (const m of MODELS) place(workspace, m, true);
  place(workspace, 'swin_t', false, 'swin_t_noweights');
  installVsix(cs, vsix, join(home, 'ext'), join(home, 'ud'));
  const editor = await startCodeServer(cs, { port: await freePort(), extensionsDir: join(home, 'ext'), userDataDir: join(home, 'ud-models'), workspace });
  const browser = await launchBrowser();
  const rows: string[] = [];
  try {
    const page = await openWorkbench(browser, editor.url);
    await page.locator('.activitybar [aria-label*="NetLens"]').first().waitFor();
    await page.waitForTimeout(10_000); // start-up work settles, as the other editor bench does
    for (const m of [...MODELS, 'swin_t_noweights']) {
      const first = await quickOpenToGraph(page, `${m}.onnx`);
      await page.waitForTimeout(500);
      await runCommand(page, 'View: Close All Editors');
      await page.waitForTimeout(500);
      const again = await quickOpenToGraph(page, `${m}.onnx`);
      await runCommand(page, 'View: Close All Editors');
      rows.push(`| ${m}.onnx: Quick Open to painted graph, first / again | ${first} / ${again} ms |`);
    }
  } finally {
    await browser.close();
    editor.stop();
  }
  console.log('| measure (models users bring, code-server) | value |');
  console.log('| --- | --- |');
  for (const r of rows) console.log(r);
}

main().catch((e) => { console.error(e); process.exit(1); });
