import { analyzeModel, ModelAnalysis, Optimizer, OPTIMIZER_SLOTS } from '../core/analysis/analyze';
import { IncompleteAnalysis, NetLensError } from '../core/ir/types';
import { loadModel } from '../core/io/loadModel';
import { summaryJson } from '../core/report/summaryJson';
import { summaryTable } from '../core/report/summaryTable';
import { dimOptions, parse, positiveIntOption, requireModelArg, shapeOption } from './common';
import { writeJson, writeOut } from './output';
import { hasOwn } from '../core/safeLookup';

export async function summaryCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    input: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' }, optimizer: { type: 'string' },
    dim: { type: 'string', multiple: true },
  });
  const optimizer = (values.optimizer ?? 'adam') as Optimizer;
  if (!hasOwn(OPTIMIZER_SLOTS, optimizer)) throw new NetLensError(`--optimizer must be one of ${Object.keys(OPTIMIZER_SLOTS).join(', ')}`);
  const spec = await loadModel(requireModelArg(positionals, 'summary'));
  const a = analyzeModel(spec.model, {
    batch: positiveIntOption('batch', values.batch, 1), inputShape: shapeOption(values.input), optimizer,
    dims: dimOptions(values.dim),
  });
  if (values.json) writeJson(summaryJson(a));
  else writeOut(`${summaryTable(a)}\n`);
  // The figures are printed, but they are incomplete: say so on stderr and exit non-zero.
  const incomplete = incompleteMessage(a);
  if (incomplete) throw new IncompleteAnalysis(incomplete);
}

/** Layers NetLens could not count (unsupported ops, sizes that depend on data), named; '' when none. */
export function incompleteMessage(a: ModelAnalysis): string {
  const parts: string[] = [];
  if (a.unsupported.length) {
    const list = a.unsupported.map((u) => `${u.name} (${u.className})`).join(', ');
    parts.push(`${a.unsupported.length} unsupported layer class${a.unsupported.length > 1 ? 'es' : ''}, not counted: ${list}`);
  }
  if (a.unknown.length) {
    const shown = a.unknown.slice(0, 8).map((u) => `${u.name} (${u.className})`).join(', ');
    const more = a.unknown.length > 8 ? ` and ${a.unknown.length - 8} more` : '';
    parts.push(`${a.unknown.length} layer${a.unknown.length > 1 ? 's' : ''} whose sizes depend on data, not counted: ${shown}${more} (first cause: ${a.unknown[0].reason})`);
  }
  return parts.join('; ');
}
