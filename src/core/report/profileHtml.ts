// The profile results page (a VS Code webview, or a standalone HTML file): summary, backend chain,
// a bar chart of the slowest layers with min-max whiskers, and a sortable table of every layer.
// Pure string building; the page's script (webview/pages/profilePage.ts) sorts the table and posts
// export requests to the host (messages in src/protocol/profile.ts).
import type { ProfileResult } from '../profile/result';
import { bytes, dims, msText, si } from '../text/format';
import { byTime, layerSumNote } from './profileReport';
import { fusedLabel, fusionHeadline } from '../profile/fusedGroups';
import { esc, nonceParts, pageScript, PageScript } from './htmlPage';
import { batchText, memoryText } from './profileBatch';
import { ROOFLINE_CSS } from './rooflineChart';
import { rooflineSectionsHtml, SessionRun } from './rooflineReport';
import type { RunDiff } from '../profile/runDiff';

const ms = msText;

/**
 * SVG bar chart of the `top` slowest layers: bar = median, whisker = min..max. `compact`: the
 * variant a narrow panel shows (a viewBox about as wide as a 500 px panel, so its 11 px text
 * stays 11 px on screen instead of scaling down to 7; shorter labels).
 */
export function profileBarChart(r: ProfileResult, top = 15, compact = false): string {
  const rows = byTime(r.layers).slice(0, top);
  if (rows.length === 0) return '<p>No layers were timed.</p>';
  const labelW = compact ? 140 : 210;
  const chartW = compact ? 190 : 420;
  const maxLabel = compact ? 20 : 30;
  const rowH = 20;
  const max = Math.max(...rows.map((l) => l.ms.max), 1e-9);
  const x = (v: number): number => labelW + (v / max) * chartW;
  const h = rows.length * rowH + 24;
  const bars = rows.map((l, i) => {
    const y = i * rowH + 4;
    const share = r.sumLayerMs > 0 ? (100 * l.ms.median) / r.sumLayerMs : 0;
    const label = l.fusedWith?.length ? `${l.name} +${l.fusedWith.length}` : l.name;
    return `<g><title>${esc(fusedLabel(l))} (${esc(l.className)}): median ${ms(l.ms.median)} ms, min ${ms(l.ms.min)}, max ${ms(l.ms.max)}; ${share.toFixed(1)}% of the layer sum</title>` +
      `<text x="${labelW - 6}" y="${y + 13}" text-anchor="end" class="lbl">${esc(label.length > maxLabel ? `${label.slice(0, maxLabel - 1)}…` : label)}</text>` +
      `<rect x="${labelW}" y="${y + 2}" width="${Math.max(1, x(l.ms.median) - labelW).toFixed(1)}" height="${rowH - 6}" class="bar"/>` +
      `<line x1="${x(l.ms.min).toFixed(1)}" x2="${x(l.ms.max).toFixed(1)}" y1="${y + rowH / 2 - 1}" y2="${y + rowH / 2 - 1}" class="whisker"/>` +
      `<text x="${(x(l.ms.max) + 4).toFixed(1)}" y="${y + 13}" class="val">${ms(l.ms.median)} ms · ${share.toFixed(1)}%</text></g>`;
  }).join('');
  const axis = `<text x="${labelW}" y="${h - 4}" class="val">0 ms</text>` +
    `<text x="${labelW + chartW / 2}" y="${h - 4}" text-anchor="middle" class="val">${compact ? 'median ms, whisker min-max' : 'median time per layer (ms), whisker min to max'}</text>` +
    `<text x="${labelW + chartW}" y="${h - 4}" text-anchor="end" class="val">${ms(max)} ms</text>`;
  // Scales down with a narrow panel (a profile opened beside the graph) instead of being clipped.
  const w = labelW + chartW + (compact ? 110 : 130);
  return `<svg class="chart${compact ? ' compact' : ' wide'}" role="img" aria-label="slowest layers" width="100%" viewBox="0 0 ${w} ${h}">${bars}${axis}</svg>`;
}

/** What the ratio of the per-layer sum to a whole run says: above 1 it is the cost of timing layer by layer. */

