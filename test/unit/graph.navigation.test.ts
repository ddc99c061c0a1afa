// Keyboard navigation and search (src/core/graph/navigation.ts): a hand-drawn layout whose right
// answers are read off the drawing, and the ResNet-50 layer list searched by name and class.
import { strict as assert } from 'node:assert';
import { neighbour, searchMatches, wordStarts, ARROW_DIRECTIONS } from '../../src/core/graph/navigation';
import type { GraphLayout, Box } from '../../src/core/graph/layout';
import { buildZooModel } from '../../src/core/zoo';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildViewGraph } from '../../src/core/graph/viewGraph';

//            n0 (input, x 100)
//          /    \
//   n1 (x 0)    n2 (x 110)     <- same row; n2 is the central (main path) child of n0
//          \    /
//            n3 (x 100)        n4 (x 400, y 205: 45 px below n3, too far to count as its row)
const box = (x: number, y: number): Box => ({ x, y, w: 80, h: 40 });
const layout: GraphLayout = {
  key: 'hand', width: 500, height: 300, frames: [],
  nodes: ['n0', 'n1', 'n2', 'n3', 'n4'],
  boxes: { n0: box(100, 0), n1: box(0, 60), n2: box(110, 60), n3: box(100, 120), n4: box(400, 205) },
  edges: [
    { source: 'n0', target: 'n1', points: [] }, { source: 'n0', target: 'n2', points: [] },
    { source: 'n1', target: 'n3', points: [] }, { source: 'n2', target: 'n3', points: [] },
  ] as unknown as GraphLayout['edges'],
};

describe('graph navigation (arrow keys)', () => {
  it('down and up follow the edges, the child or parent nearest in x first', () => {
    assert.equal(neighbour(layout, 'n0', 'down'), 'n2');
    assert.equal(neighbour(layout, 'n3', 'up'), 'n2');
    assert.equal(neighbour(layout, 'n1', 'down'), 'n3');
    assert.equal(neighbour(layout, 'n1', 'up'), 'n0');
  });

  it('down from the output and up from the input go nowhere', () => {
    assert.equal(neighbour(layout, 'n3', 'down'), null);
    assert.equal(neighbour(layout, 'n0', 'up'), null);
  });

  it('left and right move along the row, never to a row 40 px or more away', () => {
    assert.equal(neighbour(layout, 'n1', 'right'), 'n2');
    assert.equal(neighbour(layout, 'n2', 'left'), 'n1');
    assert.equal(neighbour(layout, 'n2', 'right'), null);
    assert.equal(neighbour(layout, 'n3', 'right'), 'n2', 'n2 ends 20 px above n3: same row');
    assert.equal(neighbour(layout, 'n4', 'left'), null, 'n4 starts 45 px below n3 ends');
    assert.equal(neighbour(layout, 'n0', 'left'), 'n1', 'n1 overlaps n0 by -20 px: within reach');
  });

  it('an id that is not drawn has no neighbour', () => {
    assert.equal(neighbour(layout, 'n9', 'down'), null);
  });

  it('maps the four arrow keys and nothing else', () => {
    assert.deepEqual(Object.keys(ARROW_DIRECTIONS).sort(), ['ArrowDown', 'ArrowLeft', 'ArrowRight', 'ArrowUp']);
  });
});

describe('graph search', () => {
  const spec = buildZooModel('resnet50');
  const graph = buildViewGraph(spec, analyzeModel(spec.model, { batch: 1 }));

  it('matches class names case-insensitively: ResNet-50 has 53 Conv2D layers', () => {
    assert.equal(searchMatches(graph.nodes, 'conv2d').length, 53);
    assert.equal(searchMatches(graph.nodes, '  CONV2D ').length, 53);
  });

  it('matches names, in graph order', () => {
    const m = searchMatches(graph.nodes, 'conv2_block1_');
    assert.ok(m.length > 0);
    const order = m.map((n) => graph.nodes.findIndex((x) => x.name === n));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    assert.ok(m.every((n) => n.startsWith('conv2_block1_')));
  });

  it('matches whole words or word prefixes only: "Add" finds the 16 Add layers, never ZeroPadding2D', () => {
    const adds = graph.nodes.filter((n) => n.className === 'Add').map((n) => n.name);
    assert.equal(adds.length, 16);
    assert.deepEqual(searchMatches(graph.nodes, 'Add'), adds);
    assert.ok(!searchMatches(graph.nodes, 'add').includes('conv1_pad'));
    assert.deepEqual(searchMatches(graph.nodes, 'padding'), graph.nodes.filter((n) => n.className === 'ZeroPadding2D').map((n) => n.name));
    assert.deepEqual(searchMatches(graph.nodes, 'onv2d'), []);
    assert.deepEqual(searchMatches(graph.nodes, 'bn').length, 53);
    assert.deepEqual(searchMatches(graph.nodes, 'block1').filter((n) => !/_block1_/.test(n)), []);
  });

  it('splits words at separators, case steps and digits', () => {
    assert.deepEqual(wordStarts('ZeroPadding2D'), [0, 4, 11]);
    assert.deepEqual(wordStarts('conv2_block1_add'), [0, 4, 6, 11, 13]);
    assert.deepEqual(wordStarts('HTMLParser'), [0, 4]);
    assert.deepEqual(wordStarts('/layer1/layer1.0/Add'), [1, 6, 8, 13, 15, 17]);
    assert.deepEqual(searchMatches([{ name: '/layer1/layer1.0/Add', className: 'Add' }, { name: 'x', className: 'ReLU' }], 'relu'), ['x']);
  });

  it('an empty or blank query matches nothing; an unknown one nothing', () => {
    assert.deepEqual(searchMatches(graph.nodes, ''), []);
    assert.deepEqual(searchMatches(graph.nodes, '   '), []);
    assert.deepEqual(searchMatches(graph.nodes, 'no-such-layer'), []);
  });
});
