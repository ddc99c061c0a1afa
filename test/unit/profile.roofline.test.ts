// Roofline (issue 21): the arithmetic on hand-made profiles, bytes moved by fused groups, the
// reasons an entry has no roofline, peaks left out when not measured (cancelled), the peak cache,
// the chart's geometry, run diffs matched by layer name, and the one-node peak models run on ONNX
// Runtime (small sizes; no timing asserts).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildZooModel } from '../../src/core/zoo';
import { ProfileCancelledError } from '../../src/core/profile/errors';
import { addModel, machinePeaks, matmulModel, measurePeaks, peaksKey } from '../../src/core/profile/machinePeaks';
import type { MachinePeaks, ProfileLayer, ProfileResult } from '../../src/core/profile/result';
import { attainable, entryTraffic, layerRoofline, ridgePoint, RooflineLayerStats, timeSinks, totalSavedMs, withRoofline } from '../../src/core/profile/roofline';
import { addRoofline } from '../../src/core/profile/rooflineProfile';
import { asProfileResult, diffByLayer, diffRuns } from '../../src/core/profile/runDiff';
import { rooflineChart, rooflineGeometry } from '../../src/core/report/rooflineChart';
import { diffText, rooflineSectionsHtml, rooflineText } from '../../src/core/report/rooflineReport';
import { profileHtml } from '../../src/core/report/profileHtml';
import { profileMarkdown } from '../../src/core/report/profileReport';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { BOUND_COLOURS, diffColour, efficiencyColour, rooflineShade } from '../../src/core/graph/rooflineColours';
import { layerCard } from '../../src/core/graph/cards';
import { elementMetric } from '../../src/core/graph/metrics';
import { parseProfilePageMessage } from '../../src/protocol/profile';
import { columnForColor, LAYER_COLUMNS, sortLayers, visibleColumns } from '../../src/core/graph/columns';
import { entryByLayer } from '../../src/core/profile/fusedGroups';

const M: MachinePeaks = { peakGflops: 100, bandwidthGBs: 20, backend: 'onnxruntime', threads: 2, measuredAt: '2026-12-04T12:00:00.000Z' };

function layer(name: string, median: number, flops: number, extra: Partial<ProfileLayer> = {}): ProfileLayer {
  return { name, className: 'Conv2D', ms: { median, min: median, max: median }, bytes: 0, tensors: 1, gflops: median > 0 ? flops / (median * 1e6) : 0,
    fusedWith: [], measured: { ms: true, bytes: false }, ...extra };
}

function result(layers: ProfileLayer[], o: Partial<ProfileResult> = {}): ProfileResult {
  const sum = layers.reduce((a, l) => a + l.ms.median, 0);
  return { model: 'hand', backend: 'onnxruntime', image: 'x.png', weights: 'random', runs: 1, warmup: 0, endToEndMs: { median: sum, min: sum, max: sum },
    sumLayerMs: sum, overhead: 1, peakBytes: 0, layers, predictions: null, engine: 'onnxruntime', threads: 2, ...o };
}

// input (4 kB) -> conv (1 MFLOP, 1 kB weights, 4 kB out) -> bn (16 kFLOP, 4 kB out) -> relu (1k FLOP, 4 kB out) -> pool (0 FLOPs)
const STATS: RooflineLayerStats[] = [
  { name: 'input', inbound: [], flops: 0, weightBytes: 0, activationBytes: 4000 },
  { name: 'conv', inbound: ['input'], flops: 1e6, weightBytes: 1000, activationBytes: 4000 },
  { name: 'bn', inbound: ['conv'], flops: 16e3, weightBytes: 64, activationBytes: 4000 },
  { name: 'relu', inbound: ['bn'], flops: 1e3, weightBytes: 0, activationBytes: 4000 },
  { name: 'flat', inbound: ['relu'], flops: 0, weightBytes: 0, activationBytes: 4000 },
];

