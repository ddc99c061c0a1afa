// The roofline's sections of the results page and the CLI: the chart (rooflineChart.ts), "where
// the time goes" (the slowest entries, their bound, their efficiency and the time saved if each
// reached its roof), the runs of the session, and the per-layer deltas against an earlier run
// (runDiff.ts). profileHtml.ts calls rooflineSectionsHtml; the CLI prints rooflineText/diffText.
import type { ProfileResult } from '../profile/result';
import { ridgePoint, timeSinks, totalSavedMs } from '../profile/roofline';
import { biggestChanges, DiffRow, RunDiff } from '../profile/runDiff';
import { msText } from '../text/format';
import { mdText } from '../text/escape';
import { esc } from './htmlPage';
import { rooflineChart } from './rooflineChart';

const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;
const basename = (p: string): string => p.replace(/^.*[/\\]/, '');

/** One run of the session as the page lists it. */
export interface SessionRun {
  /** When it finished (ISO). */
  at: string;
  result: ProfileResult;
}

export function runLabel(r: ProfileResult): string {
  const batch = r.batch;
  return `${r.backend}${r.threads ? `, ${r.threads} thr` : ''}${r.optimization && r.optimization !== 'none' ? `, ${r.optimization}` : ''}${batch && batch > 1 ? `, batch ${batch}` : ''}`;
}

export function timeSinksHtml(r: ProfileResult, top = 10): string {
  const sinks = timeSinks(r, top);
  if (!sinks.length) return '<p class="dim">No layer was timed.</p>';
  const rows = sinks.map(({ layer: l, share, savedMs }) => {
    const rl = l.roofline;
    return `<tr><td><a href="#" class="layer-link" data-layer="${esc(l.name)}">${esc(l.name)}</a>${l.fusedWith?.length ? ` <span class="dim">+${l.fusedWith.length}</span>` : ''}</td>` +
      `<td>${rl ? `<span class="rl-key rl-${rl.bound}"></span> ${rl.bound}` : `<span class="dim" title="${esc(l.rooflineSkipped ?? r.rooflineNote ?? '')}">n/a</span>`}</td>` +
      `<td>${msText(l.ms.median)}</td><td>${(100 * share).toFixed(1)}%</td><td>${rl ? rl.achievedGflops.toFixed(1) : ''}</td>` +
      `<td>${rl ? pct(rl.efficiency) : ''}</td><td>${rl ? msText(savedMs) : ''}</td></tr>`;
  }).join('');
  const saved = totalSavedMs(r);
  const note = r.machine
    ? `<p class="dim">If every layer ran at its roof the layers would take ${msText(Math.max(0, r.sumLayerMs - saved))} ms instead of ${msText(r.sumLayerMs)} ms ` +
      `(${msText(saved)} ms saved). A layer's roof is min(${r.machine.peakGflops.toFixed(0)} GFLOP/s, intensity × ${r.machine.bandwidthGBs.toFixed(1)} GB/s).</p>`
    : '';
  return `<div class="scroll"><table class="sinks"><thead><tr><th>layer</th><th>bound</th><th>ms</th><th>share</th><th>GFLOP/s</th><th title="achieved / attainable">of roof</th>` +
    `<th title="median time minus the time at the roof">saved ms</th></tr></thead><tbody>${rows}</tbody></table></div>${note}`;
}

/** Whether both runs ran the row's layers as the same entries (else the row joins differently fused runs). */
const sameEntries = (r: DiffRow): boolean => r.beforeEntries.length === r.afterEntries.length && r.beforeEntries.every((e, i) => e === r.afterEntries[i]);

/** When the runs differ in batch: times are per run, for the whole batch. */
function batchNote(d: RunDiff): string {
  const b0 = d.before.batch ?? 1;
  const b1 = d.after.batch ?? 1;
  return b0 === b1 ? '' : `batch ${b0} -> ${b1}: times are per run, for the whole batch (per image: divide by the batch)`;
}

function deltaCell(d: number, ratio?: number): string {
  const cls = d < 0 ? 'faster' : d > 0 ? 'slower' : '';
  return `<td class="${cls}">${d > 0 ? '+' : ''}${msText(d)}</td><td class="${cls}">${ratio === undefined ? '' : `${ratio.toFixed(2)}×`}</td>`;
}

