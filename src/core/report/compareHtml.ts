// The Compare page (a VS Code webview): totals table, per-stage bars for MACs and params aligned
// across models, the preset's story, and the memory planner (inference and training memory
// against batch size, the largest batch within a budget). Pure string building with escaping, like
// profileHtml.ts; the page's script is webview/pages/comparePage.ts and its messages are in
// src/protocol/compare.ts. Numbers shown come straight from compareModels / planMemory; each cell
// and bar carries the raw figure in data-v.
import type { Optimizer } from '../analysis/analyze';
import { rowStageLabels, rowValue } from '../compare/compare';
import type { Comparison, CompareRow } from '../compare/compare';
import type { MemoryPlan } from '../compare/memoryPlan';
import type { CompareState } from '../compare/presets';
import { PLAN_BATCHES } from '../compare/memoryPlan';
import { bytes, grouped, si } from '../text/format';
import { esc, nonceParts, pageScript, PageScript } from './htmlPage';

const short = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Series colours, theme-aware with fallbacks outside VS Code (model i gets colour i mod 6). */
export const SERIES = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];
const FALLBACK = ['#3b82f6', '#f59e0b', '#10b981', '#8b5cf6', '#ef4444', '#eab308'];

export interface CompareView {
  comparison: Comparison;
  /** One plan per model, in the comparison's order, at the current budget and optimizer. */
  plans: MemoryPlan[];
  title: string;
  story?: string;
  batch: number;
  optimizer: Optimizer;
  budgetText: string;
  /** One line shown under the budget input when it could not be read. */
  budgetError?: string;
}

export type StageMetric = 'macs' | 'params';

/**
 * Grouped horizontal bars, one group per aligned row (c.rows: a shared stage, or a resolution
 * holding each model's stages at it), one bar per model. Clicking a group reveals the stage.
 */
export function stageBars(c: Comparison, metric: StageMetric): string {
  const labelW = 110;
  const chartW = 400;
  const barH = 12;
  const n = c.models.length;
  const groupH = n * barH + 10;
  const value = (mi: number, row: CompareRow): number => rowValue(c, mi, row, metric);
  // A reduce, not Math.max(...values): one argument per value overflows the stack on huge inputs.
  const max = c.rows.flatMap((row) => c.models.map((_, i) => value(i, row))).reduce((a, v) => Math.max(a, v), 1);
  const fmt = (v: number): string => si(v, 1);
  const groups = c.rows.map((row, gi) => {
    const y0 = gi * groupH + 4;
    const bars = c.models.map((m, i) => {
      const v = value(i, row);
      const y = y0 + i * barH;
      const w = v > 0 ? Math.max(1, (v / max) * chartW) : 0;
      const stages = rowStageLabels(c, i, row);
      return `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" class="s${i % SERIES.length}" data-model="${esc(m.spec.name)}" data-v="${v}">` +
        `<title>${esc(m.spec.name)} · ${esc(stages || 'no stage at this resolution')}: ${grouped(v)} ${metric === 'macs' ? 'MACs' : 'params'}</title></rect>` +
        `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 3}" class="val">${v > 0 ? `${fmt(v)}${stages && stages !== row.label ? ` · ${esc(short(stages, 28))}` : ''}` : '-'}</text>`;
    }).join('');
    return `<g class="stage" data-stage="${esc(row.id)}" tabindex="0" role="button" aria-label="reveal ${esc(row.label)} in the graphs">` +
      `<title>${esc(row.label)}</title><rect x="0" y="${y0 - 3}" width="${labelW + chartW + 110}" height="${groupH - 4}" class="hit"/>` +
      `<text x="${labelW - 8}" y="${y0 + (n * barH) / 2 + 3}" text-anchor="end" class="lbl">${esc(short(row.label, 16))}</text>${bars}</g>`;
  }).join('');
  const w = labelW + chartW + 110;
  const h = c.rows.length * groupH + 4;
  return `<svg class="chart bars" data-metric="${metric}" role="img" aria-label="${metric} per stage" width="100%" viewBox="0 0 ${w} ${h}">${groups}</svg>`;
}

