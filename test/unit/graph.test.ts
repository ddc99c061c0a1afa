// The graph view's core: view graph and block sums, collapsed-first, ELK layout, SVG escaping,
// hover-card figures, message validation and the CSP. Everything checked against the analyser.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildZooModel } from '../../src/core/zoo';
import { ModelBuilder } from '../../src/core/ir/builder';
import { buildViewGraph, ViewGraph } from '../../src/core/graph/viewGraph';
import { initialCollapsed, DEFAULT_COLLAPSE_BUDGET, DEFAULT_EDGE_BUDGET, drawnEdgeCount, groupsHiding } from '../../src/core/graph/collapse';
import { layoutGraph, layoutKey, toElkGraph, visibleElements, GraphLayout } from '../../src/core/graph/layout';
import { nodeElk } from '../../src/core/graph/node/elkNode';
import { renderGraphBody, renderGraphSvg } from '../../src/core/graph/svg';
import { layerCard, groupCard, layersIn } from '../../src/core/graph/cards';
import { ModelMessage, parseHostMessage, parseWebviewMessage, validLayout } from '../../src/protocol/graph';
import { DEFAULT_SETTINGS } from '../../src/core/graph/node/standalone';
import { webviewCsp, webviewHtml, scriptJson } from '../../src/core/graph/html';
import { pageCsp } from '../../src/core/csp';
import { escapeXml, formulaText, grouped, milliseconds } from '../../src/core/graph/text';
import { CATEGORY_TABLE, heatColor } from '../../src/core/graph/nodeStyles';
import { graphCommand as runGraph } from '../../src/cli/graph';
import { kerasModelOf, type ModelSpec } from '../../src/core/ir/types';

const XSS = '<img src=x onerror=alert(1)>';

function graphOf(spec: ModelSpec, batch = 1): ViewGraph {
  return buildViewGraph(spec, analyzeModel(spec.model, { batch }));
}

/** A small model whose layer and block names are hostile HTML. */
export function hostileSpec(): ModelSpec {
  const b = new ModelBuilder('hostile');
  const x = b.input([16, 16, 3], 'input');
  const y = b.group('"><script>alert(2)</script>', () => {
    const c = b.conv2d(x, 8, { kernelSize: 3, padding: 'same', name: XSS });
    return b.activation(c, 'relu', 'relu & <b>bold</b>');
  }, '<svg onload=alert(3)>');
  return b.build([b.dense(b.flatten(y, 'flat'), 10, { name: 'head' })]);
}

describe('graph view: view graph', () => {
  const spec = buildZooModel('resnet50');
  const analysis = analyzeModel(spec.model);
  const g = buildViewGraph(spec, analysis);

  it('has one node per analysed layer and one edge per inbound tensor', () => {
    assert.equal(g.nodes.length, 177);
    assert.equal(g.nodes.length, analysis.layers.length);
    assert.equal(g.edges.length, analysis.layers.reduce((a, l) => a + l.inbound.length, 0));
    const conv1 = g.nodes.find((n) => n.name === 'conv1_conv')!;
    assert.equal(conv1.shape, '112×112×64');
    assert.equal(conv1.group, 'conv1');
    assert.deepEqual(conv1.attrs.find(([k]) => k === 'filters'), ['filters', '64']);
  });

  it('block sums equal the sums of their layers, nested blocks included', () => {
    for (const grp of g.groups) {
      const inside = new Set(layersIn(g, grp.id));
      const layers = analysis.layers.filter((l) => inside.has(l.name));
      assert.equal(grp.sums.layers, layers.length, grp.id);
      assert.equal(grp.sums.params, layers.reduce((a, l) => a + l.params, 0), grp.id);
      assert.equal(grp.sums.macs, layers.reduce((a, l) => a + l.macs, 0), grp.id);
      assert.equal(grp.sums.activationBytes, layers.reduce((a, l) => a + l.activationBytes, 0), grp.id);
    }
    const stage = g.groups.find((x) => x.id === 'conv2')!;
    assert.deepEqual(stage.groups, ['conv2_block1', 'conv2_block2', 'conv2_block3']);
    const top = g.groups.filter((x) => x.parent === null).reduce((a, x) => a + x.sums.params, 0);
    const loose = g.nodes.filter((n) => n.group === null).reduce((a, n) => a + n.stats.params, 0);
    assert.equal(top + loose, analysis.totals.params);
  });

  it('lifts groups with unknown parents and drops empty groups', () => {
    const s = buildZooModel('lenet5');
    const extra: ModelSpec = { ...s, groups: [...s.groups, { id: 'orphan', label: 'orphan', parent: 'missing' }, { id: 'empty', label: 'empty', parent: null }], layerGroup: { ...s.layerGroup, [kerasModelOf(s).config.layers[1].name]: 'orphan' } };
    const vg = graphOf(extra);
    assert.equal(vg.groups.find((x) => x.id === 'orphan')?.parent, null);
    assert.equal(vg.groups.find((x) => x.id === 'empty'), undefined);
  });
});

