// Profiling on ONNX Runtime, checked against ONNX Runtime itself: the per-kernel durations of its
// own trace, the optimised graph it writes out (which nodes it fused into which kernel), its
// output sizes against the analyser's activation bytes, and the model's outputs against tfjs.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { NetLensError } from '../../src/core/ir/types';
import { buildZooModel } from '../../src/core/zoo';
import { onnxUnsupported, randomWeights } from '../../src/core/engines/ort/lowering';
import { ModelBuilder } from '../../src/core/ir/builder';
import { profileModel, ProfileCancelledError } from '../../src/core/profile/profile';
import { Attribution, attributeKernels, nodeForKernel } from '../../src/core/engines/ort/attribute';
import { OnnxGraphInfo, readOnnxGraph } from '../../src/core/engines/ort/graph';
import { buildOrtLayers } from '../../src/core/engines/ort/layers';
import { loadOrt } from '../../src/core/engines/ort/runtime';
import { OptimizationLevel, runProfiled } from '../../src/core/engines/ort/session';
import { onnxSourceFor } from '../../src/core/engines/ort/source';
import { SAMPLES } from './profileFixtures';
import { placeFixture, reference } from '../fixtures/onnx/files';
import { loadModel } from '../../src/core/io/loadModel';

const ort = (() => { const r = loadOrt(); if (!r.ok) throw new Error(r.detail); return r.ort; })();
const image = join(SAMPLES, 'chelsea.png');

/** The model as the profiler sees it: lowered, profiled at a level, kernels attributed to layers. */
async function profiled(name: string, optimization: OptimizationLevel, runs = 2) {
  const spec = buildZooModel(name);
  const analysis = analyzeModel(spec.model);
  const src = onnxSourceFor(spec);
  const graph = readOnnxGraph(src.bytes, src.source);
  const dims = graph.inputDims.map((d) => d ?? 1);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i));
  const run = await runProfiled(ort, src.bytes, src.source, { data, dims }, { executionProviders: ['cpu'], threads: 1, optimization, runs, warmup: 1 });
  const attr = attributeKernels(graph, run.trace.runs[0]);
  const built = buildOrtLayers(graph, attr, run.trace.runs, analysis.layers, src.nodeLayer);
  return { spec, analysis, src, graph, run, attr, built };
}

/** ONNX Runtime's own optimised graph at a level (what its kernels are named after). */
async function optimisedGraph(model: Uint8Array | string, level: OptimizationLevel) {
  const file = join(tmpdir(), `netlens-opt-${process.pid}-${level}.onnx`);
  const s = await ort.InferenceSession.create(model as string, { graphOptimizationLevel: level, optimizedModelFilePath: file, logSeverityLevel: 3, intraOpNumThreads: 1 });
  await s.release();
  try {
    return readOnnxGraph(readFileSync(file), file);
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * Independently of the attribution's rules: for every node of ONNX Runtime's optimised graph, the
 * original nodes between its inputs and its outputs (walking back from each output to a tensor it
 * reads) are exactly the members attributed to its kernel.
 */
async function assertMembersMatchOptimised(model: Uint8Array | string, graph: OnnxGraphInfo, attr: Attribution, level: OptimizationLevel): Promise<void> {
  const opt = await optimisedGraph(model, level);
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((t) => [t, n.name] as const)));
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  for (const n of opt.nodes) {
    const inputs = new Set(n.inputs);
    const expected = new Set<string>();
    const stack = n.outputs.map((t) => producer.get(t)).filter((p): p is string => Boolean(p));
    while (stack.length) {
      const p = stack.pop()!;
      if (expected.has(p)) continue;
      expected.add(p);
      for (const t of byName.get(p)!.inputs) {
        if (!inputs.has(t) && !graph.initializers.has(t) && producer.has(t)) stack.push(producer.get(t)!);
      }
    }
    // Constant subgraphs (shape arithmetic) fold away: they are not a kernel's work.
    const want = [...expected].filter((m) => attr.fate.get(m)?.kind !== 'folded').sort();
    if (!byName.has(n.name)) {
      // A name ONNX Runtime generated (a function op it expanded, e.g. HardSwish): the counter differs
      // from session to session, so check the other way round: what it computes went to such kernels.
      for (const m of want) {
        const f = attr.fate.get(m);
        assert.ok(f?.kind === 'kernel' && attr.unmatched.includes(f.kernel), `${m} (inside ${n.name}) went to a generated kernel, not ${JSON.stringify(f)}`);
      }
      continue;
    }
    const members = attr.kernelNodes.get(n.name);
    assert.ok(members, `kernel ${n.name} (${n.opType}) ran`);
    assert.deepEqual([...members].sort(), want, `members of ${n.name}`);
  }
}

