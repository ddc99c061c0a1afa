// Compare with the user's own files: in the editor a model file is compared through the view graph
// the model process answers (core/compare/fromView.ts), which must give the figures the spec gives;
// and stages line up by resolution across formats: torchvision's ResNet-18 exported to ONNX
// (stem, layer1..layer4, NCHW) against the zoo's Keras-style ResNet-18 (conv1..conv5, NHWC).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { analysedFromSpec, compareAnalysed, rowValue } from '../../src/core/compare/compare';
import { analysedFromView } from '../../src/core/compare/fromView';
import { planMemory, planMemoryFromTotals } from '../../src/core/compare/memoryPlan';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { loadModel } from '../../src/core/io/loadModel';
import { buildZooModel } from '../../src/core/zoo';

const ROOT = join(__dirname, '..', '..', '..');

describe('compare: model files through their view graphs', () => {
  it('a view graph compares exactly as its spec (stages, totals, training bytes per optimizer, memory plan)', () => {
    for (const name of ['mobilenetv2', 'resnet50']) {
      const spec = buildZooModel(name);
      for (const optimizer of ['sgd', 'adam'] as const) {
        const view = buildViewGraph(spec, analyzeModel(spec.model, { batch: 4 }));
        const a = compareAnalysed([analysedFromSpec(spec, { batch: 4, optimizer })]);
        const b = compareAnalysed([analysedFromView(view, optimizer)]);
        assert.deepEqual(b.rows, a.rows, name);
        assert.deepEqual(b.models[0].stages, a.models[0].stages, name);
        assert.deepEqual(b.models[0].analysis.totals, a.models[0].analysis.totals, `${name} ${optimizer}`);
        const view1 = buildViewGraph(spec, analyzeModel(spec.model));
        assert.deepEqual(planMemoryFromTotals(spec.name, view1.totals, { optimizer, budgetBytes: 2 ** 33 }), planMemory(spec.model, { optimizer, budgetBytes: 2 ** 33 }));
      }
    }
  });

  it('an ONNX ResNet-18 (PyTorch names, NCHW) lines up with the zoo ResNet-18 stage by stage, by resolution', async () => {
    const spec = await loadModel(join(ROOT, 'test', 'fixtures', 'onnx', 'resnet18-op13.onnx'));
    const view = buildViewGraph(spec, analyzeModel(spec.model));
    const c = compareAnalysed([analysedFromView(view), analysedFromSpec(buildZooModel('resnet18'))]);
    assert.deepEqual(c.rows.map((r) => [r.label, ...r.stages.map((s) => s.join('+'))]), [
      ['1/2 (112×112)', 'stem', 'conv1'],
      ['1/4 (56×56)', 'layer1', 'conv2'],
      ['1/8 (28×28)', 'layer2', 'conv3'],
      ['1/16 (14×14)', 'layer3', 'conv4'],
      ['1/32 (7×7)', 'layer4', 'conv5'],
      ['head', 'other', 'head'],
    ]);
    // The same network: each resolution holds the same MACs in both (torchvision = Keras-style ResNet-18).
    for (const r of c.rows.slice(0, 5)) assert.equal(rowValue(c, 0, r, 'macs'), rowValue(c, 1, r, 'macs'), r.label);
  });
});
