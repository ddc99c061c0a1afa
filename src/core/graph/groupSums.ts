// A block's sums over its layers (params, MACs, memory): one home for the view graph's blocks and
// the runs that gather huge flat containers.
import type { LayerStats } from '../analysis/analyze';
import type { GroupSums } from './viewTypes';

export function emptySums(): GroupSums {
  return { layers: 0, params: 0, trainableParams: 0, nonTrainableParams: 0, macs: 0, flops: 0, weightBytes: 0, activationBytes: 0 };
}

export function addStats(s: GroupSums, l: LayerStats): void {
  s.layers += 1;
  s.params += l.params;
  s.trainableParams += l.trainableParams;
  s.nonTrainableParams += l.nonTrainableParams;
  s.macs += l.macs;
  s.flops += l.flops;
  s.weightBytes += l.weightBytes;
  s.activationBytes += l.activationBytes;
}
