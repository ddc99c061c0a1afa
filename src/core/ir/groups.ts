// Groups for models that come without them (imported files, whatever the container: .keras, .h5,
// model.json): Keras names its blocks with a shared prefix (conv2_block1_1_conv, block5_sepconv1,
// inception_3a_1x1, MobileNetV2's block_1_expand and expanded_conv_depthwise, EfficientNet's
// block1a_expand_conv, MobileNetV3's expanded_conv_1_squeeze_excite, ConvNeXt's
// convnext_tiny_stage_0_block_0_depthwise_conv), so a layer belongs to the block named by its
// prefix up to the first "block<N>"/"block_<N>"/"block<N><letter>"/"expanded_conv[_<N>]"/
// "inception_<id>" token, when at least two layers share it.
import { KerasModel, LayerGroup } from './types';

const BLOCK_PREFIX = /^(.*?(?:block_?\d+[a-z]?|expanded_conv(?:_\d+)?|inception_\w+?|residual_unit(?:_\d+)?))(?:_|$)/;

export function groupsFromNames(model: KerasModel): { groups: LayerGroup[]; layerGroup: Record<string, string> } {
  const members = new Map<string, string[]>();
  for (const l of model.config.layers) {
    const m = BLOCK_PREFIX.exec(l.name);
    if (!m) continue;
    const list = members.get(m[1]) ?? [];
    list.push(l.name);
    members.set(m[1], list);
  }
  const groups: LayerGroup[] = [];
  const layerGroup: Record<string, string> = {};
  for (const [id, names] of members) {
    if (names.length < 2) continue;
    groups.push({ id, label: id, parent: null });
    for (const n of names) layerGroup[n] = id;
  }
  return { groups, layerGroup };
}
