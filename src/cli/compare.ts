import { compareModels, Comparison, rowStageLabels, rowValue } from '../core/compare/compare';
import { COMPARE_PRESETS } from '../core/compare/presets';
import { NetLensError } from '../core/ir/types';
import { loadModel } from '../core/io/loadModel';
import { bytes, grouped, printable, si } from '../core/text/format';
import { summaryJson } from '../core/report/summaryJson';
import { parse, positiveIntOption } from './common';
import { writeJson, writeOut } from './output';

function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

export function comparisonText(c: Comparison): string {
  const totals = table(['model', 'layers', 'params', 'MACs', 'peak inference', 'training'], c.models.map((m) => [
    printable(m.spec.name), String(m.analysis.layers.length), grouped(m.analysis.totals.params), si(m.analysis.totals.macs),
    bytes(m.analysis.totals.peakInferenceBytes), bytes(m.analysis.totals.trainingBytes),
  ]));
  // Rows aligned by the resolution each stage works at (core/compare/compare.ts); a model's own
  // stage names follow its figure when the row is not one shared stage.
  const stages = table(['stage (MACs)', ...c.models.map((m) => printable(m.spec.name))], c.rows.map((row) => [
    printable(row.label), ...c.models.map((_, i) => {
      if (!row.stages[i].length) return '-';
      const names = rowStageLabels(c, i, row);
      return `${si(rowValue(c, i, row, 'macs'))}${names !== row.label ? ` (${printable(names.length > 40 ? `${names.slice(0, 39)}…` : names)})` : ''}`;
    }),
  ]));
  return `${totals}\n\n${stages}`;
}

export async function compareCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, preset: { type: 'string' }, batch: { type: 'string' } });
  let names = positionals;
  if (values.preset !== undefined) {
    const preset = COMPARE_PRESETS.find((p) => p.id === values.preset);
    if (!preset) throw new NetLensError(`unknown preset "${values.preset}"; presets: ${COMPARE_PRESETS.map((p) => p.id).join(', ')}`);
    names = [...preset.models, ...positionals];
  }
  if (names.length < 2) throw new NetLensError('usage: netlens compare <model> <model> [...] [--preset id] [--batch N] [--json]');
  const specs = await Promise.all(names.map((n) => loadModel(n)));
  const c = compareModels(specs, { batch: positiveIntOption('batch', values.batch, 1) });
  if (values.json) writeJson({ models: c.models.map((m) => summaryJson(m.analysis)) });
  else writeOut(`${comparisonText(c)}\n`);
}
