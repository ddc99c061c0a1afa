// Side-by-side comparison of models: the analyses plus their stages aligned across models by what
// corresponds: the spatial resolution each stage works at (1/2, 1/4, ... of the input, then the
// head), never by position or name alone. A row keeps the models' own stage name when every model
// has that one stage there (conv1..conv5 of two ResNets); otherwise it is named by the resolution
// ("1/8 (28×28)") and holds each model's stages at it (VGG-16's block3 beside Xception's block2).
import { analyzeModel, AnalyzeOptions, ModelAnalysis } from '../analysis/analyze';
import { isModelGraph } from '../ir/graph';
import { ModelSpec } from '../ir/types';
import { StageSpec, StageSums, stageSums } from './stages';

/** A model with its analysis, from a spec (zoo, CLI) or from a view graph the model process sent (files in the editor). */
export interface AnalysedModel {
  spec: StageSpec;
  analysis: ModelAnalysis;
  /** NCHW activations (ONNX graphs). */
  channelsFirst?: boolean;
}

export interface ComparedModel extends AnalysedModel {
  stages: StageSums[];
}

export interface CompareRow {
  /** The shared stage id, or the resolution ("1/4", "head"). */
  id: string;
  label: string;
  stride: number | null;
  /** Per model (same order as models): its stage ids in this row, in model order; empty when it has none. */
  stages: string[][];
}

export interface Comparison {
  models: ComparedModel[];
  rows: CompareRow[];
  /** The row ids, top to bottom (what a revealStage message may name). */
  stageOrder: string[];
}

const resolutionId = (stride: number | null): string => (stride === null ? 'head' : `1/${stride}`);

export function compareAnalysed(list: AnalysedModel[]): Comparison {
  const models = list.map((m) => ({ ...m, stages: stageSums({ ...m.spec, channelsFirst: m.channelsFirst ?? m.spec.channelsFirst }, m.analysis) }));
  const strides = [...new Set(models.flatMap((m) => m.stages.map((s) => s.stride)))]
    .sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
  const rows: CompareRow[] = [];
  const used = new Set<string>();
  for (const stride of strides) {
    const stages = models.map((m) => m.stages.filter((s) => s.stride === stride).map((s) => s.stage));
    const present = stages.filter((s) => s.length > 0);
    const shared = present.length === models.length && present.every((s) => s.length === 1 && s[0] === present[0][0]) ? present[0][0] : undefined;
    let id = shared !== undefined && !used.has(shared) ? shared : resolutionId(stride);
    while (used.has(id)) id = `${id}'`;
    used.add(id);
    const at = models.map((m) => m.stages.find((s) => s.stride === stride)).find((s) => s);
    const label = id === shared ? at?.label ?? id : stride === null ? 'head' : `1/${stride} (${at?.size ?? ''})`;
    rows.push({ id, label, stride, stages });
  }
  return { models, rows, stageOrder: rows.map((r) => r.id) };
}

/** A spec analysed for comparison. */
export function analysedFromSpec(spec: ModelSpec, options: AnalyzeOptions = {}): AnalysedModel {
  return { spec, channelsFirst: isModelGraph(spec.model) && spec.model.layout === 'channels_first', analysis: analyzeModel(spec.model, options) };
}

export function compareModels(specs: ModelSpec[], options: AnalyzeOptions = {}): Comparison {
  return compareAnalysed(specs.map((spec) => analysedFromSpec(spec, options)));
}

/** A model's sum over its stages in a row (0 when it has none there). */
export function rowValue(c: Comparison, model: number, row: CompareRow, metric: 'macs' | 'params'): number {
  const ids = new Set(row.stages[model]);
  return c.models[model].stages.filter((s) => ids.has(s.stage)).reduce((a, s) => a + s[metric], 0);
}

/** The stage labels a model has in a row, for tooltips. */
export function rowStageLabels(c: Comparison, model: number, row: CompareRow): string {
  return row.stages[model].map((id) => c.models[model].stages.find((s) => s.stage === id)?.label ?? id).join(', ');
}
