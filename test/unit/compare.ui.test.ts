// The Compare page and the "Compare Models..." command: the page's figures come from the
// analyser and the memory planner, names are escaped, the page's messages are validated, and the
// command (against a stand-in `vscode` module, as in profile.host.test.ts) opens the panel,
// recomputes on messages, opens the graphs side by side and reveals a stage in each.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { stubVscode } from './helpers/vscodeStub';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { compareModels } from '../../src/core/compare/compare';
import { parseBytes, planMemory } from '../../src/core/compare/memoryPlan';
import { COMPARE_PRESETS } from '../../src/core/compare/presets';
import { outermostGroup } from '../../src/core/compare/stages';
import { ModelBuilder } from '../../src/core/ir/builder';
import { CompareView, compareHtml, memoryResults, stageBars } from '../../src/core/report/compareHtml';
import { parseCompareState, validateCompareMessage } from '../../src/protocol/compare';
import { buildZooModel } from '../../src/core/zoo';
import { buildViewGraph } from '../../src/core/graph/viewGraph';

const ROOT = join(__dirname, '..', '..', '..');

function view(names: string[], budget = '8GiB', batch = 1): CompareView {
  const specs = names.map(buildZooModel);
  const comparison = compareModels(specs, { batch, optimizer: 'adam' });
  const plans = specs.map((s) => planMemory(s.model, { optimizer: 'adam', budgetBytes: parseBytes(budget) }));
  return { comparison, plans, title: names.join(' vs '), batch, optimizer: 'adam', budgetText: budget };
}

/** data-v of each <td> in the row of `model` in the first table of `html`. */
function rowValues(html: string, model: string): number[] {
  const row = new RegExp(`<tr data-model="${model}">(.*?)</tr>`).exec(html);
  assert.ok(row, `no row for ${model}`);
  return [...row[1].matchAll(/<td data-v="([^"]*)"/g)].map((m) => Number(m[1]));
}

/** stage -> model -> bar value, from one stageBars SVG. */
function barValues(svg: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const g of svg.matchAll(/<g class="stage" data-stage="([^"]*)"(.*?)<\/g>/g)) {
    const bars = new Map<string, number>();
    for (const r of g[2].matchAll(/data-model="([^"]*)" data-v="([^"]*)"/g)) bars.set(r[1], Number(r[2]));
    out.set(g[1], bars);
  }
  return out;
}

