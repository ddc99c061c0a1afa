// Comparisons and the memory planner, checked against the ResNet paper and the analyser itself.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { compareModels, rowValue } from '../../src/core/compare/compare';
import { parseBytes, planMemory } from '../../src/core/compare/memoryPlan';
import { COMPARE_PRESETS } from '../../src/core/compare/presets';
import { buildZooModel, zooEntry } from '../../src/core/zoo';

describe('compare', () => {
  it('ResNet depths match the paper\'s Table 1 FLOPs (multiply-adds) within 3%', () => {
    // He et al. 2015, Table 1, bottom row.
    const table: [string, number][] = [['resnet18', 1.8e9], ['resnet34', 3.6e9], ['resnet50', 3.8e9], ['resnet101', 7.6e9], ['resnet152', 11.3e9]];
    const c = compareModels(table.map(([n]) => buildZooModel(n)));
    c.models.forEach((m, i) => {
      const rel = Math.abs(m.analysis.totals.macs - table[i][1]) / table[i][1];
      assert.ok(rel < 0.03, `${table[i][0]}: ${m.analysis.totals.macs} vs ${table[i][1]} (${(rel * 100).toFixed(1)}%)`);
    });
  });

  it('stages of one family keep their names (one stage per resolution) and sum to the model totals', () => {
    const c = compareModels(['resnet34', 'resnet50'].map(buildZooModel));
    assert.deepEqual(c.stageOrder, ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'head']);
    for (const m of c.models) {
      assert.equal(m.stages.reduce((s, x) => s + x.macs, 0), m.analysis.totals.macs);
      assert.equal(m.stages.reduce((s, x) => s + x.params, 0), m.analysis.totals.params);
      assert.equal(m.stages.reduce((s, x) => s + x.layers, 0), m.analysis.layers.length - 1); // input excluded
    }
    // conv4 of ResNet-50: six bottleneck blocks at 14x14 (the paper's conv4_x).
    const conv4 = c.models[1].stages.find((s) => s.stage === 'conv4')!;
    const block = 14 * 14 * (1024 * 256 + 9 * 256 * 256 + 256 * 1024);
    const first = 14 * 14 * (512 * 256 + 9 * 256 * 256 + 256 * 1024 + 512 * 1024);
    assert.equal(conv4.macs, first + 5 * block);
  });

  it('stages of different families line up by the resolution they work at, never by position or name alone', () => {
    // MobileNetV2 vs EfficientNet-B0 (both 224 px): every row has both models (no 19 rows against "-").
    const m = compareModels(['mobilenetv2', 'efficientnetb0'].map(buildZooModel));
    assert.deepEqual(m.stageOrder, ['1/2', '1/4', '1/8', '1/16', '1/32']);
    for (const row of m.rows) assert.ok(row.stages.every((s) => s.length > 0), `${row.id}: ${JSON.stringify(row.stages)}`);
    assert.deepEqual(m.rows[1].stages, [['block_2', 'block_3'], ['block2b', 'block3a']]);
    assert.equal(m.rows[2].label, '1/8 (28×28)');
    // VGG-16 vs Xception (224 vs 299 px): VGG's block1 works at full resolution, Xception's at 1/2,
    // so they are not paired; VGG's block2 meets Xception's block1.
    const v = compareModels(['vgg16', 'xception'].map(buildZooModel));
    const withVggBlock1 = v.rows.find((r) => r.stages[0].includes('block1'))!;
    assert.deepEqual(withVggBlock1.stages[1], []);
    assert.deepEqual(v.rows.find((r) => r.stages[1].includes('block1'))!.stages[0], ['block2']);
    // Inception v3 at 299 px: 149/147 px is 1/2, 73 px 1/4, 35 px 1/8, 17 px 1/16, 8 px 1/32.
    const i = compareModels(['inceptionv3', 'resnet50'].map(buildZooModel));
    assert.deepEqual(i.rows.find((r) => r.id === '1/16')!.stages, [['mixed3', 'mixed4', 'mixed5', 'mixed6', 'mixed7', 'mixed8'], ['conv4']]);
    // Whatever the rows, each model's figures add up to its totals.
    for (const c of [m, v, i]) {
      c.models.forEach((x, k) => {
        assert.equal(c.rows.reduce((a, r) => a + rowValue(c, k, r, 'macs'), 0), x.analysis.totals.macs);
        assert.equal(c.rows.reduce((a, r) => a + rowValue(c, k, r, 'params'), 0), x.analysis.totals.params);
      });
    }
  });

  it('plain-34 differs from ResNet-34 by exactly the three projection shortcuts', () => {
    const [plain, res] = compareModels([buildZooModel('plain34'), buildZooModel('resnet34')]).models.map((m) => m.analysis.totals);
    const projections = (64 * 128 + 128 * 256 + 256 * 512) + 4 * (128 + 256 + 512);
    assert.equal(res.params - plain.params, projections);
  });

  it('every preset names zoo models', () => {
    for (const p of COMPARE_PRESETS) for (const m of p.models) assert.ok(zooEntry(m), `${p.id}: ${m}`);
  });

  it('compare --json prints {models: [summary objects]}', () => {
    const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'compare', 'plain34', 'resnet34', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(o.models.map((m: { model: string }) => m.model), ['plain34', 'resnet34']);
    assert.equal(o.models[1].totals.trainableParams, 21_797_672);
  });
});

describe('memory planner', () => {
  const model = buildZooModel('resnet50').model;

  it('each point equals the analyser run at that batch', () => {
    const plan = planMemory(model, { optimizer: 'momentum' });
    for (const p of plan.points) {
      const t = analyzeModel(model, { batch: p.batch, optimizer: 'momentum' }).totals;
      assert.equal(p.inferenceBytes, t.peakInferenceBytes, `inference @${p.batch}`);
      assert.equal(p.trainingBytes, t.trainingBytes, `training @${p.batch}`);
    }
    assert.deepEqual(plan.points.map((p) => p.batch), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
  });

  it('the largest batch fits the budget and one more does not', () => {
    const budget = parseBytes('8GiB');
    const plan = planMemory(model, { budgetBytes: budget });
    for (const [b, key] of [[plan.maxInferenceBatch!, 'peakInferenceBytes'], [plan.maxTrainingBatch!, 'trainingBytes']] as const) {
      assert.ok(b > 0);
      assert.ok(analyzeModel(model, { batch: b }).totals[key] <= budget, `${key} @${b}`);
      assert.ok(analyzeModel(model, { batch: b + 1 }).totals[key] > budget, `${key} @${b + 1}`);
    }
    assert.equal(planMemory(model, { budgetBytes: 1024 }).maxTrainingBatch, 0);
  });

  it('reads sizes the way people write them', () => {
    assert.equal(parseBytes('8GiB'), 8 * 2 ** 30);
    assert.equal(parseBytes('16GB'), 16e9);
    assert.equal(parseBytes('512 MiB'), 512 * 2 ** 20);
    assert.equal(parseBytes('1000'), 1000);
    assert.throws(() => parseBytes('lots'), /cannot read "lots" as a size/);
  });
});
