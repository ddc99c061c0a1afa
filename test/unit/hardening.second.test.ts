// Issue 24, the second hostile review: each case is built by a small generator (test/fixtures/
// hostile.ts) and must end quickly with one clear NetLensError line or a right result. Work is
// asserted by counting operations where the code exposes them (wall time on a shared machine is
// noisy), with generous time bounds as a backstop.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOnnx } from '../../src/core/formats/onnx/model';
import { pytorchNaming, MAX_BLOCK_DEPTH } from '../../src/core/formats/onnx/names';
import { UniqueNames } from '../../src/core/io/uniqueNames';
import type { KerasModel } from '../../src/core/ir/types';
import type { ModelGraph } from '../../src/core/ir/graph';
import { scanOnnx } from '../../src/core/formats/onnx/scan';
import { NetLensError } from '../../src/core/ir/types';
import { analyzeModel, ModelAnalysis } from '../../src/core/analysis/analyze';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { countBoxes, layoutGraph, MAX_ELK_ELEMENTS, toElkGraph } from '../../src/core/graph/layout';
import { initialCollapsed } from '../../src/core/graph/collapse';
import { RUN_LIMIT, RUN_SIZE } from '../../src/core/graph/runs';
import { nodeElk } from '../../src/core/graph/node/elkNode';
import { renderGraphSvg } from '../../src/core/graph/svg';
import { csvCell, mdText, xmlText } from '../../src/core/text/escape';
import { profileCsv, profileMarkdown, profileText } from '../../src/core/report/profileReport';
import { summaryTable } from '../../src/core/report/summaryTable';
import type { ProfileResult } from '../../src/core/profile/result';
import { parseHostMessage, validLayout } from '../../src/protocol/graph';
import { parseHostRequest, parseServiceMessage, validViewGraph } from '../../src/protocol/modelService';
import { parseWorkerMessage } from '../../src/protocol/worker';
import { ModelService } from '../../src/host/modelService';
import { parseModelJson } from './helpers/modelJson';
import { loadModel } from '../../src/core/io/loadModel';
import { profileModel } from '../../src/core/profile/profile';
import { parseTrace } from '../../src/core/engines/ort/trace';
import { SAMPLES } from './profileFixtures';
import { floatInit, ints, modelBytes, node, valueInfo } from '../fixtures/onnx/files';
import { jpegSkeleton, kerasDanglingSinks, kerasFlatChain, kerasNestedSameNames, onnxDeepScopes, onnxEmptyNodes, onnxSameNames, pngHeaderOnly } from '../fixtures/hostile';
import { decodeImage, jpegBlocks, jpegDecodeBytes, jpegHeader, MAX_DECODE_BYTES, MAX_JPEG_SCANS, pngDecodeBytes } from '../../src/core/profile/image';
import * as jpeg from 'jpeg-js';

/** One NetLensError line matching `re`. */
function refused(f: () => unknown, re: RegExp): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof NetLensError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.ok(!/[\r\n]/.test(e.message), 'one line');
    assert.match(e.message, re);
    return e.message;
  }
  return assert.fail('expected a NetLensError');
}

/** A profile result of `n` layers with the given names (cycled). */
function profileOf(names: string[], n = names.length): ProfileResult {
  const layers = Array.from({ length: n }, (_, i) => ({ name: names[i % names.length], className: 'Conv', ms: { median: 1, min: 1, max: 1 }, bytes: 4, tensors: 1, gflops: 1 }));
  return {
    model: 'm', backend: 'cpu', image: 'x.png', weights: 'random', runs: 1, warmup: 0, endToEndMs: { median: n, min: n, max: n },
    sumLayerMs: n, overhead: 1, peakBytes: 0, layers, predictions: null,
  } as ProfileResult;
}

const seconds = (f: () => unknown): number => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};

