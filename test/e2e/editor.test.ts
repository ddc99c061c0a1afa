// NetLens in a real VS Code (code-server), driven as a new user would: the VSIX is installed into a
// throwaway extensions directory, the workbench is opened in Debian Chromium, and every step is
// screenshotted into test-artifacts/e2e/.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Frame, Page } from 'playwright-core';
import { CodeServer, ensureCodeServer, freePort, installVsix, RunningEditor, startCodeServer } from '../../tools/editor/codeServer';
import { ARTIFACTS, launchBrowser, openWorkbench, pickQuickItem, runCommand, shot, waitForNotification, webviewFrame } from '../../tools/editor/workbench';

const ROOT = join(__dirname, '..', '..', '..');
const VSIX = join(ROOT, 'netlens.vsix');

/** Element id of a layer in the webview's own graph (the page exposes its app for tests). */
const elementId = (frame: Frame, name: string): Promise<string> => frame.evaluate((n) => {
  const app = (window as unknown as { __netlens: { app: { graph: { nodes: { name: string; index: number }[] } } } }).__netlens.app;
  const node = app.graph.nodes.find((x) => x.name === n);
  if (!node) throw new Error(`no layer ${n}`);
  return `n${node.index}`;
}, name);

/** Waits until a graph webview shows a model of `layers` layers (its frame may reload meanwhile). */
async function waitForGraph(page: Page, layers: number, timeout = 90_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const frame = await webviewFrame(page, '#nl-viewport .nl-node', Math.max(1, deadline - Date.now()));
    const n = await frame.evaluate(() =>
      (window as unknown as { __netlens?: { app?: { graph?: { nodes: unknown[] } } } }).__netlens?.app?.graph?.nodes.length).catch(() => undefined);
    if (n === layers) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`no graph of ${layers} layers within ${timeout} ms`);
}