describe('roofline: arithmetic', () => {
  it('ridge point, attainable and the bound on either side of the ridge', () => {
    assert.equal(ridgePoint(M), 5);
    assert.equal(attainable(M, 1), 20);
    assert.equal(attainable(M, 5), 100);
    assert.equal(attainable(M, 50), 100);
    const mem = layerRoofline(1e6, 1e6, 0.1, M); // intensity 1, 10 GFLOP/s achieved, roof 20
    assert.equal(mem.bound, 'memory');
    assert.equal(mem.intensity, 1);
    assert.ok(Math.abs(mem.achievedGflops - 10) < 1e-9);
    assert.equal(mem.attainableGflops, 20);
    assert.ok(Math.abs(mem.efficiency - 0.5) < 1e-9);
    assert.ok(Math.abs(mem.savedMs - 0.05) < 1e-12); // 1 MFLOP at 20 GFLOP/s = 0.05 ms
    const cmp = layerRoofline(1e9, 1e7, 20, M); // intensity 100, 50 GFLOP/s, roof 100
    assert.equal(cmp.bound, 'compute');
    assert.equal(cmp.attainableGflops, 100);
    assert.ok(Math.abs(cmp.efficiency - 0.5) < 1e-9);
    assert.ok(Math.abs(cmp.savedMs - 10) < 1e-9);
  });

  it('bytes moved by a fused group: inputs from outside + what leaves it + weights, nothing internal', () => {
    const stats = new Map(STATS.map((s) => [s.name, s]));
    const consumers = new Map([['input', ['conv']], ['conv', ['bn']], ['bn', ['relu']], ['relu', ['flat']]]);
    const fused = entryTraffic({ name: 'conv', fusedWith: ['bn', 'relu'], bytes: 0, measured: { ms: true, bytes: false } }, stats, consumers);
    assert.deepEqual(fused, { flops: 1e6 + 16e3 + 1e3, bytes: 4000 + 4000 + 1064, bytesMeasured: false });
    const alone = entryTraffic({ name: 'bn', bytes: 0 }, stats, consumers);
    assert.deepEqual(alone, { flops: 16e3, bytes: 4000 + 4000 + 64, bytesMeasured: false });
    // The engine's measured output size replaces the analyser's outputs; batch scales activations and FLOPs, not weights.
    const measured = entryTraffic({ name: 'conv', fusedWith: ['bn', 'relu'], bytes: 5000, measured: { ms: true, bytes: true } }, stats, consumers, { measuredOutputs: true, batch: 2 });
    assert.deepEqual(measured, { flops: 2 * 1.017e6, bytes: 8000 + 5000 + 1064, bytesMeasured: true });
  });

  it('withRoofline: every timed entry with FLOPs gets one; zero FLOPs, zero time and untimed say why', () => {
    const r = withRoofline(result([
      layer('conv', 0.05, 1.017e6, { fusedWith: ['bn', 'relu'] }),
      layer('flat', 0.01, 0),
      layer('input', 0, 0, { untimed: 'no ONNX node', measured: { ms: false, bytes: false } }),
      layer('other', 0, 0),
    ]), STATS.concat([{ name: 'other', inbound: ['flat'], flops: 5, weightBytes: 0, activationBytes: 4 }]), M);
    assert.equal(r.machine, M);
    const [conv, flat, input, other] = r.layers;
    assert.ok(conv.roofline);
    assert.equal(conv.roofline.bytes, 9064);
    assert.ok(Math.abs(conv.roofline.intensity - 1.017e6 / 9064) < 1e-9);
    assert.ok(Math.abs(conv.roofline.achievedGflops - conv.gflops) < 1e-9, 'achieved is the layer\'s gflops');
    assert.equal(conv.roofline.bound, conv.roofline.intensity < ridgePoint(M) ? 'memory' : 'compute');
    assert.equal(flat.roofline, undefined);
    assert.match(flat.rooflineSkipped!, /no FLOPs/);
    assert.equal(input.roofline, undefined);
    assert.match(input.rooflineSkipped!, /no time of its own \(no ONNX node\)/);
    assert.match(other.rooflineSkipped!, /no time measured/);
    // A layer whose sizes depend on data: not counted, so no roofline, and the reason says so.
    const u = withRoofline(result([layer('conv', 0.05, 0)]), STATS.map((x) => (x.name === 'conv' ? { ...x, flops: 0, unknown: 'NonZero "conv": size known at run time' } : x)), M);
    assert.match(u.layers[0].rooflineSkipped!, /depend on data.*NonZero/);
    const sinks = timeSinks(r);
    assert.deepEqual(sinks.map((s) => s.layer.name), ['conv', 'flat']);
    assert.equal(totalSavedMs(r), conv.roofline.savedMs);
  });

  it('without peaks the fields are left out and the note says why (nothing guessed)', () => {
    const withIt = withRoofline(result([layer('conv', 0.05, 1e6)]), STATS, M);
    const r = withRoofline(withIt, STATS, undefined, 'machine peak measurement cancelled');
    assert.equal(r.machine, undefined);
    assert.equal(r.rooflineNote, 'machine peak measurement cancelled');
    assert.ok(r.layers.every((l) => !('roofline' in l) && !('rooflineSkipped' in l)));
    const json = JSON.parse(JSON.stringify(r)) as ProfileResult;
    assert.ok(!('machine' in json));
    assert.match(rooflineChart(r), /No roofline: machine peak measurement cancelled/);
    assert.match(rooflineText(r), /roofline: none \(machine peak measurement cancelled\)/);
  });
});

