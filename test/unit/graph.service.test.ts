// The model process (src/host/modelService.ts + src/process/modelProcess.ts): model files are
// read, analysed and laid out in a separate Node.js process with a heap cap, so a file that takes
// that process down costs one error line, and the next request runs in a fresh process.
// Needs dist/modelService.js (`npm run build`).
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildZooModel } from '../../src/core/zoo';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { layoutGraph, structureHash } from '../../src/core/graph/layout';
import { initialCollapsed } from '../../src/core/graph/collapse';
import { loadModel } from '../../src/core/io/loadModel';
import { nodeElk } from '../../src/core/graph/node/elkNode';
import { layersIn } from '../../src/core/graph/cards';
import { NetLensError } from '../../src/core/ir/types';
import { ModelService } from '../../src/host/modelService';
import { parseServiceMessage, validViewGraph } from '../../src/protocol/modelService';
import { ROOT } from '../webview/harness';

const SCRIPT = join(ROOT, 'dist', 'modelService.js');
const dir = mkdtempSync(join(tmpdir(), 'netlens-service-'));

describe('graph view: model service process', function () {
  this.timeout(120000);
  let service: ModelService;
  before(() => { service = new ModelService({ script: SCRIPT }); });
  after(() => service.dispose());

  it('answers the view graph the analyser gives, at the asked batch size, and lays it out like elkjs in-process', async () => {
    const spec = buildZooModel('resnet50');
    const g = await service.open('ResNet-50'.toLowerCase().replace('-', ''));
    assert.deepEqual(g, buildViewGraph(spec, analyzeModel(spec.model)));
    const g8 = await service.analyse('resnet50', 8);
    assert.equal(g8.batch, 8);
    assert.equal(g8.totals.peakInferenceBytes, analyzeModel(spec.model, { batch: 8 }).totals.peakInferenceBytes);
    const collapsed = new Set(['conv3']);
    const [a, b] = await Promise.all([service.layout(g, collapsed), service.layout(g, collapsed)]);
    assert.equal(a, b, 'one computation for two concurrent requests');
    assert.deepEqual(a, await layoutGraph(nodeElk(), g, collapsed));
    assert.equal(a.nodes.length, 177 - layersIn(g, 'conv3').length + 1);
  });

  it('opening a model answers its view graph with the first view laid out, in one request; a structure the host keeps gets no layout', async () => {
    const file = join(dir, 'resnet50.json');
    writeFileSync(file, JSON.stringify(buildZooModel('resnet50').model));
    const s = new ModelService({ script: SCRIPT });
    try {
      const opened = await s.openView(file, { threshold: 100, known: [] });
      const graph = buildViewGraph(await loadModel(file), analyzeModel((await loadModel(file)).model));
      assert.deepEqual(opened.graph, graph);
      const collapsed = initialCollapsed(graph, { threshold: 100 });
      assert.ok(collapsed.size > 0, 'ResNet-50 opens with blocks collapsed at this threshold');
      assert.deepEqual(opened.collapsed, [...collapsed]);
      assert.deepEqual(opened.layout, await layoutGraph(nodeElk(), graph, collapsed), 'the layout elkjs makes in-process');
      assert.equal(s.layoutsRun, 0, 'no separate layout request');
      const again = await s.openView(file, { threshold: 100, known: ['other', structureHash(graph)] });
      assert.deepEqual([again.collapsed, again.layout], [[...collapsed], null]);
    } finally {
      s.dispose();
    }
  });

  it('answers zoo models\' params and MACs at batch 1 (the Models tree when no shipped view holds them)', async () => {
    const figures = await service.figures(['lenet5', 'resnet18']);
    assert.deepEqual(figures, ['lenet5', 'resnet18'].map((name) => {
      const t = analyzeModel(buildZooModel(name).model).totals;
      return { name, params: t.params, macs: t.macs };
    }));
  });

  it('a bad file is one NetLensError naming the file; the process stays up', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"class_name": "Model", "config": {"layers": [');
    const pid = service.pid;
    await assert.rejects(service.open(file), (e: unknown) => e instanceof NetLensError && e.message.includes('broken.json') && /JSON/.test(e.message) && !e.message.includes('\n'));
    assert.equal(service.pid, pid);
    assert.equal((await service.open('lenet5')).nodes.length, buildViewGraph(buildZooModel('lenet5'), analyzeModel(buildZooModel('lenet5').model)).nodes.length);
  });

  it('a file that takes the process down (over its heap cap) is one error; the next model opens in a new process', async () => {
    // A 24 MB JSON config (under the 64 MiB config limit) holding 6 M one-element arrays: parsed,
    // they need about 16 times their text in heap, far over this service's 64 MiB cap, so V8
    // aborts the process as it would on a decompression or amplification bomb.
    const bomb = join(dir, 'bomb.json');
    writeFileSync(bomb, `{"class_name":"Functional","config":{"name":"bomb","layers":[],"junk":[${'[1],'.repeat(6 * 1024 * 1024)}[1]]}}`);
    const small = new ModelService({ script: SCRIPT, heapMb: () => 64 });
    try {
      // Requests go one at a time: the one before the bomb is answered, the one after it runs in a new process.
      const before = small.open('lenet5');
      const bombed = small.open(bomb);
      const after = small.open('lenet5');
      await assert.rejects(bombed, (e: unknown) => {
        assert.ok(e instanceof NetLensError, String(e));
        assert.match(e.message, /bomb\.json: the model process ran out of memory \(limit 64 MiB\); NetLens starts a new one/);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
      assert.equal((await before).model, 'lenet5');
      const g = await after;
      assert.equal(small.starts, 2, 'a fresh process');
      assert.equal(g.totals.params, analyzeModel(buildZooModel('lenet5').model).totals.params);
      const l = await small.layout(g, new Set());
      assert.equal(l.nodes.length, g.nodes.length);
    } finally {
      small.dispose();
    }
  });

  it('a new heap limit (the setting changed) applies from the next request, in a new process', async () => {
    let limit = 256;
    const s = new ModelService({ script: SCRIPT, heapMb: () => limit });
    try {
      await s.open('lenet5');
      const pid = s.pid;
      limit = 512;
      s.restart();
      assert.equal((await s.open('lenet5')).model, 'lenet5');
      assert.equal(s.starts, 2);
      assert.notEqual(s.pid, pid);
    } finally {
      s.dispose();
    }
  });

  it('warming starts one process ahead of the first request, which serves it and exits after the idle time', async () => {
    const s = new ModelService({ script: SCRIPT, idleMs: 300 });
    try {
      s.warm();
      s.warm();
      assert.equal(s.starts, 1);
      const pid = s.pid;
      assert.equal((await s.open('lenet5')).model, 'lenet5');
      assert.equal(s.pid, pid, 'the warmed process answered');
      await new Promise((r) => setTimeout(r, 900));
      assert.equal(s.pid, undefined, 'gone after the idle time');
      s.warm();
      await new Promise((r) => setTimeout(r, 900));
      assert.equal(s.pid, undefined, 'a warmed process nobody used also exits after the idle time');
      assert.equal(s.starts, 2);
    } finally {
      s.dispose();
    }
  });

  it('warming with a graph lays it out a few times unseen, so elkjs is fast by the first collapse; a request waits behind one at most', async () => {
    const spec = buildZooModel('resnet50');
    const g = buildViewGraph(spec, analyzeModel(spec.model));
    const s = new ModelService({ script: SCRIPT });
    try {
      s.warm(g, new Set());
      s.warm(g, new Set());
      const block = g.groups.find((x) => x.id === 'conv3_block1')!;
      const l = await s.layout(g, new Set([block.id]));
      assert.equal(s.layoutsRun, 2, 'one warm-up layout, then the request');
      assert.equal(l.nodes.length, g.nodes.length - block.sums.layers + 1, 'the collapsed block is one node');
    } finally {
      s.dispose();
    }
    const quiet = new ModelService({ script: SCRIPT });
    try {
      quiet.warm(g, new Set());
      for (let i = 0; i < 400 && quiet.layoutsRun < 5; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(quiet.layoutsRun, 5, 'five warm-up layouts, then it stops');
      quiet.warm(g, new Set());
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(quiet.layoutsRun, 5, 'a warm process is not warmed again');
    } finally {
      quiet.dispose();
    }
  });

  it('checks what the process sends before the host uses it', () => {
    const spec = buildZooModel('lenet5');
    const g = buildViewGraph(spec, analyzeModel(spec.model));
    assert.ok(validViewGraph(g));
    assert.ok(validViewGraph(JSON.parse(JSON.stringify(g))));
    assert.equal(validViewGraph({ ...g, nodes: [{ ...g.nodes[0], index: 5 }] }), false);
    assert.equal(validViewGraph({ ...g, totals: { ...g.totals, params: 'many' } }), false);
    assert.equal(validViewGraph({ ...g, edges: [{ source: 1 }] }), false);
    assert.equal(parseServiceMessage({ type: 'graph', id: 1, graph: { model: 'x' } }), null);
    assert.equal(parseServiceMessage({ type: 'eval', id: 1, code: '1' }), null);
    assert.deepEqual(parseServiceMessage({ type: 'error', id: 2, message: 'm', userError: true }), { type: 'error', id: 2, message: 'm', userError: true });
  });
});
