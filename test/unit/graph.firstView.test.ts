// The page's first view (webview/host.ts firstView): the host's defaults for a model opened anew,
// the panel's saved state when it shows the same model again; and which element draws a layer
// inside collapsed blocks (core/graph/collapse.ts drawnElement).
import { strict as assert } from 'node:assert';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildZooModel } from '../../src/core/zoo';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { drawnElement, initialCollapsed } from '../../src/core/graph/collapse';
import type { ModelMessage } from '../../src/protocol/graph';
import { firstView, SavedState } from '../../webview/host';

const spec = buildZooModel('resnet152');
const graph = buildViewGraph(spec, analyzeModel(spec.model, { batch: 1 }));
const first = [...initialCollapsed(graph)];
const message = (o: Partial<ModelMessage> = {}): ModelMessage => ({
  type: 'model', modelArg: 'resnet152', graph, collapsed: first, settings: { collapseThreshold: 300, colorBy: 'params', showShapes: true },
  layouts: [], canProfile: true, profile: null, ...o,
});
const saved = (o: Partial<SavedState> = {}): SavedState => ({
  model: 'resnet152', collapsed: [graph.groups[0].id, 'no-such-block'], colorBy: 'macs', batch: 8, selected: 'conv1_conv', showShapes: false, search: 'conv5', ...o,
});

describe('graph page: first view', () => {
  it('takes the host defaults for a model opened anew or when the panel showed another model', () => {
    for (const s of [undefined, saved({ model: 'resnet50' })]) {
      const v = firstView(message(), s);
      assert.deepEqual([...v.collapsed], first);
      assert.equal(v.colorBy, 'params');
      assert.equal(v.showShapes, true);
      assert.equal(v.batch, undefined);
      assert.equal(v.selected, undefined);
      assert.equal(v.search, undefined);
    }
  });

  it("restores the panel's own state for the same model, dropping blocks the graph does not have", () => {
    const v = firstView(message(), saved());
    assert.deepEqual([...v.collapsed], [graph.groups[0].id]);
    assert.equal(v.colorBy, 'macs');
    assert.equal(v.showShapes, false);
    assert.equal(v.batch, 8, 'the saved batch size is asked for');
    assert.equal(v.selected, 'conv1_conv');
    assert.equal(v.search, 'conv5');
    assert.equal(firstView(message(), saved({ batch: 1 })).batch, undefined, 'the graph is already at that batch size');
    assert.equal(firstView(message(), saved({ batch: 0 })).batch, undefined, 'an invalid saved batch is ignored');
  });

  it('colours by category when time was saved but no profile came with the model', () => {
    assert.equal(firstView(message(), saved({ colorBy: 'time' })).colorBy, 'category');
    assert.equal(firstView(message({ settings: { collapseThreshold: 300, colorBy: 'time', showShapes: false } }), undefined).colorBy, 'category');
  });
});

describe('graph page: the element drawn for a layer', () => {
  it('is the layer itself when no block holding it is collapsed, else the outermost collapsed block', () => {
    const inner = graph.groups.find((g) => g.parent !== null && g.layers.length > 0)!;
    const outer = graph.groups.find((g) => g.id === inner.parent)!;
    const node = graph.nodes.find((n) => n.group === inner.id)!;
    assert.equal(drawnElement(graph, node, new Set()), `n${node.index}`);
    assert.equal(drawnElement(graph, node, new Set([inner.id])), `g${inner.index}`);
    assert.equal(drawnElement(graph, node, new Set([inner.id, outer.id])), `g${outer.index}`);
    assert.equal(drawnElement(graph, node, new Set([outer.id])), `g${outer.index}`);
  });
});
