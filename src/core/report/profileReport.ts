// Profile reports: the JSON contract, CSV (one row per layer, model order), Markdown (summary,
// layers sorted by time, predictions) and the CLI's plain-text table. Pure functions of a
// ProfileResult; no vscode, no tfjs.
import { batchText, memoryText } from './profileBatch';
import type { ProfileLayer, ProfileResult } from '../profile/result';
import { bytes, dims, maxLength, msText, si } from '../text/format';
import { csvCell, mdText } from '../text/escape';
import { fusionHeadline } from '../profile/fusedGroups';
import { rooflineMarkdown } from './rooflineReport';

const basename = (p: string): string => p.replace(/^.*[/\\]/, '');

export type ProfileFormat = 'json' | 'csv' | 'md';

/** The `profile --json` object, with the contract's keys first. */
export function profileJson(r: ProfileResult, pretty = false): string {
  return JSON.stringify(r, null, pretty ? 1 : undefined);
}

const ms = msText;

/** Whether a figure was measured: 'true' / 'false', empty when the engine does not say (tfjs). */
const measuredCell = (v: boolean | undefined): string => (v === undefined ? '' : String(v));

/**
 * One row per entry in model order. Past the first ten columns (kept as they were): `fusedWith`,
 * the layers that ran inside the entry's kernel separated by ";" (empty when none),
 * `measured_ms` / `measured_bytes` (the JSON's `measured`) and `untimed` (why there is no time).
 */
export function profileCsv(r: ProfileResult): string {
  const head = ['index', 'name', 'className', 'median_ms', 'min_ms', 'max_ms', 'share_of_sum', 'bytes', 'tensors', 'gflops',
    'fusedWith', 'measured_ms', 'measured_bytes', 'untimed'];
  const rows = r.layers.map((l, i) => [i, l.name, l.className, l.ms.median, l.ms.min, l.ms.max,
    r.sumLayerMs > 0 ? l.ms.median / r.sumLayerMs : 0, l.bytes, l.tensors, l.gflops,
    (l.fusedWith ?? []).join(';'), measuredCell(l.measured?.ms), measuredCell(l.measured?.bytes), l.untimed ?? '']);
  return `${[head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

/** Layers sorted by median time, slowest first (ties keep model order). */
export function byTime(layers: ProfileLayer[]): ProfileLayer[] {
  return layers.map((l, i) => ({ l, i })).sort((a, b) => b.l.ms.median - a.l.ms.median || a.i - b.i).map(({ l }) => l);
}

/** Says what the layer-sum ratio means: an overhead only when it is above 1. */
export function layerSumNote(ratio: number): string {
  if (ratio >= 1) return `timing layer by layer costs ${((ratio - 1) * 100).toFixed(1)}% more than a whole run`;
  return `the layers timed one by one add up to ${(ratio * 100).toFixed(1)}% of a whole run: a whole run does work between and around them`;
}

function summaryLines(r: ProfileResult): string[] {
  const e = r.endToEndMs;
  const lines = [
    `model ${r.model}, backend ${r.backendLabel ?? r.backend}, image ${basename(r.image)}` +
      `${r.input ? ` -> ${dims(r.input.slice(1), 'x')}` : ''}${r.preprocessing ? ` (${r.preprocessing} preprocessing)` : ''}, weights ${r.weights}`,
    `end to end: median ${ms(e.median)} ms (min ${ms(e.min)}, max ${ms(e.max)}) over ${r.runs} run${r.runs === 1 ? '' : 's'} after ${r.warmup} warm-up` +
      `${r.flops ? `; ${si(r.flops)}FLOPs at ${(r.gflops ?? 0).toFixed(1)} GFLOP/s` : ''}`,
    `sum of layer medians: ${ms(r.sumLayerMs)} ms = ${r.overhead.toFixed(3)} x end to end (${layerSumNote(r.overhead)})` +
      `${r.overheadMin ? `; minima: ${r.overheadMin.toFixed(3)} x` : ''}`,
    r.memory ? `peak memory: ${memoryText(r)}`
      : `peak memory during predict: ${bytes(r.peakBytes)}${r.engine === 'onnxruntime' ? (r.peakMeasured ? ' (ONNX Runtime arena peak + weights, measured)' : ' (computed by the analyser)') : ''}`,
    ...(r.batch !== undefined ? [`batch: ${batchText(r)}`] : []),
  ];
  // ONNX Runtime: what ran fused, and what has no time of its own (the table marks them).
  if (r.engine === 'onnxruntime') {
    const untimed = r.layers.filter((l) => l.untimed).length;
    lines.push(`${r.kernelCount ?? 0} kernels per run at "${r.optimization}" graph optimizations; ${r.fusedLayers ?? 0} layers ran fused into another entry's kernels ` +
      `(a "+N" after a layer name), ${untimed} without time of their own (reason in the JSON's "untimed")`);
  }
  return lines;
}