function legend(c: Comparison): string {
  return `<div class="legend">${c.models.map((m, i) => `<span><i class="sw s${i % SERIES.length}"></i>${esc(m.spec.name)}</span>`).join('')}</div>`;
}

/** Log2 x (batch 1..512), log y (bytes): inference dashed, training solid, the budget as a horizontal line. */
export function memoryPlot(plans: MemoryPlan[]): string {
  const left = 70, top = 10, plotW = 460, plotH = 220, bottom = 34, right = 20;
  const batches = PLAN_BATCHES;
  const all = plans.flatMap((p) => p.points.flatMap((q) => [q.inferenceBytes, q.trainingBytes]));
  const budget = plans[0]?.budgetBytes ?? null;
  if (budget !== null) all.push(budget);
  const lo = Math.floor(Math.log2(Math.max(1, all.reduce((a, v) => Math.min(a, v), Infinity))));
  const hi = Math.ceil(Math.log2(all.reduce((a, v) => Math.max(a, v), 2)));
  const span = Math.max(1, hi - lo);
  const x = (b: number): number => left + (Math.log2(b) / Math.log2(batches[batches.length - 1])) * plotW;
  const y = (v: number): number => top + plotH - ((Math.log2(Math.max(1, v)) - lo) / span) * plotH;
  const step = Math.max(1, Math.ceil(span / 6));
  const yTicks: string[] = [];
  for (let k = lo; k <= hi; k += step) {
    const yy = y(2 ** k).toFixed(1);
    yTicks.push(`<line x1="${left}" x2="${left + plotW}" y1="${yy}" y2="${yy}" class="grid"/><text x="${left - 6}" y="${(Number(yy) + 4).toFixed(1)}" text-anchor="end" class="val">${bytes(2 ** k)}</text>`);
  }
  const xTicks = batches.map((b) => `<line x1="${x(b).toFixed(1)}" x2="${x(b).toFixed(1)}" y1="${top}" y2="${top + plotH}" class="grid"/>` +
    `<text x="${x(b).toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle" class="val">${b}</text>`).join('');
  const path = (p: MemoryPlan, key: 'inferenceBytes' | 'trainingBytes'): string =>
    p.points.map((q, i) => `${i ? 'L' : 'M'}${x(q.batch).toFixed(1)},${y(q[key]).toFixed(1)}`).join(' ');
  const lines = plans.map((p, i) =>
    `<path d="${path(p, 'trainingBytes')}" class="line s${i % SERIES.length}"><title>${esc(p.model)}: training (${p.optimizer})</title></path>` +
    `<path d="${path(p, 'inferenceBytes')}" class="line dash s${i % SERIES.length}"><title>${esc(p.model)}: inference</title></path>`).join('');
  const budgetLine = budget !== null
    ? `<line x1="${left}" x2="${left + plotW}" y1="${y(budget).toFixed(1)}" y2="${y(budget).toFixed(1)}" class="budget"/>` +
      `<text x="${left + 6}" y="${(y(budget) - 4).toFixed(1)}" class="val">budget ${bytes(budget)}</text>`
    : '';
  const w = left + plotW + right;
  const h = top + plotH + bottom;
  return `<svg class="chart plot" role="img" aria-label="memory against batch size" width="100%" viewBox="0 0 ${w} ${h}">` +
    `${yTicks.join('')}${xTicks}<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" class="frame"/>${lines}${budgetLine}` +
    `<text x="${left + plotW / 2}" y="${h - 4}" text-anchor="middle" class="val">batch size</text></svg>`;
}

