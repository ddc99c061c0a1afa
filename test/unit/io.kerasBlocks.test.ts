// A Keras file opens with blocks named from its layer-name prefixes, whatever container it comes in:
// MobileNetV2 saved as Keras 3 .keras, Keras 3 legacy .h5 and Keras 2 .h5 gets the same blocks
// (block_1 ... block_16 from "block_1_expand", "block_1_depthwise", ...), as the zoo's.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackend } from './helpers/tfjs';
import { loadModel } from '../../src/core/io/loadModel';
import { buildTfjsModel } from '../../src/core/engines/tfjs/buildModel';
import { buildZooModel } from '../../src/core/zoo';
import { groupsFromNames } from '../../src/core/ir/groups';
import { kerasModelOf, type ModelSpec } from '../../src/core/ir/types';
import { removeDir, saveKeras3, saveKerasH5, tempDir } from '../fixtures/writers';

const blocks = (s: ModelSpec): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const [layer, id] of Object.entries(s.layerGroup ?? {})) (out[id] ??= []).push(layer);
  for (const v of Object.values(out)) v.sort();
  return out;
};

describe('io: blocks from layer-name prefixes for every Keras container', function () {
  this.timeout(120_000);
  let dir: string;
  let model: tfl.LayersModel;

  before(async () => {
    await cpuBackend();
    dir = tempDir();
    model = await buildTfjsModel(buildZooModel('mobilenetv2'));
  });
  after(() => { model?.dispose(); removeDir(dir); });

  it('MobileNetV2 .keras, Keras 3 .h5 and Keras 2 .h5 open with the same blocks: block_1 ... block_16', async () => {
    const files = { keras: join(dir, 'm.keras'), h5k3: join(dir, 'k3.h5'), h5k2: join(dir, 'k2.h5') };
    await saveKeras3(model, files.keras);
    await saveKerasH5(model, files.h5k3, 'keras3');
    await saveKerasH5(model, files.h5k2, 'keras2');
    const got = {
      keras: blocks(await loadModel(files.keras)),
      h5k3: blocks(await loadModel(files.h5k3)),
      h5k2: blocks(await loadModel(files.h5k2)),
    };
    for (let i = 1; i <= 16; i++) assert.ok(got.keras[`block_${i}`]?.length >= 3, `block_${i} in the .keras: ${Object.keys(got.keras).join(', ')}`);
    assert.deepEqual(got.keras['block_1'], ['block_1_depthwise', 'block_1_depthwise_BN', 'block_1_depthwise_relu', 'block_1_expand', 'block_1_expand_BN', 'block_1_expand_relu', 'block_1_pad', 'block_1_project', 'block_1_project_BN']);
    assert.deepEqual(got.h5k3, got.keras);
    assert.deepEqual(got.h5k2, got.keras);
  });

  it('the prefixes of the Keras Applications families: MobileNetV2 expanded_conv, EfficientNet block1a, MobileNetV3 expanded_conv_1, ConvNeXt stage blocks', () => {
    const ids = (zoo: string) => groupsFromNames(kerasModelOf(buildZooModel(zoo))).groups.map((g) => g.id);
    assert.ok(ids('mobilenetv2').includes('expanded_conv'));
    assert.equal(ids('mobilenetv2').filter((id) => /^block_\d+$/.test(id)).length, 16);
    const eff = ids('efficientnetb0');
    assert.deepEqual(eff.slice(0, 3), ['block1a', 'block2a', 'block2b']);
    assert.equal(eff.length, 16, eff.join(', '));
    assert.ok(ids('mobilenetv3small').includes('expanded_conv_1'));
    assert.ok(ids('convnexttiny').includes('convnext_tiny_stage_0_block_0'));
    assert.deepEqual(ids('resnet50').slice(0, 2), ['conv2_block1', 'conv2_block2']);
    assert.deepEqual(ids('vgg16'), ['block1', 'block2', 'block3', 'block4', 'block5']);
  });
});
