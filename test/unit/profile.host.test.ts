// The "Profile Model with Image..." command against a stand-in for the `vscode` module (the real
// editor is exercised by test/e2e): it profiles in the worker process, reports stages in a
// cancellable progress notification, opens the results page, hands the result to the graph view's
// overlay command, exports, cancels, and shows bad input as one error line. Also: the extension
// host bundle never loads tfjs.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stubVscode } from './helpers/vscodeStub';
import type { ProfileResult } from '../../src/core/profile/result';
import { SAMPLES } from './profileFixtures';
import { removeDir, tempDir, writeKerasArchive } from '../fixtures/writers';
import { ProfilerClient } from '../../src/process/profilerClient';
import type { ProfileRequest } from '../../src/protocol/worker';
import { floatInit, modelBytes, node, valueInfo } from '../fixtures/onnx/files';

const ROOT = join(__dirname, '..', '..', '..');

class Uri {
  constructor(readonly fsPath: string) {}
  static file(p: string): Uri { return new Uri(p); }
  static joinPath(u: Uri, ...parts: string[]): Uri { return new Uri(join(u.fsPath, ...parts)); }
}

interface Fake {
  commands: Map<string, (...a: unknown[]) => unknown>;
  executed: { id: string; args: unknown[] }[];
  infos: string[];
  errors: string[];
  progress: string[];
  panels: { html: string; title: string; post: (m: unknown) => Promise<void> }[];
  quickPicks: ((items: { label: string; description?: string; value?: string }[]) => unknown)[];
  /** The title of each quick pick shown. */
  pickTitles: string[];
  cancelWhen?: (message: string) => boolean;
  cancelledAt?: number;
  saved: { path: string; text: string }[];
  saveTo?: string;
  /** Settings over the defaults above. */
  config?: Record<string, unknown>;
}

function fakeVscode(f: Fake): unknown {
  return {
    Uri,
    ViewColumn: { Beside: -2 },
    ProgressLocation: { Notification: 15 },
    commands: {
      registerCommand: (id: string, cb: (...a: unknown[]) => unknown) => { f.commands.set(id, cb); return { dispose() {} }; },
      getCommands: async () => [...f.commands.keys(), 'netlens.internal.showProfile'],
      executeCommand: async (id: string, ...args: unknown[]) => { f.executed.push({ id, args }); },
    },
    window: {
      createOutputChannel: () => ({ appendLine() {}, dispose() {} }),
      showInformationMessage: async (m: string) => { f.infos.push(m); },
      showErrorMessage: async (m: string) => { f.errors.push(m); },
      showQuickPick: async (items: { label: string }[], o?: { title?: string }) => { f.pickTitles.push(o?.title ?? ''); return f.quickPicks.shift()?.(items); },
      showOpenDialog: async () => undefined,
      showSaveDialog: async () => (f.saveTo ? Uri.file(f.saveTo) : undefined),
      withProgress: async (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) => {
        const listeners: (() => void)[] = [];
        const token = { onCancellationRequested: (l: () => void) => { listeners.push(l); return { dispose() {} }; } };
        const progress = {
          report: (v: { message?: string }) => {
            if (v.message) f.progress.push(v.message);
            if (v.message && f.cancelWhen?.(v.message) && !f.cancelledAt) { f.cancelledAt = performance.now(); listeners.forEach((l) => l()); }
          },
        };
        return task(progress, token);
      },
      createWebviewPanel: () => {
        let onMessage: (m: unknown) => Promise<void> = async () => undefined;
        const entry = { html: '', title: '', post: (m: unknown) => onMessage(m) };
        f.panels.push(entry);
        const webview = {
          set html(h: string) { entry.html = h; }, get html() { return entry.html; },
          onDidReceiveMessage: (cb: (m: unknown) => Promise<void>) => { onMessage = cb; return { dispose() {} }; },
          asWebviewUri: (u: Uri) => u,
        };
        return {
          webview, reveal() {}, onDidDispose: () => ({ dispose() {} }),
          set title(t: string) { entry.title = t; }, get title() { return entry.title; },
        };
      },
    },
    workspace: {
      getConfiguration: () => ({ get: <T>(key: string, d?: T) => ({ backend: 'wasm', 'profile.runs': 2, 'profile.warmup': 1, nodePath: '', ...f.config } as Record<string, unknown>)[key] as T ?? d }),
      workspaceFolders: undefined,
      isTrusted: true,
      onDidChangeConfiguration: () => ({ dispose() {} }),
      fs: { writeFile: async (u: Uri, data: Uint8Array) => { f.saved.push({ path: u.fsPath, text: Buffer.from(data).toString('utf8') }); } },
      asRelativePath: (u: Uri) => u.fsPath,
    },
  };
}

