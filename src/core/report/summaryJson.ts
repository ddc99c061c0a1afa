// The `summary --json` contract object (docs/contracts.md): plain numbers, one object.
import { ModelAnalysis } from '../analysis/analyze';

export function summaryJson(a: ModelAnalysis): object {
  return {
    model: a.model,
    input: a.input,
    batch: a.batch,
    optimizer: a.optimizer,
    totals: a.totals,
    layers: a.layers.map((l) => ({
      name: l.name,
      className: l.className,
      inbound: l.inbound,
      outputShape: l.outputShape,
      params: l.params,
      trainableParams: l.trainableParams,
      nonTrainableParams: l.nonTrainableParams,
      macs: l.macs,
      flops: l.flops,
      weightBytes: l.weightBytes,
      activationBytes: l.activationBytes,
      receptiveField: l.receptiveField,
      ...(l.unknown !== undefined ? { unknown: l.unknown } : {}),
    })),
    unsupported: a.unsupported,
    unknown: a.unknown,
  };
}