describe('graph view: collapsed-first', () => {
  it('small models open expanded, big ones collapsed within the budget', () => {
    assert.equal(initialCollapsed(graphOf(buildZooModel('resnet50'))).size, 0);
    const g152 = graphOf(buildZooModel('resnet152'));
    const collapsed = initialCollapsed(g152);
    assert.ok(collapsed.size > 0);
    const drawn = new Set(visibleElements(g152, collapsed).rep).size;
    assert.ok(drawn <= DEFAULT_COLLAPSE_BUDGET, `${drawn} elements drawn`);
    // Outermost first: every stage is open, its blocks are closed.
    for (const stage of ['conv2', 'conv3', 'conv4', 'conv5']) assert.ok(!collapsed.has(stage), stage);
    assert.ok(collapsed.has('conv4_block36'));
  });

  it('keeps the first view within an edge budget too: a densely connected block stays closed (DenseNet as PyTorch exports it)', () => {
    // A block whose layers each concatenate every earlier layer's output, in a stage: 4 blocks of 6.
    const b = new ModelBuilder('dense');
    let x = b.input([8, 8, 4], 'input');
    b.group('features', () => {
      for (let k = 1; k <= 4; k++) {
        x = b.group(`features.block${k}`, () => {
          const outs = [x];
          for (let i = 1; i <= 6; i++) {
            outs.push(b.group(`features.block${k}.layer${i}`, () =>
              b.conv2d(outs.length > 1 ? b.concatenate([...outs], `b${k}l${i}_cat`) : outs[0], 4, { kernelSize: 1, name: `b${k}l${i}_conv` })));
          }
          return b.concatenate(outs, `b${k}_out`);
        });
      }
    });
    const g = graphOf(b.build([b.dense(b.flatten(x, 'flat'), 10, { name: 'head' })]));
    const roomy = initialCollapsed(g, { threshold: 10, budget: 40, edgeBudget: 10_000 });
    assert.ok(!roomy.has('features.block1') && roomy.has('features.block1.layer1'), 'without an edge budget the blocks open, their layers closed');
    const roomyEdges = drawnEdgeCount(g, roomy);
    const tight = initialCollapsed(g, { threshold: 10, budget: 40, edgeBudget: roomyEdges - 1 });
    assert.ok(!tight.has('features') && tight.has('features.block1'), 'the stage opens, its dense blocks stay closed');
    assert.ok(drawnEdgeCount(g, tight) <= roomyEdges - 1);
    // The count is the edges the layout draws.
    for (const c of [roomy, tight, new Set<string>()]) assert.equal(drawnEdgeCount(g, c), toElkGraph(g, c).edges.length);
    // The zoo's first views are within the default edge budget (they ship laid out at it).
    for (const name of ['resnet152', 'densenet201', 'efficientnetb7', 'nasnetmobile', 'inceptionresnetv2']) {
      const z = graphOf(buildZooModel(name));
      assert.ok(drawnEdgeCount(z, initialCollapsed(z)) <= DEFAULT_EDGE_BUDGET, name);
    }
  });

  it('says which blocks hide a layer', () => {
    const g = graphOf(buildZooModel('resnet50'));
    assert.deepEqual(groupsHiding(g, 'conv2_block1', new Set(['conv2', 'conv2_block1'])), ['conv2_block1', 'conv2']);
    assert.deepEqual(groupsHiding(g, 'conv2_block1', new Set()), []);
  });

  it('a collapsed block becomes one element and its edges are merged', () => {
    const g = graphOf(buildZooModel('resnet50'));
    const { elk, edges } = toElkGraph(g, new Set(['conv2_block1']));
    const block = g.groups.find((x) => x.id === 'conv2_block1')!;
    const id = `g${block.index}`;
    const inside = layersIn(g, 'conv2_block1').length;
    const count = (n: { children?: unknown[] }): number => (n.children ?? []).reduce<number>((a, c) => a + ((c as { children?: unknown[] }).children?.length ? count(c as { children?: unknown[] }) : 1), 0);
    assert.equal(count(elk), 177 - inside + 1);
    // pool1_pool feeds both branches of the block: one merged edge in, one out to the next block.
    assert.equal(edges.filter((e) => e.target === id).length, 1);
    assert.equal(edges.filter((e) => e.source === id).length, 2);
    assert.ok(!edges.some((e) => e.source === e.target));
  });
});

