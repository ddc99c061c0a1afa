// Memory conventions (README "How the numbers are counted") checked on graphs small enough to work out by hand.
import { strict as assert } from 'node:assert';
import { analyzeModel, OPTIMIZER_SLOTS } from '../../src/core/analysis/analyze';
import { ModelBuilder } from '../../src/core/ir/builder';
import { buildZooModel } from '../../src/core/zoo';

/** input(8x8x1) -> a(8x8x4) -> b(8x8x4); skip: add(a, b) -> out. Element counts: 64, 256, 256, 256. */
function residualToy() {
  const bld = new ModelBuilder('toy');
  const x = bld.input([8, 8, 1], 'in');
  const a = bld.conv2d(x, 4, { kernelSize: 3, padding: 'same', name: 'a' });
  const b = bld.conv2d(a, 4, { kernelSize: 3, padding: 'same', name: 'b' });
  const s = bld.add([a, b], 'sum');
  return bld.build([s]).model;
}

describe('memory', () => {
  it('peak inference memory follows liveness in topological order', () => {
    const r = analyzeModel(residualToy());
    // Step a: in(64) + a(256) live = 320 elements. Step b: in is dead; a + b = 512.
    // Step sum: a + b + sum = 768. Peak = 768 elements x 4 bytes.
    const weights = (3 * 3 * 1 * 4 + 4) + (3 * 3 * 4 * 4 + 4);
    assert.equal(r.totals.weightBytes, weights * 4);
    assert.equal(r.totals.peakInferenceBytes, weights * 4 + 768 * 4);
    assert.equal(r.totals.activationBytes, (64 + 256 * 3) * 4);
  });

  it('activation and training memory scale with batch; weights do not', () => {
    const one = analyzeModel(residualToy(), { batch: 1 });
    const b32 = analyzeModel(residualToy(), { batch: 32 });
    assert.equal(b32.totals.activationBytes, 32 * one.totals.activationBytes);
    assert.equal(b32.totals.weightBytes, one.totals.weightBytes);
    assert.equal(b32.totals.peakInferenceBytes - b32.totals.weightBytes, 32 * (one.totals.peakInferenceBytes - one.totals.weightBytes));
  });

  it('training = weights + gradients + optimizer slots + all activations', () => {
    for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
      const a = analyzeModel(buildZooModel('resnet50').model, { batch: 8, optimizer });
      const t = a.totals;
      const expected = t.weightBytes + t.trainableParams * 4 * (1 + OPTIMIZER_SLOTS[optimizer]) + t.activationBytes;
      assert.equal(t.trainingBytes, expected);
    }
    // Adam keeps two slots (m and v): 25,583,592 trainable x 4 bytes x 3 beyond the weights.
    const adam = analyzeModel(buildZooModel('resnet50').model).totals;
    assert.equal(adam.trainingBytes - adam.weightBytes - adam.activationBytes, 25_583_592 * 12);
  });

  it('a chain frees each activation once its consumer has run', () => {
    const b = new ModelBuilder('chain');
    let x = b.input([10, 10, 2], 'in');
    x = b.conv2d(x, 2, { kernelSize: 1, name: 'c1', useBias: false });
    x = b.conv2d(x, 2, { kernelSize: 1, name: 'c2', useBias: false });
    x = b.conv2d(x, 2, { kernelSize: 1, name: 'c3', useBias: false });
    const a = analyzeModel(b.build([x]).model);
    // At most two 10x10x2 tensors are alive at once.
    assert.equal(a.totals.peakInferenceBytes - a.totals.weightBytes, 2 * 200 * 4);
  });

  it('--input resizes the model; fully convolutional parts follow', () => {
    const a = analyzeModel(buildZooModel('resnet50').model, { inputShape: [448, 448, 3] });
    const conv1 = a.layers.find((l) => l.name === 'conv1_conv')!;
    assert.deepEqual(conv1.outputShape, [null, 224, 224, 64]);
    assert.equal(conv1.macs, 4 * 118_013_952);
    assert.equal(a.totals.params, 25_636_712);
  });
});