describe('hardening, second pass (issue 24)', function () {
  this.timeout(60_000);

  describe('naming is linear', () => {
    it('UniqueNames: 200,000 duplicates of one name cost about one try each', () => {
      const u = new UniqueNames();
      const names = Array.from({ length: 200_000 }, () => u.take('relu'));
      assert.equal(names[0], 'relu');
      assert.equal(names[1], 'relu_2');
      assert.equal(names[199_999], 'relu_200000');
      assert.equal(new Set(names).size, 200_000);
      assert.ok(u.tries <= 200_001, `${u.tries} tries`);
    });

    it('UniqueNames: a suffix the file already uses is skipped once, never tried again', () => {
      const u = new UniqueNames(['relu', 'relu_3', 'relu_4']);
      assert.deepEqual([u.take('relu'), u.take('relu'), u.take('relu'), u.take('relu_3')], ['relu_2', 'relu_5', 'relu_6', 'relu_3_2']);
      // Taken names interleaved with 50,000 duplicates: every candidate tried at most once.
      const reserved = Array.from({ length: 50_000 }, (_, i) => `x_${2 * i + 2}`);
      const v = new UniqueNames(['x', ...reserved]);
      for (let i = 0; i < 50_000; i++) v.take('x');
      assert.ok(v.tries <= 100_001 + 50_000, `${v.tries} tries`);
    });

    it('200,000 ONNX nodes all named "relu" import within seconds, names as before (relu, relu_2, ...)', () => {
      const bytes = onnxSameNames(199_990);
      let names: string[] = [];
      const s = seconds(() => { names = readOnnx(bytes, undefined, 'same').graph.nodes.map((n) => n.name); });
      assert.equal(names.length, 199_991);
      assert.deepEqual(names.slice(0, 4), ['x', 'relu', 'relu_2', 'relu_3']);
      assert.equal(new Set(names).size, names.length);
      assert.ok(s < 20, `${s.toFixed(1)} s (20,000 took 12-52 s before)`);
    });

    it('a nested Keras model of 200,000 layers named alike flattens within seconds', () => {
      let layers: string[] = [];
      const s = seconds(() => { layers = (parseModelJson(kerasNestedSameNames(200_000), 'nested').model as KerasModel).config.layers.map((l) => l.name); });
      assert.equal(layers.length, 200_002);
      // The top-level "relu" keeps its name; the nested ones are prefixed with their model's name.
      assert.deepEqual(layers.slice(0, 4), ['input', 'inner_relu', 'inner_relu_1', 'inner_relu_2']);
      assert.equal(layers[layers.length - 1], 'relu');
      assert.equal(new Set(layers).size, layers.length);
      assert.ok(s < 20, `${s.toFixed(1)} s (20,000 took 29-54 s before)`);
    });
  });

  describe('scope prefixes are shared, not copied', () => {
    it('8,000 nodes 480 modules deep: one block per depth up to the cap, within seconds and memory', () => {
      const before = process.memoryUsage().heapUsed;
      let r: ReturnType<typeof readOnnx> | undefined;
      const s = seconds(() => { r = readOnnx(onnxDeepScopes(8000, 480), undefined, 'deep'); });
      const grown = process.memoryUsage().heapUsed - before;
      assert.equal(r!.groups.length, MAX_BLOCK_DEPTH);
      assert.equal(r!.groups[0].id, 'a');
      assert.equal(r!.groups[1].parent, 'a');
      const inner = r!.groups[MAX_BLOCK_DEPTH - 1].id;
      assert.equal(inner, Array.from({ length: MAX_BLOCK_DEPTH }, () => 'a').join('.'));
      // Every layer is drawn in the deepest block kept.
      assert.ok(r!.graph.nodes.slice(1).every((n) => r!.layerGroup[n.name] === inner));
      assert.ok(s < 20, `${s.toFixed(1)} s`);
      assert.ok(grown < 600e6, `${(grown / 1e6).toFixed(0)} MB of heap (1.8-2 GB before)`);
    });

    it('naming as torch writes it: Sequential children, leaf modules, op names, the stem', () => {
      const n = (source: string, op = 'Conv') => ({ source, op });
      const r = pytorchNaming([
        n('/conv1/Conv'), n('/relu/Relu', 'Relu'),
        n('/layer1/layer1.0/conv1/Conv'), n('/layer1/layer1.0/Add', 'Add'), n('/layer1/layer1.0/relu/Relu', 'Relu'), n('/layer1/layer1.0/relu/Relu_1', 'Relu'),
        n('/layer1/layer1.1/conv1/Conv'), n('/layer1/layer1.1/conv1/Conv'), n('plain'), n('', 'Gemm'),
      ], new Set(['x']));
      assert.deepEqual(r.names, ['conv1', 'relu', 'layer1.0.conv1', 'layer1.0.Add', 'layer1.0.relu.Relu', 'layer1.0.relu.Relu_1',
        'layer1.1.conv1.Conv', 'layer1.1.conv1.Conv_2', 'plain', 'Gemm_9']);
      assert.deepEqual(r.groups.map((g) => [g.id, g.parent]), [['stem', null], ['layer1', null], ['layer1.0', 'layer1'], ['layer1.0.relu', 'layer1.0'], ['layer1.1', 'layer1'], ['layer1.1.conv1', 'layer1.1']]);
      assert.equal(r.layerGroup['conv1'], 'stem');
      assert.equal(r.layerGroup['layer1.0.relu.Relu'], 'layer1.0.relu');
      assert.equal(r.layerGroup['layer1.0.Add'], 'layer1.0');
    });
  });

  describe('ONNX sizes are counted before decoding', () => {
    it('16M empty nodes (a 32 MB file) are refused by the node cap before protobufjs builds them', () => {
      const bytes = onnxEmptyNodes(16_000_000);
      const before = process.memoryUsage().heapUsed;
      const s = seconds(() => refused(() => readOnnx(bytes, undefined, 'empty'), /more than 200000 nodes and tensors/));
      const grown = process.memoryUsage().heapUsed - before;
      assert.ok(s < 10, `${s.toFixed(1)} s`);
      assert.ok(grown < 100e6, `${(grown / 1e6).toFixed(0)} MB of heap (2.9 GB before)`);
    });

    it('6M empty nodes in a function (outside the main graph) are refused by the decoded-size estimate', () => {
      const bytes = onnxEmptyNodes(6_000_000, 'function');
      refused(() => scanOnnx(bytes, 200_000), /would decode into more than 1024 MiB/);
      refused(() => readOnnx(bytes, undefined, 'fn'), /would decode into more than 1024 MiB/);
    });

    it('counts what a real model holds, and refuses a truncated or malformed protobuf in one line', () => {
      const bytes = onnxSameNames(1000);
      const c = scanOnnx(bytes, 200_000);
      assert.equal(c.mainEntries, 1000 + 1); // nodes and the input
      assert.ok(c.decodedBytes > 1000 * 200 && c.decodedBytes < 1e7, String(c.decodedBytes));
      refused(() => scanOnnx(bytes.subarray(0, bytes.length - 3), 200_000), /not a valid ONNX protobuf/);
      // Wire type 3 (a group) is not in onnx.proto.
      refused(() => scanOnnx(Uint8Array.from([0x08, 0x08, 0x0b]), 200_000), /not a valid ONNX protobuf \(wire type 3/);
    });
  });

  describe('exports escape names from files', () => {
    it('CSV: formulas are neutralised as OWASP recommends, numbers stay numbers', () => {
      assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
      assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
      assert.equal(csvCell('+1'), "'+1");
      assert.equal(csvCell('-2+3'), "'-2+3");
      assert.equal(csvCell('\tcmd'), "'\tcmd");
      assert.equal(csvCell('\rx'), `"'\rx"`);
      assert.equal(csvCell('\uff1d1+1'), "'\uff1d1+1");
      assert.equal(csvCell('conv1'), 'conv1');
      assert.equal(csvCell(-1.5), '-1.5');
      assert.equal(csvCell(Number.NaN), '');
      const csv = profileCsv(profileOf(['=HYPERLINK("http://evil","x")', '@SUM(1)'])).split('\n');
      assert.ok(csv[1].startsWith(`0,"'=HYPERLINK(`), csv[1]);
      assert.ok(csv[2].startsWith("1,'@SUM(1),"), csv[2]);
    });

    it('Markdown: cells and lines are HTML-escaped, links and code spans do not open, rows stay rows', () => {
      assert.equal(mdText('</td><script>alert(1)</script>'), '&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
      assert.equal(mdText('[x](javascript:alert(1))'), '\\[x\\](javascript:alert(1))');
      assert.equal(mdText('a|b`c\nd'), 'a\\|b\\`c d');
      assert.equal(mdText('layer1.0.conv_1 (fused)'), 'layer1.0.conv_1 (fused)');
      const md = profileMarkdown({ ...profileOf(['</td><script>x</script>']), model: '<img src=x onerror=alert(1)>' });
      assert.ok(!/<script|<img|<\/td/.test(md), md);
      assert.match(md, /^# Profile: &lt;img src=x onerror=alert\(1\)&gt;/);
    });

    it('SVG: a BEL, NUL or lone surrogate in a layer name becomes U+FFFD; the file has no character XML forbids', async () => {
      assert.equal(xmlText('a\u0007b\u0000c<&>"\ud800'), 'a\ufffdb\ufffdc&lt;&amp;&gt;&quot;\ufffd');
      assert.equal(xmlText('tab\tline\n\ud83d\ude00'), 'tab\tline\n\ud83d\ude00');
      const bytes = modelBytes({
        nodes: [node('Relu', ['x'], ['r'], 'bell\u0007\u001b[2J'), node('Sigmoid', ['r'], ['y'], 'nul\u0000')],
        inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo('y', [1, 4])],
      });
      const r = readOnnx(bytes, undefined, 'bel');
      const spec = { name: 'bel', model: r.graph, groups: r.groups, layerGroup: r.layerGroup };
      const g = buildViewGraph(spec, analyzeModel(r.graph));
      const svg = renderGraphSvg(g, await layoutGraph(nodeElk(), g, new Set()), { standalone: true, title: 'bel\u0007' });
      assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(svg), 'no C0 but tab, LF, CR');
      assert.ok(svg.includes('bell\ufffd\ufffd[2J'), 'the name, with its controls replaced');
    });
  });

  describe('tables and layouts never recurse or spread per row', () => {
    it('the summary table and profile reports of 199,990 rows', () => {
      const n = 199_990;
      const layer = { name: 'relu', className: 'Relu', outputShape: [null, 4], params: 0, macs: 0, activationBytes: 16 };
      const a = { model: 'm', input: [null, 4], batch: 1, optimizer: 'adam', layers: Array.from({ length: n }, () => layer), unsupported: [], unknown: [],
        totals: { params: 0, trainableParams: 0, nonTrainableParams: 0, macs: 0, flops: 0, weightBytes: 0, activationBytes: 0, peakInferenceBytes: 0, trainingBytes: 0 } } as unknown as ModelAnalysis;
      assert.equal(summaryTable(a).split('\n').length > n, true);
      const p = profileOf(['conv'], n);
      assert.equal(profileText(p, 0).split('\n').length > n, true);
      assert.equal(profileMarkdown(p).split('\n').length > n, true);
      assert.equal(profileCsv(p).split('\n').length, n + 2);
    });

    it('a config with 150,000 sinks and no output_layers loads (its sinks become the outputs without a spread)', () => {
      const spec = parseModelJson(kerasDanglingSinks(150_000), 'sinks');
      assert.equal((spec.model as KerasModel).config.layers.length, 150_001);
    });

    it('a 12,000-layer flat Sequential opens as runs of 100 and lays out; fully expanded it lays out without elkjs', async () => {
      const spec = parseModelJson(kerasFlatChain(12_000), 'flat');
      const a = analyzeModel(spec.model);
      const g = buildViewGraph(spec, a);
      const runs = g.groups.filter((x) => x.parent === null);
      assert.equal(runs.length, 121); // 12,001 layers with the input, by 100
      assert.ok(g.groups.every((x) => x.layers.length + x.groups.length <= RUN_SIZE));
      assert.equal(runs[0].label, 'input … dense_98');
      assert.equal(runs.reduce((s, x) => s + x.sums.layers, 0), 12_001);
      assert.equal(runs.reduce((s, x) => s + x.sums.params, 0), a.totals.params);
      assert.ok(g.nodes.every((n) => n.group !== null));
      let t = Date.now();
      const first = await layoutGraph(nodeElk(), g, initialCollapsed(g));
      assert.ok(first.nodes.length <= 121 && first.nodes.length > 0);
      assert.ok(Date.now() - t < 30_000);
      // Everything expanded: beyond elkjs' reach (it overflowed the stack at 8,000), stacked instead.
      assert.ok(countBoxes(toElkGraph(g, new Set()).elk) > MAX_ELK_ELEMENTS);
      t = Date.now();
      const all = await layoutGraph(nodeElk(), g, new Set());
      assert.ok(Date.now() - t < 30_000, `${Date.now() - t} ms`);
      assert.equal(all.nodes.length, 12_001);
      assert.equal(all.frames.length, 121);
      assert.ok(all.edges.every((e) => e.points.length >= 4 && e.points.every(Number.isFinite)));
      const b0 = all.boxes[all.nodes[0]];
      const b1 = all.boxes[all.nodes[1]];
      assert.ok(b1.y >= b0.y + b0.h, 'model order top to bottom');
    });

    it('runs of identical layers are labelled by their class; a container of RUN_LIMIT elements is left alone', () => {
      const chain = (n: number, op: string) => modelBytes({
        nodes: Array.from({ length: n }, (_, i) => node(op, [i === 0 ? 'x' : `t${i - 1}`], [`t${i}`])),
        inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo(`t${n - 1}`, [1, 4])],
      });
      const view = (bytes: Uint8Array) => {
        const r = readOnnx(bytes, undefined, 'c');
        return buildViewGraph({ name: 'c', model: r.graph, groups: r.groups, layerGroup: r.layerGroup }, analyzeModel(r.graph));
      };
      assert.equal(view(chain(RUN_LIMIT - 1, 'Relu')).groups.length, 0);
      const g = view(chain(1000, 'Relu'));
      assert.deepEqual(g.groups.slice(1, 3).map((x) => x.label), ['Relu ×100', 'Relu ×100']);
      assert.equal(g.groups[0].label, 'x … Relu_98');
    });
  });

  describe('messages are parsed on receipt', () => {
    const layout = () => ({ key: 'k1', width: 10, height: 10, boxes: { n0: { x: 0, y: 0, w: 1, h: 1 } }, edges: [], nodes: ['n0'], frames: [] as string[] });

    it('a layout: element ids are own keys (toString, __proto__, constructor are not), every figure a finite number', () => {
      assert.ok(validLayout(layout()));
      for (const id of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
        assert.equal(validLayout({ ...layout(), nodes: ['n0', id] }), false, id);
        assert.equal(validLayout({ ...layout(), frames: [id] }), false, id);
      }
      assert.equal(validLayout({ ...layout(), boxes: JSON.parse('{"__proto__": {"x":0,"y":0,"w":1,"h":1}}'), nodes: [] }), false);
      assert.equal(validLayout({ ...layout(), boxes: { n0: { x: '<svg onload=alert(1)>', y: 0, w: 1, h: 1 } } }), false);
      assert.equal(validLayout({ ...layout(), boxes: { n0: { x: 0, y: 0, w: null, h: 1 } } }), false);
    });

    it('a view graph from the model process: totals and sums finite, group references known', () => {
      const spec = parseModelJson(kerasFlatChain(4), 'small');
      const g = buildViewGraph(spec, analyzeModel(spec.model));
      assert.ok(validViewGraph(g));
      const copy = () => JSON.parse(JSON.stringify(g));
      const bad = [
        (c: any) => { c.totals.macs = 'lots'; },
        (c: any) => { c.totals.flops = null; },
        (c: any) => { c.nodes[1].group = 'toString'; },
        (c: any) => { c.groups.push({ index: c.groups.length, id: 'a', label: 'a', parent: '__proto__', depth: 1, groups: [], layers: [], sums: g.totals }); },
      ];
      for (const f of bad) {
        const c = copy();
        f(c);
        assert.equal(validViewGraph(c), false, f.toString());
        assert.equal(parseServiceMessage({ type: 'graph', id: 1, graph: c }), null);
      }
    });

    it('the page checks what the host posts as the host checks the model process: typed graphs and profile results', () => {
      const spec = parseModelJson(kerasFlatChain(4), 'small');
      const g = buildViewGraph(spec, analyzeModel(spec.model));
      const model = { type: 'model', modelArg: 'small', graph: g, collapsed: [], settings: {}, layouts: [], canProfile: false, profile: null };
      assert.ok(parseHostMessage(model));
      assert.equal(parseHostMessage({ ...model, graph: { ...g, totals: { ...g.totals, macs: '<img>' } } }), null);
      assert.equal(parseHostMessage({ ...model, profile: 'a string' }), null);
      assert.equal(parseHostMessage({ type: 'profile', result: { layers: [] } }), null);
      assert.ok(parseHostMessage({ type: 'profile', result: profileOf(['conv']) }));
      assert.equal(parseHostMessage({ type: 'layout', layout: { ...layout(), nodes: ['toString'] } }), null);
    });

    it('the model process checks requests too', () => {
      assert.ok(parseHostRequest({ type: 'open', id: 1, arg: 'lenet5', batch: 1 }));
      assert.equal(parseHostRequest({ type: 'open', id: 1, arg: { toString: 'x' }, batch: 1 }), null);
      assert.equal(parseHostRequest({ type: 'analyse', id: 1, arg: 'x', batch: Number.NaN }), null);
      assert.equal(parseHostRequest({ type: 'layout', id: 'one', elk: {} }), null);
      assert.equal(parseHostRequest({ type: 'exec', id: 1 }), null);
    });

    it('profiler messages: a string is no profile result; figures are numbers; unknown types are dropped', () => {
      const result = { ...profileOf(['conv']), layers: [{ name: 'c', className: 'Conv', ms: { median: 1, min: 1, max: null }, bytes: 1, tensors: 1, gflops: null }] };
      assert.ok(parseWorkerMessage({ type: 'result', id: 1, result }));
      assert.equal(parseWorkerMessage({ type: 'result', id: 1, result: 'a string' }), null);
      assert.equal(parseWorkerMessage({ type: 'result', id: 1, result: { ...result, layers: [{ ...result.layers[0], name: { toString: 1 } }] } }), null);
      assert.equal(parseWorkerMessage({ type: 'result', id: 1, result: { ...result, endToEndMs: { median: '1' } } }), null);
      assert.equal(parseWorkerMessage({ type: 'progress', id: 1, stage: 'layers', message: 'x', fraction: 0.5 })?.type, 'progress');
      assert.equal(parseWorkerMessage({ type: 'progress', id: 1, stage: '__proto__', message: 'x', fraction: 0.5 }), null);
      assert.equal(parseWorkerMessage({ type: 'error', id: 1, message: 'x', userError: 'yes' }), null);
      assert.equal(parseWorkerMessage({ type: 'eval', id: 1 }), null);
      assert.equal(parseWorkerMessage('result'), null);
    });
  });

  describe('the model process: a time limit per request, and a stuck file does not block the next', function () {
    this.timeout(60_000);
    let dir: string;
    let script: string;
    // A stand-in for dist/modelService.js speaking the same protocol: "stuck" spins forever, "evil"
    // answers a layout with a string for a coordinate; anything else gets a small valid graph.
    const fake = `
      const totals = { params: 0, trainableParams: 0, nonTrainableParams: 0, macs: 0, flops: 0, weightBytes: 0, activationBytes: 0, peakInferenceBytes: 0, trainingBytes: 0 };
      process.on('message', (m) => {
        if (m.type === 'open' && m.arg === 'stuck') { for (;;) {} }
        if (m.type === 'open') process.send({ type: 'graph', id: m.id, graph: { model: m.arg, batch: 1, input: [null, 4], totals, nodes: [], edges: [], groups: [], unsupported: [] } });
        if (m.type === 'layout') process.send({ type: 'layout', id: m.id, out: { id: 'root', width: 10, height: 10, children: [{ id: 'n0', x: '<svg onload=alert(1)>', y: 0, width: null, height: 40 }] } });
      });
      process.on('disconnect', () => process.exit(0));`;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'netlens-stuck-'));
      script = join(dir, 'service.js');
      writeFileSync(script, fake);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('a request past netlens.modelService.timeoutSeconds ends its process with one line; the next request is served', async () => {
      const s = new ModelService({ script, timeoutSeconds: () => 1 });
      try {
        const t0 = Date.now();
        await assert.rejects(s.open('stuck'), (e: Error) => e instanceof NetLensError && /^stuck: took longer than 1 s \(netlens\.modelService\.timeoutSeconds\)/.test(e.message) && !e.message.includes('\n'));
        assert.ok(Date.now() - t0 < 10_000);
        assert.equal((await s.open('next')).model, 'next');
      } finally {
        s.dispose();
      }
    });

    it('while one file keeps its process busy, the next model opens in a second process', async () => {
      const s = new ModelService({ script, timeoutSeconds: () => 60, overflowMs: 200 });
      try {
        const stuck = s.open('stuck');
        stuck.catch(() => undefined);
        const t0 = Date.now();
        assert.equal((await s.open('next')).model, 'next');
        assert.ok(Date.now() - t0 < 10_000, `${Date.now() - t0} ms`);
        assert.equal(s.starts, 2);
        s.dispose();
        await assert.rejects(stuck, /closed its model process/);
      } finally {
        s.dispose();
      }
    });

    it('a layout the process answers with a string coordinate is refused, not drawn', async () => {
      const s = new ModelService({ script });
      try {
        const spec = parseModelJson(kerasFlatChain(2), 'two');
        const g = buildViewGraph(spec, analyzeModel(spec.model));
        await assert.rejects(s.layout(g, new Set()), /malformed layout/);
      } finally {
        s.dispose();
      }
    });
  });

  describe('names reach ONNX Runtime as safe identifiers', function () {
    this.timeout(120_000);

    it('a model whose node names hold BEL, newline, quote and backslash profiles on ONNX Runtime; layers keep their names', async () => {
      const bel = 'bel\u0007nl\nq"uote\\back';
      const tab = 'tab\there';
      const dir = mkdtempSync(join(tmpdir(), 'netlens-names-'));
      try {
        const file = join(dir, 'names.onnx');
        writeFileSync(file, modelBytes({
          nodes: [node('Conv', ['x', 'w'], ['c'], bel, [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]), node('Relu', ['c'], ['y'], tab)],
          inputs: [valueInfo('x', [1, 3, 8, 8])], outputs: [valueInfo('y', [1, 4, 8, 8])], initializers: [floatInit('w', [4, 3, 3, 3])],
        }));
        const spec = await loadModel(file);
        const r = await profileModel(spec, join(SAMPLES, 'chelsea.png'), { runs: 1, warmup: 0, backend: 'onnxruntime', optimization: 'disabled' });
        assert.equal(r.engine, 'onnxruntime');
        const timed = r.layers.filter((l) => l.measured?.ms).map((l) => l.name);
        assert.deepEqual(timed, (spec.model as ModelGraph).nodes.slice(1).map((n) => n.name));
        assert.equal(timed.length, 2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a trace that does not parse is one NetLensError line', () => {
      refused(() => parseTrace('[{"cat" : "Node","name" :"a\u0007b_kernel_time"}]'), /^ONNX Runtime's profile could not be read \(/);
      refused(() => parseTrace('{"not": "an array"}'), /not a JSON array/);
    });
  });

  describe('image decoding is bounded in time and memory', () => {
    it('a progressive JPEG with 4,000 scans is refused before decoding; 10 scans are read as 10', () => {
      const many = jpegSkeleton(1000, 1000, { progressive: true, scans: 4000 });
      const s = seconds(() => refused(() => decodeImage(many, 'scans.jpg'), /^scans\.jpg: progressive JPEG with 4000 scans over 1000x1000; NetLens decodes at most 64 scans/));
      assert.ok(s < 1, `${s} s (30+ s before)`);
      refused(() => decodeImage(jpegSkeleton(100, 100, { progressive: true, scans: MAX_JPEG_SCANS + 1 }), 'x.jpg'), /65 scans/);
      assert.equal(jpegHeader(jpegSkeleton(100, 100, { progressive: true, scans: 10 })).scans, 10);
      // Work, not just count: 40 scans of a 4:4:4 40 MP image is 94M scan-blocks.
      refused(() => decodeImage(jpegSkeleton(8000, 5000, { progressive: true, scans: 40, sampling: [[2, 2], [1, 1], [1, 1]] }), 'big.jpg'), /scan-blocks/);
    });

    it('at the 50 MP limit: a 4:4:4 JPEG (1.6 GB in jpeg-js) is refused by the decode budget; 4:2:0 is within it', () => {
      const full = jpegSkeleton(8660, 5773);
      assert.ok(jpegDecodeBytes(jpegHeader(full)) > MAX_DECODE_BYTES);
      const s = seconds(() => refused(() => decodeImage(full, 'huge.jpg'), /^huge\.jpg: decoding this 8660x5773 JPEG \(1x1 1x1 1x1 sampling\) would take about \d+ MiB, over the 1024 MiB/));
      assert.ok(s < 1);
      const sub = jpegHeader(jpegSkeleton(8660, 5773, { sampling: [[2, 2], [1, 1], [1, 1]] }));
      assert.equal(jpegBlocks(sub), 542 * 361 * 6);
      assert.ok(jpegDecodeBytes(sub) < MAX_DECODE_BYTES);
    });

    it('a 16-bit 7071x7071 PNG is refused by the decode budget before pngjs runs; an 8-bit one of the same size is within it', () => {
      refused(() => decodeImage(pngHeaderOnly(7071, 7071, 16, 2), 'deep.png'), /^deep\.png: decoding this 7071x7071 PNG \(16-bit\) would take about \d+ MiB/);
      assert.ok(pngDecodeBytes(7071, 7071, 8, 6, false) < MAX_DECODE_BYTES);
    });

    it('a real JPEG decodes as before, its estimate above what it takes', () => {
      const w = 640;
      const h = 480;
      const data = Buffer.alloc(w * h * 4, 200);
      const bytes = jpeg.encode({ data, width: w, height: h }, 80).data;
      const img = decodeImage(bytes, 'ok.jpg');
      assert.equal(img.width, w);
      assert.equal(img.rgb.length, w * h * 3);
      assert.ok(Math.abs(img.rgb[0] - 200) <= 2);
      assert.ok(jpegDecodeBytes(jpegHeader(bytes)) >= w * h * 6);
    });
  });
});
