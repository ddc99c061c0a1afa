// Side-by-side comparison of models: the analyses plus stages aligned by name across models.
import { analyzeModel, AnalyzeOptions, ModelAnalysis } from '../analysis/analyze';
import { ModelSpec } from '../ir/types';
import { StageSums, stageSums } from './stages';

export interface ComparedModel {
  spec: ModelSpec;
  analysis: ModelAnalysis;
  stages: StageSums[];
}

export interface Comparison {
  models: ComparedModel[];
  /** Union of stage ids in first-seen order, so bars line up across models. */
  stageOrder: string[];
}

export function compareModels(specs: ModelSpec[], options: AnalyzeOptions = {}): Comparison {
  const models = specs.map((spec) => {
    const analysis = analyzeModel(spec.model, options);
    return { spec, analysis, stages: stageSums(spec, analysis) };
  });
  const stageOrder: string[] = [];
  for (const m of models) for (const s of m.stages) if (!stageOrder.includes(s.stage)) stageOrder.push(s.stage);
  return { models, stageOrder };
}