describe('compare page: figures, escaping, messages', () => {
  it('the totals table is the analyser\'s, plain-34 vs ResNet-34, at batch 1 and 8', () => {
    for (const batch of [1, 8]) {
      const v = view(['plain34', 'resnet34'], '8GiB', batch);
      const html = compareHtml(v, { nonce: 'abc' });
      for (const name of ['plain34', 'resnet34']) {
        const a = analyzeModel(buildZooModel(name).model, { batch, optimizer: 'adam' });
        const t = a.totals;
        assert.deepEqual(rowValues(html, name),
          [t.params, t.trainableParams, t.macs, t.flops, t.peakInferenceBytes, t.trainingBytes, a.layers.length]);
      }
    }
    // The visible text is the formatted figure: ResNet-34 has 21,797,672 parameters.
    assert.match(compareHtml(view(['plain34', 'resnet34'])), /<td data-v="21797672">21,797,672<\/td>/);
  });

  it('the stage bars are compareModels\' per-stage sums, aligned by stageOrder', () => {
    const v = view(['plain34', 'resnet34']);
    const c = v.comparison;
    assert.deepEqual(c.stageOrder, ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'head']);
    for (const metric of ['macs', 'params'] as const) {
      const bars = barValues(stageBars(c, metric));
      assert.deepEqual([...bars.keys()], c.stageOrder);
      for (const m of c.models) {
        for (const s of m.stages) assert.equal(bars.get(s.stage)!.get(m.spec.name), s[metric], `${m.spec.name} ${s.stage} ${metric}`);
        assert.equal([...bars.values()].reduce((sum, b) => sum + b.get(m.spec.name)!, 0), m.analysis.totals[metric]);
      }
    }
    // The shortcuts' 1x1 projections are where ResNet-34 differs: conv3..conv5 have more params, conv1/conv2 the same.
    const p = barValues(stageBars(c, 'params'));
    assert.equal(p.get('conv2')!.get('plain34'), p.get('conv2')!.get('resnet34'));
    assert.ok(p.get('conv3')!.get('resnet34')! > p.get('conv3')!.get('plain34')!);
  });

  it('the memory planner shows planMemory\'s largest batches for the budget', () => {
    for (const budget of ['8GiB', '512MiB']) {
      const v = view(['resnet50', 'se_resnet50'], budget);
      const html = memoryResults(v);
      for (const name of ['resnet50', 'se_resnet50']) {
        const plan = planMemory(buildZooModel(name).model, { optimizer: 'adam', budgetBytes: parseBytes(budget) });
        assert.deepEqual(rowValues(html, name), [plan.maxInferenceBatch, plan.maxTrainingBatch]);
        assert.ok(plan.maxTrainingBatch! < plan.maxInferenceBatch!);
      }
      // One dashed (inference) and one solid (training) line per model, 10 points each (batch 1..512).
      const paths = [...html.matchAll(/<path d="([^"]*)" class="line( dash)? s\d"/g)];
      assert.equal(paths.length, 4);
      for (const p of paths) assert.equal(p[1].split(' ').length, 10);
      assert.match(html, /class="budget"/);
    }
  });

  it('escapes every model, stage and layer name', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const b = new ModelBuilder(evil);
    let x = b.input([8, 8, 3]);
    x = b.group('"><script>alert(2)</script>', () => b.conv2d(x, 4, { kernelSize: 3, name: '<svg onload=alert(3)>' }));
    const out = b.group('head', () => b.dense(b.flatten(x), 2));
    const spec = b.build([out]);
    const c = compareModels([spec, buildZooModel('lenet5')]);
    const plans = [spec, buildZooModel('lenet5')].map((s) => ({ ...planMemory(s.model, { budgetBytes: 1e9 }), model: s.name }));
    const html = compareHtml({ comparison: c, plans, title: evil, story: `${evil} story`, batch: 1, optimizer: 'adam', budgetText: '"><b>', budgetError: evil }, { nonce: 'n0nce', script: { src: 'https://webview.test/dist/comparePage.js' } });
    assert.ok(!html.includes('<img'), 'raw <img');
    assert.ok(!html.includes('<svg onload'), 'raw <svg onload');
    assert.ok(!html.includes('<script>alert'), 'raw <script>');
    assert.ok(!html.includes('"><b>'), 'raw attribute break-out');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    // Only the one nonce'd script; no inline handlers, no unsafe-inline.
    assert.equal([...html.matchAll(/<script/g)].length, 1);
    assert.match(html, /<script nonce="n0nce" src="https:\/\/webview.test\/dist\/comparePage.js"><\/script>/);
    assert.match(html, /content="default-src 'none'; style-src 'nonce-n0nce'; script-src 'nonce-n0nce'"/);
    for (const tag of html.match(/<[a-z][^>]*>/gi)!) assert.ok(!/\son[a-z]+=/i.test(tag.replace(/"[^"]*"/g, '""')), tag);
    assert.ok(!html.includes('unsafe-inline'));
  });

  it('the message validator keeps well-formed messages and drops the rest', () => {
    const stages = ['conv1', 'conv2', 'head'];
    const good: unknown[] = [
      { type: 'openGraphs' }, { type: 'revealStage', stage: 'conv2' }, { type: 'budget', text: '8GiB' },
      { type: 'budget', text: 'nonsense' }, // read (and refused with a message) by the host
      { type: 'optimizer', optimizer: 'sgd' }, { type: 'batch', batch: 32 },
    ];
    for (const m of good) assert.deepEqual(validateCompareMessage(m, stages), m);
    // Extra fields are not passed on.
    assert.deepEqual(validateCompareMessage({ type: 'batch', batch: 2, evil: 1 }, stages), { type: 'batch', batch: 2 });
    const bad: unknown[] = [
      null, undefined, 'openGraphs', 42, [], [{ type: 'openGraphs' }], {}, { type: 'nope' }, { type: '__proto__' },
      { type: 'revealStage' }, { type: 'revealStage', stage: 'conv9' }, { type: 'revealStage', stage: ['conv1'] },
      { type: 'budget' }, { type: 'budget', text: 8 }, { type: 'budget', text: 'x'.repeat(65) },
      { type: 'optimizer', optimizer: 'rmsprop' }, { type: 'optimizer' },
      { type: 'batch', batch: 0 }, { type: 'batch', batch: -1 }, { type: 'batch', batch: 1.5 }, { type: 'batch', batch: '4' },
      { type: 'batch', batch: 1e9 }, { type: 'batch', batch: NaN }, { type: 'batch', batch: Infinity },
    ];
    for (const m of bad) assert.equal(validateCompareMessage(m, stages), null, JSON.stringify(m));
  });
});