describe('roofline: on a real model (lenet5), peaks stubbed', () => {
  const spec = buildZooModel('lenet5');
  const a = analyzeModel(spec.model);
  const timed = a.layers.filter((l) => l.className !== 'InputLayer');
  const base = result(timed.map((l) => layer(l.name, 0.01, l.flops)));
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'netlens-peaks-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a cancelled peak measurement leaves machine and roofline out', async () => {
    const r = await addRoofline(spec, base, { dir, measure: async () => { throw new ProfileCancelledError(); } });
    assert.equal(r.machine, undefined);
    assert.equal(r.rooflineNote, 'machine peak measurement cancelled');
    assert.ok(r.layers.every((l) => l.roofline === undefined));
  });

  it('a tfjs profile gets a note, not a guess', async () => {
    let called = false;
    const r = await addRoofline(spec, { ...base, engine: 'tfjs', backend: 'wasm' }, { dir, measure: async () => { called = true; return M; } });
    assert.equal(called, false);
    assert.equal(r.machine, undefined);
    assert.match(r.rooflineNote!, /wasm/);
  });

  it('measures once, then reads the cache (per backend and threads), with the date', async () => {
    let calls = 0;
    const measure = async (o: { threads: number }): Promise<MachinePeaks> => { calls++; return { ...M, threads: o.threads, measuredAt: new Date().toISOString(), source: 'measured' }; };
    const r1 = await addRoofline(spec, base, { dir, measure });
    assert.equal(calls, 1);
    assert.equal(r1.machine!.source, 'measured');
    const r2 = await addRoofline(spec, base, { dir, measure });
    assert.equal(calls, 1);
    assert.equal(r2.machine!.source, 'cached');
    assert.equal(r2.machine!.peakGflops, 100);
    const cached = JSON.parse(readFileSync(join(dir, 'machine-peaks.json'), 'utf8')) as { entries: Record<string, MachinePeaks> };
    assert.ok(cached.entries[peaksKey('onnxruntime', 2)]);
    await addRoofline(spec, { ...base, threads: 1 }, { dir, measure });
    assert.equal(calls, 2, 'another thread count is measured');
    await machinePeaks({ threads: 2, dir, measure, refresh: true });
    assert.equal(calls, 3, '--refresh measures again');
    // Every LeNet-5 layer with FLOPs has a roofline whose bound agrees with its intensity.
    for (const l of r2.layers) {
      if (l.roofline) assert.equal(l.roofline.bound, l.roofline.intensity < ridgePoint(M) ? 'memory' : 'compute');
      else assert.ok(l.rooflineSkipped);
    }
  });

  it('a layer faster than 1.15x a cached peak sends the peaks to be measured again', async () => {
    let calls = 0;
    const measure = async (): Promise<MachinePeaks> => { calls++; return { ...M, peakGflops: calls === 1 ? 1 : 500, measuredAt: new Date().toISOString() }; };
    await addRoofline(spec, base, { dir, measure });
    const fast = { ...base, layers: base.layers.map((l) => ({ ...l, gflops: 2 })) };
    const r = await addRoofline(spec, fast, { dir, measure });
    assert.equal(calls, 2);
    assert.equal(r.machine!.peakGflops, 500);
  });
});

