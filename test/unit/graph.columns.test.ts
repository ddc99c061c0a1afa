// The layer table's columns (src/core/graph/columns.ts) on ResNet-50 (Keras Applications), against
// figures from its architecture: the three conv5 3x3 convs (3*3*512*512 + 512 = 2,359,808 params),
// then conv5_block1_0_conv (1*1*1024*2048 + 2048 = 2,099,200), then the classifier (2048*1000 +
// 1000 = 2,049,000) are its largest layers.
import { strict as assert } from 'node:assert';
import { columnForColor, LAYER_COLUMNS, sortLayers, visibleColumns, TableData } from '../../src/core/graph/columns';
import { buildZooModel } from '../../src/core/zoo';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildViewGraph } from '../../src/core/graph/viewGraph';

describe('layer table columns', () => {
  const spec = buildZooModel('resnet50');
  const graph = buildViewGraph(spec, analyzeModel(spec.model, { batch: 1 }));
  const data: TableData = { graph, ms: new Map() };

  it('sorting by params, descending, lists the largest layers first (ties in graph order)', () => {
    const top = sortLayers(data, 'params', -1).slice(0, 5);
    assert.deepEqual(top.map((n) => n.stats.params), [2_359_808, 2_359_808, 2_359_808, 2_099_200, 2_049_000]);
    assert.deepEqual(top.map((n) => n.name), ['conv5_block1_2_conv', 'conv5_block2_2_conv', 'conv5_block3_2_conv', 'conv5_block1_0_conv', top[4].name]);
    assert.equal(top[4].className, 'Dense');
    assert.equal(LAYER_COLUMNS.find((c) => c.id === 'params')!.text(top[4], data), '2,049,000');
  });

  it('ties keep graph order both ways; the index column ascending is graph order', () => {
    const asc = sortLayers(data, 'index', 1).map((n) => n.index);
    assert.deepEqual(asc, graph.nodes.map((n) => n.index));
    const zeroParams = sortLayers(data, 'params', -1).filter((n) => n.stats.params === 0).map((n) => n.index);
    assert.deepEqual(zeroParams, [...zeroParams].sort((a, b) => a - b));
  });

  it('text columns sort by locale order; an unknown column falls back to graph order', () => {
    const names = sortLayers(data, 'name', 1).map((n) => n.name);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    assert.deepEqual(sortLayers(data, 'nope', 1).map((n) => n.index), graph.nodes.map((n) => n.index));
  });

  it('the time column appears with measurements, shows 3 decimals, and unmeasured layers sort last', () => {
    assert.ok(!visibleColumns(data).some((c) => c.id === 'time'));
    const timed: TableData = { graph, ms: new Map([[graph.nodes[5].name, 0.175], [graph.nodes[9].name, 2]]) };
    assert.ok(visibleColumns(timed).some((c) => c.id === 'time'));
    const time = LAYER_COLUMNS.find((c) => c.id === 'time')!;
    assert.equal(time.text(graph.nodes[5], timed), '0.175');
    assert.equal(time.text(graph.nodes[0], timed), '');
    const desc = sortLayers(timed, 'time', -1);
    assert.deepEqual([desc[0].index, desc[1].index], [9, 5]);
  });

  it('each metric colour mode sorts by its own column; category sorts nothing', () => {
    assert.equal(columnForColor('category'), null);
    for (const c of ['params', 'macs', 'memory', 'time'] as const) {
      assert.equal(columnForColor(c), c);
      assert.ok(LAYER_COLUMNS.some((col) => col.id === c), c);
    }
  });
  it('a layer whose sizes depend on data shows ? for MACs, FLOPs and activations, never 0, and sorts below the counted ones', () => {
    const marked = graph.nodes.map((n, i) => (i === 3 ? { ...n, stats: { ...n.stats, macs: 0, flops: 0, activationBytes: 0, unknown: 'NonZero "x": depends on data' } } : n));
    const t: TableData = { graph: { ...graph, nodes: marked }, ms: new Map() };
    for (const id of ['macs', 'flops', 'memory']) {
      const col = LAYER_COLUMNS.find((c) => c.id === id)!;
      assert.equal(col.text(marked[3], t), '?', id);
      const asc = sortLayers(t, id, 1);
      assert.equal(asc[0].index, 3, `${id}: first ascending, below every counted layer`);
    }
  });
});
