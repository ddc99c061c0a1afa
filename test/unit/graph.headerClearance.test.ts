// Edges clear of block-header text (src/core/graph/headerClearance.ts): ELK runs edges entering a
// block through its header (the name at the left, the totals at the right); after the layout they
// cross in a gap of the header instead. Checked on the first views of zoo models: no edge through
// header text where ELK put 10-41 per model, every edge still joins the same two points, and no
// edge runs through a node it did not cross before.
import { strict as assert } from 'node:assert';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { initialCollapsed } from '../../src/core/graph/collapse';
import { headerTextCrossings } from '../../src/core/graph/headerClearance';
import { fromElk, layoutGraph, toElkGraph, GraphLayout, LayoutEdge } from '../../src/core/graph/layout';
import { nodeElk } from '../../src/core/graph/node/elkNode';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { buildZooModel } from '../../src/core/zoo';

const nodeHits = (layout: GraphLayout, edges: LayoutEdge[]): number => {
  let n = 0;
  for (const e of edges) {
    for (let k = 0; k + 3 < e.points.length; k += 2) {
      const [ax, ay, bx, by] = e.points.slice(k, k + 4);
      for (const id of layout.nodes) {
        if (id === e.source || id === e.target) continue;
        const b = layout.boxes[id];
        if (Math.max(ax, bx) > b.x + 1 && Math.min(ax, bx) < b.x + b.w - 1 && Math.max(ay, by) > b.y + 1 && Math.min(ay, by) < b.y + b.h - 1) n++;
      }
    }
  }
  return n;
};

describe('graph layout: edges clear of block-header text', function () {
  this.timeout(120_000);
  for (const name of ['resnet50', 'mobilenetv2', 'efficientnetb0', 'googlenet', 'xception']) {
    it(`${name}: no edge through a header's name or totals; same end points; no new node crossed`, async () => {
      const spec = buildZooModel(name);
      const graph = buildViewGraph(spec, analyzeModel(spec.model));
      const collapsed = initialCollapsed(graph, { threshold: 300 });
      const { elk, edges } = toElkGraph(graph, collapsed);
      const out = await nodeElk().layout(elk);
      const raw = fromElk('raw', out, edges);
      const cleared = fromElk('cleared', out, edges, graph);
      assert.ok(headerTextCrossings(graph, raw) >= 5, `ELK alone crosses header text (${headerTextCrossings(graph, raw)})`);
      assert.equal(headerTextCrossings(graph, cleared), 0);
      cleared.edges.forEach((e, i) => {
        const p = raw.edges[i].points;
        assert.deepEqual([e.points.slice(0, 2), e.points.slice(-2)], [p.slice(0, 2), p.slice(-2)], `edge ${i}`);
        for (let k = 0; k + 3 < e.points.length; k += 2) {
          assert.ok(e.points[k] === e.points[k + 2] || e.points[k + 1] === e.points[k + 3], `edge ${i} stays orthogonal`);
        }
      });
      assert.equal(nodeHits(cleared, cleared.edges), nodeHits(raw, raw.edges));
      // layoutGraph (CLI, build, exported pages) applies it.
      assert.equal(headerTextCrossings(graph, await layoutGraph(nodeElk(), graph, collapsed)), 0);
    });
  }
});