describe('roofline: chart geometry', () => {
  it('a dot right of the ridge lies right of the ridge line, a dot left of it left; the roof passes through the ridge', () => {
    const g = rooflineGeometry(M, [{ intensity: 50, gflops: 60 }, { intensity: 0.5, gflops: 8 }]);
    assert.ok(g.x(50) > g.x(g.ridge));
    assert.ok(g.x(0.5) < g.x(g.ridge));
    assert.ok(g.y(100) < g.y(10), 'y grows upwards');
    // Log axes: a decade is the same length everywhere.
    assert.ok(Math.abs((g.x(10) - g.x(1)) - (g.x(100) - g.x(10))) < 1e-9);
    assert.ok(g.xMin <= 0.5 && g.xMax >= 50 && g.yMax >= 100 && g.yMin <= 8);
    assert.ok(g.left >= 0 && g.right <= g.width && g.width <= 500, 'fits a 500 px panel');
  });

  it('the SVG has both roofs, one dot per entry with its name, compute dots right of the ridge', () => {
    const r = withRoofline(result([layer('conv', 0.05, 1.017e6, { fusedWith: ['bn', 'relu'] }), layer('bn', 0.01, 16e3)]), STATS, M);
    const svg = rooflineChart(r);
    assert.match(svg, /<polyline class="rl-roof" points="[^"]+ [^"]+ [^"]+"/);
    const dots = [...svg.matchAll(/<circle class="rl-dot rl-(\w+)" data-layer="([^"]+)" cx="([\d.]+)"/g)];
    assert.deepEqual(dots.map((d) => d[2]).sort(), ['bn', 'conv']);
    const ridgeX = Number(/<line class="rl-ridge" x1="([\d.]+)"/.exec(svg)![1]);
    for (const [, bound, , cx] of dots) assert.equal(Number(cx) > ridgeX, bound === 'compute');
    assert.ok(![...svg.matchAll(/font-size:(\d+)px/g)].some((m) => Number(m[1]) < 11));
    const html = profileHtml(r);
    assert.match(html, /<h2>Roofline<\/h2>/);
    assert.match(html, /<h2>Where the time goes<\/h2>/);
  });
});

