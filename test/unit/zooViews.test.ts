// The zoo's first views shipped in dist/zoo/ (written by `npm run build`) must be what the engine
// computes now: the same view graph at batch 1, the same collapsed blocks at the default threshold
// and a layout of exactly that view. The host's reader takes a damaged file as absent.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZOO } from '../../src/core/zoo';
import { layoutKey, layerId } from '../../src/core/graph/layout';
import { parseShippedView, parseWebviewMessage } from '../../src/protocol/graph';
import { zooViewGraph } from '../../src/core/graph/node/zooViews';
import { DEFAULT_COLLAPSE_THRESHOLD } from '../../src/core/graph/collapse';
import { shippedView } from '../../src/host/shippedViews';

const DIST = join(__dirname, '..', '..', '..', 'dist');

describe('shipped zoo views (dist/zoo)', function () {
  this.timeout(120000);

  for (const e of ZOO) {
    it(`${e.name}: equals the view the engine computes now, with a layout of that view`, () => {
      const shipped = parseShippedView(JSON.parse(readFileSync(join(DIST, 'zoo', `${e.name}.json`), 'utf8')));
      assert.ok(shipped, 'the file parses as a shipped view');
      const fresh = zooViewGraph(e.name);
      assert.deepEqual(shipped.graph, fresh.graph);
      assert.deepEqual(shipped.collapsed, fresh.collapsed);
      assert.equal(shipped.layout.key, layoutKey(fresh.graph, new Set(fresh.collapsed)));
      // Every layer is drawn, as itself or inside a collapsed block's node.
      const drawn = new Set(shipped.layout.nodes);
      const hidden = fresh.graph.nodes.filter((n) => !drawn.has(layerId(n.index)));
      assert.equal(hidden.length === 0, fresh.collapsed.length === 0);
    });
  }

  it("are built at the collapse threshold package.json declares as netlens.graph.collapseThreshold's default", () => {
    const pkg = JSON.parse(readFileSync(join(DIST, '..', 'package.json'), 'utf8'));
    assert.equal(pkg.contributes.configuration.properties['netlens.graph.collapseThreshold'].default, DEFAULT_COLLAPSE_THRESHOLD);
  });

  it('the host reads a shipped view by any spelling of the zoo name, and takes missing or damaged files as absent', async () => {
    const resnet = await shippedView(DIST, 'ResNet-50');
    assert.equal(resnet?.graph.model, zooViewGraph('resnet50').graph.model);
    assert.equal(await shippedView(DIST, '/tmp/model.onnx'), undefined);
    const dir = mkdtempSync(join(tmpdir(), 'netlens-shipped-'));
    mkdirSync(join(dir, 'zoo'));
    assert.equal(await shippedView(dir, 'lenet5'), undefined);
    writeFileSync(join(dir, 'zoo', 'lenet5.json'), '{"graph":');
    assert.equal(await shippedView(dir, 'lenet5'), undefined);
    copyFileSync(join(DIST, 'zoo', 'lenet5.json'), join(dir, 'zoo', 'lenet5.json'));
    const good = JSON.parse(readFileSync(join(dir, 'zoo', 'lenet5.json'), 'utf8'));
    writeFileSync(join(dir, 'zoo', 'lenet5.json'), JSON.stringify({ ...good, layout: { ...good.layout, boxes: { n0: { x: 'NaN' } } } }));
    assert.equal(await shippedView(dir, 'lenet5'), undefined);
  });

  it("the page's ready message says whether it drew from a served model message", () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', embedded: true }), { type: 'ready', embedded: true });
    assert.deepEqual(parseWebviewMessage({ type: 'ready', embedded: 'yes' }), { type: 'ready', embedded: false });
  });
});
