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
import { ZOO_FIGURES_FILE } from '../../src/core/graph/pageData';
import { shippedView } from '../../src/host/shippedViews';
import { ZooFigures } from '../../src/host/zooFigures';
import { parseModelRef } from '../../src/protocol/modelRef';

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
    const resnet = await shippedView(DIST, parseModelRef('ResNet-50'));
    assert.equal(resnet?.graph.model, zooViewGraph('resnet50').graph.model);
    assert.equal(await shippedView(DIST, parseModelRef('/tmp/model.onnx')), undefined);
    const dir = mkdtempSync(join(tmpdir(), 'netlens-shipped-'));
    mkdirSync(join(dir, 'zoo'));
    assert.equal(await shippedView(dir, parseModelRef('lenet5')), undefined);
    writeFileSync(join(dir, 'zoo', 'lenet5.json'), '{"graph":');
    assert.equal(await shippedView(dir, parseModelRef('lenet5')), undefined);
    copyFileSync(join(DIST, 'zoo', 'lenet5.json'), join(dir, 'zoo', 'lenet5.json'));
    const good = JSON.parse(readFileSync(join(dir, 'zoo', 'lenet5.json'), 'utf8'));
    writeFileSync(join(dir, 'zoo', 'lenet5.json'), JSON.stringify({ ...good, layout: { ...good.layout, boxes: { n0: { x: 'NaN' } } } }));
    assert.equal(await shippedView(dir, parseModelRef('lenet5')), undefined);
  });

  it('the Models tree and quick pick read every zoo model\'s figures from the shipped views, without the model process', async () => {
    const figures = new ZooFigures(DIST, () => { throw new Error('the model process was asked'); });
    await figures.loadAll();
    assert.deepEqual(figures.missing(), []);
    for (const e of ZOO) {
      const t = zooViewGraph(e.name).graph.totals;
      assert.deepEqual(figures.get(e.name), { name: e.name, params: t.params, macs: t.macs }, e.name);
    }
  });

  it('figures the shipped file lacks are asked of the model process, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-figures-'));
    mkdirSync(join(dir, 'zoo'));
    // Shipped figures for lenet5 only (the build's file cut to one row).
    const shipped = (JSON.parse(readFileSync(join(DIST, 'zoo', ZOO_FIGURES_FILE), 'utf8')) as { name: string }[]).filter((f) => f.name === 'lenet5');
    writeFileSync(join(dir, 'zoo', ZOO_FIGURES_FILE), JSON.stringify(shipped));
    const asked: string[][] = [];
    const models = { figures: async (names: string[]) => { asked.push(names); return names.map((name) => ({ name, params: 1, macs: 2 })); } };
    const figures = new ZooFigures(dir, () => models as never);
    await figures.loadShipped();
    const notShipped = ZOO.map((e) => e.name).filter((n) => n !== 'lenet5');
    assert.deepEqual(figures.missing(), notShipped);
    await Promise.all([figures.loadAll(), figures.loadAll()]);
    assert.deepEqual(asked, [notShipped]);
    assert.deepEqual(figures.missing(), []);
    assert.equal(figures.get('lenet5')?.params, 61_706);
    assert.deepEqual(figures.get('vgg16'), { name: 'vgg16', params: 1, macs: 2 });
  });

  it("the page's ready message says whether it drew from a served model message", () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', embedded: true }), { type: 'ready', embedded: true });
    assert.deepEqual(parseWebviewMessage({ type: 'ready', embedded: 'yes' }), { type: 'ready', embedded: false });
  });
});
