// Every message between the host and its processes is parsed on receipt, both ways (src/protocol):
// each type is accepted well formed and refused malformed; the model process's first view belongs
// to its graph; a model reference is parsed once into ModelRef.
import { strict as assert } from 'node:assert';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildZooModel } from '../../src/core/zoo';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { layoutGraph, layoutKey } from '../../src/core/graph/layout';
import { layoutFirstView } from '../../src/core/graph/firstView';
import { initialCollapsed } from '../../src/core/graph/collapse';
import { nodeElk } from '../../src/core/graph/node/elkNode';
import { parseProfilerRequest, parseWorkerMessage } from '../../src/protocol/worker';
import { parseHostRequest, parseServiceMessage } from '../../src/protocol/modelService';
import { parseHostMessage, parseWebviewMessage } from '../../src/protocol/graph';
import { parseProfilePageMessage } from '../../src/protocol/profile';
import { fileRef, modelRefOf, parseModelRef } from '../../src/protocol/modelRef';

const REQUEST = { model: 'lenet5', image: '/x.png', backend: 'auto', runs: 5, warmup: 1 };
const RESULT = {
  model: 'm', backend: 'cpu', image: 'x.png', weights: 'random', runs: 1, warmup: 0, endToEndMs: { median: 1, min: 1, max: 1 },
  sumLayerMs: 1, overhead: 0, peakBytes: 0, layers: [], predictions: null,
};

