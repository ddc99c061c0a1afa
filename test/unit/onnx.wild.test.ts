// PyTorch exports beyond the plain classifiers (issue 19), from scripts/onnx-fixtures-wild.py: ViT,
// Swin, a detector, a segmenter, a video model, and module classes exported as ONNX functions.
// References: the float initializers the file holds (params), torchvision's published
// multiply-adds for each model (its tables' "GFLOPS", 2 decimals), and ONNX Runtime's actual
// tensor shapes for the small transformers (every shape the folding computes).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { analyzeModel, ModelAnalysis } from '../../src/core/analysis/analyze';
import { loadModel } from '../../src/core/io/loadModel';
import { isModelGraph, ModelGraph } from '../../src/core/ir/graph';
import { ModelSpec, NetLensError } from '../../src/core/ir/types';
import { placeFixture, node, valueInfo, floatInit, modelBytes } from '../fixtures/onnx/files';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { DEFAULT_EDGE_BUDGET, drawnEdgeCount, initialCollapsed } from '../../src/core/graph/collapse';
import { layerCard } from '../../src/core/graph/cards';
import { validViewGraph } from '../../src/protocol/modelService';

const WILD = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx-wild');

interface WildReference {
  model: string;
  input: number[];
  params: number;
  torchParams: number;
  outputs: number[][];
  publishedGmacs?: number;
  externalDataBytes?: number;
}
const reference = (name: string): WildReference => JSON.parse(readFileSync(join(WILD, `${name}.reference.json`), 'utf8'));

