import { Optimizer, OPTIMIZER_SLOTS } from '../core/analysis/analyze';
import { parseBytes, planMemory } from '../core/compare/memoryPlan';
import { NetLensError } from '../core/ir/types';
import { loadModel } from '../core/io/loadModel';
import { bytes } from '../core/text/format';
import { parse, requireModelArg } from './common';
import { writeJson, writeOut } from './output';
import { hasOwn } from '../core/safeLookup';

export async function memoryCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, budget: { type: 'string' }, optimizer: { type: 'string' } });
  const optimizer = (values.optimizer ?? 'adam') as Optimizer;
  if (!hasOwn(OPTIMIZER_SLOTS, optimizer)) throw new NetLensError(`--optimizer must be one of ${Object.keys(OPTIMIZER_SLOTS).join(', ')}`);
  const spec = await loadModel(requireModelArg(positionals, 'memory'));
  const plan = planMemory(spec.model, {
    optimizer, budgetBytes: typeof values.budget === 'string' ? parseBytes(values.budget) : undefined,
  });
  if (values.json) { writeJson(plan); return; }
  const lines = [`${plan.model}: memory against batch size (float32; training with ${optimizer})`, 'batch   inference    training'];
  for (const p of plan.points) lines.push(`${String(p.batch).padStart(5)}  ${bytes(p.inferenceBytes).padStart(10)}  ${bytes(p.trainingBytes).padStart(10)}`);
  if (plan.budgetBytes !== null) {
    lines.push(`Largest batch within ${bytes(plan.budgetBytes)}: inference ${plan.maxInferenceBatch}, training ${plan.maxTrainingBatch}`);
  }
  writeOut(`${lines.join('\n')}\n`);
}
