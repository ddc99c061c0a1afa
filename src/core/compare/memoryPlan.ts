// The memory planner: inference and training memory against batch size, and the largest batch
// that fits a budget. Activations scale linearly with the batch and weights (with gradients and
// optimizer state) do not, so the curve is exactly W + b x A; tests check it against the analyser
// run at each batch.
import { analyzeModel, Optimizer, OPTIMIZER_SLOTS, Totals } from '../analysis/analyze';
import { KerasModel, NetLensError } from '../ir/types';
import { modelName, ModelGraph } from '../ir/graph';

export interface MemoryPoint {
  batch: number;
  inferenceBytes: number;
  trainingBytes: number;
}

export interface MemoryPlan {
  model: string;
  optimizer: Optimizer;
  /** Bytes that do not grow with the batch. */
  fixedInferenceBytes: number;
  fixedTrainingBytes: number;
  /** Bytes added per sample. */
  perSampleInferenceBytes: number;
  perSampleTrainingBytes: number;
  points: MemoryPoint[];
  budgetBytes: number | null;
  /** Largest batch within the budget (0 when not even one sample fits; null without a budget). */
  maxInferenceBatch: number | null;
  maxTrainingBatch: number | null;
}

/** Batch sizes plotted: powers of two from 1 to 512. */
export const PLAN_BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

export type PlanOptions = { optimizer?: Optimizer; budgetBytes?: number; batches?: number[] };

export function planMemory(model: KerasModel | ModelGraph, options: PlanOptions = {}): MemoryPlan {
  return planMemoryFromTotals(modelName(model), analyzeModel(model, { batch: 1, optimizer: options.optimizer ?? 'adam' }).totals, options);
}

/** The plan from a model's totals at batch 1 (a model file in the editor: the view graph's totals). */
export function planMemoryFromTotals(model: string, t: Pick<Totals, 'weightBytes' | 'trainableParams' | 'peakInferenceBytes' | 'activationBytes'>, options: PlanOptions = {}): MemoryPlan {
  const optimizer = options.optimizer ?? 'adam';
  const budget = options.budgetBytes ?? null;
  if (budget !== null && !(budget > 0)) throw new NetLensError(`the memory budget must be positive, got ${budget}`);
  const fixedInference = t.weightBytes;
  const fixedTraining = t.weightBytes + t.trainableParams * 4 * (1 + OPTIMIZER_SLOTS[optimizer]);
  const perInference = t.peakInferenceBytes - t.weightBytes;
  const perTraining = t.activationBytes;
  const fit = (fixed: number, per: number): number | null =>
    budget === null ? null : budget < fixed + per ? 0 : Math.floor((budget - fixed) / per);
  return {
    model,
    optimizer,
    fixedInferenceBytes: fixedInference,
    fixedTrainingBytes: fixedTraining,
    perSampleInferenceBytes: perInference,
    perSampleTrainingBytes: perTraining,
    points: (options.batches ?? PLAN_BATCHES).map((b) => ({
      batch: b, inferenceBytes: fixedInference + b * perInference, trainingBytes: fixedTraining + b * perTraining,
    })),
    budgetBytes: budget,
    maxInferenceBatch: fit(fixedInference, perInference),
    maxTrainingBatch: fit(fixedTraining, perTraining),
  };
}

/** "8GiB", "512 MiB", "16G", "1e9" -> bytes. */
export function parseBytes(text: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(text);
  if (!m) throw new NetLensError(`cannot read "${text}" as a size; write e.g. 8GiB, 512MiB or 16GB`);
  const power = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  const base = m[3] || !m[2] ? 1024 : 1000;
  return Math.round(Number(m[1]) * base ** power);
}