describe('ONNX exports beyond the plain classifiers (ViT, Swin, detection, segmentation, video, functions)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'netlens-wild-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function open(name: string): Promise<{ spec: ModelSpec; a: ModelAnalysis; ref: WildReference }> {
    const ref = reference(name);
    const file = placeFixture(name, dir, ref.externalDataBytes, WILD);
    const spec = await loadModel(file);
    return { spec, a: analyzeModel(spec.model), ref };
  }

  const models = ['vit_b_16', 'swin_t', 'ssdlite320', 'lraspp', 'r3d_18', 'resnet18-functions'];
  for (const name of models) {
    it(`${name}: opens; params equal the file's float initializers; MACs equal torchvision's published figure`, async () => {
      const { a, ref } = await open(name);
      assert.equal(a.totals.params, ref.params);
      assert.deepEqual(a.input, ref.input);
      assert.equal(Math.round(a.totals.macs / 1e7) / 100, ref.publishedGmacs, `${a.totals.macs} MACs`);
    });
  }

  it('the classifiers, the segmenter and the video model have no layer whose sizes depend on data; their outputs are sized as PyTorch\'s', async () => {
    for (const name of ['vit_b_16', 'swin_t', 'lraspp', 'r3d_18', 'resnet18-functions']) {
      const { spec, a, ref } = await open(name);
      assert.deepEqual(a.unknown, [], name);
      const g = spec.model as ModelGraph;
      const outs = g.outputs.map((t) => a.layers.find((l) => g.nodes.find((n) => n.name === l.name)?.outputs[0] === t)!.outputShape);
      assert.deepEqual(outs, ref.outputs, name);
    }
  });

  it('the detector draws: its backbone and heads are counted, its post-processing is listed as depending on data, never as zero', async () => {
    const { a } = await open('ssdlite320');
    assert.ok(a.unknown.length > 0);
    const ops = new Set(a.unknown.map((u) => u.className));
    for (const op of ['NonZero', 'TopK', 'GatherND']) assert.ok(ops.has(op), `${op} listed`);
    const nz = a.layers.find((l) => l.className === 'NonZero')!;
    assert.match(nz.unknown!, /depends on data/);
    assert.equal(nz.macs, 0);
    assert.equal(nz.outputShape[1], null, 'the count of non-zero elements stays open');
    // Every listed layer is marked on the layer itself, and no marked layer contributes MACs.
    for (const u of a.unknown) assert.equal(a.layers.find((l) => l.name === u.name)!.unknown, u.reason);
    // The backbone's convolutions are counted in full: the published 0.58 G is reached without the post-processing.
    assert.ok(a.layers.filter((l) => l.className === 'Conv').every((l) => l.unknown === undefined && l.macs > 0));
  });

  it('functions: each call is a block named after the call and labelled with its module class, its body counted inline', async () => {
    const { spec, a } = await open('resnet18-functions');
    const blocks = spec.groups.filter((g) => /\(BasicBlock(\.1)?\)$/.test(g.label));
    assert.equal(blocks.length, 8);
    const l2 = blocks.find((g) => g.id.startsWith('layer2.0'))!;
    assert.equal(l2.parent, 'layer2');
    const inside = a.layers.filter((l) => spec.layerGroup[l.name] === l2.id);
    assert.deepEqual(inside.map((l) => l.className), ['Conv', 'Relu', 'Conv', 'Conv', 'Add', 'Relu']);
    // The downsampling block: 3x3 stride 2 from 64 to 128 channels at 28x28, and its 1x1 shortcut.
    assert.deepEqual(inside.map((l) => l.macs).filter((m) => m > 0), [28 * 28 * 128 * 9 * 64, 28 * 28 * 128 * 9 * 128, 28 * 28 * 128 * 64]);
  });

  it('nested functions with attribute references: inlined twice over, alpha taken from the calls, MACs by hand', async () => {
    const spec = await loadModel(join(WILD, 'nested-functions.onnx'));
    const g = spec.model as ModelGraph;
    const a = analyzeModel(g);
    // stem 3->4 3x3 at 8x8, then four Inner convs 4->4 3x3 at 8x8.
    assert.equal(a.totals.macs, 64 * 4 * 27 + 4 * (64 * 4 * 36));
    const acts = g.nodes.filter((n) => n.op === 'LeakyRelu');
    assert.deepEqual(acts.map((n) => n.attrs.alpha).map((v) => Math.round((v as number) * 10) / 10), [0.1, 2, 0.2, 2]);
    const outer = spec.groups.filter((x) => /\(Outer\)$/.test(x.label));
    assert.equal(outer.length, 2);
    const inner = spec.groups.filter((x) => /\(Inner\)$/.test(x.label));
    assert.equal(inner.length, 4);
    assert.ok(inner.every((x) => outer.some((o) => o.id === x.parent)), 'Inner blocks nest inside their Outer');
  });

  it('the view: Swin-T and SSDlite draw, their first view within the edge budget; a layer that depends on data says so on its card', async () => {
    for (const name of ['swin_t', 'ssdlite320']) {
      const { spec, a } = await open(name);
      const view = buildViewGraph(spec, a);
      assert.equal(view.nodes.length, a.layers.length, name);
      const first = initialCollapsed(view);
      assert.ok(drawnEdgeCount(view, first) <= DEFAULT_EDGE_BUDGET, `${name}: ${drawnEdgeCount(view, first)} edges in the first view`);
      if (name === 'ssdlite320') {
        assert.equal(view.unknown!.length, a.unknown.length);
        const nz = view.nodes.find((n) => n.className === 'NonZero')!;
        const card = layerCard(nz, view.totals);
        assert.equal(card.rows[0].label, 'Depends on data');
        assert.equal(card.rows.find((r) => r.label === 'MACs')!.value, 'depends on data');
        assert.equal(card.rows.find((r) => r.label === 'Output shape')!.value, '(1, ?)', 'rank 1 in, [1, count] out: the count is open');
        assert.ok(validViewGraph(JSON.parse(JSON.stringify(view))), 'the host accepts the view graph');
      } else {
        assert.equal(view.unknown, undefined);
      }
    }
  });

  // ONNX Runtime sizes every tensor of the small transformers: the analysis must agree with each.
  for (const name of ['vit-tiny', 'swin-tiny']) {
    it(`${name}: every layer's output shape equals ONNX Runtime's actual one (the folded shape chains are exact)`, async () => {
      const file = join(WILD, `${name}.onnx`);
      const spec = await loadModel(file);
      const g = spec.model as ModelGraph;
      const a = analyzeModel(g);
      assert.deepEqual(a.unknown, []);
      const model = onnx.ModelProto.decode(readFileSync(file));
      const byTensor = new Map<string, (number | null)[]>();
      for (const l of a.layers) {
        const n = g.nodes.find((x) => x.name === l.name)!;
        if (n.op !== 'Input' && n.outputs[0]) byTensor.set(n.outputs[0], l.outputShape);
      }
      const known = new Set((model.graph!.output ?? []).map((o) => o.name));
      for (const t of byTensor.keys()) if (!known.has(t)) model.graph!.output!.push({ name: t });
      const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish());
      try {
        const dims = reference(name).input;
        const x = new ort.Tensor('float32', new Float32Array(dims.reduce((p, d) => p * d, 1)), dims);
        const out = await session.run({ input: x });
        let compared = 0;
        for (const [t, shape] of byTensor) {
          if (!out[t]) continue;
          assert.deepEqual(shape, out[t].dims.map(Number), `tensor ${t}`);
          compared++;
        }
        assert.ok(compared >= byTensor.size - 1, `${compared} of ${byTensor.size} layers compared`);
      } finally {
        await session.release();
      }
    });
  }

  it('control flow: an If whose condition folds counts its taken branch only; a Loop counts its body per iteration; a Scan per step; an If on data is marked', async () => {
    const spec = await loadModel(join(WILD, 'control-flow.onnx'));
    const a = analyzeModel(spec.model);
    const layer = (n: string) => a.layers.find((l) => l.name === n)!;
    // stem 3->4 3x3 at 8x8; then-branch 4->8 3x3 at 8x8 (taken: channels == 4); else 4->2 1x1 (not run);
    // Loop: 3 iterations of [1,4] @ [4,4]; Scan: 5 steps of [4] @ [4,4].
    assert.equal(layer('choose.then.conv').macs, 64 * 8 * 36);
    assert.equal(layer('choose.else.conv').macs, 0);
    assert.match(layer('choose.else.conv').note!, /not run: the else branch of If "choose"/);
    assert.equal(layer('repeat.body.matmul').macs, 3 * 16);
    assert.equal(layer('walk.body.matmul').macs, 5 * 16);
    assert.equal(a.totals.macs, 64 * 4 * 27 + 64 * 8 * 36 + 3 * 16 + 5 * 16);
    assert.deepEqual(layer('choose').outputShape, [1, 8, 8, 8]);
    // The If on data: both branches drawn, marked, not counted; the rest is exact.
    assert.deepEqual(a.unknown.map((u) => u.name).sort(), ['data.else.neg', 'data.then.relu']);
    // Blocks: each body nests where its node is drawn.
    assert.deepEqual(spec.groups.map((g) => g.label).sort(), ['choose.else (else)', 'choose.then (then)', 'data.else (else)', 'data.then (then)', 'repeat.body (loop body)', 'walk.body (scan body)']);
    // The graph outputs are sized as ONNX Runtime sizes them.
    const g = spec.model as ModelGraph;
    const session = await ort.InferenceSession.create(join(WILD, 'control-flow.onnx'));
    try {
      const out = await session.run({ input: new ort.Tensor('float32', new Float32Array(3 * 64).fill(0.5), [1, 3, 8, 8]) });
      const scan = a.layers.find((l) => l.name === 'walk')!;
      assert.deepEqual(scan.outputShape, out.state_final.dims.map(Number));
      const walk = g.nodes.find((n) => n.name === 'walk')!;
      assert.deepEqual(walk.outputs, ['state_final', 'ys']);
      assert.deepEqual(out.ys.dims.map(Number), [5, 4]);
      assert.deepEqual(layer('data').outputShape, out.dd_out.dims.map(Number));
    } finally {
      await session.release();
    }
  });

  describe('bad input', () => {
    const call = (fn: string, name: string) => ({ ...node(fn, ['x'], ['y'], name), domain: 'local' });
    const withFunctions = (functions: onnx.IFunctionProto[], nodes: onnx.INodeProto[]): Uint8Array => onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }, { domain: 'local', version: 1 }],
      functions,
      graph: { name: 'f', node: nodes, input: [valueInfo('x', [1, 4])], output: [valueInfo('y', [1, 4])] },
    }).finish();
    const fn = (name: string, body: onnx.INodeProto[]): onnx.IFunctionProto => ({ name, domain: 'local', input: ['x'], output: ['y'], node: body, opsetImport: [{ domain: '', version: 17 }, { domain: 'local', version: 1 }] });

    async function refused(bytes: Uint8Array, pattern: RegExp): Promise<void> {
      const { writeFileSync } = await import('node:fs');
      const f = join(dir, `bad-${Math.random().toString(36).slice(2)}.onnx`);
      writeFileSync(f, bytes);
      await assert.rejects(loadModel(f), (e: Error) => e instanceof NetLensError && pattern.test(e.message));
    }

    it('a function that calls itself is refused in one line', async () => {
      await refused(withFunctions([fn('Loop', [call('Loop', 'again')])], [call('Loop', 'start')]), /function local\.Loop calls itself/);
    });

    it('functions nested deeper than 64 are refused', async () => {
      const fns = Array.from({ length: 70 }, (_, i) => fn(`F${i}`, [i < 69 ? call(`F${i + 1}`, 'c') : node('Relu', ['x'], ['y'], 'r')]));
      await refused(withFunctions(fns, [call('F0', 'start')]), /nest more than 64 deep/);
    });

    it('a call tree that would inline past the node cap is refused before it grows (2^40 leaves)', async () => {
      const fns = Array.from({ length: 41 }, (_, i) => fn(`G${i}`, i < 40
        ? [{ ...node(`G${i + 1}`, ['x'], ['m'], 'a'), domain: 'local' }, { ...node(`G${i + 1}`, ['m'], ['y'], 'b'), domain: 'local' }]
        : [node('Relu', ['x'], ['y'], 'r')]));
      await refused(withFunctions(fns, [call('G0', 'start')]), /makes more nodes than NetLens reads/);
    });

    it('control flow nested past 64 levels is refused in one line', async () => {
      let inner: onnx.IGraphProto = { name: 'leaf', node: [node('Relu', ['x'], ['y0'], 'r')], output: [valueInfo('y0', [1, 4])] };
      for (let i = 0; i < 70; i++) {
        const leaf: onnx.IGraphProto = { name: `e${i}`, node: [node('Relu', ['x'], [`e${i}`], 'r')], output: [valueInfo(`e${i}`, [1, 4])] };
        inner = { name: `g${i}`, node: [{ ...node('If', ['c'], [`y${i + 1}`], `if${i}`), attribute: [{ name: 'then_branch', type: 5, g: inner }, { name: 'else_branch', type: 5, g: leaf }] }], output: [valueInfo(`y${i + 1}`, [1, 4])] };
      }
      const bytes = onnx.ModelProto.encode({
        irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
        graph: { name: 'deep', node: [node('Greater', ['x', 'x'], ['c'], 'gt'), ...(inner.node ?? [])], input: [valueInfo('x', [1, 4])], output: [valueInfo('y70', [1, 4])] },
      }).finish();
      await refused(bytes, /nests (graphs or types )?more than 64 (levels )?deep/);
    });

    it('100,000 concatenations of a folded int64[1024] are bounded before anything is copied (it grew past 2 GiB)', async () => {
      const n = 100_000;
      const g = {
        nodes: [
          node('Concat', Array.from({ length: n }, () => 'big'), ['joined'], '/Concat', [{ name: 'axis', type: 2, i: 0 }]),
          node('Shape', ['joined'], ['s'], '/Shape'),
          node('Relu', ['x'], ['y'], '/Relu'),
        ],
        inputs: [valueInfo('x', [1, 4])],
        outputs: [valueInfo('y', [1, 4])],
        initializers: [{ name: 'big', dims: [1024], dataType: 7, int64Data: new Array(1024).fill(1) }],
      };
      const { writeFileSync } = await import('node:fs');
      const f = join(dir, 'concat-bomb.onnx');
      writeFileSync(f, modelBytes(g));
      const before = process.memoryUsage().rss;
      const a = analyzeModel((await loadModel(f)).model);
      assert.ok(process.memoryUsage().rss - before < 512 * 2 ** 20, 'under 512 MiB more');
      assert.deepEqual(a.layers.find((l) => l.className === 'Concat')!.outputShape, [n * 1024]);
    });

    it('an unsupported op with a declared output shape (com.microsoft.FusedConv) is counted as unsupported (exit 3), its declared shape used', async () => {
      const g = {
        nodes: [{ ...node('FusedConv', ['x', 'w'], ['c'], '/conv/FusedConv'), domain: 'com.microsoft' }, node('Relu', ['c'], ['y'], '/relu/Relu')],
        inputs: [valueInfo('x', [1, 3, 8, 8])],
        outputs: [valueInfo('y', [1, 4, 8, 8])],
        initializers: [floatInit('w', [4, 3, 3, 3])],
      };
      const { writeFileSync } = await import('node:fs');
      const f = join(dir, 'fusedconv.onnx');
      writeFileSync(f, onnx.ModelProto.encode({
        irVersion: 8, opsetImport: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
        graph: { name: 'f', node: g.nodes, input: g.inputs, output: g.outputs, initializer: g.initializers, valueInfo: [valueInfo('c', [1, 4, 8, 8])] },
      }).finish());
      const a = analyzeModel((await loadModel(f)).model);
      assert.deepEqual(a.unsupported, [{ name: 'conv', className: 'com.microsoft.FusedConv' }]);
      assert.deepEqual(a.layers.find((l) => l.name === 'conv')!.outputShape, [1, 4, 8, 8]);
      assert.equal(a.layers.find((l) => l.name === 'conv')!.params, 108, 'its weight is counted');
    });

    it('a tensor declared twice with different shapes is refused, naming both', async () => {
      const { writeFileSync } = await import('node:fs');
      const f = join(dir, 'twice.onnx');
      writeFileSync(f, onnx.ModelProto.encode({
        irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
        graph: { name: 'd', node: [node('Relu', ['x'], ['y'], '/Relu')], input: [valueInfo('x', [1, 4])], output: [valueInfo('y', [1, 4])], valueInfo: [valueInfo('y', [1, 5])] },
      }).finish());
      await refused(readFileSync(f), /declares tensor y twice, as \[1, 5\] and \[1, 4\]/);
    });

    it('a free input dimension other than the batch leaves the sizes open until --dim gives it', async () => {
      const g = {
        nodes: [node('Conv', ['x', 'w'], ['y'], '/conv/Conv', [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }])],
        inputs: [valueInfo('x', ['batch', 3, 'height', 'width'])],
        outputs: [valueInfo('y', ['batch', 4, 'height', 'width'])],
        initializers: [floatInit('w', [4, 3, 3, 3])],
      };
      const { writeFileSync } = await import('node:fs');
      const f = join(dir, 'free-dims.onnx');
      writeFileSync(f, modelBytes(g));
      const spec = await loadModel(f);
      const open = analyzeModel(spec.model);
      assert.equal(open.unknown.length, 2);
      assert.match(open.unknown[0].reason, /free dimension "height" \(give it a size with --dim height=N\)/);
      assert.equal(open.totals.macs, 0);
      assert.equal(open.totals.params, 108);
      const sized = analyzeModel(spec.model, { dims: { height: 10, width: 20 } });
      assert.deepEqual(sized.unknown, []);
      assert.equal(sized.totals.macs, 10 * 20 * 4 * 27);
      assert.throws(() => analyzeModel(spec.model, { dims: { depth: 3 } }), /no free input dimension of that name \(it has batch, height, width\)/);
      assert.ok(isModelGraph(spec.model));
    });
  });
});
