// First collapse of a block and PNG export on ResNet-50 in the real editor (code-server + headless
// Chromium), where issue 22 measured them (2.5 s and 2.4 s before its save dialog). Before and
// after side by side in one run: NETLENS_BEFORE_VSIX names the VSIX to compare against (built
// from the commit before the change); each VSIX gets its own editor session, alternating.
// `NETLENS_BEFORE_VSIX=/tmp/before.vsix node bench/run.mjs editor.interaction`
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ensureCodeServer, freePort, installVsix, startCodeServer, CodeServer } from '../tools/editor/codeServer';
import { launchBrowser, openWorkbench, runCommand, webviewFrame } from '../tools/editor/workbench';

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const ROUNDS = Number(process.env.NETLENS_ROUNDS ?? 2);
/** How long the user looks at the graph before collapsing a block: at once (0.3 s, 1 s), or after a while (6 s). */
const LOOKS = (process.env.NETLENS_LOOKS ?? '300,1000,6000').split(',').map(Number);

/** toggleGroup as a click on the block's header does, to the next frame after it is drawn. */
async function toggle(f: Frame, id: string): Promise<number> {
  return f.evaluate(async (g) => {
    const app = (window as unknown as { __netlens: { app: { toggleGroup(id: string): Promise<void> } } }).__netlens.app;
    const t0 = performance.now();
    await app.toggleGroup(g);
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  }, id);
}

/** Export PNG as the toolbar's menu does, to the save dialog on screen (code-server's own dialog, a quick input). */
async function exportToDialog(page: Page, f: Frame): Promise<number> {
  const dialog = page.locator('.quick-input-widget', { hasText: 'Export the' });
  const t0 = Date.now();
  await f.evaluate(() => { void (window as unknown as { __netlens: { app: { export(f: string): Promise<void> } } }).__netlens.app.export('png'); });
  await dialog.waitFor({ state: 'visible', timeout: 60_000 });
  const ms = Date.now() - t0;
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  return ms;
}

interface Result { collapse: number; again: number; other: number; png: number[] }

async function session(cs: CodeServer, home: string, vsix: string, name: string, look: number): Promise<Result> {
  const ext = join(home, `ext-${name}`);
  const ud = join(home, `ud-${name}`);
  installVsix(cs, vsix, ext, join(home, `ud-install-${name}`));
  const editor = await startCodeServer(cs, { port: await freePort(), extensionsDir: ext, userDataDir: ud, workspace: join(home, 'workspace') });
  const browser = await launchBrowser();
  try {
    const page = await openWorkbench(browser, editor.url);
    await page.locator('.activitybar [aria-label*="NetLens"]').first().waitFor();
    await page.waitForTimeout(5000);
    await runCommand(page, 'NetLens: Show ResNet-50 graph');
    const f = await webviewFrame(page, '#nl-viewport .nl-node');
    await page.waitForTimeout(look);
    const collapse = await toggle(f, 'conv3_block1');
    const again = await toggle(f, 'conv3_block1');
    const other = await toggle(f, 'conv4_block2');
    await toggle(f, 'conv4_block2');
    const png: number[] = [];
    for (let i = 0; i < 3; i++) { png.push(await exportToDialog(page, f)); await page.waitForTimeout(500); }
    return { collapse, again, other, png };
  } finally {
    await browser.close();
    editor.stop();
  }
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const before = process.env.NETLENS_BEFORE_VSIX;
  if (!before || !existsSync(before)) throw new Error('NETLENS_BEFORE_VSIX: the VSIX to compare against');
  const after = join(root, 'netlens.vsix');
  if (!process.env.NETLENS_NO_PACKAGE) execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'ignore' });
  const cs = ensureCodeServer();
  const home = mkdtempSync(join(tmpdir(), 'netlens-bench-'));
  mkdirSync(join(home, 'workspace'));
  const uptimeBefore = execSync('uptime').toString().trim();
  const r = new Map<string, Result[]>();
  for (let i = 0; i < ROUNDS; i++) {
    for (const look of LOOKS) {
      for (const [name, vsix] of [['before', before], ['after', after]] as const) {
        const x = await session(cs, home, vsix, `${name}${i}-${look}`, look);
        r.set(`${name}${look}`, [...(r.get(`${name}${look}`) ?? []), x]);
        process.stderr.write(`${name} ${i} look ${look}: ${JSON.stringify(x)}\n`);
      }
    }
  }
  const cpu = (() => { try { return execSync('lscpu').toString().match(/Model name:\s*(.+)/)?.[1]?.trim(); } catch { return undefined; } })() ?? cpus()[0]?.model ?? '?';
  const cell = (xs: number[]): string => `${Math.round(median(xs))} ms (${xs.map(Math.round).join(', ')})`;
  console.log(`\`NETLENS_BEFORE_VSIX=... node bench/run.mjs editor.interaction\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, code-server + headless Chromium, ${cpu}, ${cpus().length} vCPU; \`uptime\` before: ${uptimeBefore}; load average after ${loadavg()[0].toFixed(2)}. ${ROUNDS} editor sessions per VSIX, alternating; the first collapse ${LOOKS.map((l) => l / 1000).join(' s or ')} s after the graph is on screen:\n`);
  console.log('| measure | before | after |');
  console.log('| --- | --- | --- |');
  const row = (k: string, look: number[], f: (x: Result) => number[]): void => {
    const of = (v: string): number[] => look.flatMap((l) => r.get(`${v}${l}`) ?? []).flatMap(f);
    console.log(`| ${k} | ${cell(of('before'))} | ${cell(of('after'))} |`);
  };
  for (const look of LOOKS) {
    row(`first collapse of a block (conv3_block1) ${look / 1000} s after the graph is on screen, call to painted frame`, [look], (x) => [x.collapse]);
    row(`then collapse of another block (conv4_block2)`, [look], (x) => [x.other]);
  }
  row('the block expanded again (layout cached in the page)', LOOKS, (x) => [x.again]);
  row('PNG export: toolbar call to the save dialog on screen', LOOKS, (x) => x.png);
}

main().catch((e) => { console.error(e); process.exit(1); });