describe('graph view: layout (elkjs in Node)', function () {
  this.timeout(60000);
  let layout: GraphLayout;
  const g = graphOf(buildZooModel('resnet50'));
  before(async () => { layout = await layoutGraph(nodeElk(), g, new Set()); });

  it('places every layer, inside its block frame, without overlaps between siblings', () => {
    assert.equal(layout.nodes.length, 177);
    assert.equal(layout.frames.length, g.groups.length);
    for (const n of g.nodes) {
      const b = layout.boxes[`n${n.index}`];
      assert.ok(b && b.w > 0 && b.h > 0, n.name);
      if (n.group) {
        const f = layout.boxes[`g${g.groups.find((x) => x.id === n.group)!.index}`];
        assert.ok(b.x >= f.x && b.y >= f.y && b.x + b.w <= f.x + f.w && b.y + b.h <= f.y + f.h, `${n.name} outside ${n.group}`);
      }
    }
    const boxes = layout.nodes.map((id) => layout.boxes[id]);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        assert.ok(!overlap, `${layout.nodes[i]} overlaps ${layout.nodes[j]}`);
      }
    }
  });

  it('routes every edge from its source to its target, top to bottom', () => {
    assert.equal(layout.edges.length, g.edges.length);
    for (const e of layout.edges) {
      assert.ok(e.points.length >= 4, `${e.source}->${e.target}`);
      const s = layout.boxes[e.source];
      const t = layout.boxes[e.target];
      assert.ok(Math.abs(e.points[1] - (s.y + s.h)) < 1, 'starts at the bottom of its source');
      assert.ok(Math.abs(e.points[e.points.length - 1] - t.y) < 1, 'ends at the top of its target');
    }
  });

  it('keys layouts by structure and collapsed set, not by batch', () => {
    const k = layoutKey(g, new Set());
    assert.equal(layout.key, k);
    assert.notEqual(layoutKey(g, new Set(['conv2'])), k);
    assert.equal(layoutKey(graphOf(buildZooModel('resnet50'), 32), new Set()), k);
    assert.notEqual(layoutKey(graphOf(buildZooModel('resnet101')), new Set()), k);
    assert.ok(validLayout(JSON.parse(JSON.stringify(layout))));
  });

  it('draws only what reaches into a rectangle when given one (the first frame), everything otherwise', () => {
    const ids = (svg: string): string[] => [...svg.matchAll(/data-id="([ng]\d+)"/g)].map((m) => m[1]);
    const edges = (svg: string): number[] => [...svg.matchAll(/data-e="(\d+)"/g)].map((m) => Number(m[1]));
    const all = renderGraphBody(g, layout);
    assert.deepEqual(ids(all).sort(), [...layout.frames, ...layout.nodes].sort());
    assert.equal(edges(all).length, layout.edges.length);
    // The top of the graph as a 1000 x 700 px panel shows it at scale 1.
    const within = { x: 0, y: 0, w: 1000, h: 700 };
    const part = renderGraphBody(g, layout, within);
    const meets = (b: { x: number; y: number; w: number; h: number }): boolean =>
      b.x <= within.x + within.w && within.x <= b.x + b.w && b.y <= within.y + within.h && within.y <= b.y + b.h;
    const expected = [...layout.frames, ...layout.nodes].filter((id) => meets(layout.boxes[id]));
    assert.deepEqual(ids(part).sort(), expected.sort());
    assert.ok(expected.length >= 5 && expected.length < 40, `${expected.length} of ${ids(all).length} elements at the top`);
    // An edge is drawn when the box around its points meets the rectangle.
    const expectedEdges = layout.edges.map((e, i) => ({ e, i })).filter(({ e }) => {
      const xs = e.points.filter((_, k) => k % 2 === 0);
      const ys = e.points.filter((_, k) => k % 2 === 1);
      return meets({ x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) });
    }).map(({ i }) => i);
    assert.deepEqual(edges(part), expectedEdges);
    assert.equal(renderGraphBody(g, layout, { x: -1, y: -1, w: layout.width + 2, h: layout.height + 2 }), all);
  });
});

