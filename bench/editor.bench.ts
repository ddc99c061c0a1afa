// The real editor (code-server + Chromium): extension activation time as VS Code reports it
// ("Developer: Show Running Extensions"), and command-to-painted-graph for "Show ResNet-50 graph",
// first in a session and again after the panel is closed. Also the VSIX size. As a floor, the same
// measure in the same editor for a bare webview (bench/fixtures/bare-webview: one command opening a
// panel whose HTML already holds the node), packaged here and installed next to NetLens.
// NETLENS_BEFORE_VSIX names a VSIX built before a change: its session runs in the same bench, so
// before, after and the floor are measured side by side; NETLENS_ROUNDS repeats the sessions
// (alternating), NETLENS_NO_PACKAGE uses netlens.vsix as it is.
// `NETLENS_BEFORE_VSIX=/tmp/before.vsix flock /tmp/netlens-editor.lock npm run bench -- editor`
import { execFileSync, execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CODE_SERVER_VERSION, CodeServer, ensureCodeServer, freePort, installVsix, startCodeServer } from '../tools/editor/codeServer';
import { launchBrowser, openWorkbench, pickQuickItem, runCommand } from '../tools/editor/workbench';

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2); };

/** Where the time went: each webview mark (performance.mark in webview/) as ms after the click. */
type Breakdown = Record<string, number>;
/** Per session kind (after, before, bare), in run order (first, then reopens; rounds one after another). */
const breakdowns = new Map<string, Breakdown[][]>();
let current: Breakdown[] = [];

const RESNET = 'NetLens: Show ResNet-50 graph';
const BARE = 'NetLens Bench: Bare Webview';
const REOPENS = 9;
const ROUNDS = Number(process.env.NETLENS_ROUNDS ?? 1);

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
      if (n > 0) {
        const ms = Date.now() - t0;
        const marks = await f.evaluate(() => performance.getEntriesByType('mark').map((m) => [m.name, performance.timeOrigin + m.startTime] as const)).catch(() => []);
        const origin = await f.evaluate(() => performance.timeOrigin).catch(() => t0);
        // VS Code's own marks in the webview's host frame: when it started on the page's content,
        // had its frame loaded (it then writes the page into it) and had written it (parse and script).
        const hostMarks = await f.parentFrame()?.evaluate(() => performance.getEntriesByType('mark')
          .filter((m) => m.name.startsWith('webview/index.html/content/'))
          .map((m) => [`webview-${m.name.slice('webview/index.html/content/'.length)}`, performance.timeOrigin + m.startTime] as const)).catch(() => []) ?? [];
        // The page's own first paint: VS Code shows a webview at its load event, so this is when
        // the graph is on screen (nodes in the DOM can come earlier). Read after the measure above.
        const paint = await f.evaluate(() => new Promise<number>((resolve) => {
          new PerformanceObserver((l) => resolve(performance.timeOrigin + l.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true });
          setTimeout(() => resolve(NaN), 5000);
        })).catch(() => NaN);
        current.push(Object.fromEntries([['navigation', Math.round(origin - t0)], ['frame', ms], ['first-paint', Math.round(paint - t0)],
          ...[...hostMarks.filter(([, v]) => v >= t0), ...marks].map(([k, v]) => [k, Math.round(v - t0)])]));
        return ms;
      }
    }
    await page.waitForTimeout(10);
  }
}

/** First run, then `reopens` runs each after "Close All Editors" (the panel's webview is gone). */
async function firstAndReopened(page: Page, title: string, reopens: number): Promise<{ first: number; again: number[] }> {
  const first = await commandToGraph(page, title);
  const again: number[] = [];
  for (let i = 0; i < reopens; i++) {
    await page.waitForTimeout(500);
    await runCommand(page, 'View: Close All Editors');
    await page.waitForTimeout(500);
    again.push(await commandToGraph(page, title));
  }
  return { first, again };
}

/**
 * "Profile Model with Image..." for ResNet-50 on the bundled cat photo: ms from picking the image
 * (the last quick pick) to the first frame of the results page with its layer table filled.
 */
async function profileToPage(page: Page): Promise<number> {
  await page.keyboard.press('Escape');
  await runCommand(page, 'NetLens: Profile Model with Image...');
  await page.locator('.quick-input-widget input').fill('resnet50');
  await pickQuickItem(page, 'ResNet-50');
  const row = page.locator('.quick-input-list .monaco-list-row .label-name').filter({ hasText: /^Chelsea the cat$/, visible: true }).first();
  await row.waitFor({ state: 'visible' });
  // Pages already open (an earlier profile's) are skipped: their table was filled before the click.
  const before = new Set(page.frames());
  const t0 = Date.now();
  await row.click();
  const deadline = t0 + 300_000;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (before.has(f)) continue;
      const rows = await f.evaluate(() => document.querySelectorAll('table#layers tbody tr').length).catch(() => 0);
      if (rows > 0) return Date.now() - t0;
    }
    await page.waitForTimeout(10);
  }
  throw new Error('the profile results page did not appear within 300 s');
}

