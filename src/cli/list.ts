import { ZOO } from '../core/zoo';
import { analyzeModel } from '../core/analysis/analyze';
import { grouped, si } from '../core/text/format';
import { writeJson, writeOut } from './output';

export function listCommand(argv: string[]): void {
  const json = argv.includes('--json');
  const rows = ZOO.map((e) => {
    const a = analyzeModel(e.build().model);
    return { name: e.name, title: e.title, description: e.description, input: a.input, params: a.totals.params, macs: a.totals.macs };
  });
  if (json) { writeJson({ models: rows }); return; }
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    writeOut(`${r.name.padEnd(w)}  ${grouped(r.params).padStart(11)} params  ${si(r.macs).padStart(9)} MACs  ${r.description}\n`);
  }
}
