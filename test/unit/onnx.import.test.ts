// ONNX import against PyTorch and onnx: torchvision ResNet-18 (opsets 13 and 17, fixed and
// symbolic batch), MobileNetV3-small (HardSwish decomposed at 13, native at 17) and a small net of
// other ops (opsets 11 and 17) exported by scripts/onnx-fixtures.py. Every figure compared here
// was computed there: parameter counts from the file's initializers and from PyTorch's
// parameters(), per-node output shapes from onnx.shape_inference, MACs from those shapes and from
// forward hooks on the PyTorch modules.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModel, LayerStats, ModelAnalysis } from '../../src/core/analysis/analyze';
import { isModelGraph } from '../../src/core/ir/graph';
import { kerasModelOf, ModelSpec } from '../../src/core/ir/types';
import { loadModel } from '../../src/core/io/loadModel';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { layerCard } from '../../src/core/graph/cards';
import { compareModels } from '../../src/core/compare/compare';
import { placeFixture, reference, Reference } from '../fixtures/onnx/files';

/** Ops that may fold away when their inputs are constants (torch's pads arithmetic, shape chains). */
const FOLDABLE = ['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Cast', 'Constant', 'ConstantOfShape', 'Slice', 'Squeeze', 'Identity', 'Reshape', 'Transpose'];
const MODELS = ['resnet18-op13', 'resnet18-op17', 'mobilenetv3small-op13', 'mobilenetv3small-op17', 'opsnet-op11', 'opsnet-op17'];