/** The totals table (rebuilt by the host when the batch changes). */
export function totalsTable(v: CompareView): string {
  const cell = (n: number, text: string): string => `<td data-v="${n}">${text}</td>`;
  const rows = v.comparison.models.map((m, i) => {
    const t = m.analysis.totals;
    return `<tr data-model="${esc(m.spec.name)}"><td><i class="sw s${i % SERIES.length}"></i>${esc(m.spec.name)}</td>` +
      cell(t.params, grouped(t.params)) + cell(t.trainableParams, grouped(t.trainableParams)) +
      cell(t.macs, `${si(t.macs)}`) + cell(t.flops, `${si(t.flops)}`) +
      cell(t.peakInferenceBytes, bytes(t.peakInferenceBytes)) + cell(t.trainingBytes, bytes(t.trainingBytes)) +
      cell(m.analysis.layers.length, String(m.analysis.layers.length)) + '</tr>';
  }).join('');
  const unsupported = v.comparison.models.filter((m) => m.analysis.unsupported.length)
    .map((m) => `<p class="error">${esc(m.spec.name)}: unsupported layers not counted: ${m.analysis.unsupported.map((u) => `${esc(u.name)} (${esc(u.className)})`).join(', ')}</p>`).join('');
  return `<div class="scroll"><table class="totals"><thead><tr><th>model</th><th>params</th><th>trainable</th><th>MACs / sample</th><th>FLOPs / sample</th>` +
    `<th>peak inference</th><th>training (${v.optimizer})</th><th>layers</th></tr></thead><tbody>${rows}</tbody></table></div>${unsupported}`;
}

/** The planner's results (rebuilt by the host when the budget or optimizer changes). */
export function memoryResults(v: CompareView): string {
  const rows = v.plans.map((p, i) => `<tr data-model="${esc(p.model)}"><td><i class="sw s${i % SERIES.length}"></i>${esc(p.model)}</td>` +
    `<td data-v="${p.maxInferenceBatch ?? ''}">${p.maxInferenceBatch === null ? '-' : grouped(p.maxInferenceBatch)}</td>` +
    `<td data-v="${p.maxTrainingBatch ?? ''}">${p.maxTrainingBatch === null ? '-' : grouped(p.maxTrainingBatch)}</td>` +
    `<td>${bytes(p.fixedTrainingBytes)} + ${bytes(p.perSampleTrainingBytes)} × batch</td></tr>`).join('');
  const budget = v.plans[0]?.budgetBytes;
  return `${memoryPlot(v.plans)}<div class="legend dim">solid: training (${v.optimizer}: weights, gradients, optimizer state, every activation) · dashed: inference (weights + peak live activations)</div>` +
    `<div class="scroll"><table class="totals"><thead><tr><th>model</th><th>largest inference batch</th><th>largest training batch</th><th>training memory</th></tr></thead><tbody>${rows}</tbody></table></div>` +
    (budget ? `<p class="dim">Largest batch that fits ${bytes(budget)}; 0 means not even one sample fits.</p>` : '');
}

export interface CompareHtmlOptions {
  nonce?: string;
  /** Show the buttons that post to a VS Code host. */
  hostButtons?: boolean;
  /** dist/comparePage.js (webview/pages/comparePage.ts), by URI or inlined. */
  script?: PageScript;
  /** What the page keeps as its webview state (restoring the panel after a reload). */
  state?: CompareState;
}