function predictionLines(r: ProfileResult): string[] {
  if (!r.predictions) return [`predictions: none (${r.predictionsNote ?? 'random weights: no trained weights were loaded'})`];
  return ['top-5 predictions:', ...r.predictions.map((p, i) => `  ${i + 1}. ${p.label}  ${(p.probability * 100).toFixed(2)}%`)];
}

/** The CLI table: summary, backend chain, the `top` slowest layers (0 = all), predictions. */
export function profileText(r: ProfileResult, top = 25): string {
  const sorted = byTime(r.layers);
  const shown = top > 0 ? sorted.slice(0, top) : sorted;
  const rows = shown.map((l) => [`${l.name}${l.fusedWith?.length ? ` +${l.fusedWith.length}` : ''}`, l.className, ms(l.ms.median), ms(l.ms.min), ms(l.ms.max),
    `${(r.sumLayerMs > 0 ? (100 * l.ms.median) / r.sumLayerMs : 0).toFixed(1)}%`, l.gflops.toFixed(2), bytes(l.bytes), String(l.tensors)]);
  const head = ['layer', 'class', 'median ms', 'min', 'max', 'share', 'GFLOP/s', 'allocated', 'tensors'];
  const widths = head.map((h, i) => maxLength(h, rows, i));
  const fmt = (row: string[]): string => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const chain = (r.backendSteps ?? []).map((s) => `${s.ok ? '+' : '-'} ${s.backend}: ${s.detail}`);
  return [
    ...summaryLines(r),
    ...(chain.length ? ['backend chain:', ...chain.map((c) => `  ${c}`)] : []),
    '',
    `${top > 0 && sorted.length > top ? `slowest ${top} of ${sorted.length} layers` : `all ${sorted.length} layers, slowest first`}:`,
    fmt(head),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...rows.map(fmt),
    '',
    ...predictionLines(r),
  ].join('\n');
}

/** A name from a file in a Markdown table: HTML-escaped, Markdown's own characters escaped (core/text/escape.ts). */
const mdCell = mdText;

export function profileMarkdown(r: ProfileResult): string {
  const sorted = byTime(r.layers);
  const lines = [
    `# Profile: ${mdText(r.model)}`,
    '',
    ...summaryLines(r).map((l) => `- ${mdText(l)}`),
    '',
  ];
  if (r.backendSteps?.length) {
    lines.push('## Backend chain', '', '| backend | ok | detail |', '| --- | --- | --- |',
      ...r.backendSteps.map((s) => `| ${mdCell(s.backend)} | ${s.ok ? 'yes' : 'no'} | ${mdCell(s.detail)} |`), '');
  }
  // "fused with": the layers that ran inside the entry's kernel; "measured": which figures the
  // engine measured (time, bytes), "computed" for bytes from the analyser, the reason when untimed.
  const measured = (l: ProfileLayer): string => {
    if (!l.measured) return '';
    const parts = [l.measured.ms ? 'time' : `no time${l.untimed ? ` (${l.untimed})` : ''}`, l.measured.bytes ? 'bytes' : 'bytes computed'];
    return parts.join(', ');
  };
  lines.push(`## ${fusionHeadline(r)}, slowest first`, '',
    '| # | layer | fused with | class | median ms | min ms | max ms | share | GFLOP/s | allocated | tensors | measured |',
    '| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  // One push per row: push(...rows) passes every row as an argument (a stack overflow past ~150k).
  sorted.forEach((l, i) => lines.push(`| ${i + 1} | ${mdCell(l.name)} | ${mdCell((l.fusedWith ?? []).join(', '))} | ${mdCell(l.className)} | ${ms(l.ms.median)} | ${ms(l.ms.min)} | ${ms(l.ms.max)} | ` +
      `${(r.sumLayerMs > 0 ? (100 * l.ms.median) / r.sumLayerMs : 0).toFixed(1)}% | ${l.gflops.toFixed(2)} | ${bytes(l.bytes)} | ${l.tensors} | ${mdCell(measured(l))} |`));
  lines.push('', ...rooflineMarkdown(r), '## Predictions', '');
  if (r.predictions) {
    lines.push('| # | class | probability |', '| ---: | --- | ---: |',
      ...r.predictions.map((p, i) => `| ${i + 1} | ${mdCell(p.label)} | ${(p.probability * 100).toFixed(2)}% |`));
  } else {
    lines.push(`None: ${mdText(r.predictionsNote ?? 'random weights')}.`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatFromPath(path: string): ProfileFormat | undefined {
  const m = /\.(json|csv|md|markdown)$/i.exec(path);
  if (!m) return undefined;
  const ext = m[1].toLowerCase();
  return ext === 'markdown' ? 'md' : (ext as ProfileFormat);
}

export function renderProfile(r: ProfileResult, format: ProfileFormat): string {
  if (format === 'json') return `${profileJson(r, true)}\n`;
  if (format === 'csv') return profileCsv(r);
  return profileMarkdown(r);
}