export function runDiffHtml(d: RunDiff, top = 25): string {
  const rows = biggestChanges(d, top).map((r) => `<tr><td><a href="#" class="layer-link" data-layer="${esc(r.name)}">${esc(r.name)}</a>` +
    `${sameEntries(r) ? (r.layers.length > 1 ? ` <span class="dim">+${r.layers.length - 1}</span>` : '')
      : ` <span class="dim" title="${esc(`before: ${r.beforeEntries.join(', ')}; after: ${r.afterEntries.join(', ')}`)}">${r.beforeEntries.length} → ${r.afterEntries.length} entries</span>`}</td>` +
    `<td>${msText(r.beforeMs)}</td><td>${msText(r.afterMs)}</td>${deltaCell(r.deltaMs, r.ratio)}</tr>`).join('');
  const e = d.after.endToEndMs - d.before.endToEndMs;
  const head = `<p>Earlier: <b>${esc(d.before.model)}</b> on ${esc(d.before.backendLabel ?? d.before.backend)} (${esc(basename(d.before.image))}), ` +
    `end to end ${msText(d.before.endToEndMs)} ms; now ${msText(d.after.endToEndMs)} ms (<span class="${e < 0 ? 'faster' : e > 0 ? 'slower' : ''}">${e > 0 ? '+' : ''}${msText(e)} ms</span>). ` +
    `${d.rows.length} rows matched by layer name.${batchNote(d) ? ` ${esc(batchNote(d).replace('->', '→'))}.` : ''}</p>`;
  const only = (what: string, xs: string[]): string => (xs.length ? `<p class="dim">${what} (${xs.length}): ${esc(xs.slice(0, 40).join(', '))}${xs.length > 40 ? ', …' : ''}</p>` : '');
  return `${head}<div class="scroll"><table class="diff"><thead><tr><th>layer (largest changes first)</th><th>before ms</th><th>after ms</th><th>Δ ms</th><th>after/before</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></div>${only('Only in the earlier run', d.onlyBefore)}${only('Only in this run', d.onlyAfter)}`;
}