describe('NetLens in a real VS Code (code-server)', function () {
  this.timeout(600_000);
  let cs: CodeServer;
  let editor: RunningEditor;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  let userDataDir: string;

  before(async () => {
    cs = ensureCodeServer();
    if (!existsSync(VSIX)) execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: 'inherit' });
    const home = mkdtempSync(join(tmpdir(), 'netlens-e2e-'));
    const extensionsDir = join(home, 'extensions');
    userDataDir = join(home, 'user-data');
    workspace = join(home, 'workspace');
    mkdirSync(workspace, { recursive: true });
    copyFileSync(join(ROOT, 'media', 'samples', 'chelsea.png'), join(workspace, 'chelsea.png'));
    writeFileSync(join(workspace, 'broken-model.json'), '{"class_name": "Model", "config": {"layers": [');
    // A PyTorch ONNX export stored without its external data file (as the fixtures are).
    copyFileSync(join(ROOT, 'test', 'fixtures', 'onnx', 'resnet18-op13.onnx'), join(workspace, 'resnet18.onnx'));
    installVsix(cs, VSIX, extensionsDir, userDataDir);
    mkdirSync(ARTIFACTS, { recursive: true });
    editor = await startCodeServer(cs, {
      port: await freePort(), extensionsDir, userDataDir, workspace, logFile: join(ARTIFACTS, 'code-server.log'),
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, editor.url);
    // The NetLens activity-bar entry shows the extension's contributions are loaded.
    await page.locator('.activitybar [aria-label*="NetLens"]').first().waitFor({ timeout: 90_000 });
    await shot(page, '00-workbench');
  });

  after(async () => {
    await browser?.close();
    editor?.stop();
  });

  it('"Show ResNet-50 graph" from the command palette renders the graph in a webview', async () => {
    await runCommand(page, 'NetLens: Show ResNet-50 graph');
    await waitForGraph(page, 177);
    const frame = await webviewFrame(page, '#nl-viewport .nl-node');
    assert.ok(await frame.locator('#nl-viewport .nl-node').count() > 0, 'nodes are drawn');
    await shot(page, '01-resnet50-graph');
  });

  it('hovering conv1_conv shows 9,472 params', async () => {
    const frame = await webviewFrame(page, '#nl-viewport .nl-node');
    const id = await elementId(frame, 'conv1_conv');
    await frame.evaluate((i) => {
      const app = (window as unknown as { __netlens: { app: { layout: { boxes: Record<string, { x: number; y: number; w: number; h: number }> }; centerOn(x: number, y: number): void } } }).__netlens.app;
      const b = app.layout.boxes[i];
      app.centerOn(b.x + b.w / 2, b.y + b.h / 2);
    }, id);
    await frame.locator(`#nl-viewport [data-id="${id}"]`).first().hover();
    await frame.locator('#nl-hover:not([hidden])').waitFor({ timeout: 10_000 });
    const text = await frame.locator('#nl-hover').innerText();
    assert.match(text, /9,472/);
    assert.match(text, /118,013,952/);
    await shot(page, '02-hover-conv1');
  });

  it('in a 500 px wide panel no minimap over the nodes, a one-line legend, the title and totals in full (issue 22 item 7)', async () => {
    const frame = await webviewFrame(page, '#nl-viewport .nl-node');
    const size = page.viewportSize() ?? { width: 1280, height: 800 };
    const panelWidth = (): Promise<number> => frame.evaluate(() => window.innerWidth);
    // Narrow the window until the graph's panel is 500 px wide (the side bar and activity bar keep their width).
    await page.setViewportSize({ width: size.width - (await panelWidth() - 500), height: size.height });
    for (let i = 0; i < 20 && Math.abs(await panelWidth() - 500) > 2; i++) await page.waitForTimeout(100);
    await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
    await shot(page, '02b-resnet50-500px');
    const m = await frame.evaluate(() => {
      const box = (e: Element): DOMRect => e.getBoundingClientRect();
      const overlap = (a: DOMRect, b: DOMRect): boolean => a.width > 0 && a.height > 0 && b.width > 0 && b.height > 0
        && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      const nodes = Array.from(document.querySelectorAll('#nl-viewport .nl-node')).map(box);
      const covers = (sel: string): number => { const el = document.querySelector(sel); return el ? nodes.filter((n) => overlap(box(el), n)).length : 0; };
      const name = document.querySelector('.nl-model') as HTMLElement;
      const header = box(document.querySelector('.nl-header')!);
      const chips = Array.from(document.querySelectorAll('#nl-totals .nl-chip')).map(box);
      return {
        width: window.innerWidth, minimapOver: covers('.nl-minimap'),
        legendRows: Math.round(box(document.querySelector('.nl-legend')!).height / Math.max(1, box(document.querySelector('.nl-legend-item')!).height)),
        name: name.textContent, nameCut: name.scrollWidth > name.clientWidth + 1,
        chipsShown: chips.filter((c) => c.width > 0 && c.left >= header.left && c.right <= header.right + 1).length,
      };
    });
    await page.setViewportSize(size);
    assert.ok(Math.abs(m.width - 500) <= 2, `panel ${m.width} px wide`);
    assert.equal(m.minimapOver, 0, 'the minimap covers no node');
    assert.ok(m.legendRows <= 1, `the legend is one line (${m.legendRows})`);
    assert.equal(m.nameCut, false, `the title "${m.name}" is not cut`);
    assert.ok(m.chipsShown >= 2, `header totals in view (${m.chipsShown} chips whole)`);
  });

  it('a broken model file shows an error notification and the editor keeps working', async () => {
    await page.keyboard.press('Escape');
    await runCommand(page, 'NetLens: Show Model Graph from File...');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    // The simple file dialog fills in the folder it starts from a moment after it opens, which can
    // overwrite what was typed: type the path until it stays.
    const path = join(workspace, 'broken-model.json');
    for (let i = 0; i < 20; i++) {
      await input.fill(path);
      await page.waitForTimeout(300);
      if (await input.inputValue() === path) break;
    }
    assert.equal(await input.inputValue(), path);
    await input.press('Enter');
    const texts = await waitForNotification(page, /broken-model\.json/);
    assert.ok(texts.some((t) => /broken-model\.json.*JSON/i.test(t)), `one error naming the file and the JSON problem: ${texts.join(' | ')}`);
    await shot(page, '03-broken-model-error');
    // The editor still answers: the palette opens and runs another command.
    await runCommand(page, 'NetLens: Show Model Graph...');
    await pickQuickItem(page, 'LeNet-5');
    await waitForGraph(page, 9);
    await shot(page, '04-lenet5-after-error');
  });

  it('a model file that takes down the model process (Open With) shows one error; LeNet-5 then opens in the same window', async () => {
    // The model process reads files under a heap cap (netlens.modelProcessMemoryMb, machine scope):
    // lowered to 64 MiB here, a 24 MB model.json of 6 M tiny arrays needs far more once parsed and
    // V8 ends that process, as a decompression or amplification bomb would. The extension host
    // must show one error naming the file and keep working.
    // A machine-scoped setting: code-server's extension host runs on the "remote" side, which reads
    // it from the Machine settings file.
    mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
    const settingsFile = join(userDataDir, 'Machine', 'settings.json');
    const settings = (existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')) : {}) as Record<string, unknown>;
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'netlens.modelProcessMemoryMb': 64 }));
    const dir = join(workspace, 'hostile');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), `{"class_name":"Functional","config":{"name":"bomb","layers":[],"junk":[${'[1],'.repeat(6 * 1024 * 1024)}[1]]}}`);
    await page.waitForTimeout(3000); // the settings file is watched; let the change land
    await page.keyboard.press('Escape');
    await runCommand(page, 'View: Show Explorer');
    const explorer = page.locator('.explorer-folders-view');
    const folder = explorer.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^hostile$/ }) }).first();
    await folder.waitFor({ timeout: 30_000 });
    if (await folder.getAttribute('aria-expanded') !== 'true') await folder.click();
    const file = explorer.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^model\.json$/ }) }).first();
    await file.waitFor({ timeout: 30_000 });
    // The explorer may still be settling (the folder just expanded): retry the context menu.
    for (let attempt = 1; ; attempt++) {
      try {
        await file.click({ button: 'right' });
        const item = page.locator('.monaco-menu .action-label', { hasText: /^Open With\.\.\.$/ }).first();
        await item.hover({ timeout: 10_000 });
        await page.keyboard.press('Enter'); // the hovered entry; a click can land while the menu animates
        await pickQuickItem(page, 'NetLens Model Graph', 15_000);
        break;
      } catch (e) {
        await shot(page, `03a-open-with-attempt-${attempt}`);
        if (attempt === 3) throw e;
        await page.keyboard.press('Escape');
      }
    }
    const texts = await waitForNotification(page, /hostile[/\\]model\.json/, 120_000);
    const errors = texts.filter((t) => /hostile[/\\]model\.json/.test(t));
    assert.equal(errors.length, 1, `one error: ${texts.join(' | ')}`);
    assert.match(errors[0], /model process ran out of memory \(limit 64 MiB\)/);
    await shot(page, '03b-hostile-model-error');
    // Back to the default limit; the next model opens in a new model process, in the same window.
    writeFileSync(settingsFile, JSON.stringify(settings));
    await page.waitForTimeout(2000);
    await runCommand(page, 'View: Close All Editors'); // an earlier LeNet-5 panel would only be revealed
    await runCommand(page, 'NetLens: Show Model Graph...');
    await pickQuickItem(page, 'LeNet-5');
    await waitForGraph(page, 9);
    await shot(page, '04b-lenet5-after-hostile');
  });

  it('a double-click on a .onnx file opens its graph (NetLens is the default editor), with one short note on the missing weights file', async () => {
    await page.keyboard.press('Escape');
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'View: Show Explorer');
    const explorer = page.locator('.explorer-folders-view');
    const file = explorer.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^resnet18\.onnx$/ }) }).first();
    await file.waitFor({ timeout: 30_000 });
    await file.dblclick();
    await waitForGraph(page, 50);
    const texts = await waitForNotification(page, /drawn without its weights/, 60_000);
    assert.ok(texts.some((t) => /resnet18\.onnx is drawn without its weights: "resnet18-op13\.onnx\.data" is not beside it/.test(t)), texts.join(' | '));
    // No text editor on the binary file: the graph is the only tab.
    assert.equal(await page.locator('.tabs-container .tab', { hasText: /^resnet18\.onnx$/ }).count(), 0, 'no binary text tab');
    await shot(page, '04c-onnx-double-click');
  });

  it('the NetLens view lists the zoo and, for the open graph, its layers grouped by block', async () => {
    await page.locator('.activitybar [aria-label*="NetLens"]').first().click();
    const models = page.locator('.pane', { hasText: 'Models' }).first();
    await models.locator('.monaco-list-row', { hasText: 'ResNet-50' }).first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'NetLens: Show ResNet-50 graph');
    await waitForGraph(page, 177);
    const layers = page.locator('.pane', { hasText: 'Layers' }).first();
    await layers.locator('.monaco-list-row', { hasText: 'conv2' }).first().waitFor({ timeout: 30_000 });
    assert.ok(await layers.locator('.monaco-list-row').count() > 3, 'layer tree has rows');
    await shot(page, '05-netlens-views');
  });

  it('"Profile Model with Image..." on the sample image completes and the overlay appears', async () => {
    await runCommand(page, 'NetLens: Profile Model with Image...');
    const input = page.locator('.quick-input-widget input');
    await input.fill('resnet50');
    await pickQuickItem(page, 'ResNet-50');
    await pickQuickItem(page, 'Chelsea the cat');
    // The graph webview receives the measured result and offers colouring by time.
    const deadline = Date.now() + 300_000;
    let layers = 0;
    while (Date.now() < deadline && layers === 0) {
      for (const f of page.frames()) {
        layers = await f.evaluate(() => {
          const app = (window as unknown as { __netlens?: { app?: { graph?: { model: string }; profile?: { model: string; layers: { name: string; fusedWith?: string[] }[] } | null } } }).__netlens?.app;
          // Each entry is what ran: a layer, or a fused run naming its member layers.
          return app?.profile?.model === 'resnet50' ? new Set(app.profile.layers.flatMap((l) => [l.name, ...(l.fusedWith ?? [])])).size : 0;
        }).catch(() => 0);
        if (layers) break;
      }
      if (!layers) await page.waitForTimeout(500);
    }
    // Every ResNet-50 layer is covered, as an entry or a member of a fused run (ONNX Runtime's layout
    // transpose at the input counts as the input layer's entry).
    assert.ok(layers >= 176, `profile overlay covers every layer (${layers} of 177)`);
    await shot(page, '06-profile-overlay');
  });

  it('with netlens.backend = webgpu, LeNet-5 profiles on ONNX Runtime\'s WebGPU provider (software Vulkan here)', async () => {
    // tools/editor/codeServer.ts gives the editor VK_ICD_FILENAMES (SwiftShader); the label must say software.
    // code-server's extension host runs on the "remote" side, whose Machine settings file it watches
    // reliably (changes to the User file did not always reach it in time).
    mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
    const settingsFile = join(userDataDir, 'Machine', 'settings.json');
    const settings = (existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')) : {}) as Record<string, unknown>;
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'netlens.backend': 'webgpu' }));
    // The settings file is watched; on a loaded machine the change can take seconds to land.
    await page.waitForTimeout(8000);
    try {
      // The previous test left focus in the profile page's webview: take it back to the workbench.
      await page.locator('.monaco-workbench .part.statusbar').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
      await runCommand(page, 'NetLens: Profile Model with Image...');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 30_000 });
      await input.fill('lenet5');
      await pickQuickItem(page, 'LeNet-5');
      await pickQuickItem(page, 'Chelsea the cat');
      const deadline = Date.now() + 180_000;
      let got: { backend: string; label: string; layers: number } | null = null;
      while (Date.now() < deadline && !got) {
        for (const f of page.frames()) {
          got = await f.evaluate(() => {
            const app = (window as unknown as { __netlens?: { app?: { profile?: { model: string; backend: string; backendLabel?: string; layers: unknown[] } | null } } }).__netlens?.app;
            const p = app?.profile;
            return p?.model === 'lenet5' ? { backend: p.backend, label: p.backendLabel ?? '', layers: p.layers.length } : null;
          }).catch(() => null);
          if (got) break;
        }
        if (!got) await page.waitForTimeout(500);
      }
      assert.ok(got, 'a LeNet-5 profile reached the graph');
      assert.equal(got.backend, 'webgpu', `profiled on ${got.label}`);
      assert.match(got.label, /WebGPU provider, Vulkan, SwiftShader by Google, software adapter, layer times from GPU timestamps/);
      assert.ok(got.layers >= 8, `per-layer times (${got.layers} layers)`);
      await shot(page, '06b-profile-webgpu');
    } finally {
      writeFileSync(settingsFile, JSON.stringify(settings));
      await page.waitForTimeout(2000);
    }
  });

  it('"Compare Models..." shows plain-34 against ResNet-34 with the analyser\'s totals', async () => {
    await runCommand(page, 'NetLens: Compare Models...');
    await pickQuickItem(page, 'Plain-34 vs ResNet-34');
    const frame = await webviewFrame(page, '#totals table.totals');
    const text = await frame.locator('#totals').innerText();
    assert.match(text, /21,639,080/); // plain34 params
    assert.match(text, /21,814,696/); // resnet34 params
    await shot(page, '07-compare');
  });
});
