// "Does this model rescale its own input?" (src/core/profile/selfRescaling.ts): one rule over a
// generic list of layers, read from a Keras config (the profiler: preprocess.ts rescalesItself)
// and from a view graph (the extension host, which sees only the model process's answer). The two
// readings agree on the whole zoo and on small models; ONNX graphs and malformed graphs answer
// 'unknown'.
import { strict as assert } from 'node:assert';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildViewGraph, ViewGraph } from '../../src/core/graph/viewGraph';
import type { ModelSpec } from '../../src/core/ir/types';
import { onnxSpec } from '../../src/core/formats/onnx/spec';
import { lowerToOnnx } from '../../src/core/engines/ort/lowering';
import { rescalesItself } from '../../src/core/engines/tfjs/preprocess';
import { startsWithRescaling, viewGraphRescaling } from '../../src/core/profile/selfRescaling';
import { buildZooModel, ZOO } from '../../src/core/zoo';
import { validViewGraph } from '../../src/protocol/modelService';
import { caseModel, LayerCase } from './helpers/layerModels';

const viewOf = (spec: ModelSpec): ViewGraph => buildViewGraph(spec, analyzeModel(spec.model));
const spec = (layers: LayerCase['layers'], input = [32, 32, 3]) => caseModel({ name: 'pre', input, layers });
const rescale = { class_name: 'Rescaling', config: { scale: 1 / 255 } };
const normalize = { class_name: 'Normalization', config: { mean: [1, 2, 3], variance: [1, 1, 1] } };
const pool = { class_name: 'GlobalAveragePooling2D', config: {} };

describe('self-rescaling: the rule over a Keras config and over a view graph', () => {
  it('the zoo: EfficientNet, MobileNetV3 and ConvNeXt scale their own input, ResNet-50 does not; both readings agree on every model', function () {
    this.timeout(60_000);
    const yes = new Set<string>();
    for (const z of ZOO) {
      const s = buildZooModel(z.name);
      const fromConfig = rescalesItself(s);
      assert.equal(viewGraphRescaling(viewOf(s)), fromConfig ? 'yes' : 'no', z.name);
      if (fromConfig) yes.add(z.name);
    }
    for (const name of ['efficientnetb0', 'mobilenetv3small', 'convnexttiny']) assert.ok(yes.has(name), name);
    assert.ok(!yes.has('resnet50'));
    // The zoo's descriptions say which models rescale or normalise their own input.
    assert.deepEqual([...yes].sort(), ZOO.filter((z) => /(rescales|normalises) its own input/.test(z.description)).map((z) => z.name).sort());
  });

  it('small models: Rescaling/Normalization first, past resizing and augmentation, and not after computing', () => {
    const cases: [LayerCase['layers'], boolean][] = [
      [[rescale, pool], true],
      [[normalize, pool], true],
      [[{ class_name: 'RandomFlip', config: {} }, { class_name: 'RandomRotation', config: { factor: 0.1 } }, rescale, pool], true],
      [[{ class_name: 'Resizing', config: { height: 16, width: 16 } }, rescale, pool], true],
      [[{ class_name: 'Conv2D', config: { filters: 2, kernel_size: 3 } }, rescale], false],
      [[pool], false],
      [[{ class_name: 'Resizing', config: { height: 16, width: 16 } }, pool], false],
    ];
    for (const [layers, want] of cases) {
      const s = spec(layers);
      const what = layers.map((l) => l.class_name).join(' > ');
      assert.equal(rescalesItself(s), want, what);
      assert.equal(viewGraphRescaling(viewOf(s)), want ? 'yes' : 'no', what);
    }
  });

  it('every branch from the input must rescale; a branch that computes first says no', () => {
    const l = (name: string, className: string, ...inbound: string[]) => ({ name, className, inbound });
    assert.equal(startsWithRescaling([l('in', 'InputLayer'), l('a', 'Rescaling', 'in'), l('b', 'Normalization', 'in')]), true);
    assert.equal(startsWithRescaling([l('in', 'InputLayer'), l('a', 'Rescaling', 'in'), l('b', 'Conv2D', 'in')]), false);
    assert.equal(startsWithRescaling([l('a', 'Rescaling')]), false, 'no input layer');
    // Only so many resizing/augmentation steps are looked through.
    const flips = Array.from({ length: 9 }, (_, i) => l(`f${i}`, 'RandomFlip', i === 0 ? 'in' : `f${i - 1}`));
    assert.equal(startsWithRescaling([l('in', 'InputLayer'), ...flips, l('r', 'Rescaling', 'f8')]), false);
    assert.equal(startsWithRescaling([l('in', 'InputLayer'), ...flips.slice(0, 7), l('r', 'Rescaling', 'f6')]), true);
  });

  it('an ONNX graph answers unknown, even one lowered from a model that rescales itself', () => {
    const keras = spec([rescale, pool]);
    const onnx = onnxSpec(lowerToOnnx(keras, []).bytes, undefined, 'pre');
    const g = viewOf(onnx);
    assert.equal(g.format, 'onnx');
    assert.equal(viewGraphRescaling(g), 'unknown');
    assert.equal(viewOf(keras).format, 'keras');
  });

  it('a graph that does not say its format, or has malformed nodes, answers unknown (it came from another process)', () => {
    const g = viewOf(spec([rescale, pool]));
    assert.equal(viewGraphRescaling(g), 'yes');
    assert.equal(viewGraphRescaling({ ...g, format: undefined }), 'unknown');
    assert.equal(viewGraphRescaling({ ...g, format: 'other' as never }), 'unknown');
    const broken = (patch: object) => ({ ...g, nodes: [g.nodes[0], { ...g.nodes[1], ...patch }, ...g.nodes.slice(2)] });
    assert.equal(viewGraphRescaling(broken({ stats: { ...g.nodes[1].stats, inbound: 'in' } })), 'unknown');
    assert.equal(viewGraphRescaling(broken({ stats: { ...g.nodes[1].stats, inbound: [7] } })), 'unknown');
    assert.equal(viewGraphRescaling(broken({ stats: null })), 'unknown');
    assert.equal(viewGraphRescaling(broken({ className: 3 })), 'unknown');
    assert.equal(viewGraphRescaling({ ...g, nodes: [null] as never }), 'unknown');
    assert.equal(viewGraphRescaling({ ...g, nodes: {} as never }), 'unknown');
    // The host's check of the model process's answer: a format it does not know is refused, none is accepted.
    assert.equal(validViewGraph({ ...g, format: 'tflite' }), false);
    assert.equal(validViewGraph({ ...g, format: undefined }), true);
  });
});
