// Groups for models that come without them (imported files): Keras names its blocks with a shared
// prefix (conv2_block1_1_conv, block5_sepconv1, inception_3a_1x1), so a layer belongs to the block
// named by its prefix up to the last "_block<N>"/"block<N>"/"inception_<id>" token, when at least
// two layers share it.
import { KerasModel, LayerGroup } from './types';

const BLOCK_PREFIX = /^(.*?(?:block\d+|inception_\w+?|residual_unit(?:_\d+)?))(?:_|$)/;

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