// --- The command against a stand-in `vscode` module ---

class Uri {
  constructor(readonly fsPath: string) {}
  static file(p: string): Uri { return new Uri(p); }
  static joinPath(u: Uri, ...parts: string[]): Uri { return new Uri(join(u.fsPath, ...parts)); }
}

interface PanelEntry {
  title: string;
  html: string;
  column: unknown;
  options: { localResourceRoots?: Uri[]; enableScripts?: boolean };
  posted: unknown[];
  reveals: unknown[];
  send: (m: unknown) => unknown;
  disposed?: boolean;
}

interface Fake {
  commands: Map<string, (...a: unknown[]) => unknown>;
  executed: { id: string; args: unknown[] }[];
  errors: string[];
  warnings: string[];
  panels: PanelEntry[];
  quickPicks: ((items: { label: string; description?: string }[], o: { canPickMany?: boolean }) => unknown)[];
  serializers?: Map<string, { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }>;
  openDialog?: () => Promise<unknown>;
}

function fakeVscode(f: Fake): unknown {
  return {
    Uri,
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
    // The model process reads every model (zoo or file); its settings are read at defaults.
    workspace: {
      getConfiguration: () => ({ get: <T>(_key: string, fallback: T): T => fallback }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
    },
    commands: {
      registerCommand: (id: string, cb: (...a: unknown[]) => unknown) => { f.commands.set(id, cb); return { dispose() {} }; },
      executeCommand: async (id: string, ...args: unknown[]) => { f.executed.push({ id, args }); },
    },
    window: {
      showErrorMessage: async (m: string) => { f.errors.push(m); },
      showWarningMessage: async (m: string) => { f.warnings.push(m); return undefined; },
      showQuickPick: async (items: { label: string }[], o: { canPickMany?: boolean }) => f.quickPicks.shift()?.(items, o),
      showOpenDialog: async () => f.openDialog?.(),
      registerWebviewPanelSerializer: (type: string, s: { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }) => {
        (f.serializers ??= new Map()).set(type, s);
        return { dispose() {} };
      },
      createWebviewPanel: (_type: string, title: string, column: unknown, options: PanelEntry['options']) => {
        let onMessage: (m: unknown) => unknown = () => undefined;
        const entry: PanelEntry = { title, html: '', column, options, posted: [], reveals: [], send: (m) => onMessage(m) };
        f.panels.push(entry);
        return {
          webview: {
            set html(h: string) { entry.html = h; }, get html() { return entry.html; },
            onDidReceiveMessage: (cb: (m: unknown) => unknown) => { onMessage = cb; return { dispose() {} }; },
            postMessage: async (m: unknown) => { entry.posted.push(m); return true; },
            asWebviewUri: (u: { toString(): string }) => ({ toString: () => `https://webview.test/${u.toString()}` }),
          },
          reveal: (c: unknown) => { entry.reveals.push(c); },
          dispose: () => { entry.disposed = true; },
          onDidDispose: () => ({ dispose() {} }),
          set iconPath(_u: unknown) { /* shown in the tab */ },
          set title(t: string) { entry.title = t; }, get title() { return entry.title; },
        };
      },
    },
  };
}

describe('compare: the VS Code command (stand-in vscode module)', function () {
  this.timeout(60_000);
  const f: Fake = { commands: new Map(), executed: [], errors: [], warnings: [], panels: [], quickPicks: [] };
  const subscriptions: { dispose(): void }[] = [];
  const run = (...args: unknown[]): Promise<unknown> => f.commands.get('netlens.compareModels')!(...args) as Promise<unknown>;

  let restore = (): void => undefined;

  before(() => {
    // Kept until `after`: the command lazy-loads the panel module on first use.
    restore = stubVscode(fakeVscode(f));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const host = require('../../src/host/compare') as typeof import('../../src/host/compare');
    host.registerCompare({ subscriptions, extensionUri: Uri.file(ROOT) } as never);
  });
  after(() => {
    restore();
    subscriptions.forEach((s) => s.dispose());
  });
  beforeEach(() => { f.executed = []; f.errors = []; f.warnings = []; f.panels.length = 0; f.quickPicks = []; });

  it('is contributed in package.json and registered by the extension', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(join(ROOT, 'package.json')) as { contributes: { commands: { command: string; title: string; category: string }[] } };
    const c = pkg.contributes.commands.find((x) => x.command === 'netlens.compareModels');
    assert.deepEqual(c && { title: c.title, category: c.category }, { title: 'Compare Models...', category: 'NetLens' });
    assert.ok(f.commands.has('netlens.compareModels'));
  });

  it('a preset opens the page; messages recompute it; stages reveal in both graphs', async () => {
    let offered: { label: string; detail?: string }[] = [];
    f.quickPicks.push((items) => { offered = items; return items.find((i) => i.label === 'Plain-34 vs ResNet-34'); });
    await run();
    assert.deepEqual(f.errors, []);
    assert.deepEqual(offered.slice(0, COMPARE_PRESETS.length).map((i) => [i.label, i.detail]), COMPARE_PRESETS.map((p) => [p.title, p.story]));
    assert.match(offered[offered.length - 1].label, /Choose models\.\.\./);
    assert.equal(f.panels.length, 1);
    const page = f.panels[0];
    assert.equal(page.title, 'Compare: Plain-34 vs ResNet-34');
    assert.deepEqual(page.options.localResourceRoots!.map((u) => u.fsPath), [join(ROOT, 'media'), join(ROOT, 'dist')]);
    assert.match(page.html, /Content-Security-Policy/);
    assert.ok(page.html.includes(COMPARE_PRESETS[0].story));
    assert.deepEqual(rowValues(page.html, 'resnet34').slice(1, 2), [21_797_672]); // trainable

    // A budget that cannot be read: one inline error, nothing recomputed.
    await page.send({ type: 'budget', text: 'lots' });
    assert.equal(page.posted.length, 1);
    const err = page.posted[0] as { type: string; budgetError: string; memory?: string };
    assert.equal(err.type, 'update');
    assert.match(err.budgetError, /cannot read "lots"/);
    assert.equal(err.memory, undefined);
    await page.send({ type: 'budget', text: '0GiB' });
    assert.match((page.posted[1] as { budgetError: string }).budgetError, /positive/);

    // A good one: the planner's figures for that budget, and the error cleared.
    await page.send({ type: 'budget', text: '2GiB' });
    const ok = page.posted[2] as { memory: string; budgetError: string };
    assert.equal(ok.budgetError, '');
    const plan = planMemory(buildZooModel('plain34').model, { budgetBytes: 2 * 1024 ** 3 });
    assert.deepEqual(rowValues(ok.memory, 'plain34'), [plan.maxInferenceBatch, plan.maxTrainingBatch]);

    // The batch field recomputes the totals at that batch.
    await page.send({ type: 'batch', batch: 16 });
    const t = analyzeModel(buildZooModel('resnet34').model, { batch: 16 }).totals;
    assert.deepEqual(rowValues((page.posted[3] as { totals: string }).totals, 'resnet34').slice(4, 6), [t.peakInferenceBytes, t.trainingBytes]);

    // Malformed messages are dropped.
    for (const m of [null, { type: 'batch', batch: -3 }, { type: 'revealStage', stage: 'nope' }, { type: 'exec', cmd: 'rm' }]) await page.send(m);
    assert.equal(page.posted.length, 4);
    assert.deepEqual(f.executed, []);

    // Clicking conv3: the graphs open side by side, then conv3's first layer is selected in each.
    await page.send({ type: 'revealStage', stage: 'conv3' });
    const first = (name: string): string => {
      const spec = buildZooModel(name);
      return analyzeModel(spec.model).layers.find((l) => outermostGroup(spec, l.name) === 'conv3')!.name;
    };
    assert.deepEqual(f.executed, [
      { id: 'netlens.showModelGraph', args: ['plain34', 1] },
      { id: 'netlens.showModelGraph', args: ['resnet34', 2] },
      { id: 'netlens.revealLayer', args: ['plain34', first('plain34')] },
      { id: 'netlens.revealLayer', args: ['resnet34', first('resnet34')] },
    ]);
    assert.deepEqual(page.reveals, [3]);
    f.executed = [];
    await page.send({ type: 'revealStage', stage: 'head' });
    assert.deepEqual(f.executed.map((e) => e.id), ['netlens.revealLayer', 'netlens.revealLayer']);

    // The same comparison again reveals the existing page.
    f.quickPicks.push((items) => items[0]);
    await run();
    assert.equal(f.panels.length, 1);
  });

  it('the page keeps its comparison as webview state; after a window reload the panel comes back from it', async () => {
    await run(['lenet5', 'mnist_cnn']);
    const html = f.panels[0].html;
    const attr = /<body data-state="([^"]*)">/.exec(html)?.[1];
    assert.ok(attr, 'the page carries its state');
    const entities: Record<string, string> = { '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };
    const state = JSON.parse(attr.replace(/&(quot|#39|lt|gt|amp);/g, (e) => entities[e]));
    assert.deepEqual(parseCompareState(state), state);
    assert.deepEqual(state.request.models, ['lenet5', 'mnist_cnn']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vs = require('vscode') as { window: { createWebviewPanel(...a: unknown[]): unknown } };
    const serializer = f.serializers!.get('netlens.compare')!;
    const restored = vs.window.createWebviewPanel('netlens.compare', '', 1, {});
    await serializer.deserializeWebviewPanel(restored, state);
    const page = f.panels[f.panels.length - 1];
    assert.match(page.html, /Compare: lenet5 vs mnist_cnn/);
    assert.deepEqual(rowValues(page.html, 'lenet5').slice(0, 1), [61_706]);
    await page.send({ type: 'batch', batch: 4 });
    assert.equal(page.posted.length, 1, 'the restored page answers messages');
    // A state that is not a comparison closes the panel; a file path is refused with one line.
    for (const bad of [null, { request: { title: 'x', models: ['resnet50'] } }, { request: { title: 'x', models: 'resnet50' } }]) {
      const p = vs.window.createWebviewPanel('netlens.compare', '', 1, {});
      await serializer.deserializeWebviewPanel(p, bad);
      assert.equal(f.panels[f.panels.length - 1].disposed, true, JSON.stringify(bad));
    }
    // A file is read by the model process (stood in for here); one that is no model fails in one line.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const panelModule = require('../../src/host/comparePanel') as typeof import('../../src/host/comparePanel');
    const open = panelModule.modelViews.open;
    panelModule.modelViews.open = async (c, arg, batch) => {
      if (!arg.startsWith('/')) return open(c, arg, batch);
      throw new Error(`${arg}: not a model file (no Keras, tfjs or ONNX signature)`);
    };
    try {
      const p = vs.window.createWebviewPanel('netlens.compare', '', 1, {});
      await serializer.deserializeWebviewPanel(p, { request: { title: 'x', models: ['resnet50', '/etc/passwd'] } });
      assert.equal(f.panels[f.panels.length - 1].disposed, true);
      assert.match(f.errors[0], /\/etc\/passwd: not a model file/);
    } finally {
      panelModule.modelViews.open = open;
    }
  });

  it('"Choose models..." takes the user\'s own files (read by the model process) beside zoo models; the batch asks again', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const panelModule = require('../../src/host/comparePanel') as typeof import('../../src/host/comparePanel');
    const open = panelModule.modelViews.open;
    const asked: [string, number][] = [];
    panelModule.modelViews.open = async (c, arg, batch) => {
      // Zoo models go to the real model process; the file is stood in for.
      if (!arg.startsWith('/')) return open(c, arg, batch);
      asked.push([arg, batch]);
      const spec = buildZooModel('mobilenetv2');
      return buildViewGraph({ ...spec, name: 'my_mobilenet' }, analyzeModel(spec.model, { batch }));
    };
    try {
      const choose = (items: { label: string }[]): unknown => items[items.length - 1];
      f.quickPicks.push(choose, (items) => {
        assert.match(items[0].label, /Model files/);
        return [items[0], items.find((i) => i.description === 'efficientnetb0')];
      });
      f.openDialog = async () => [{ fsPath: '/models/my_mobilenet.onnx', path: '/models/my_mobilenet.onnx' }];
      await run();
      assert.deepEqual(f.errors, []);
      assert.equal(f.panels.length, 1);
      assert.equal(f.panels[0].title, 'Compare: EfficientNet-B0 vs my_mobilenet.onnx');
      assert.deepEqual(asked, [['/models/my_mobilenet.onnx', 1]]);
      // Aligned by resolution: five rows, each with both models (no row of one model against "-").
      const stages = [...f.panels[0].html.matchAll(/<g class="stage" data-stage="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(stages.slice(0, 5), ['1/2', '1/4', '1/8', '1/16', '1/32']);
      await f.panels[0].send({ type: 'batch', batch: 4 });
      assert.deepEqual(asked[1], ['/models/my_mobilenet.onnx', 4]);
    } finally {
      panelModule.modelViews.open = open;
      f.openDialog = undefined;
    }
  });

  it('"Choose models..." asks for two or more', async () => {
    const choose = (items: { label: string }[]): unknown => items[items.length - 1];
    f.quickPicks.push(choose, (items, o) => { assert.equal(o.canPickMany, true); return [items.find((i) => i.description === 'vgg16')]; });
    await run();
    assert.equal(f.panels.length, 0);
    assert.equal(f.warnings.length, 1);
    f.quickPicks.push(choose, (items) => items.filter((i) => i.description === 'lenet5' || i.description === 'alexnet'));
    await run();
    assert.deepEqual(f.errors, []);
    assert.equal(f.panels.length, 1);
    assert.equal(f.panels[0].title, 'Compare: LeNet-5 vs AlexNet');
    assert.ok(rowValues(f.panels[0].html, 'lenet5').length === 7 && rowValues(f.panels[0].html, 'alexnet').length === 7);
  });

  it('takes a preset id or a list of names as argument; an unknown preset is one error line', async () => {
    await run('se');
    assert.equal(f.panels.length, 1);
    assert.equal(f.panels[0].title, 'Compare: ResNet-50 vs SE-ResNet-50');
    await run(['resnet18', 'mobilenet']);
    assert.equal(f.panels.length, 2);
    await run('nope');
    assert.equal(f.errors.length, 1);
    assert.match(f.errors[0], /^NetLens: unknown comparison preset "nope"/);
  });
});