export function compareHtml(v: CompareView, o: CompareHtmlOptions = {}): string {
  const { n, csp } = nonceParts(o.nonce);
  const c = v.comparison;
  const swatches = SERIES.map((s, i) => {
    const c = `var(--vscode-charts-${s},${FALLBACK[i]})`;
    return `.s${i}{fill:${c};stroke:${c}}i.sw.s${i}{background:${c}}`;
  }).join('');
  const opt = (o2: Optimizer): string => `<option value="${o2}"${o2 === v.optimizer ? ' selected' : ''}>${o2}</option>`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">${csp}<title>Compare: ${esc(v.title)}</title>
<style${n}>
body{font-family:var(--vscode-font-family,system-ui,sans-serif);font-size:var(--vscode-font-size,13px);color:var(--vscode-foreground,#222);background:var(--vscode-editor-background,#fff);padding:0 16px 24px}
h1{font-size:1.4em;margin:14px 0 6px}h2{font-size:1.1em;margin:20px 0 6px}
.dim{opacity:.7}.story{font-style:italic;max-width:60em}
.error{color:var(--vscode-errorForeground,#c00)}
table.totals{border-collapse:collapse;margin-top:6px}table.totals th,table.totals td{padding:2px 10px;text-align:right;border-bottom:1px solid var(--vscode-panel-border,#ddd)}
table.totals th:first-child,table.totals td:first-child{text-align:left;white-space:nowrap}
.scroll{overflow-x:auto}
i.sw{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
.legend{margin:4px 0}.legend span{margin-right:14px;white-space:nowrap}
.chart.bars{max-width:620px}.chart.plot{max-width:550px}
.chart text{fill:var(--vscode-foreground,#222);font-size:11px;stroke:none}.chart .val{opacity:.75}
.chart .hit{fill:transparent}.chart g.stage{cursor:pointer}.chart g.stage:hover .hit,.chart g.stage:focus .hit{fill:var(--vscode-list-hoverBackground,rgba(128,128,128,.15))}
.chart g.stage:focus{outline:none}
.chart rect[data-v]{stroke:none}
.chart .grid{stroke:var(--vscode-panel-border,#ddd);stroke-width:.5}.chart .frame{fill:none;stroke:var(--vscode-panel-border,#bbb)}
.chart .line{fill:none;stroke-width:2}.chart .dash{stroke-dasharray:5 4;stroke-width:1.5}
.chart .budget{stroke:var(--vscode-errorForeground,#c00);stroke-dasharray:2 3;stroke-width:1.5}
${swatches}
.two{display:flex;flex-wrap:wrap;gap:8px 32px}.two>div{flex:1 1 420px;min-width:300px}
.controls{margin:8px 0;display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center}
input,select{color:var(--vscode-input-foreground);background:var(--vscode-input-background,#fff);border:1px solid var(--vscode-input-border,#ccc);padding:3px 5px;font:inherit}
input.bad{border-color:var(--vscode-inputValidation-errorBorder,#c00)}
button{color:var(--vscode-button-foreground,#fff);background:var(--vscode-button-background,#0e639c);border:none;padding:4px 10px;cursor:pointer;font:inherit}
button:hover{background:var(--vscode-button-hoverBackground,#1177bb)}
</style></head><body${o.state ? ` data-state="${esc(JSON.stringify(o.state))}"` : ''}>
<h1>Compare: ${esc(v.title)}</h1>
${v.story ? `<p class="story">${esc(v.story)}</p>` : ''}
${o.hostButtons ? '<div class="controls"><button id="open-graphs">Open graphs side by side</button><span class="dim">Click a stage in the bars to reveal it in every open graph.</span></div>' : ''}
<h2>Totals</h2>
<div class="controls"><label>batch size <input id="batch" type="number" min="1" max="4096" step="1" value="${v.batch}" size="6"></label><span class="dim">memory at this batch, float32; MACs and FLOPs per sample</span></div>
<div id="totals">${totalsTable(v)}</div>
<h2>Per stage</h2>
${legend(c)}
<div class="two"><div><h3>MACs</h3>${stageBars(c, 'macs')}</div><div><h3>Parameters</h3>${stageBars(c, 'params')}</div></div>
<h2>Memory planner</h2>
<div class="controls"><label>budget <input id="budget" type="text" value="${esc(v.budgetText)}" size="10" placeholder="8GiB"${v.budgetError ? ' class="bad"' : ''}></label>
<label>optimizer <select id="optimizer">${opt('sgd')}${opt('momentum')}${opt('adam')}</select></label>
<span id="budget-error" class="error" role="alert">${v.budgetError ? esc(v.budgetError) : ''}</span></div>
<div id="memory">${memoryResults(v)}</div>
${pageScript(n, o.script)}
</body></html>`;
}
