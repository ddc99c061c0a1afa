// Per-stage sums: each layer counts toward its outermost group (conv1..conv5, an inception stage,
// the head), so models of one family line up stage by stage. Layers outside any group form
// "other".
import { LayerStats, ModelAnalysis } from '../analysis/analyze';
import { ModelSpec } from '../ir/types';
import { lookup } from '../safeLookup';

export interface StageSums {
  stage: string;
  label: string;
  layers: number;
  params: number;
  macs: number;
  flops: number;
  activationBytes: number;
}

export function outermostGroup(spec: ModelSpec, layer: string): string | undefined {
  const parents = new Map(spec.groups.map((g) => [g.id, g.parent]));
  let g = lookup(spec.layerGroup, layer); // layer names come from files: never an inherited member
  while (g !== undefined && parents.get(g)) g = parents.get(g)!;
  return g;
}

export function stageSums(spec: ModelSpec, analysis: ModelAnalysis): StageSums[] {
  const labels = new Map(spec.groups.map((g) => [g.id, g.label]));
  const byStage = new Map<string, StageSums>();
  const add = (stage: string, l: LayerStats): void => {
    const s = byStage.get(stage) ?? { stage, label: labels.get(stage) ?? stage, layers: 0, params: 0, macs: 0, flops: 0, activationBytes: 0 };
    s.layers += 1;
    s.params += l.params;
    s.macs += l.macs;
    s.flops += l.flops;
    s.activationBytes += l.activationBytes;
    byStage.set(stage, s);
  };
  for (const l of analysis.layers) {
    if (l.category === 'input') continue; // Keras InputLayer, ONNX graph input
    add(outermostGroup(spec, l.name) ?? 'other', l);
  }
  return [...byStage.values()];
}