describe('graph view: escaping', () => {
  it('renders hostile layer and block names as text in SVG', async () => {
    const g = graphOf(hostileSpec());
    const layout = await layoutGraph(nodeElk(), g, new Set());
    const svg = renderGraphSvg(g, layout, { standalone: true, title: XSS });
    assert.ok(!svg.includes('<img'), 'no raw <img');
    assert.ok(!svg.includes('<script'), 'no raw <script');
    assert.ok(!svg.includes('<svg onload'), 'no raw <svg onload');
    assert.ok(svg.includes(escapeXml(XSS)));
    assert.ok(svg.includes('relu &amp; &lt;b&gt;bold&lt;/b&gt;'));
  });

  it('inlines JSON that cannot end its script element', () => {
    const s = scriptJson({ name: '</script><script>alert(1)</script>', x: '\u2028' });
    assert.ok(!s.includes('<'));
    assert.deepEqual(JSON.parse(s), { name: '</script><script>alert(1)</script>', x: '\u2028' });
  });
});

describe('graph view: cards', () => {
  const g = graphOf(buildZooModel('resnet50'));
  const text = (c: { title: string; subtitle: string; rows: { label: string; value: string; detail?: string }[] }): string =>
    [c.title, c.subtitle, ...c.rows.flatMap((r) => [r.label, r.value, r.detail ?? ''])].join('\n');

  it('a layer card has the analyser figures and the MAC formula', () => {
    const n = g.nodes.find((x) => x.name === 'conv1_conv')!;
    const t = text(layerCard(n, g.totals));
    assert.match(t, /9,472 \(all trainable\)/);
    assert.match(t, /7×7×3 × 112×112 × 64 = 118,013,952/);
    assert.match(t, new RegExp(grouped(n.stats.flops)));
    const bn = text(layerCard(g.nodes.find((x) => x.name === 'conv1_bn')!, g.totals));
    assert.match(bn, /256 \(128 trainable \/ 128 non-trainable\)/);
  });

  it('a layer fused into another layer\'s kernel says which kernel it ran in and that kernel\'s time; the kernel names its run', () => {
    const profile = {
      model: 'resnet50', backend: 'onnxruntime', image: 'x.jpg', weights: 'random' as const, runs: 3, warmup: 1,
      endToEndMs: { median: 10, min: 9, max: 11 }, sumLayerMs: 8, overhead: 0.8, peakBytes: 1,
      layers: [
        { name: 'conv1_conv', className: 'Conv2D', ms: { median: 2, min: 1.5, max: 2.5 }, bytes: 1024, tensors: 1, gflops: 1, fusedWith: ['conv1_pad', 'conv1_bn', 'conv1_relu'] },
        { name: 'pool1_pool', className: 'MaxPooling2D', ms: { median: 0, min: 0, max: 0 }, bytes: 0, tensors: 0, gflops: 0, untimed: 'not executed', measured: { ms: false, bytes: false } },
      ],
      predictions: null,
    };
    const bn = text(layerCard(g.nodes.find((x) => x.name === 'conv1_bn')!, g.totals, profile));
    assert.match(bn, /Ran fused in\nconv1_conv\nconv1_conv \+ conv1_pad \+ conv1_bn \+ conv1_relu/);
    assert.match(bn, /Kernel time \(measured\)\n2\.000 ms\nthe whole fused kernel · min 1\.500 · max 2\.500 · 25\.0% of layer time/);
    const conv = text(layerCard(g.nodes.find((x) => x.name === 'conv1_conv')!, g.totals, profile));
    assert.match(conv, /Time \(measured\)\n2\.000 ms/);
    assert.match(conv, /Fused kernel\n3 more layers ran in it\nconv1_conv \+ conv1_pad \+ conv1_bn \+ conv1_relu/);
    assert.ok(!/Ran fused in/.test(conv));
    assert.match(text(layerCard(g.nodes.find((x) => x.name === 'pool1_pool')!, g.totals, profile)), /Time \(measured\)\nnone of its own\nnot executed/);
    assert.ok(!/measured/.test(text(layerCard(g.nodes.find((x) => x.name === 'pool1_pad')!, g.totals, profile))), 'a layer in no entry has no measured rows');
  });

  it('a block card has the block sums and measured figures when profiled', () => {
    const grp = g.groups.find((x) => x.id === 'conv2_block1')!;
    const layers = layersIn(g, grp.id);
    const profile = {
      model: 'resnet50', backend: 'wasm', image: 'x.jpg', weights: 'random' as const, runs: 3, warmup: 1,
      endToEndMs: { median: 10, min: 9, max: 11 }, sumLayerMs: 8, overhead: 0.8, peakBytes: 1,
      layers: layers.map((name, i) => ({ name, className: 'X', ms: { median: i + 1, min: i, max: i + 2 }, bytes: 1024, tensors: 1, gflops: 1 })),
      predictions: null,
    };
    const t = text(groupCard(g, grp, profile));
    assert.match(t, new RegExp(`Params\\n${grouped(grp.sums.params)}`));
    assert.match(t, new RegExp(grouped(grp.sums.macs)));
    const ms = layers.reduce((a, _n, i) => a + i + 1, 0);
    assert.match(t, new RegExp(`Time \\(measured\\)\\n${ms.toFixed(3)} ms`));
  });
});

