// The view graph's packed form (src/core/graph/packedGraph.ts), in which the host serves the model
// message inside the graph page: it unpacks to exactly the graph packed, it is smaller, and what is
// not in the packed form is left for the message parser to refuse.
import { strict as assert } from 'node:assert';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildZooModel } from '../../src/core/zoo';
import { buildViewGraph, ViewGraph } from '../../src/core/graph/viewGraph';
import { packServedModel, packViewGraph, unpackServedModel, unpackViewGraph } from '../../src/core/graph/packedGraph';
import { ModelMessage, parseHostMessage } from '../../src/protocol/graph';
import { DEFAULT_SETTINGS } from '../../src/core/graph/node/standalone';

const graphOf = (name: string): ViewGraph => { const spec = buildZooModel(name); return buildViewGraph(spec, analyzeModel(spec.model, { batch: 1 })); };
/** Through JSON, as the page reads it. */
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('packed view graph (the model message served inside the graph page)', () => {
  it('unpacks to the graph packed, ResNet-50 and MobileNetV2, and is at least a third smaller', () => {
    for (const name of ['resnet50', 'mobilenetv2']) {
      const g = graphOf(name);
      const packed = wire(packViewGraph(g));
      assert.deepEqual(unpackViewGraph(packed), wire(g), name);
      const [plain, small] = [JSON.stringify(g).length, JSON.stringify(packed).length];
      assert.ok(small < plain * 2 / 3, `${name}: ${small} of ${plain} characters`);
    }
  });

  it('keeps optional fields, and figures whose name, class or category differ from the layer\'s', () => {
    const g = graphOf('lenet5');
    g.nodes[1].weights = [['conv.weight', '6×1×5×5 float32']];
    g.nodes[1].stats.sourceName = '/conv/Conv';
    g.nodes[2].stats.note = 'BatchNorm folded';
    g.nodes[2].stats.className = 'Conv';
    g.nodes[3].stats.category = 'unsupported';
    g.nodes[3].stats.name = 'other';
    const packed = wire(packViewGraph(g));
    assert.ok(packed.nodes.keys.length >= 2 && packed.nodes.statKeys.length >= 3, 'one list of keys per distinct set');
    assert.deepEqual(unpackViewGraph(packed), wire(g));
  });

  it('the served message unpacks to a model message the parser accepts; anything else is left as it is', () => {
    const m: ModelMessage = { type: 'model', modelArg: 'resnet50', graph: graphOf('resnet50'), collapsed: [], settings: DEFAULT_SETTINGS, layouts: [], canProfile: true, profile: null };
    const served = unpackServedModel(wire(packServedModel(m)));
    assert.deepEqual(served, wire(m));
    assert.deepEqual(parseHostMessage(served), served);
    // A plain (unpacked) message from another version passes through to the parser unchanged.
    assert.deepEqual(unpackServedModel(wire(m)), wire(m));
    assert.equal(unpackServedModel(undefined), undefined);
  });

  it('refuses rows that do not match their keys, unknown key lists and __proto__', () => {
    const packed = wire(packViewGraph(graphOf('lenet5')));
    const bad = (f: (p: typeof packed) => void): unknown => { const p = wire(packed); f(p); return unpackViewGraph(p); };
    assert.equal(bad((p) => { p.nodes.rows[0].pop(); }), undefined, 'a short row');
    assert.equal(bad((p) => { p.nodes.rows[0][0] = 99; }), undefined, 'an unknown key list');
    assert.equal(bad((p) => { p.nodes.keys[0][0] = '__proto__'; }), undefined, '__proto__');
    assert.equal(bad((p) => { (p.nodes as { rows: unknown }).rows = {}; }), undefined, 'rows not a list');
    assert.equal(bad((p) => { const at = p.nodes.keys[0].indexOf('stats') + 1; p.nodes.rows[0][at] = { params: 1 }; }), undefined, 'figures not a row');
    // A served block that does not unpack reaches the parser packed, and the parser refuses it.
    const m = wire(packServedModel({ type: 'model', modelArg: 'lenet5', graph: graphOf('lenet5'), collapsed: [], settings: DEFAULT_SETTINGS, layouts: [], canProfile: false, profile: null }));
    m.graph.nodes.rows[0][0] = 'not a key list';
    assert.equal(parseHostMessage(unpackServedModel(m)), null);
  });
});