describe('run diff', () => {
  const before = result([
    layer('conv1_conv', 2, 1e6), layer('conv1_bn', 0.5, 1e3), layer('conv1_relu', 0.25, 1e3),
    layer('conv2', 1, 1e6), layer('gone', 1, 1e3),
  ], { backend: 'onnxruntime', optimization: 'disabled' });
  const after = result([
    layer('conv1_conv', 1.5, 1e6, { fusedWith: ['conv1_bn', 'conv1_relu'] }),
    layer('conv2', 1.25, 1e6), layer('new_head', 0.5, 1e3),
  ], { optimization: 'all' });

  it('matches layers by name, a fused group against its unfused layers as one row, and lists the unmatched', () => {
    const d = diffRuns(before, after);
    assert.deepEqual(d.rows.map((r) => r.name), ['conv1_conv', 'conv2']);
    const [fused, conv2] = d.rows;
    assert.deepEqual(fused.layers, ['conv1_conv', 'conv1_bn', 'conv1_relu']);
    assert.equal(fused.beforeMs, 2.75);
    assert.equal(fused.afterMs, 1.5);
    assert.equal(fused.deltaMs, -1.25);
    assert.deepEqual(fused.beforeEntries, ['conv1_conv', 'conv1_bn', 'conv1_relu']);
    assert.deepEqual(fused.afterEntries, ['conv1_conv +2']);
    assert.equal(conv2.ratio, 1.25);
    assert.deepEqual(d.onlyBefore, ['gone']);
    assert.deepEqual(d.onlyAfter, ['new_head']);
    assert.equal(diffByLayer(d).get('conv1_bn'), fused);
    const text = diffText(d);
    assert.match(text, /only in the earlier run \(1\): gone/);
    assert.match(text, /only in this run \(1\): new_head/);
    assert.match(rooflineSectionsHtml(after, { diff: d }), /Only in the earlier run \(1\): gone/);
    const md = profileMarkdown({ ...withRoofline(after, STATS, M), comparedTo: d });
    assert.match(md, /## Roofline\n\nPeak 100\.0 GFLOP\/s, bandwidth 20\.0 GB\/s, ridge 5\.00 FLOP\/byte/);
    assert.match(md, /## Compared with an earlier run[\s\S]*Only in the earlier run: gone/);
    assert.ok(md.indexOf('## Roofline') < md.indexOf('## Predictions'));
    assert.match(profileMarkdown(before), /## Roofline\n\nNone: machine peaks were not measured\./);
  });

  it('refuses a file that is not a profile, in one line', () => {
    assert.throws(() => asProfileResult({ model: 'x' }, 'old.json'), /old.json is not a NetLens profile/);
    assert.throws(() => asProfileResult([1, 2], 'old.json'), /not a NetLens profile/);
    assert.equal(asProfileResult(JSON.parse(JSON.stringify(before)), 'ok.json').model, 'hand');
  });
});

describe('machine peaks on ONNX Runtime (small sizes, no timing asserts)', function () {
  this.timeout(60_000);
  it('the one-node models count what they run', () => {
    assert.equal(matmulModel(64).flops, 2 * 64 ** 3);
    assert.equal(addModel(1000).moved, 8000);
  });
  it('measures both peaks through the profiled session, and a cancel throws before anything is cached', async () => {
    const p = await measurePeaks({ threads: 1, matmulSize: 128, copyElements: 1 << 16, runs: 2, warmup: 1 });
    assert.ok(p.peakGflops > 0 && Number.isFinite(p.peakGflops));
    assert.ok(p.bandwidthGBs > 0 && Number.isFinite(p.bandwidthGBs));
    assert.equal(p.threads, 1);
    assert.ok(!Number.isNaN(Date.parse(p.measuredAt)));
    assert.match(p.method!.compute, /MatMul 128x128x128/);
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(measurePeaks({ threads: 1, matmulSize: 64, copyElements: 1024, runs: 1, signal: abort.signal }), ProfileCancelledError);
  });
});

describe('roofline: graph colour modes and hover card', () => {
  const spec = buildZooModel('lenet5');
  const a = analyzeModel(spec.model);
  const graph = buildViewGraph(spec, a);
  const timed = a.layers.filter((l) => l.className !== 'InputLayer');
  // The first conv fused with the next layer (hand-made), every other layer on its own.
  const [c1, next, ...rest] = timed;
  const mk = (scale: number): ProfileResult => result([layer(c1.name, 0.02 * scale, c1.flops + next.flops, { fusedWith: [next.name] }), ...rest.map((l) => layer(l.name, 0.01 * scale, l.flops))]);
  const r = withRoofline(mk(1), a.layers, M);
  const id = (name: string): string => `n${graph.nodes.findIndex((n) => n.name === name)}`;

  it('bound and efficiency colour each layer by its kernel; a fused layer takes its kernel\'s colour', () => {
    const entry = r.layers[0];
    const b = rooflineShade(graph, id(c1.name), 'bound', r);
    assert.equal(b.colour, BOUND_COLOURS[entry.roofline!.bound]);
    assert.deepEqual(rooflineShade(graph, id(next.name), 'bound', r), b);
    const e = rooflineShade(graph, id(c1.name), 'efficiency', r);
    assert.equal(e.colour, efficiencyColour(entry.roofline!.efficiency));
    assert.equal(elementMetric(graph, id(c1.name), 'efficiency', r), entry.roofline!.efficiency);
    // No roofline (no peaks): nothing drawn, the card says why.
    const none = withRoofline(mk(1), a.layers, undefined, 'machine peak measurement cancelled');
    assert.equal(rooflineShade(graph, id(c1.name), 'bound', none).colour, null);
    const card = layerCard(graph.nodes.find((n) => n.name === c1.name)!, graph.totals, none);
    assert.ok(card.rows.some((row) => row.label === 'Roofline' && row.detail === 'machine peak measurement cancelled'));
    const card2 = layerCard(graph.nodes.find((n) => n.name === next.name)!, graph.totals, r);
    assert.ok(card2.rows.some((row) => row.label === 'Roofline' && /-bound, \d+% of its roof/.test(row.value)), 'the fused layer shows its kernel\'s roofline');
  });

  it('the layer table gets "Of roof" and "Bound" columns with a roofline, sorted by the efficiency and bound colour modes', () => {
    const rl = new Map<string, NonNullable<ProfileLayer['roofline']>>();
    for (const [name, entry] of entryByLayer(r)) if (entry.roofline) rl.set(name, entry.roofline);
    assert.ok(!visibleColumns({ graph, ms: new Map() }).some((c) => c.id === 'efficiency' || c.id === 'bound'));
    const data = { graph, ms: new Map(r.layers.map((l) => [l.name, l.ms.median] as const)), roofline: rl };
    assert.ok(visibleColumns(data).some((c) => c.id === 'efficiency') && visibleColumns(data).some((c) => c.id === 'bound'));
    assert.equal(columnForColor('efficiency'), 'efficiency');
    assert.equal(columnForColor('bound'), 'bound');
    assert.equal(columnForColor('diff'), 'time');
    const eff = LAYER_COLUMNS.find((c) => c.id === 'efficiency')!;
    const node = graph.nodes.find((n) => n.name === next.name)!;
    assert.equal(eff.text(node, data), `${(100 * r.layers[0].roofline!.efficiency).toFixed(0)}%`, 'a fused layer shows its kernel\'s');
    const sorted = sortLayers(data, 'efficiency', -1);
    assert.ok(rl.has(sorted[0].name) && !rl.has(sorted[sorted.length - 1].name), 'layers without a roofline sort last');
  });

  it('diff colours by after/before against the compared run: slower red, faster green', () => {
    const after = mk(2);
    const withDiff = { ...after, comparedTo: diffRuns(mk(1), after) };
    const s = rooflineShade(graph, id(c1.name), 'diff', withDiff);
    assert.ok(Math.abs(s.value! - 2) < 1e-9);
    assert.equal(s.colour, diffColour(2));
    assert.ok(diffColour(2).startsWith('hsl(0,'), 'slower is red');
    assert.ok(diffColour(0.5).startsWith('hsl(120,'), 'faster is green');
    assert.equal(rooflineShade(graph, id(c1.name), 'diff', after).colour, null, 'no compared run: nothing');
    const card = layerCard(graph.nodes.find((n) => n.name === c1.name)!, graph.totals, withDiff);
    assert.ok(card.rows.some((row) => row.label === 'Against earlier run' && /\(2\.00×\)/.test(row.value)));
  });

  it('the results page messages for select, show and compare are checked', () => {
    assert.deepEqual(parseProfilePageMessage({ type: 'select', layer: 'conv1' }), { type: 'select', layer: 'conv1' });
    assert.deepEqual(parseProfilePageMessage({ type: 'compareRun', run: 2 }), { type: 'compareRun', run: 2 });
    assert.equal(parseProfilePageMessage({ type: 'showRun', run: -1 }), null);
    assert.equal(parseProfilePageMessage({ type: 'showRun', run: 1.5 }), null);
    assert.equal(parseProfilePageMessage({ type: 'select', layer: 7 }), null);
  });
});

describe('roofline: the CLI (dist/cli.js)', function () {
  this.timeout(180_000);
  const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'netlens-roofline-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]): { code: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 170_000, env: { ...process.env, NETLENS_CACHE_DIR: dir }, maxBuffer: 64 << 20 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('netlens machine measures, caches with the date, and --json prints the machine object', () => {
    const first = run('machine', '--threads', '1', '--json');
    assert.equal(first.code, 0, first.err);
    const m = JSON.parse(first.out) as MachinePeaks;
    assert.ok(m.peakGflops > 0 && m.bandwidthGBs > 0);
    assert.equal(m.threads, 1);
    assert.equal(m.backend, 'onnxruntime');
    assert.equal(m.source, 'measured');
    const again = JSON.parse(run('machine', '--threads', '1', '--json').out) as MachinePeaks;
    assert.equal(again.source, 'cached');
    assert.equal(again.measuredAt, m.measuredAt);
    assert.match(run('machine', '--threads', '1').out, /ridge point: +[\d.]+ FLOP\/byte/);
  });

  it('profile --json carries machine and per-layer roofline; --compare-to adds comparedTo; --out x.html writes the page with the chart', () => {
    const earlier = join(dir, 'earlier.json');
    const a = run('profile', 'lenet5', '--threads', '1', '--runs', '2', '--out', earlier);
    assert.equal(a.code, 0, a.err);
    const html = join(dir, 'report.html');
    const b = run('profile', 'lenet5', '--threads', '1', '--runs', '2', '--optimization', 'disabled', '--compare-to', earlier, '--out', html, '--json');
    assert.equal(b.code, 0, b.err);
    const r = JSON.parse(b.out) as ProfileResult;
    assert.ok(r.machine && r.machine.peakGflops > 0 && r.machine.threads === 1);
    const withRl = r.layers.filter((l) => l.roofline);
    assert.ok(withRl.length > 0);
    for (const l of r.layers) assert.ok(l.roofline || l.rooflineSkipped, `${l.name} has a roofline or a reason`);
    for (const l of withRl) {
      const x = l.roofline!;
      assert.equal(x.bound, x.intensity < r.machine.peakGflops / r.machine.bandwidthGBs ? 'memory' : 'compute');
      assert.ok(Math.abs(x.attainableGflops - Math.min(r.machine.peakGflops, x.intensity * r.machine.bandwidthGBs)) < 1e-9 * x.attainableGflops);
    }
    assert.ok(r.comparedTo && r.comparedTo.rows.length > 0);
    assert.deepEqual(r.comparedTo.onlyBefore, []);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /<svg class="roofline"/);
    assert.match(page, /Compared with an earlier run/);
    assert.match(page, /Where the time goes/);
  });

  it('--compare-to a file that is not a profile fails in one line before profiling', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    const r = run('profile', 'lenet5', '--compare-to', bad);
    assert.equal(r.code, 1);
    assert.match(r.err.trim(), /^netlens: --compare-to: .*bad\.json is not a NetLens profile/);
    const missing = run('profile', 'lenet5', '--compare-to', join(dir, 'nope.json'));
    assert.match(missing.err.trim(), /^netlens: --compare-to: cannot read .*nope\.json: ENOENT$/);
  });
});
