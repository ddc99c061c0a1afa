// SE-ResNet-50 (Hu et al., 2018): the Keras ResNet-50 above with a squeeze-and-excitation block
// (reduction 16) on each residual branch, before the add.
import { ModelSpec } from '../ir/types';
import { BranchHook, bottleneckResNet } from './resnet';

export const SE_REDUCTION = 16;

const squeezeExcite: BranchHook = (b, branch, channels, block) => b.group(`${block}_se`, () => {
  let s = b.globalAvgPool(branch, `${block}_se_squeeze`);
  s = b.dense(s, channels / SE_REDUCTION, { activation: 'relu', name: `${block}_se_reduce` });
  s = b.dense(s, channels, { activation: 'sigmoid', name: `${block}_se_expand` });
  s = b.reshape(s, [1, 1, channels], `${block}_se_reshape`);
  return b.multiply([branch, s], `${block}_se_excite`);
}, `${block} SE`);

export const seResnet50 = (): ModelSpec => bottleneckResNet('se_resnet50', [3, 4, 6, 3], squeezeExcite);
