// Per-stage sums: each layer counts toward its outermost group (conv1..conv5, an inception stage,
// the head). Layers outside any group form "other". Each stage also says the spatial resolution it
// works at (where it does most of its MACs), which is what compare.ts lines stages up by across
// models of different families.
import type { LayerStats, ModelAnalysis } from '../analysis/analyze';
import { ModelSpec } from '../ir/types';
import { lookup } from '../safeLookup';

export interface StageSums {
  stage: string;
  label: string;
  /** Downsampling of the resolution the stage works at against the model input (1, 2, 4, ... 32); null for flat outputs (the head). */
  stride: number | null;
  /** That resolution, "56×56" (empty for the head). */
  size: string;
  layers: number;
  params: number;
  macs: number;
  flops: number;
  activationBytes: number;
}

/** What stageSums needs of a model: its name, blocks and which block each layer is in. */
export type StageSpec = Pick<ModelSpec, 'name' | 'groups' | 'layerGroup'> & {
  /** NCHW activations (ONNX graphs): the spatial dims are the last two. */
  channelsFirst?: boolean;
};

/** The output's spatial dims, or null for anything but a rank-4 activation. */
function spatial(shape: readonly (number | null)[], channelsFirst: boolean): [number, number] | null {
  if (shape.length !== 4) return null;
  const [h, w] = channelsFirst ? [shape[2], shape[3]] : [shape[1], shape[2]];
  return typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0 ? [h, w] : null;
}

/** Input height over output height, as the nearest power of two (299 -> 149 -> 73 reads 2, 4). */
export function strideOf(inputH: number, h: number): number {
  return 2 ** Math.max(0, Math.round(Math.log2(inputH / h)));
}

export function outermostGroup(spec: Pick<ModelSpec, 'groups' | 'layerGroup'>, layer: string): string | undefined {
  const parents = new Map(spec.groups.map((g) => [g.id, g.parent]));
  let g = lookup(spec.layerGroup, layer); // layer names come from files: never an inherited member
  while (g !== undefined && parents.get(g)) g = parents.get(g)!;
  return g;
}

export function stageSums(spec: StageSpec, analysis: Pick<ModelAnalysis, 'layers' | 'input'>): StageSums[] {
  const labels = new Map(spec.groups.map((g) => [g.id, g.label]));
  const byStage = new Map<string, StageSums>();
  const cf = spec.channelsFirst ?? false;
  const input = spatial(analysis.input, cf);
  // MACs per resolution inside each stage; the last layer's resolution for a stage without MACs.
  const work = new Map<string, Map<string, { macs: number; stride: number | null; size: string }>>();
  const last = new Map<string, { stride: number | null; size: string }>();
  const add = (stage: string, l: LayerStats): void => {
    const s = byStage.get(stage) ?? { stage, label: labels.get(stage) ?? stage, stride: null, size: '', layers: 0, params: 0, macs: 0, flops: 0, activationBytes: 0 };
    s.layers += 1;
    s.params += l.params;
    s.macs += l.macs;
    s.flops += l.flops;
    s.activationBytes += l.activationBytes;
    byStage.set(stage, s);
    const hw = spatial(l.outputShape, cf);
    const res = hw && input ? { stride: strideOf(input[0], hw[0]), size: `${hw[0]}×${hw[1]}` } : { stride: null, size: '' };
    const key = `${res.stride}`;
    const per = work.get(stage) ?? new Map();
    const w = per.get(key) ?? { ...res, macs: 0 };
    w.macs += l.macs;
    per.set(key, w);
    work.set(stage, per);
    last.set(stage, res);
  };
  for (const l of analysis.layers) {
    if (l.category === 'input') continue; // Keras InputLayer, ONNX graph input
    add(outermostGroup(spec, l.name) ?? 'other', l);
  }
  for (const s of byStage.values()) {
    let best = last.get(s.stage)!;
    let most = 0;
    for (const w of work.get(s.stage)!.values()) if (w.macs > most) { most = w.macs; best = w; }
    s.stride = best.stride;
    s.size = best.size;
  }
  return [...byStage.values()];
}