describe('protocol: messages parsed on receipt, both ways', function () {
  this.timeout(60_000);
  const spec = buildZooModel('resnet50');
  const graph = buildViewGraph(spec, analyzeModel(spec.model));

  it('host -> profiler process: profile and cancel accepted; malformed requests refused', () => {
    assert.deepEqual(parseProfilerRequest({ type: 'profile', id: 1, request: REQUEST }), { type: 'profile', id: 1, request: REQUEST });
    const full = { ...REQUEST, optimization: 'basic', threads: 4, preprocessing: 'torch', gpuLayout: 'nchw', batch: 8, feed: 'random' };
    assert.deepEqual(parseProfilerRequest({ type: 'profile', id: 2, request: full }), { type: 'profile', id: 2, request: full });
    assert.deepEqual(parseProfilerRequest({ type: 'cancel', id: 3 }), { type: 'cancel', id: 3 });
    for (const bad of [
      null, 'profile', { type: 'profile', request: REQUEST }, { type: 'profile', id: '1', request: REQUEST }, { type: 'cancel' },
      { type: 'profile', id: 1, request: { ...REQUEST, model: 42 } }, { type: 'profile', id: 1, request: { ...REQUEST, runs: '5' } },
      { type: 'profile', id: 1, request: { ...REQUEST, optimization: 'max' } }, { type: 'profile', id: 1, request: { ...REQUEST, feed: 'video' } },
      { type: 'profile', id: 1, request: { ...REQUEST, image: 'x'.repeat(5000) } }, { type: 'exec', id: 1 },
    ]) assert.equal(parseProfilerRequest(bad), null, JSON.stringify(bad)?.slice(0, 80));
  });

  it('profiler process -> host: ready, progress, result, cancelled, error accepted; malformed refused', () => {
    for (const ok of [
      { type: 'ready', pid: 1, node: 'v20' }, { type: 'progress', id: 1, stage: 'layers', message: 'conv1', fraction: 0.5 },
      { type: 'result', id: 1, result: RESULT }, { type: 'cancelled', id: 1 }, { type: 'error', id: 1, message: 'no', userError: true },
    ]) assert.ok(parseWorkerMessage(ok), ok.type);
    for (const bad of [
      { type: 'progress', id: 1, stage: 'nap', message: 'x', fraction: 0 }, { type: 'progress', id: 1, stage: 'layers', message: 'x', fraction: 'half' },
      { type: 'result', id: 1, result: { ...RESULT, layers: 'all' } }, { type: 'cancelled' }, { type: 'error', id: 1, message: 'x' }, { type: 'ready', pid: 'one', node: 'v20' },
    ]) assert.equal(parseWorkerMessage(bad), null, JSON.stringify(bad));
  });

  it('host -> model process: open (with or without a first view), analyse, layout, figures accepted; malformed refused', () => {
    for (const ok of [
      { type: 'open', id: 1, arg: 'resnet18', batch: 1 }, { type: 'open', id: 1, arg: '/m/a.onnx', batch: 1, first: { threshold: 300, known: ['abc'] } },
      { type: 'analyse', id: 2, arg: 'resnet18', batch: 8 }, { type: 'layout', id: 3, elk: { id: 'root' } }, { type: 'figures', id: 4, names: ['lenet5', 'vgg16'] },
    ]) assert.deepEqual(parseHostRequest(ok), ok, ok.type);
    for (const bad of [
      { type: 'open', id: 1, arg: 'x', batch: 1, first: { threshold: -1, known: [] } }, { type: 'open', id: 1, arg: 'x', batch: 1, first: { threshold: 300 } },
      { type: 'open', id: 1, arg: 'x', batch: 1, first: { threshold: 300, known: [7] } }, { type: 'analyse', id: 1, arg: 'x', batch: 0 },
      { type: 'layout', id: 1, elk: [] }, { type: 'figures', id: 1, names: 'lenet5' }, { type: 'figures', id: 1, names: [{}] }, { type: 'open', arg: 'x', batch: 1 },
    ]) assert.equal(parseHostRequest(bad), null, JSON.stringify(bad));
  });

  it('model process -> host: graph (with its first view), layout, figures, error accepted; a first view not of its graph refused', async () => {
    const first = await layoutFirstView(nodeElk(), graph, 300);
    assert.deepEqual(first.collapsed, [...initialCollapsed(graph, { threshold: 300 })]);
    assert.deepEqual(first.layout, await layoutGraph(nodeElk(), graph, new Set(first.collapsed)));
    const bigFirst = await layoutFirstView(nodeElk(), graph, 100);
    assert.ok(bigFirst.collapsed.length > 0, 'a low threshold collapses blocks');
    assert.equal(bigFirst.layout.key, layoutKey(graph, new Set(bigFirst.collapsed)));
    for (const ok of [
      { type: 'graph', id: 1, graph }, { type: 'graph', id: 1, graph, first }, { type: 'graph', id: 1, graph, first: bigFirst },
      { type: 'graph', id: 1, graph, first: { collapsed: bigFirst.collapsed, layout: null } },
      { type: 'layout', id: 2, out: { id: 'root' } }, { type: 'figures', id: 3, figures: [{ name: 'lenet5', params: 61706, macs: 1 }] },
      { type: 'error', id: 4, message: 'bad file', userError: true },
    ]) assert.ok(parseServiceMessage(ok), ok.type);
    for (const bad of [
      // A layout for another collapsed set, a block the graph does not have, a malformed layout.
      { type: 'graph', id: 1, graph, first: { collapsed: bigFirst.collapsed, layout: first.layout } },
      { type: 'graph', id: 1, graph, first: { collapsed: ['no such block'], layout: null } },
      { type: 'graph', id: 1, graph, first: { collapsed: [], layout: { ...first.layout, width: 'wide' } } },
      { type: 'graph', id: 1, graph, first: { layout: null } }, { type: 'graph', id: 1, graph: { ...graph, totals: {} } },
      { type: 'figures', id: 3, figures: [{ name: 'lenet5', params: Number.NaN, macs: 1 }] }, { type: 'layout', id: 2, out: 'done' },
      { type: 'error', id: 4, message: 'x' }, { type: 'graph', graph },
    ]) assert.equal(parseServiceMessage(bad), null, JSON.stringify(bad).slice(0, 120));
  });

  it('graph page <-> host: layoutError among the host messages; the page\'s messages; the profile page\'s preprocessing', () => {
    assert.ok(parseHostMessage({ type: 'layoutError', key: 'abc-def', message: 'elkjs gave up' }));
    assert.equal(parseHostMessage({ type: 'layoutError', key: 'abc-def' }), null);
    assert.equal(parseHostMessage({ type: 'layoutError', key: 'k'.repeat(201), message: 'x' }), null);
    assert.deepEqual(parseWebviewMessage({ type: 'layoutRequest', collapsed: ['g1'] }), { type: 'layoutRequest', collapsed: ['g1'] });
    assert.equal(parseWebviewMessage({ type: 'layoutRequest', collapsed: 'g1' }), null);
    assert.deepEqual(parseProfilePageMessage({ type: 'preprocessing' }), { type: 'preprocessing' });
    assert.equal(parseProfilePageMessage({ type: 'preprocess' }), null);
  });

  it('a model reference is parsed once: a zoo name in any spelling, else a file with the format its name says', () => {
    assert.deepEqual(parseModelRef('ResNet-50'), { kind: 'zoo', name: 'resnet50', arg: 'resnet50' });
    assert.deepEqual(parseModelRef('resnet34_textbook'), { kind: 'zoo', name: 'resnet34_textbook', arg: 'resnet34_textbook' });
    const files: [string, string][] = [['/m/a.keras', 'keras'], ['/m/b.H5', 'h5'], ['/m/c.hdf5', 'h5'], ['/m/net.ONNX', 'onnx'], ['/m/model.json', 'json'], ['/m/weights.bin', 'unknown'], ['resnet-51', 'unknown']];
    for (const [path, format] of files) assert.deepEqual(parseModelRef(path), { kind: 'file', path, format, arg: path }, path);
    // A Uri is a file whatever its name; an empty string or a number is no reference.
    assert.deepEqual(modelRefOf({ fsPath: '/models/resnet50' }), fileRef('/models/resnet50'));
    assert.deepEqual(modelRefOf('lenet5'), { kind: 'zoo', name: 'lenet5', arg: 'lenet5' });
    for (const bad of ['', 42, null, { fsPath: 3 }]) assert.equal(modelRefOf(bad), undefined, String(bad));
  });
});
