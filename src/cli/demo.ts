// `npm start`: the main job without VS Code. Prints the ResNet-50 summary and writes exports to
// netlens-out/ (the JSON summary now; the graph issue adds the interactive HTML).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../core/analysis/analyze';
import { buildZooModel } from '../core/zoo';
import { summaryJson } from '../core/report/summaryJson';
import { summaryTable } from '../core/report/summaryTable';
import { demoGraphExport } from './graph';
import { writeOut } from './output';

/** Extra outputs (graph HTML, ...) register here: each writes into the out directory and returns the paths. */
export const DEMO_EXPORTS: ((model: string, outDir: string) => Promise<string[]> | string[])[] = [];
DEMO_EXPORTS.push(demoGraphExport); // the interactive graph page (netlens-out/<model>.graph.html)

export async function demoCommand(argv: string[]): Promise<void> {
  const model = argv[0] ?? 'resnet50';
  const outDir = 'netlens-out';
  const spec = buildZooModel(model);
  const a = analyzeModel(spec.model);
  writeOut(`${summaryTable(a)}\n\n`);
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, `${spec.name}.summary.json`);
  writeFileSync(jsonPath, `${JSON.stringify(summaryJson(a), null, 1)}\n`);
  const written = [jsonPath];
  for (const exp of DEMO_EXPORTS) written.push(...(await exp(model, outDir)));
  writeOut(`Wrote ${written.join(', ')}\n`);
}