/** Packages the bare-webview fixture (plain JS, no dependencies, offline) into a VSIX under `dir`. */
function packageBareWebview(root: string, dir: string): string {
  const src = join(dir, 'bare-webview');
  cpSync(join(root, 'bench', 'fixtures', 'bare-webview'), src, { recursive: true });
  const out = join(dir, 'bare-webview.vsix');
  execFileSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package',
    '--allow-missing-repository', '--skip-license', '--no-dependencies', '-o', out], { cwd: src, stdio: 'pipe' });
  return out;
}

interface SessionResult { first: number; again: number[]; activation?: string; profiles?: number[] }

/** One editor session (fresh user data, same extensions): `title` first, then reopened REOPENS times. */
async function session(cs: CodeServer, home: string, ext: string, kind: string, title: string, activation: boolean): Promise<SessionResult> {
  const ud = join(home, `ud-${kind}-${breakdowns.get(kind)?.length ?? 0}`);
  current = [];
  breakdowns.set(kind, [...(breakdowns.get(kind) ?? []), current]);
  const editor = await startCodeServer(cs, { port: await freePort(), extensionsDir: ext, userDataDir: ud, workspace: join(home, 'workspace') });
  const browser = await launchBrowser();
  try {
    const page = await openWorkbench(browser, editor.url);
    await page.locator('.activitybar [aria-label*="NetLens"]').first().waitFor();
    // As the issue measured: the window open 10 s before the command (start-up work settles).
    await page.waitForTimeout(10_000);
    const runs = await firstAndReopened(page, title, REOPENS);
    if (!activation) return runs;
    await runCommand(page, 'View: Close All Editors');
    // The first profile of the session starts the profiler process; the second finds it warm.
    const profiles = [await profileToPage(page), await profileToPage(page)];
    await runCommand(page, 'Developer: Show Running Extensions');
    const row = page.locator('.monaco-list-row', { hasText: 'NetLens', hasNotText: /bench|bare webview/i }).first();
    await row.waitFor({ timeout: 30_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    return { ...runs, profiles, activation: /(\d+)\s*ms/.exec(text)?.[1] ?? `not shown (${text})` };
  } finally {
    await browser.close();
    editor.stop();
  }
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const vsix = join(root, 'netlens.vsix');
  const beforeVsix = process.env.NETLENS_BEFORE_VSIX;
  if (beforeVsix && !existsSync(beforeVsix)) throw new Error(`NETLENS_BEFORE_VSIX: ${beforeVsix} does not exist`);
  if (!process.env.NETLENS_NO_PACKAGE) execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'ignore' });
  const cs = ensureCodeServer();
  const home = mkdtempSync(join(tmpdir(), 'netlens-bench-'));
  mkdirSync(join(home, 'workspace'));
  // Each NetLens build in its own extensions folder, the bare webview beside it in both (and in the
  // bare session's), so every session starts the same set of extensions.
  const bareVsix = packageBareWebview(root, home);
  const kinds: [kind: string, title: string, ext: string][] = [['after', RESNET, join(home, 'ext')], ['bare', BARE, join(home, 'ext')]];
  installVsix(cs, vsix, join(home, 'ext'), join(home, 'ud'));
  installVsix(cs, bareVsix, join(home, 'ext'), join(home, 'ud'));
  if (beforeVsix) {
    installVsix(cs, beforeVsix, join(home, 'ext-before'), join(home, 'ud-install-before'));
    installVsix(cs, bareVsix, join(home, 'ext-before'), join(home, 'ud-install-before'));
    kinds.push(['before', RESNET, join(home, 'ext-before')]);
  }
  // One session left out of the figures: the first editor session after the install reads
  // code-server and the extensions from a cold disk cache, which would fall on whichever comes first.
  await session(cs, home, join(home, 'ext'), 'warm-up', BARE, false);
  breakdowns.delete('warm-up');
  const uptimeBefore = execSync('uptime').toString().trim();
  const results = new Map<string, SessionResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating order, the floor in the middle: drifting load falls on both builds alike.
    const order = round % 2 ? [...kinds].reverse() : kinds;
    for (const [kind, title, ext] of order) {
      const r = await session(cs, home, ext, kind, title, kind === 'after' && round === 0);
      results.set(kind, [...(results.get(kind) ?? []), r]);
      process.stderr.write(`${kind} round ${round}: first ${r.first} ms, reopened ${r.again.join(', ')} ms\n`);
    }
  }
  const cpu = (() => { try { return execSync('lscpu').toString().match(/Model name:\s*(.+)/)?.[1]?.trim(); } catch { return undefined; } })() ?? cpus()[0]?.model ?? '?';
  console.log(`\`npm run bench -- editor\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, code-server ${CODE_SERVER_VERSION} + headless Chromium, ${cpu}, ${cpus().length} vCPU; \`uptime\` before: ${uptimeBefore}; load average after ${loadavg().map((l) => l.toFixed(2)).join(', ')}. ${ROUNDS} editor session(s) per column, alternating.\n`);
  const cols = (['after', 'before', 'bare'] as const).filter((k) => results.has(k));
  const label: Record<string, string> = { after: 'NetLens (this build)', before: 'NetLens (NETLENS_BEFORE_VSIX)', bare: 'bare webview (the floor)' };
  console.log(`| measure | ${cols.map((k) => label[k]).join(' | ')} |`);
  console.log(`| --- | ${cols.map(() => '---').join(' | ')} |`);
  const row = (what: string, cell: (k: string) => string): void => console.log(`| ${what} | ${cols.map(cell).join(' | ')} |`);
  const firsts = (k: string): number[] => (results.get(k) ?? []).map((r) => r.first);
  const reopens = (k: string): number[] => (results.get(k) ?? []).flatMap((r) => r.again);
  const size = (f: string | undefined): string => (f ? `${(statSync(f).size / 2 ** 20).toFixed(2)} MiB` : '');
  row('VSIX size (`npm run package`)', (k) => (k === 'after' ? size(vsix) : k === 'before' ? size(beforeVsix) : ''));
  row('extension activation, as "Show Running Extensions" reports it', (k) => (k === 'after' ? `${results.get(k)![0].activation} ms` : ''));
  row('command to painted graph (bare: node), first in the session', (k) => `${median(firsts(k))} ms (${firsts(k).join(', ')})`);
  row(`the same, panel closed and reopened (median of ${REOPENS} x ${ROUNDS})`, (k) => `${median(reopens(k))} ms (${reopens(k).join(', ')})`);
  const ratio = (k: string, of: (k: string) => number[]): string => (median(of(k)) / median(of('bare'))).toFixed(2);
  row('ratio to the bare webview, first / reopened (goal: within 1.15)', (k) => (k === 'bare' ? '1' : `${ratio(k, firsts)} / ${ratio(k, reopens)}`));
  // Split at the page's navigation: before it is VS Code creating the webview (and the extension's
  // command up to setting the HTML), after it is the page loading, drawing and painting.
  const split = (k: string, part: (b: Breakdown) => number): string => {
    const runs = breakdowns.get(k) ?? [];
    const first = runs.map((r) => r[0]).filter(Boolean).map(part);
    const again = runs.flatMap((r) => r.slice(1)).map(part);
    return first.length ? `${median(first)} / ${median(again)} ms` : 'not measured';
  };
  const painted = (k: string): number[] => (breakdowns.get(k) ?? []).flatMap((r) => r.slice(1)).map((b) => b['first-paint']);
  const paintedFirst = (k: string): number[] => (breakdowns.get(k) ?? []).map((r) => r[0]['first-paint']);
  row('command to the page\'s first paint (its first-paint entry: on screen), first / reopened (median)', (k) => `${median(paintedFirst(k))} / ${median(painted(k))} ms`);
  row('the same, ratio to the bare webview, first / reopened', (k) => (k === 'bare' ? '1' : `${ratio(k, paintedFirst)} / ${ratio(k, painted)}`));
  row('click to the page\'s navigation, first / reopened (median)', (k) => split(k, (b) => b.navigation));
  row('navigation to painted, first / reopened (median)', (k) => split(k, (b) => b.frame - b.navigation));
  row('click to VS Code starting on the page / its frame loaded, first / reopened (median)', (k) => `${split(k, (b) => b['webview-started'])} / ${split(k, (b) => b['webview-innerFrameLoaded'])}`);
  row('VS Code writing the page into its frame (parse and script), first / reopened (median)', (k) => split(k, (b) => b['webview-wroteInnerContent'] - b['webview-innerFrameLoaded']));
  row('page written to on screen (first-paint entry), first / reopened (median)', (k) => split(k, (b) => b['first-paint'] - b['webview-wroteInnerContent']));
  const profiles = results.get('after')?.[0].profiles;
  if (profiles) console.log(`\n"Profile Model with Image...", ResNet-50 on the cat photo: image picked to results page painted, first / again: ${profiles.join(' / ')} ms`);
  console.log('\nWebview marks, ms after the click (navigation = the page\'s timeOrigin), first run then reopens:');
  for (const [kind, rounds] of breakdowns) {
    rounds.forEach((runs, i) => {
      console.log(`\n${label[kind]}, session ${i + 1}:`);
      for (const b of runs) console.log(Object.entries(b).map(([k, v]) => `${k} ${v}`).join(' · '));
    });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