describe('profile: ONNX Runtime engine', function () {
  this.timeout(240_000);

  it('lenet5 on auto runs on ONNX Runtime, every layer accounted for, times from its trace', async () => {
    const r = await profileModel(buildZooModel('lenet5'), image, { runs: 3, warmup: 1 });
    assert.equal(r.backend, 'onnxruntime');
    assert.equal(r.engine, 'onnxruntime');
    assert.equal(r.optimization, 'all');
    assert.equal(r.threads, require('node:os').cpus().length);
    assert.match(r.backendLabel!, /^onnxruntime 1\.30\.0 \(CPU execution provider, \d+ threads?\), all graph optimizations$/);
    const analysis = analyzeModel(buildZooModel('lenet5').model);
    const named = r.layers.flatMap((l) => [l.name, ...(l.fusedWith ?? [])]);
    for (const l of analysis.layers) {
      if (l.className === 'InputLayer') continue;
      assert.equal(named.filter((n) => n === l.name).length, 1, `${l.name} listed once`);
    }
    for (const l of r.layers) {
      if (l.measured?.ms) assert.ok(l.ms.median > 0 && l.kernels!.length > 0, l.name);
      else assert.ok(l.untimed, `${l.name} says why it has no time`);
    }
    assert.equal(r.fusedLayers, r.layers.reduce((a, l) => a + (l.fusedWith?.length ?? 0), 0));
    assert.ok(r.peakMeasured && r.peakBytes > 61_706 * 4, `peak ${r.peakBytes} holds at least the weights`);
    assert.equal(r.predictions, null);
  });

  it('per-layer times add up to the kernel durations in ONNX Runtime\'s trace, run by run', async () => {
    const { run, built } = await profiled('mnist_cnn', 'all', 3);
    run.trace.runs.forEach((kernels, i) => {
      const traced = kernels.reduce((a, k) => a + k.us, 0) / 1000;
      assert.ok(traced > 0 && traced <= run.trace.runMs[i] + 1e-6, 'kernels fit inside the model_run event');
    });
    const tracedMedianSum = built.layers.reduce((a, l) => a + l.ms.median, 0);
    assert.ok(tracedMedianSum > 0);
    // Every kernel of the last run is listed exactly once.
    const listed = built.layers.flatMap((l) => l.kernels ?? []).map((k) => k.split(' ').slice(1).join(' ')).sort();
    assert.deepEqual(listed, run.trace.runs[run.trace.runs.length - 1].map((k) => k.node).sort());
  });

  it('ResNet-50 fusions match the graph ONNX Runtime optimised (extended level: names survive)', async () => {
    const { src, graph, attr, built } = await profiled('resnet50', 'extended', 1);
    await assertMembersMatchOptimised(src.bytes, graph, attr, 'extended');
    const conv1 = built.layers.find((l) => l.name === 'conv1_conv')!;
    assert.deepEqual(conv1.fusedWith, ['conv1_pad', 'conv1_bn', 'conv1_relu']);
    assert.deepEqual(conv1.kernels, ['FusedConv conv1_conv']);
  });

  for (const fixture of ['resnet18-op17', 'mobilenetv3small-op17']) {
    it(`${fixture}.onnx (a PyTorch export) profiles as it is: weights loaded, each layer once, fusions as ONNX Runtime optimised them`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'netlens-ort-onnx-'));
      try {
        // The fixtures keep their weights outside (zeros here): what is checked is the mapping, not the numbers.
        const file = placeFixture(fixture, dir, reference(fixture).externalDataBytes);
        const spec = await loadModel(file);
        const r = await profileModel(spec, image, { runs: 2, warmup: 1 });
        assert.equal(r.engine, 'onnxruntime');
        assert.equal(r.weights, 'loaded');
        assert.equal(r.predictions!.length, 5);
        assert.ok(r.predictions!.every((p) => Number.isInteger(p.index) && p.index >= 0 && p.index < 1000));
        const analysis = analyzeModel(spec.model);
        const named = r.layers.flatMap((l) => [l.name, ...(l.fusedWith ?? [])]);
        for (const l of analysis.layers) assert.ok(named.filter((n) => n === l.name).length <= 1, `${l.name} listed at most once`);
        // Kernels no node matches (layout reorders; nodes ONNX Runtime makes when it expands a function
        // op such as HardSwish) are still listed, with the entry before them: no time is lost.
        const listed = new Set(r.layers.flatMap((l) => (l.kernels ?? []).map((k) => k.split(' ').slice(1).join(' '))));
        for (const k of r.unmatchedKernels ?? []) assert.ok(listed.has(k), k);
        assert.equal(listed.size, r.kernelCount);
        const bytes = readFileSync(file);
        const graph = readOnnxGraph(bytes, file);
        const run = await runProfiled(ort, file, file, { data: new Float32Array(3 * 224 * 224), dims: [1, 3, 224, 224] },
          { executionProviders: ['cpu'], threads: 1, optimization: 'extended', runs: 1, warmup: 0 });
        await assertMembersMatchOptimised(file, graph, attributeKernels(graph, run.trace.runs[0]), 'extended');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('ResNet-50 at the default level: each residual Add runs inside the Conv ONNX Runtime fused it into (NCHWc sum input)', async () => {
    const { src, graph, attr, built, run } = await profiled('resnet50', 'all', 1);
    const opt = await optimisedGraph(src.bytes, 'all');
    const ops = new Map(graph.nodes.map((n) => [n.name, n.opType]));
    // NCHWc Convs reading a second activation (not a weight) carry the residual sum.
    const sumConvs = opt.nodes.filter((n) => n.opType === 'Conv' && n.inputs.filter((t) => !opt.initializers.has(t)).length === 2);
    assert.equal(sumConvs.length, 16, 'ResNet-50 has 16 residual adds');
    for (const n of sumConvs) {
      const adds = attr.kernelNodes.get(n.name)!.filter((m) => ops.get(m) === 'Add');
      assert.equal(adds.length, 1, `${n.name} carries one Add`);
    }
    assert.deepEqual(attr.unmatched.filter((k) => !/^Reorder(In|Out)put/.test(k)), [], 'only layout reorders go unmatched');
    assert.equal(run.trace.runs[0].length, opt.nodes.length, 'one kernel per node of the optimised graph');
    assert.ok(built.fusedLayers > 100, `fused ${built.fusedLayers}`);
    const conv1 = built.layers.find((l) => l.name === 'conv1_conv')!;
    assert.deepEqual(conv1.fusedWith, ['conv1_pad', 'conv1_bn', 'conv1_relu']);
  });

  it('unoptimised (disabled): no fusion, every layer its own time; output bytes measured equal the analyser\'s', async () => {
    const { analysis, built } = await profiled('resnet50', 'disabled', 1);
    assert.equal(built.fusedLayers, 0);
    const stats = new Map(analysis.layers.map((l) => [l.name, l]));
    let convs = 0;
    for (const l of built.layers) {
      if (l.className === 'InputLayer') continue;
      assert.deepEqual(l.fusedWith, []);
      assert.ok(l.measured!.ms, `${l.name} timed`);
      if (l.className === 'Conv2D') {
        assert.ok(l.measured!.bytes);
        assert.equal(l.bytes, stats.get(l.name)!.activationBytes, `${l.name}: ONNX Runtime output_size vs the analyser`);
        convs++;
      }
    }
    assert.equal(convs, 53);
  });

  it('a model that cannot be lowered profiles on the tfjs chain with the reason in the chain', async function () {
    // Layers the analyser and tfjs take that the lowering may refuse; the first one it refuses is used.
    const candidates: [string, (b: ModelBuilder, x: ReturnType<ModelBuilder['input']>) => ReturnType<ModelBuilder['input']>][] = [
      ['softmax over two axes', (b, x) => b.layer('Softmax', { axis: [1, 2] }, [x], 'odd')],
      ['batch normalisation over two axes', (b, x) => b.layer('BatchNormalization', { axis: [1, 3] }, [x], 'odd')],
    ];
    for (const [what, make] of candidates) {
      const b = new ModelBuilder('oddmodel');
      const c = b.conv2d(b.input([16, 16, 3], 'img'), 4, { kernelSize: 3, name: 'conv' });
      const spec = b.build([b.dense(b.globalAvgPool(make(b, c), 'gap'), 3, { name: 'out' })]);
      if (!onnxUnsupported(spec).some((u) => u.name === 'odd')) continue;
      const res = await profileModel(spec, image, { runs: 1, warmup: 0, backend: 'auto' });
      assert.equal(res.engine, 'tfjs', what);
      const step = res.backendSteps!.find((s) => s.backend === 'onnxruntime')!;
      assert.equal(step.ok, false);
      assert.match(step.detail, /^cannot lower oddmodel to ONNX: odd \(/);
      await assert.rejects(profileModel(spec, image, { runs: 1, warmup: 0, backend: 'onnxruntime' }),
        /^NetLensError: backend "onnxruntime" cannot run this model: cannot lower oddmodel to ONNX/);
      return;
    }
    this.skip(); // every candidate lowers now: nothing falls back
  });

  it('a session that fails to load, or to run, is one line naming the node', async () => {
    const model = (node: onnx.INodeProto, w: number[]) => onnx.ModelProto.encode(onnx.ModelProto.create({
      irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'bad', node: [node],
        initializer: [{ name: 'w', dims: w, dataType: 1, floatData: new Array(w.reduce((a, b) => a * b, 1)).fill(0.1) }],
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 3 }, { dimValue: 8 }, { dimValue: 8 }] } } } }],
        output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
      },
    })).finish();
    const input = { data: new Float32Array(192), dims: [1, 3, 8, 8] };
    const opts = { executionProviders: ['cpu'], threads: 1, optimization: 'all' as const, runs: 1, warmup: 0 };
    // An op ONNX Runtime has no kernel for: refused when the session loads.
    const unknown = model({ name: 'odd_node', opType: 'NoSuchOp', input: ['x', 'w'], output: ['y'] }, [1]);
    await assert.rejects(runProfiled(ort, unknown, 'odd.onnx', input, opts), (e: unknown) => {
      assert.ok(e instanceof NetLensError);
      assert.match(e.message, /^ONNX Runtime could not load odd\.onnx/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
    // Weights that do not fit the input: found when it runs, under the optimised kernel's name, reported as the model's node.
    const bytes = model({ name: 'bad_conv', opType: 'Conv', input: ['x', 'w'], output: ['y'] }, [4, 5, 3, 3]);
    const graph = readOnnxGraph(bytes, 'bad.onnx');
    await assert.rejects(runProfiled(ort, bytes, 'bad.onnx', input, { ...opts, nodeName: (k) => nodeForKernel(graph, k) }), (e: unknown) => {
      assert.ok(e instanceof NetLensError);
      assert.match(e.message, /^ONNX Runtime could not run bad\.onnx at node "bad_conv": .*channels/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  });

  it('predictions from ONNX Runtime are tfjs\' predictions (class index, label, probability), weights given', async () => {
    const base = buildZooModel('mnist_cnn');
    const spec = { ...base, weights: randomWeights(base, 7), labels: Array.from({ length: 10 }, (_, i) => `digit ${i}`) };
    const onOrt = await profileModel(spec, image, { runs: 1, warmup: 0, backend: 'onnxruntime' });
    const onTfjs = await profileModel(spec, image, { runs: 1, warmup: 0, backend: 'cpu' });
    assert.equal(onOrt.weights, 'loaded');
    assert.equal(onOrt.predictions!.length, 5);
    onOrt.predictions!.forEach((p, i) => {
      const q = onTfjs.predictions![i];
      assert.equal(p.index, q.index);
      assert.equal(p.label, `digit ${p.index}`);
      assert.ok(Math.abs(p.probability - q.probability) <= 1e-4 * Math.max(1, q.probability), `${p.probability} vs ${q.probability}`);
    });
  });

  it('cancels within a second', async () => {
    const abort = new AbortController();
    let at = 0;
    const p = profileModel(buildZooModel('resnet50'), image, {
      runs: 500, warmup: 0, signal: abort.signal,
      onProgress: (stage) => { if (stage === 'layers' && !at) { at = performance.now(); abort.abort(); } },
    });
    await assert.rejects(p, (e: unknown) => e instanceof ProfileCancelledError);
    const ms = performance.now() - at;
    assert.ok(at > 0 && ms < 1000, `cancelled after ${ms.toFixed(0)} ms`);
  });
});

describe('profile: netlens profile on ONNX Runtime (CLI)', function () {
  this.timeout(180_000);
  const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
  const cli = (...args: string[]) => require('node:child_process').spawnSync(process.execPath, [CLI, 'profile', ...args], { encoding: 'utf8', timeout: 170_000 });

  it('--json carries engine, threads, optimization, per-layer fusedWith and measured; --optimization and --threads are honoured', () => {
    const r = cli('resnet18', '--optimization', 'basic', '--threads', '1', '--runs', '2', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('}') + 1));
    assert.equal(j.engine, 'onnxruntime');
    assert.equal(j.optimization, 'basic');
    assert.equal(j.threads, 1);
    for (const l of j.layers) {
      assert.ok(Array.isArray(l.fusedWith), l.name);
      assert.equal(typeof l.measured.ms, 'boolean');
      assert.equal(typeof l.measured.bytes, 'boolean');
    }
    // At "basic" ONNX Runtime folds each BatchNormalization into its Conv and keeps ReLUs apart.
    const conv1 = j.layers.find((l: { name: string }) => l.name === 'conv1_conv');
    assert.ok(conv1.fusedWith.includes('conv1_bn') && !conv1.fusedWith.includes('conv1_relu'), JSON.stringify(conv1.fusedWith));
  });

  it('refuses an unknown optimization level in one line', () => {
    const r = cli('lenet5', '--optimization', 'fast');
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim(), 'netlens: optimization must be one of all, extended, basic, disabled, got "fast"');
  });
});