describe('profile: the VS Code command (stand-in vscode module)', function () {
  this.timeout(120_000);
  const f: Fake = { commands: new Map(), executed: [], infos: [], errors: [], progress: [], panels: [], quickPicks: [], pickTitles: [], saved: [] };
  const subscriptions: { dispose(): void }[] = [];
  const reset = (): void => {
    f.executed = []; f.infos = []; f.errors = []; f.progress = []; f.panels.length = 0; f.quickPicks = []; f.pickTitles = [];
    f.cancelWhen = undefined; f.cancelledAt = undefined; f.saved = []; f.config = undefined;
  };
  const run = (...args: unknown[]): Promise<unknown> => f.commands.get('netlens.profileModel')!(...args) as Promise<unknown>;

  before(() => {
    const restore = stubVscode(fakeVscode(f));
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const host = require('../../src/host/profile') as typeof import('../../src/host/profile');
      const state = new Map<string, unknown>();
      const workspaceState = { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => { state.set(k, v); }, keys: () => [...state.keys()] };
      host.registerProfiler({ subscriptions, asAbsolutePath: (p: string) => join(ROOT, p), extensionUri: Uri.file(ROOT), workspaceState } as never);
    } finally {
      restore();
    }
  });
  after(() => {
    subscriptions.forEach((s) => s.dispose());
    // Host modules loaded here hold this stand-in: drop them so later tests load their own.
    for (const k of Object.keys(require.cache)) if (/[\\/]src[\\/]host[\\/]/.test(k)) delete require.cache[k];
  });
  beforeEach(reset);

  it('profiles a model given as argument, shows the page and the overlay', async () => {
    f.quickPicks.push((items) => items[0]); // the first bundled sample
    await run('lenet5');
    assert.deepEqual(f.errors, []);
    assert.ok(f.progress.some((m) => m.startsWith('layers: ')), f.progress.join(' | '));
    assert.ok(f.progress.some((m) => m.startsWith('backend: ')));
    assert.equal(f.panels.length, 1);
    assert.equal(f.panels[0].title, 'Profile: lenet5');
    for (const name of ['c1', 's2', 'c3', 's4', 'c5', 'flatten', 'f6', 'predictions']) assert.ok(f.panels[0].html.includes(`>${name}<`), name);
    const overlay = f.executed.find((e) => e.id === 'netlens.internal.showProfile');
    assert.ok(overlay, 'overlay command called');
    assert.equal(overlay.args[0], 'lenet5');
    const result = overlay.args[1] as ProfileResult;
    assert.equal(result.layers.length, 8);
    assert.match(result.image, /chelsea\.png$/);

    // Export from the page.
    f.saveTo = '/tmp/netlens-host-test.csv';
    await f.panels[0].post({ type: 'export', format: 'csv' });
    assert.equal(f.saved.length, 1);
    assert.match(f.saved[0].text, /^index,name,className,median_ms/);
    assert.equal(f.saved[0].text.trimEnd().split('\n').length, 9);
  });

  it('offers the model of the open graph first', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { setActiveGraph } = require('../../src/host/activeGraph') as typeof import('../../src/host/activeGraph');
    let offered: { label: string; description?: string; value?: string }[] = [];
    f.quickPicks.push((items) => { offered = items as typeof offered; return undefined; });
    setActiveGraph({ modelArg: 'resnet50', name: 'resnet50' });
    try {
      await run();
    } finally {
      setActiveGraph(null);
    }
    assert.equal(offered[0].value, 'resnet50');
    assert.equal(offered[0].description, 'the open graph');
    assert.equal(offered.filter((i) => i.value === 'resnet50').length, 1, 'listed once');
    assert.equal(f.executed.length, 0, 'nothing profiled when the pick is dismissed');
  });

  it('from the explorer on an image: asks for the model', async () => {
    f.quickPicks.push((items) => items.find((i) => i.description === 'mnist_cnn'));
    await run(Uri.file(join(SAMPLES, 'rocket.jpg')));
    assert.deepEqual(f.errors, []);
    const overlay = f.executed.find((e) => e.id === 'netlens.internal.showProfile');
    assert.equal(overlay?.args[0], 'mnist_cnn');
    assert.match((overlay?.args[1] as ProfileResult).image, /rocket\.jpg$/);
  });

  it('Cancel in the notification stops the profile within a second', async () => {
    f.quickPicks.push((items) => items.find((i) => i.description === 'resnet50'));
    f.cancelWhen = (m) => m.startsWith('layers: ');
    await run(Uri.file(join(SAMPLES, 'coffee.png')));
    const took = performance.now() - (f.cancelledAt ?? Infinity);
    assert.ok(f.cancelledAt, 'cancel was requested');
    assert.ok(took < 1000, `command returned ${took.toFixed(0)} ms after cancel`);
    assert.deepEqual(f.infos, ['NetLens: profile cancelled.']);
    assert.equal(f.panels.length, 0);
    assert.ok(!f.executed.some((e) => e.id === 'netlens.internal.showProfile'));
  });

  it('shows a bad image or a bad model file as one error line', async () => {
    const notes = join(require('node:os').tmpdir(), `netlens-host-notes-${process.pid}.png`);
    require('node:fs').writeFileSync(notes, 'not a picture');
    f.quickPicks.push(() => ({ label: 'picked', value: notes }));
    await run('lenet5');
    assert.equal(f.errors.length, 1);
    assert.match(f.errors[0], /^NetLens: netlens-host-notes-\d+\.png is not a PNG or JPEG image: it looks like text/);
    assert.ok(!f.errors[0].includes('\n'));
    reset();
    f.quickPicks.push((items) => items[0]); // the image
    f.quickPicks.push((items) => items[0]); // a model file's preprocessing (asked once per file): auto
    await run(Uri.file(join(SAMPLES, 'LICENSE.md'))); // taken as a model file: not one
    assert.equal(f.errors.length, 1);
    assert.match(f.errors[0], /^NetLens: .*LICENSE\.md: invalid JSON/);
    reset();
    f.quickPicks.push((items) => items[items.length - 1]); // "Image file..." -> dialog cancelled
    await run('lenet5');
    assert.deepEqual([f.errors, f.panels.length], [[], 0], 'nothing happens when the user backs out');
  });

  it('a saved .keras file that rescales itself is profiled with its own none, without asking; one that does not is asked about', async () => {
    const dir = tempDir('netlens-host-pre-');
    const requests: ProfileRequest[] = [];
    const profile = ProfilerClient.prototype.profile;
    ProfilerClient.prototype.profile = function (this: ProfilerClient, req: ProfileRequest, ...rest: unknown[]) {
      requests.push(req);
      return (profile as (...a: unknown[]) => ReturnType<typeof profile>).call(this, req, ...rest);
    };
    const save = (name: string, first: { class_name: string; config: Record<string, unknown> }[]): string => {
      const file = join(dir, name);
      writeKerasArchive(file, { class_name: 'Sequential', config: { name: name.replace('.keras', ''), layers: [
        { class_name: 'InputLayer', config: { batch_shape: [null, 16, 16, 3], name: 'in' } },
        ...first,
        { class_name: 'GlobalAveragePooling2D', config: { name: 'gap' } },
      ] } }, undefined);
      return file;
    };
    const image = join(SAMPLES, 'chelsea.png');
    try {
      const own = save('selfscaled.keras', [{ class_name: 'RandomFlip', config: { name: 'flip' } }, { class_name: 'Rescaling', config: { name: 'rescale', scale: 1 / 255, offset: 0 } }]);
      await run(Uri.file(own), image);
      assert.deepEqual(f.errors, []);
      assert.deepEqual(f.pickTitles, [], 'no question asked');
      assert.equal(requests.length, 1);
      assert.ok(!('preprocessing' in requests[0]), 'the request leaves the preprocessing to the model');
      assert.equal((f.executed.find((e) => e.id === 'netlens.internal.showProfile')?.args[1] as ProfileResult).preprocessing, 'none');

      // Changing it from the profile page still asks, and that answer is used from then on.
      reset();
      f.quickPicks.push((items) => items.find((i) => i.value === 'caffe'));
      await f.commands.get('netlens.internal.changePreprocessing')!(own, image);
      assert.deepEqual(f.pickTitles, ['How was selfscaled.keras trained to see images?']);
      const again = f.executed.find((e) => e.id === 'netlens.profileModel');
      assert.ok(again, 'profiles again');
      await run(...again.args);
      assert.equal(requests[1].preprocessing, 'caffe');

      reset();
      const plain = save('plain.keras', [{ class_name: 'AveragePooling2D', config: { name: 'avg', pool_size: [2, 2] } }]);
      f.quickPicks.push((items) => items.find((i) => i.value === 'torch'));
      await run(Uri.file(plain), image);
      assert.deepEqual(f.errors, []);
      assert.deepEqual(f.pickTitles, ['How was plain.keras trained to see images?']);
      assert.equal(requests[2].preprocessing, 'torch');
      assert.equal((f.executed.find((e) => e.id === 'netlens.internal.showProfile')?.args[1] as ProfileResult).preprocessing, 'torch');
    } finally {
      ProfilerClient.prototype.profile = profile;
      removeDir(dir);
    }
  });

  it('a model whose input is not an image (int64 token ids and a second input) is profiled on seeded random input without asking for an image', async () => {
    const dir = tempDir('netlens-host-random-');
    const requests: ProfileRequest[] = [];
    const profile = ProfilerClient.prototype.profile;
    ProfilerClient.prototype.profile = function (this: ProfilerClient, req: ProfileRequest, ...rest: unknown[]) {
      requests.push(req);
      return (profile as (...a: unknown[]) => ReturnType<typeof profile>).call(this, req, ...rest);
    };
    try {
      const file = join(dir, 'tokens.onnx');
      writeFileSync(file, modelBytes({
        nodes: [node('Gather', ['table', 'ids'], ['e'], '/embed/Gather'), node('Add', ['e', 'bias'], ['y'], '/Add')],
        inputs: [valueInfo('ids', [1, 6], 7), valueInfo('bias', [1, 6, 4])],
        outputs: [valueInfo('y', [1, 6, 4])],
        initializers: [floatInit('table', [100, 4])],
      }));
      f.config = { backend: 'onnxruntime' };
      await run(Uri.file(file));
      assert.deepEqual(f.errors, []);
      assert.deepEqual(f.pickTitles, [], 'no image or preprocessing asked');
      assert.equal(requests[0].feed, 'random');
      const result = f.executed.find((e) => e.id === 'netlens.internal.showProfile')?.args[1] as ProfileResult;
      assert.equal(result.feed, 'random');
      assert.equal(result.image, 'random input (seeded)');
      assert.match(f.panels[0].html, /random input \(seeded\)/);
    } finally {
      ProfilerClient.prototype.profile = profile;
      removeDir(dir);
    }
  });

  it('the image picker offers random input beside the samples and a file', async () => {
    let offered: { label: string; value?: string }[] = [];
    f.quickPicks.push((items) => { offered = items; return undefined; });
    await run('lenet5');
    assert.ok(offered.some((i) => /Random input/.test(i.label)));
    assert.match(offered[offered.length - 1].label, /Image file/);
  });

  it('roofline (issue 21): the page keeps the session\'s runs, compares two (deltas, diff on the graph), and a chart dot reveals its layer', async () => {
    // A model no other test here profiles, so its page is created in this test.
    f.quickPicks.push((items) => items[0]);
    await run('mobilenetv3small');
    f.config = { backend: 'onnxruntime' };
    f.quickPicks.push((items) => items[0]);
    await run('mobilenetv3small');
    assert.deepEqual(f.errors, []);
    assert.equal(f.panels.length, 1, 'one page per model, the second run added to it');
    const page = f.panels[0];
    assert.match(page.html, /<h2>Runs this session<\/h2>/);
    assert.match(page.html, /data-cmd="compareRun" data-run="0"/);
    // The ONNX Runtime run has its roofline chart; the wasm one says why it has none.
    assert.match(page.html, /<svg class="roofline"/);
    f.executed = [];
    await page.post({ type: 'compareRun', run: 0 });
    assert.match(page.html, /Compared with an earlier run/);
    const shown = f.executed.find((e) => e.id === 'netlens.internal.showProfile')!.args[1] as ProfileResult;
    assert.ok(shown.comparedTo && shown.comparedTo.rows.length > 0, 'the graph gets the deltas');
    assert.equal(shown.comparedTo.before.backend, 'wasm');
    await page.post({ type: 'showRun', run: 0 });
    assert.match(page.html, /No roofline: machine peaks are measured on ONNX Runtime; this profile ran on wasm/);
    await page.post({ type: 'select', layer: 'conv2d' });
    assert.deepEqual(f.executed.filter((e) => e.id === 'netlens.revealLayer').map((e) => e.args), [['mobilenetv3small', 'conv2d']]);
  });

  it('the extension host bundle does not load tfjs', () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'extension.js'), 'utf8');
    assert.ok(!/require\("@tensorflow\//.test(bundle), 'dist/extension.js requires a tfjs package');
    assert.ok(/require\("@tensorflow\/tfjs-core"\)/.test(readFileSync(join(ROOT, 'dist', 'worker.js'), 'utf8')));
  });
});
