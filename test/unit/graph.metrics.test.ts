// The figure each element is coloured by (src/core/graph/metrics.ts), against published figures:
// ResNet-50 has 25,636,712 parameters (Keras Applications), stored as float32 (4 bytes each).
import { strict as assert } from 'node:assert';
import { elementMetric, elementOf } from '../../src/core/graph/metrics';
import { buildZooModel } from '../../src/core/zoo';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { layersIn } from '../../src/core/graph/cards';
import type { ProfileResult } from '../../src/core/profile/result';

const RESNET50_PARAMS = 25_636_712;

describe('graph colour metrics', () => {
  const spec = buildZooModel('resnet50');
  const graph = buildViewGraph(spec, analyzeModel(spec.model, { batch: 1 }));
  const layerIds = graph.nodes.map((n) => `n${n.index}`);
  const sum = (ids: string[], f: (id: string) => number): number => ids.reduce((s, id) => s + f(id), 0);

  it('params over every layer add up to the published ResNet-50 total', () => {
    assert.equal(sum(layerIds, (id) => elementMetric(graph, id, 'params', null)), RESNET50_PARAMS);
  });

  it('top-level blocks together hold every parameter (a block sums its layers)', () => {
    const top = graph.groups.filter((g) => g.parent === null);
    assert.ok(top.length > 0);
    const inTop = new Set(top.flatMap((g) => layersIn(graph, g.id)));
    const outside = graph.nodes.filter((n) => !inTop.has(n.name)).map((n) => `n${n.index}`);
    const blocks = top.map((g) => `g${g.index}`);
    assert.equal(sum(blocks, (id) => elementMetric(graph, id, 'params', null)) + sum(outside, (id) => elementMetric(graph, id, 'params', null)), RESNET50_PARAMS);
  });

  it('analysed memory counts float32 weights (4 bytes a parameter) plus activations', () => {
    const mem = sum(layerIds, (id) => elementMetric(graph, id, 'memory', null));
    const act = graph.nodes.reduce((s, n) => s + n.stats.activationBytes, 0);
    assert.equal(mem, 4 * RESNET50_PARAMS + act);
  });

  it('time and measured memory sum the profile over the layers an element holds', () => {
    const block = graph.groups.find((g) => g.parent === null)!;
    const names = layersIn(graph, block.id);
    const profile = {
      layers: [
        { name: names[0], ms: { median: 1.5, min: 1, max: 2 }, bytes: 1000 },
        { name: names[1], ms: { median: 0.25, min: 0.2, max: 0.3 }, bytes: 24 },
        { name: graph.nodes[0].name, ms: { median: 9, min: 9, max: 9 }, bytes: 7 },
      ],
    } as unknown as ProfileResult;
    assert.equal(elementMetric(graph, `g${block.index}`, 'time', profile), 1.75);
    assert.equal(elementMetric(graph, `g${block.index}`, 'memory', profile), 1024);
    assert.equal(elementMetric(graph, 'n0', 'time', profile), 9);
    assert.equal(elementMetric(graph, 'n0', 'time', null), 0, 'no profile: no time');
  });

  it('a layer fused into another entry\'s kernel takes that kernel\'s time and bytes (one colour per fused run); a block counts each kernel once', () => {
    const id = (name: string) => `n${graph.nodes.find((n) => n.name === name)!.index}`;
    const profile = {
      layers: [
        { name: 'conv1_conv', ms: { median: 1.25, min: 1, max: 2 }, bytes: 4096, fusedWith: ['conv1_pad', 'conv1_bn', 'conv1_relu'] },
        { name: 'pool1_pool', ms: { median: 0.5, min: 0.5, max: 0.5 }, bytes: 64, fusedWith: [] },
      ],
    } as unknown as ProfileResult;
    for (const name of ['conv1_pad', 'conv1_conv', 'conv1_bn', 'conv1_relu']) {
      assert.equal(elementMetric(graph, id(name), 'time', profile), 1.25, name);
      assert.equal(elementMetric(graph, id(name), 'memory', profile), 4096, name);
    }
    assert.equal(elementMetric(graph, id('pool1_pad'), 'time', profile), 0, 'a layer in no entry has no time');
    const block = graph.groups.find((g) => layersIn(graph, g.id).includes('conv1_bn'));
    if (block) assert.equal(elementMetric(graph, `g${block.index}`, 'time', profile), 1.25 + (layersIn(graph, block.id).includes('pool1_pool') ? 0.5 : 0));
  });

  it('category colouring and unknown ids have no metric; ids name layers and blocks', () => {
    assert.equal(elementMetric(graph, 'n1', 'category', null), 0);
    assert.equal(elementMetric(graph, 'n99999', 'params', null), 0);
    assert.equal(elementOf(graph, 'n0')?.kind, 'layer');
    assert.equal(elementOf(graph, 'g0')?.kind, 'group');
    assert.equal(elementOf(graph, 'g99999'), null);
  });
});