describe('graph view: messages and page', () => {
  it('accepts well-formed webview messages and rejects the rest', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready', embedded: false });
    assert.deepEqual(parseWebviewMessage({ type: 'selected', name: 'conv1_conv' }), { type: 'selected', name: 'conv1_conv' });
    assert.equal(parseWebviewMessage({ type: 'selected', name: 3 }), null);
    assert.equal(parseWebviewMessage({ type: 'runCommand', command: 'workbench.action.quit' }), null);
    assert.equal(parseWebviewMessage('ready'), null);
    assert.equal(parseWebviewMessage(null), null);
    assert.equal(parseWebviewMessage({ type: 'export', format: 'exe', data: '', batch: 1 }), null);
    assert.equal(parseWebviewMessage({ type: 'export', format: 'png', data: 'data:text/html,<b>', batch: 1 }), null);
    assert.equal(parseWebviewMessage({ type: 'export', format: 'svg', data: '<html>', batch: 1 }), null);
    assert.ok(parseWebviewMessage({ type: 'export', format: 'svg', data: '<?xml version="1.0"?>\n<svg xmlns="x"></svg>', batch: 2 }));
    assert.equal(parseWebviewMessage({ type: 'batch', batch: 0 }), null);
    assert.equal(parseWebviewMessage({ type: 'batch', batch: 1.5 }), null);
    assert.deepEqual(parseWebviewMessage({ type: 'layoutRequest', collapsed: ['conv2'] }), { type: 'layoutRequest', collapsed: ['conv2'] });
    assert.equal(parseWebviewMessage({ type: 'layoutRequest', collapsed: 'conv2' }), null);
    assert.equal(parseWebviewMessage({ type: 'layoutRequest', collapsed: [{}] }), null);
    // Layouts read back from the disk cache are checked the same way.
    assert.equal(validLayout({ key: '../../etc', width: 1, height: 1, boxes: {}, edges: [], nodes: [], frames: [] }), false);
    assert.equal(validLayout({ key: 'a-b', width: NaN, height: 1, boxes: {}, edges: [], nodes: [], frames: [] }), false);
    assert.equal(validLayout({ key: 'a-b', width: 1, height: 1, boxes: {}, edges: [], nodes: ['n1'], frames: [] }), false);
  });

  it('the webview accepts well-formed host messages (the view graph, layouts) and drops the rest', () => {
    const spec = buildZooModel('lenet5');
    const g = graphOf(spec);
    const model = { type: 'model', modelArg: 'lenet5', graph: g, collapsed: [], settings: { collapseThreshold: 300, colorBy: 'category', showShapes: false }, layouts: [], canProfile: false, profile: null };
    assert.equal(parseHostMessage(model), model);
    assert.equal(parseHostMessage({ ...model, graph: { ...g, batch: 0 } }), null);
    assert.equal(parseHostMessage({ ...model, spec: {}, graph: undefined }), null, 'the pre-service message (a spec to analyse) is not accepted');
    assert.equal(parseHostMessage({ ...model, layouts: [{ key: '../x' }] }), null);
    assert.ok(parseHostMessage({ type: 'graph', graph: graphOf(spec, 4) }));
    assert.equal(parseHostMessage({ type: 'select', name: 3 }), null);
    assert.equal(parseHostMessage({ type: 'eval', code: 'x' }), null);
  });

  it('serves the webview with a strict nonce CSP', () => {
    const csp = webviewCsp('https://res.example', 'abc123');
    assert.ok(!/unsafe-(eval|inline)/.test(csp));
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.match(csp, /default-src 'none'/);
    assert.ok(!/worker-src|connect-src/.test(csp), 'the webview neither fetches nor starts workers: the host lays out');
    for (const kind of ['graphWebview', 'reportPage', 'standaloneFile'] as const) {
      const c = pageCsp(kind, 'n1', 'https://res.example');
      assert.match(c, /^default-src 'none'; /);
      assert.match(c, /script-src 'nonce-n1'(;|$)/, `${kind}: scripts only with the nonce`);
      assert.ok(!/unsafe-|\*|https?:(?!\/\/res\.example)/.test(c), `${kind}: ${c}`);
    }
    assert.ok(!pageCsp('reportPage', 'n1', 'https://res.example').includes('res.example'), 'report pages load nothing');
    const g = graphOf(buildZooModel('lenet5'), 1);
    g.nodes[0].name = `</script><script>alert(1)</script>${XSS}`;
    const model: ModelMessage = { type: 'model', modelArg: XSS, graph: g, collapsed: [], settings: DEFAULT_SETTINGS, layouts: [], canProfile: false, profile: null };
    const html = webviewHtml({ cspSource: 'https://res.example', nonce: 'abc123', assets: { script: 'start()', css: 'a{}</STYLE><i>', codiconCss: '' }, title: XSS, model });
    assert.ok(!html.includes('<img'));
    assert.equal(html.match(/<\/style/gi)?.length, 2, 'a stylesheet cannot end its element early');
    // Two scripts: the data block (not run) and the nonce'd bundle; the names stay inside the block.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.deepEqual(scripts.map((m) => m[1].trim()), ['type="application/json" id="netlens-model"', 'nonce="abc123"']);
    assert.deepEqual(JSON.parse(scripts[0][2]), JSON.parse(JSON.stringify(model)));
    assert.throws(() => webviewHtml({ cspSource: 'x', nonce: 'n', assets: { script: 'a("</script>")', css: '', codiconCss: '' }, title: 't' }), /<\/script/);
  });

  it('writes times with the digits that matter and formulas with ×', () => {
    assert.equal(milliseconds(0.175), '0.175 ms');
    assert.equal(milliseconds(2.5), '2.50 ms');
    assert.equal(milliseconds(12.34), '12.34 ms');
    assert.equal(milliseconds(123.4), '123.4 ms');
    assert.equal(milliseconds(1234.5), '1,235 ms');
    assert.equal(formulaText('7x7x3 x 112x112 x 64'), '7×7×3 × 112×112 × 64');
  });

  it('has a colour and an icon for every category, and a heat scale', () => {
    for (const row of Object.values(CATEGORY_TABLE)) {
      assert.match(row.cssVar, /^--vscode-/);
      assert.match(row.fallback, /^#[0-9a-f]{6}$/i);
      assert.ok(row.icon);
    }
    assert.equal(heatColor(0, 10), null);
    assert.notEqual(heatColor(1, 10), heatColor(10, 10));
  });
});

