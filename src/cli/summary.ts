import { analyzeModel, Optimizer, OPTIMIZER_SLOTS } from '../core/analysis/analyze';
import { IncompleteAnalysis, NetLensError } from '../core/ir/types';
import { loadModel } from '../core/io/loadModel';
import { summaryJson } from '../core/report/summaryJson';
import { summaryTable } from '../core/report/summaryTable';
import { parse, positiveIntOption, requireModelArg, shapeOption } from './common';
import { writeJson, writeOut } from './output';
import { hasOwn } from '../core/safeLookup';

export async function summaryCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    input: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' }, optimizer: { type: 'string' },
  });
  const optimizer = (values.optimizer ?? 'adam') as Optimizer;
  if (!hasOwn(OPTIMIZER_SLOTS, optimizer)) throw new NetLensError(`--optimizer must be one of ${Object.keys(OPTIMIZER_SLOTS).join(', ')}`);
  const spec = await loadModel(requireModelArg(positionals, 'summary'));
  const a = analyzeModel(spec.model, {
    batch: positiveIntOption('batch', values.batch, 1), inputShape: shapeOption(values.input), optimizer,
  });
  if (values.json) writeJson(summaryJson(a));
  else writeOut(`${summaryTable(a)}\n`);
  // The figures are printed, but they are incomplete: say so on stderr and exit non-zero.
  if (a.unsupported.length) {
    const list = a.unsupported.map((u) => `${u.name} (${u.className})`).join(', ');
    throw new IncompleteAnalysis(`${a.unsupported.length} unsupported layer class${a.unsupported.length > 1 ? 'es' : ''}, not counted: ${list}`);
  }
}