export interface ProfileHtmlOptions {
  /** Content-Security-Policy nonce for the inline script and style (webviews need one). */
  nonce?: string;
  cspSource?: string;
  /** Show the export/overlay buttons (they post messages to a VS Code host). */
  hostButtons?: boolean;
  /** With hostButtons: a button to choose the preprocessing again (model files; zoo models keep their family's). */
  preprocessingButton?: boolean;
  /** dist/profilePage.js (webview/pages/profilePage.ts: buttons and table sorting), by URI or inlined. */
  script?: PageScript;
  /** The roofline part (rooflineReport.ts): an earlier run's per-layer deltas, and the session's runs with the one shown. */
  diff?: RunDiff;
  runs?: SessionRun[];
  currentRun?: number;
}

export function profileHtml(r: ProfileResult, o: ProfileHtmlOptions = {}): string {
  const { n, csp } = nonceParts(o.nonce);
  const e = r.endToEndMs;
  const sorted = byTime(r.layers);
  const order = new Map(r.layers.map((l, i) => [l, i]));
  const rows = sorted.map((l) => {
    const share = r.sumLayerMs > 0 ? (100 * l.ms.median) / r.sumLayerMs : 0;
    // A fused run reads as what ran: its kernel's layer, then the layers fused into it.
    const fused = l.fusedWith?.length ? ` class="fused" title="${esc(`one kernel: ${fusedLabel(l)}`)}"` : '';
    const untimed = l.untimed ? ` <span class="dim">(${esc(l.untimed)})</span>` : '';
    return `<tr><td data-v="${order.get(l)}">${order.get(l)! + 1}</td><td data-v="${esc(l.name)}"${fused}>${esc(fusedLabel(l))}${untimed}</td><td data-v="${esc(l.className)}">${esc(l.className)}</td>` +
      `<td data-v="${l.ms.median}">${ms(l.ms.median)}</td><td data-v="${l.ms.min}">${ms(l.ms.min)}</td><td data-v="${l.ms.max}">${ms(l.ms.max)}</td>` +
      `<td data-v="${share}">${share.toFixed(1)}%</td><td data-v="${l.gflops}">${l.gflops.toFixed(2)}</td>` +
      `<td data-v="${l.bytes}">${bytes(l.bytes)}</td><td data-v="${l.tensors}">${l.tensors}</td></tr>`;
  }).join('\n');
  const chain = (r.backendSteps ?? []).map((s) => `<li class="${s.ok ? 'ok' : 'no'}">${s.ok ? '✓' : '✗'} <b>${esc(s.backend)}</b>: ${esc(s.detail)}</li>`).join('');
  const preds = r.predictions
    ? `<ol>${r.predictions.map((p) => `<li>${esc(p.label)} <span class="dim">${(p.probability * 100).toFixed(2)}%</span></li>`).join('')}</ol>`
    : `<p class="dim">None: ${esc(r.predictionsNote ?? 'random weights')}.</p>`;
  const buttons = o.hostButtons
    ? `<div class="buttons"><button data-cmd="export" data-format="json">Export JSON</button><button data-cmd="export" data-format="csv">Export CSV</button>` +
      `<button data-cmd="export" data-format="md">Export Markdown</button><button data-cmd="overlay">Show on graph</button>` +
      (o.preprocessingButton ? `<button data-cmd="preprocessing" title="How the image is turned into the model's input; remembered for this model file">Preprocessing: ${esc(r.preprocessing ?? 'default')}…</button>` : '') + '</div>'
    : '';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">${csp}<title>Profile: ${esc(r.model)}</title>
<style${n}>
body{font-family:var(--vscode-font-family,system-ui,sans-serif);font-size:var(--vscode-font-size,13px);color:var(--vscode-foreground,#222);background:var(--vscode-editor-background,#fff);padding:0 16px 24px}
h1{font-size:1.4em;margin:14px 0 6px}h2{font-size:1.1em;margin:18px 0 6px}
.dim{opacity:.7}.summary td{padding:1px 12px 1px 0}.summary td:first-child{opacity:.7}
ul.chain{list-style:none;padding:0;margin:0}ul.chain li{overflow-wrap:anywhere}ul.chain li.no{opacity:.7}
.chart{max-width:760px;height:auto}.chart.compact{display:none;max-width:560px}@media (max-width:640px){.chart.wide{display:none}.chart.compact{display:block}}.chart .bar{fill:var(--vscode-charts-blue,#3b82f6)}.chart .whisker{stroke:var(--vscode-foreground,#222);stroke-width:1.5}
.chart text{fill:var(--vscode-foreground,#222);font-size:11px}.chart .val{opacity:.75}
/* A wide table scrolls inside its box in a narrow panel (a profile opened beside the graph). */
.scroll{overflow:auto;max-height:75vh;max-width:100%}
table.layers{border-collapse:collapse;margin-top:6px}table.layers th,table.layers td{padding:2px 8px;text-align:right;border-bottom:1px solid var(--vscode-panel-border,#ddd)}
table.layers th{cursor:pointer;user-select:none;position:sticky;top:0;background:var(--vscode-editor-background,#fff)}
table.layers td:nth-child(2),table.layers td:nth-child(3),table.layers th:nth-child(2),table.layers th:nth-child(3){text-align:left}
/* A narrow panel (beside the graph): the table fits instead of scrolling sideways: min, max, GFLOP/s
   and tensors give way (in the exports and the wide page), names wrap. */
table.layers td:nth-child(2){overflow-wrap:anywhere;min-width:8em}
@media (max-width:640px){table.layers{width:100%}table.layers th:nth-child(5),table.layers td:nth-child(5),table.layers th:nth-child(6),table.layers td:nth-child(6),table.layers th:nth-child(8),table.layers td:nth-child(8),table.layers th:nth-child(10),table.layers td:nth-child(10){display:none}table.layers th,table.layers td{padding:2px 4px}}
.buttons{margin:10px 0}.buttons button{margin-right:6px;color:var(--vscode-button-foreground);background:var(--vscode-button-background);border:none;padding:4px 10px;cursor:pointer}
${ROOFLINE_CSS}
</style></head><body>
<h1>Profile: ${esc(r.model)}</h1>
${buttons}
<table class="summary">
<tr><td>backend</td><td>${esc(r.backendLabel ?? r.backend)}</td></tr>
<tr><td>image</td><td>${esc(r.image.replace(/^.*[/\\]/, ''))}${r.input ? ` → ${dims(r.input.slice(1))}` : ''}${r.preprocessing ? `, ${esc(r.preprocessing)} preprocessing` : ''}</td></tr>
<tr><td>weights</td><td>${r.weights}</td></tr>
<tr><td>end to end</td><td>median <b>${ms(e.median)} ms</b> (min ${ms(e.min)}, max ${ms(e.max)}), ${r.runs} run${r.runs === 1 ? '' : 's'} after ${r.warmup} warm-up${r.flops ? `; ${si(r.flops)}FLOPs at ${(r.gflops ?? 0).toFixed(1)} GFLOP/s` : ''}</td></tr>
<tr><td>sum of layers</td><td>${ms(r.sumLayerMs)} ms = ${r.overhead.toFixed(3)} × end to end (${layerSumNote(r.overhead)})</td></tr>
<tr><td>batch</td><td>${esc(batchText(r))}</td></tr>
<tr><td>peak memory</td><td>${esc(memoryText(r))}</td></tr>
</table>
${chain ? `<h2>Backend chain</h2><ul class="chain">${chain}</ul>` : ''}
<h2>Slowest layers</h2>
${profileBarChart(r)}${r.layers.length ? profileBarChart(r, 15, true) : ''}
${rooflineSectionsHtml(r, { diff: o.diff, runs: o.runs, current: o.currentRun })}
<h2 id="layers-title">${esc(fusionHeadline(r))}</h2>
<div class="scroll"><table class="layers" id="layers"><thead><tr><th>#</th><th>layer</th><th>class</th><th>median ms</th><th>min</th><th>max</th><th>share</th><th>GFLOP/s</th><th>allocated</th><th>tensors</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<h2>Predictions</h2>
${preds}
${pageScript(n, o.script)}
</body></html>`;
}