export function runsHtml(runs: SessionRun[], current: number): string {
  if (runs.length < 2) return '';
  const rows = runs.map((s, i) => `<tr><td>${i + 1}</td><td>${esc(s.at.slice(11, 19))} ${esc(runLabel(s.result))}${i === current ? ' <b>(shown)</b>' : ''}</td>` +
    `<td>${msText(s.result.endToEndMs.median)}</td><td>${i === current ? '' : `<button data-cmd="showRun" data-run="${i}">Show</button> <button data-cmd="compareRun" data-run="${i}">Compare with shown</button>`}</td></tr>`).join('');
  return `<h2>Runs this session</h2><table class="runs"><thead><tr><th>#</th><th>run</th><th>end to end ms</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The page's roofline part: chart, where the time goes, and (when given) the runs and the diff. */
export function rooflineSectionsHtml(r: ProfileResult, o: { diff?: RunDiff; runs?: SessionRun[]; current?: number } = {}): string {
  return [
    o.runs ? runsHtml(o.runs, o.current ?? o.runs.length - 1) : '',
    o.diff ? `<h2>Compared with an earlier run</h2>${runDiffHtml(o.diff)}` : '',
    '<h2>Roofline</h2>',
    rooflineChart(r),
    '<h2>Where the time goes</h2>',
    timeSinksHtml(r),
  ].join('\n');
}

/** CLI lines: the machine's roofs and where the time goes. */
export function rooflineText(r: ProfileResult, top = 10): string {
  const m = r.machine;
  if (!m) return `roofline: none (${r.rooflineNote ?? 'machine peaks were not measured'})`;
  const lines = [`roofline: peak ${m.peakGflops.toFixed(1)} GFLOP/s, ${m.bandwidthGBs.toFixed(1)} GB/s, ridge ${ridgePoint(m).toFixed(2)} FLOP/byte ` +
    `(${m.backend}, ${m.threads} threads, measured ${m.measuredAt.slice(0, 10)}${m.source === 'cached' ? ', cached' : ''})`,
  'where the time goes:'];
  const sinks = timeSinks(r, top);
  const rows = sinks.map(({ layer: l, share, savedMs }) => [l.name + (l.fusedWith?.length ? ` +${l.fusedWith.length}` : ''), l.roofline?.bound ?? 'n/a',
    msText(l.ms.median), `${(100 * share).toFixed(1)}%`, l.roofline ? l.roofline.intensity.toFixed(1) : '', l.roofline ? l.roofline.achievedGflops.toFixed(1) : '',
    l.roofline ? pct(l.roofline.efficiency) : '', l.roofline ? msText(savedMs) : '']);
  const reasons = sinks.map(({ layer: l }) => (l.roofline ? '' : `  (${l.rooflineSkipped ?? r.rooflineNote ?? 'no roofline'})`));
  const head = ['layer', 'bound', 'ms', 'share', 'FLOP/B', 'GFLOP/s', 'of roof', 'saved ms'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const fmt = (row: string[]): string => `  ${row.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')}`;
  const saved = totalSavedMs(r);
  return [...lines, fmt(head), ...rows.map((row, i) => fmt(row) + reasons[i]), `  at their roofs the layers would take ${msText(Math.max(0, r.sumLayerMs - saved))} ms instead of ${msText(r.sumLayerMs)} ms`].join('\n');
}

export function diffText(d: RunDiff, top = 25): string {
  const rows = biggestChanges(d, top).map((r) => [r.name + (sameEntries(r) ? (r.layers.length > 1 ? ` +${r.layers.length - 1}` : '') : ` (${r.beforeEntries.length} -> ${r.afterEntries.length} entries)`), msText(r.beforeMs), msText(r.afterMs),
    `${r.deltaMs > 0 ? '+' : ''}${msText(r.deltaMs)}`, r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`]);
  const head = ['layer', 'before ms', 'after ms', 'delta ms', 'after/before'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const fmt = (row: string[]): string => `  ${row.map((c, i) => (i < 1 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')}`;
  const list = (what: string, xs: string[]): string[] => (xs.length ? [`${what} (${xs.length}): ${xs.slice(0, 40).join(', ')}${xs.length > 40 ? ', ...' : ''}`] : []);
  return [
    `compared with ${d.before.model} on ${d.before.backendLabel ?? d.before.backend}: end to end ${msText(d.before.endToEndMs)} -> ${msText(d.after.endToEndMs)} ms; ` +
      `${d.rows.length} rows matched by layer name${batchNote(d) ? ` (${batchNote(d)})` : ''}; largest changes:`,
    fmt(head), ...rows.map(fmt),
    ...list('only in the earlier run', d.onlyBefore), ...list('only in this run', d.onlyAfter),
  ].join('\n');
}

/** The Markdown export's roofline section: the roofs, where the time goes, the deltas when compared. */
export function rooflineMarkdown(r: ProfileResult, top = 10): string[] {
  const m = r.machine;
  const lines = ['## Roofline', ''];
  if (!m) return [...lines, `None: ${mdText(r.rooflineNote ?? 'machine peaks were not measured')}.`, ''];
  lines.push(`Peak ${m.peakGflops.toFixed(1)} GFLOP/s, bandwidth ${m.bandwidthGBs.toFixed(1)} GB/s, ridge ${ridgePoint(m).toFixed(2)} FLOP/byte ` +
    `(${mdText(m.backend)}, ${m.threads} threads, measured ${m.measuredAt.slice(0, 10)}${m.cpu ? `, ${mdText(m.cpu)}` : ''}).`, '',
  '| layer | bound | ms | share | FLOP/byte | GFLOP/s | of roof | saved at roof, ms |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { layer: l, share, savedMs } of timeSinks(r, top)) {
    const x = l.roofline;
    lines.push(`| ${mdText(l.name)}${l.fusedWith?.length ? ` +${l.fusedWith.length}` : ''} | ${x ? x.bound : `none (${mdText(l.rooflineSkipped ?? '')})`} | ${msText(l.ms.median)} | ` +
      `${(100 * share).toFixed(1)}% | ${x ? x.intensity.toFixed(2) : ''} | ${x ? x.achievedGflops.toFixed(1) : ''} | ${x ? pct(x.efficiency) : ''} | ${x ? msText(savedMs) : ''} |`);
  }
  const saved = totalSavedMs(r);
  lines.push('', `At their roofs the layers would take ${msText(Math.max(0, r.sumLayerMs - saved))} ms instead of ${msText(r.sumLayerMs)} ms.`, '');
  if (r.comparedTo) {
    const d = r.comparedTo;
    lines.push('## Compared with an earlier run', '', `${mdText(d.before.model)} on ${mdText(d.before.backendLabel ?? d.before.backend)}: end to end ${msText(d.before.endToEndMs)} -> ${msText(d.after.endToEndMs)} ms.`, '',
      '| layer | before ms | after ms | delta ms | after/before |', '| --- | ---: | ---: | ---: | ---: |',
      ...biggestChanges(d, 25).map((x) => `| ${mdText(x.name)} | ${msText(x.beforeMs)} | ${msText(x.afterMs)} | ${x.deltaMs > 0 ? '+' : ''}${msText(x.deltaMs)} | ${x.ratio === undefined ? '' : `${x.ratio.toFixed(2)}x`} |`), '');
    if (d.onlyBefore.length) lines.push(`Only in the earlier run: ${mdText(d.onlyBefore.join(', '))}`, '');
    if (d.onlyAfter.length) lines.push(`Only in this run: ${mdText(d.onlyAfter.join(', '))}`, '');
  }
  return lines;
}
