// The analyser against published figures: Keras Applications' model summaries, torchvision's
// parameter counts and GFLOPS table, the textbook conv example, GoogLeNet's Table 1 and the
// receptive fields in Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks" (Distill, 2019).
import { strict as assert } from 'node:assert';
import { analyzeModel, ModelAnalysis } from '../../src/core/analysis/analyze';
import { ModelBuilder } from '../../src/core/ir/builder';
import { buildZooModel } from '../../src/core/zoo';

const analyse = (name: string): ModelAnalysis => analyzeModel(buildZooModel(name).model);
const layer = (a: ModelAnalysis, name: string) => {
  const l = a.layers.find((x) => x.name === name);
  assert.ok(l, `no layer ${name}`);
  return l;
};

describe('analyser vs published parameter counts', () => {
  // Keras Applications documentation and model.summary() totals.
  const keras: [string, number, number?][] = [
    ['resnet50', 25_636_712, 53_120],
    ['resnet101', 44_707_176],
    ['resnet152', 60_419_944],
    ['vgg16', 138_357_544],
    ['vgg19', 143_667_240],
    ['xception', 22_910_480],
    ['mobilenet', 4_253_864],
  ];
  for (const [name, params, nonTrainable] of keras) {
    it(`${name}: ${params.toLocaleString('en-US')} params (Keras Applications)`, () => {
      const t = analyse(name).totals;
      assert.equal(t.params, params);
      if (nonTrainable !== undefined) assert.equal(t.nonTrainableParams, nonTrainable);
      assert.equal(t.trainableParams + t.nonTrainableParams, t.params);
    });
  }

  it('resnet18 / resnet34 trainable params equal torchvision (11,689,512 / 21,797,672)', () => {
    assert.equal(analyse('resnet18').totals.trainableParams, 11_689_512);
    assert.equal(analyse('resnet34').totals.trainableParams, 21_797_672);
  });

  it('alexnet equals torchvision (61,100,840) and lenet5 the classic 61,706', () => {
    assert.equal(analyse('alexnet').totals.params, 61_100_840);
    assert.equal(analyse('lenet5').totals.params, 61_706);
  });

  it('se_resnet50 adds exactly the SE blocks\' dense layers to resnet50', () => {
    // Per block with C output channels and reduction 16: C*(C/16) + C/16 + (C/16)*C + C.
    const stages: [number, number][] = [[256, 3], [512, 4], [1024, 6], [2048, 3]];
    const se = stages.reduce((s, [c, n]) => s + n * (2 * c * (c / 16) + c / 16 + c), 0);
    assert.equal(analyse('se_resnet50').totals.params, 25_636_712 + se);
  });
});

describe('analyser vs published compute', () => {
  it('the textbook conv: 5x5 over 3 channels, 150x100 output, 200 filters', () => {
    const b = new ModelBuilder('textbook_conv');
    const x = b.input([150, 100, 3]);
    const y = b.conv2d(x, 200, { kernelSize: 5, padding: 'same', name: 'conv' });
    const conv = layer(analyzeModel(b.build([y]).model), 'conv');
    assert.equal(conv.params, 15_200);
    assert.equal(conv.macs, 225_000_000);
    assert.equal(conv.activationBytes, 12_000_000);
    assert.deepEqual(conv.outputShape, [null, 150, 100, 200]);
    assert.equal(conv.macsFormula, '5x5x3 x 150x100 x 200');
  });

  it('resnet50 conv1_conv: 9,472 params and 118,013,952 MACs', () => {
    const conv1 = layer(analyse('resnet50'), 'conv1_conv');
    assert.equal(conv1.params, 9_472);
    assert.equal(conv1.macs, 118_013_952);
  });

  // torchvision's model table lists GFLOPS that are multiply-accumulates of conv and linear layers, to 2 decimals.
  const torchvision: [string, number][] = [
    ['alexnet', 0.71], ['vgg16', 15.47], ['vgg19', 19.63], ['resnet18', 1.81], ['resnet34', 3.66],
  ];
  for (const [name, g] of torchvision) {
    it(`${name}: ${g} GMACs (torchvision, rounded to 0.01)`, () => {
      assert.ok(Math.abs(analyse(name).totals.macs / 1e9 - g) <= 0.005 + 1e-9, `${analyse(name).totals.macs}`);
    });
  }

  it('googlenet multiply-adds per module match the paper\'s Table 1 "ops" column', () => {
    // Table 1 (Szegedy et al. 2014), millions. conv1 (34M) and inception 5a (54M) are left out: the
    // table's conv1 row counts one input channel and its 5a row disagrees with its own filter
    // counts (those give 51.1M); every other row matches to the table's rounding.
    const table: Record<string, number> = {
      conv2: 360, inception_3a: 128, inception_3b: 304, inception_4a: 73, inception_4b: 88, inception_4c: 100,
      inception_4d: 119, inception_4e: 170, inception_5b: 71, predictions: 1,
    };
    const a = analyse('googlenet');
    for (const [prefix, millions] of Object.entries(table)) {
      const macs = a.layers.filter((l) => l.name.startsWith(prefix)).reduce((s, l) => s + l.macs, 0);
      assert.ok(Math.abs(macs / 1e6 - millions) < 1, `${prefix}: ${macs / 1e6}M vs ${millions}M`);
    }
    assert.ok(Math.abs(a.totals.macs / 1e9 - 1.5) < 0.1, 'about 1.5 billion multiply-adds');
  });

  it('receptive fields equal the Distill article\'s table', () => {
    const rf = (model: string, name: string): number => layer(analyse(model), name).receptiveField.size[0];
    assert.equal(rf('vgg16', 'block5_pool'), 212);
    assert.equal(rf('alexnet', 'pool5'), 195);
    assert.equal(rf('resnet50', 'conv5_block3_out'), 483);
    assert.equal(rf('mobilenet', 'conv_pw_13_relu'), 315);
    assert.deepEqual(layer(analyse('vgg16'), 'block5_pool').receptiveField.jump, [32, 32]);
  });

  it('depthwise separable conv saves what Xception promises (Chollet 2017: k*k + C_out vs k*k*C_out per channel)', () => {
    const b = new ModelBuilder('sep');
    const x = b.input([19, 19, 728]);
    const y = b.separableConv2d(x, 728, { kernelSize: 3, padding: 'same', useBias: false, name: 'sep' });
    const z = b.conv2d(x, 728, { kernelSize: 3, padding: 'same', useBias: false, name: 'conv' });
    const a = analyzeModel(b.build([y, z]).model);
    const hw = 19 * 19;
    assert.equal(layer(a, 'sep').macs, hw * 728 * 9 + hw * 728 * 728);
    assert.equal(layer(a, 'conv').macs, hw * 728 * 9 * 728);
    assert.equal(layer(a, 'sep').params, 728 * 9 + 728 * 728);
  });
});