describe('graph view: netlens graph', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'netlens-graph-'));
  let out = '';
  /** Runs the command with stdout captured (restored before mocha reports). */
  async function graphCommand(argv: string[]): Promise<void> {
    out = '';
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
    try {
      await runGraph(argv);
    } finally {
      process.stdout.write = write;
    }
  }

  it('writes JSON with every layer, its figures and its box', async () => {
    const file = join(dir, 'r50.json');
    await graphCommand(['resnet50', '--out', file]);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    const a = analyzeModel(buildZooModel('resnet50').model);
    assert.equal(j.nodes.length, 177);
    const conv1 = j.nodes.find((n: { name: string }) => n.name === 'conv1_conv');
    assert.equal(conv1.params, 9472);
    assert.equal(conv1.macs, a.layers.find((l) => l.name === 'conv1_conv')!.macs);
    assert.ok(j.nodes.every((n: { box: unknown }) => n.box));
    assert.equal(j.totals.macs, a.totals.macs);
    assert.match(out, /Wrote/);
  });

  it('writes a standalone SVG, collapsed when asked', async () => {
    const file = join(dir, 'r152.svg');
    await graphCommand(['resnet152', '--out', file, '--collapse', 'auto']);
    const svg = readFileSync(file, 'utf8');
    assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.includes('conv4_block36'));
    assert.ok(!svg.includes('>conv4_block36_1_conv<'), 'the block is collapsed');
    assert.ok(svg.trim().endsWith('</svg>'));
  });

  it('refuses unknown output types and bad options with one line', async () => {
    await assert.rejects(graphCommand(['resnet50', '--out', join(dir, 'x.png')]), /--out must end in .svg, .html or .json/);
    await assert.rejects(graphCommand(['resnet50']), /usage: netlens graph/);
    await assert.rejects(graphCommand(['resnet50', '--out', join(dir, 'x.svg'), '--collapse', 'some']), /--collapse must be/);
  });
});