describe('ONNX import: PyTorch exports against PyTorch and onnx reference figures', function () {
  this.timeout(60_000);
  let dir: string;
  const loaded = new Map<string, { spec: ModelSpec; a: ModelAnalysis; ref: Reference }>();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netlens-onnx-'));
    for (const name of MODELS) {
      const ref = reference(name);
      const spec = await loadModel(placeFixture(name, dir, ref.externalDataBytes));
      loaded.set(name, { spec, a: analyzeModel(spec.model), ref });
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const byNode = (a: ModelAnalysis, source: string): LayerStats | undefined => a.layers.find((l) => (l.sourceName ?? l.name) === source);

  for (const name of MODELS) {
    describe(name, () => {
      it('params equal the elements of the file\'s floating-point initializers, and PyTorch\'s parameters() less one per folded BatchNorm channel', () => {
        const { a, ref } = loaded.get(name)!;
        assert.equal(a.totals.params, ref.params);
        assert.equal(a.totals.params, ref.torchParams - ref.foldedBnChannels);
        assert.deepEqual(a.unsupported, []);
      });

      it('MACs equal the reference per node and in total', () => {
        const { a, ref } = loaded.get(name)!;
        assert.equal(a.totals.macs, ref.macs);
        for (const n of ref.nodes.filter((x) => x.macs !== null && x.macs > 0)) assert.equal(byNode(a, n.name)?.macs, n.macs, `${n.name} (${n.op})`);
      });

      it('every node\'s output shape equals onnx shape inference (NCHW, as the file has it)', () => {
        const { a, ref } = loaded.get(name)!;
        assert.deepEqual(a.input, ref.input);
        let compared = 0;
        for (const n of ref.nodes) {
          const l = byNode(a, n.name);
          if (!l) {
            // Only shape arithmetic folds away; nothing that computes on activations.
            assert.ok(FOLDABLE.includes(n.op), `${n.name} (${n.op}) is missing`);
            continue;
          }
          if (n.output === null) continue; // onnx's inference could not size it (after a computed Pad)
          // Where onnx's inference leaves a dimension symbolic (a -1 in a static export's Reshape)
          // any size matches it; a symbolic batch in the file must stay symbolic here.
          const fits = l.outputShape.length === n.output.length && n.output.every((d, i) => d === null || d === l.outputShape[i]);
          assert.ok(fits, `${n.name} (${n.op}): ${JSON.stringify(l.outputShape)} vs ${JSON.stringify(n.output)}`);
          if (ref.input[0] === null) assert.equal(l.outputShape[0], null, `${n.name} keeps the batch symbolic`);
          compared++;
        }
        assert.ok(compared >= ref.nodes.length * 0.6, `${compared} of ${ref.nodes.length} nodes compared`);
      });

      it('each PyTorch Conv/Linear module is named after the module, with the MACs its forward hook measured', () => {
        const { a, ref } = loaded.get(name)!;
        for (const [module, macs] of Object.entries(ref.moduleMacs)) {
          // One node is named as the module; a module exported as several (a Linear on a rank-3
          // input: MatMul + Add) names them module.Op.
          const layers = a.layers.filter((x) => x.name === module || x.name.startsWith(`${module}.`) && !x.name.slice(module.length + 1).includes('.'));
          assert.ok(layers.length > 0, `no layer named ${module}`);
          assert.equal(layers.reduce((s, l) => s + l.macs, 0), macs, module);
        }
      });

      it('is an ONNX graph with torch preprocessing and a node -> layer map for the ONNX Runtime engine', () => {
        const { spec, a } = loaded.get(name)!;
        assert.ok(isModelGraph(spec.model));
        assert.equal(spec.preprocessing, 'torch');
        assert.ok(spec.onnx?.path.endsWith(`${name}.onnx`));
        for (const l of a.layers.filter((x) => x.category !== 'input')) assert.equal(spec.onnx!.nodeLayer[l.sourceName ?? l.name], l.name);
        assert.throws(() => kerasModelOf(spec, 'Building a TensorFlow.js model'), /ONNX graph \(TensorFlow\.js cannot build it/);
      });
    });
  }

  it('ResNet-18 opens with the stem, layer1..layer4 (each with its blocks) and avgpool, Flatten, fc at the top', () => {
    const { spec, a } = loaded.get('resnet18-op17')!;
    const g = buildViewGraph(spec, a);
    assert.deepEqual(g.groups.filter((x) => x.parent === null).map((x) => x.id), ['stem', 'layer1', 'layer2', 'layer3', 'layer4']);
    assert.deepEqual(g.groups.find((x) => x.id === 'layer2')!.groups, ['layer2.0', 'layer2.1']);
    assert.deepEqual(g.nodes.filter((n) => n.group === null).map((n) => n.name), ['input', 'avgpool', 'Flatten', 'fc']);
    assert.deepEqual(g.nodes.filter((n) => n.group === 'stem').map((n) => n.name), ['conv1', 'relu', 'maxpool']);
    // Block sums are the sums of the layers inside (checked against the reference's per-module MACs).
    const ref = loaded.get('resnet18-op17')!.ref;
    const layer3 = Object.entries(ref.moduleMacs).filter(([m]) => m.startsWith('layer3.')).reduce((s, [, v]) => s + v, 0);
    assert.equal(g.groups.find((x) => x.id === 'layer3')!.sums.macs, layer3);
  });

  it('the hover card shows the readable name, the ONNX node name and the BatchNorm folding note', () => {
    const { spec, a } = loaded.get('resnet18-op13')!;
    const g = buildViewGraph(spec, a);
    const n = g.nodes.find((x) => x.name === 'layer1.0.conv1')!;
    const card = layerCard(n, g.totals);
    assert.equal(card.title, 'layer1.0.conv1');
    const text = JSON.stringify(card.rows);
    assert.match(text, /\/layer1\/layer1\.0\/conv1\/Conv/);
    assert.match(text, /folds a BatchNorm/);
    assert.equal(n.stats.macsFormula, '3x3x64 x 56x56 x 64');
    assert.match(card.rows.find((r) => r.label === 'MACs')!.detail!, /= 115,605,504/);
  });

  it('a symbolic batch keeps the Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains, folded so every shape resolves', async () => {
    const ref = reference('opsnet-op17');
    const file = placeFixture('opsnet-dynamic-op17', dir);
    const spec = await loadModel(file);
    const a = analyzeModel(spec.model);
    assert.ok(isModelGraph(spec.model));
    const ops = spec.model.nodes.map((n) => n.op);
    assert.ok(ops.includes('Shape') && ops.includes('Reshape'), 'the export has shape chains');
    assert.ok(!a.layers.some((l) => l.className === 'Shape'), 'shape arithmetic is folded, not drawn');
    assert.equal(a.totals.params, ref.params);
    assert.equal(a.totals.macs, ref.macs);
    assert.deepEqual(a.input, [null, 3, 32, 32]);
    assert.deepEqual(a.layers[a.layers.length - 1].outputShape, [null, 10]);
    for (const l of a.layers) assert.equal(l.outputShape[0], null, `${l.name} keeps the batch symbolic`);
    // Per sample, the same figures as the fixed-batch export.
    const fixed = loaded.get('opsnet-op17')!.a;
    for (const l of a.layers.filter((x) => x.macs > 0)) assert.equal(l.macs, fixed.layers.find((x) => x.name === l.name)?.macs, l.name);
  });

  it('batch and --input work as for Keras models: activations scale with the batch, HxWxC resizes the NCHW input', () => {
    const { spec, a } = loaded.get('resnet18-op17')!;
    const b8 = analyzeModel(spec.model, { batch: 8 });
    assert.equal(b8.totals.activationBytes, 8 * a.totals.activationBytes);
    const big = analyzeModel(spec.model, { inputShape: [448, 448, 3] });
    assert.deepEqual(big.input, [null, 3, 448, 448]);
    assert.equal(big.layers.find((l) => l.name === 'conv1')!.macs, 4 * a.layers.find((l) => l.name === 'conv1')!.macs);
  });

  it('compare lines an ONNX export up with a zoo model', () => {
    const onnx = loaded.get('resnet18-op13')!.spec;
    const [x, y] = compareModels([onnx, { ...onnx, name: 'again' }]).models;
    assert.equal(x.analysis.totals.macs, y.analysis.totals.macs);
  });
});
