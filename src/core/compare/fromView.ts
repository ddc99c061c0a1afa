// A model file in the editor's Compare: the extension host never reads model files, so it compares
// the view graph the model process answers (every layer's figures, the blocks) instead of a spec.
// The optimizer only changes the training bytes, recomputed here as the analyser does.
import { OPTIMIZER_SLOTS, Optimizer } from '../analysis/analyze';
import type { ViewGraph } from '../graph/viewGraph';
import type { AnalysedModel } from './compare';

export function analysedFromView(graph: ViewGraph, optimizer: Optimizer = 'adam'): AnalysedModel {
  const layerGroup: Record<string, string> = {};
  for (const n of graph.nodes) if (n.group !== null) layerGroup[n.name] = n.group;
  const t = graph.totals;
  const trainingBytes = t.weightBytes + t.trainableParams * 4 * (1 + OPTIMIZER_SLOTS[optimizer]) + t.activationBytes;
  return {
    spec: { name: graph.model, groups: graph.groups.map((g) => ({ id: g.id, label: g.label, parent: g.parent })), layerGroup },
    analysis: {
      model: graph.model, input: graph.input, batch: graph.batch, optimizer,
      totals: { ...t, trainingBytes },
      layers: graph.nodes.map((n) => n.stats),
      unsupported: graph.unsupported, unknown: [],
    },
    channelsFirst: graph.format === 'onnx',
  };
}
