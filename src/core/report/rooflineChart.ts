// The roofline chart of a profile: a log-log SVG of GFLOP/s against arithmetic intensity
// (FLOP/byte) with both roofs (the memory slope, intensity x bandwidth, up to the ridge point; the
// compute ceiling, peak GFLOP/s, after it), one dot per timed entry, its area proportional to its
// time, coloured by its bound. Each dot names its layer on hover (<title>) and carries
// data-layer for the page's click-to-select. Pure string building; the geometry is exported for
// the tests. Text is 12.5 px in a 480-wide viewBox: 11 px or more on screen down to a 420 px wide
// chart, so it stays legible in a 500 px panel.
import type { MachinePeaks, ProfileLayer, ProfileResult } from '../profile/result';
import { ridgePoint } from '../profile/roofline';
import { esc } from './htmlPage';

export interface RooflinePoint {
  name: string;
  intensity: number;
  gflops: number;
  ms: number;
  bound: 'compute' | 'memory';
  efficiency: number;
  fused: number;
}

export interface RooflineGeometry {
  width: number;
  height: number;
  /** Plot area in SVG units. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** Axis ranges, powers of ten. */
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  x: (intensity: number) => number;
  y: (gflops: number) => number;
  ridge: number;
}

const floorPow = (v: number): number => 10 ** Math.floor(Math.log10(v));
const ceilPow = (v: number): number => 10 ** Math.ceil(Math.log10(v));

export function rooflinePoints(r: ProfileResult): RooflinePoint[] {
  return r.layers.filter((l): l is ProfileLayer & { roofline: NonNullable<ProfileLayer['roofline']> } => Boolean(l.roofline))
    .map((l) => ({ name: l.name, intensity: l.roofline.intensity, gflops: l.roofline.achievedGflops, ms: l.ms.median, bound: l.roofline.bound,
      efficiency: l.roofline.efficiency, fused: l.fusedWith?.length ?? 0 }));
}

/** Axes that hold every dot, the ridge point and the peak, in whole decades. */
export function rooflineGeometry(m: Pick<MachinePeaks, 'peakGflops' | 'bandwidthGBs'>, points: Pick<RooflinePoint, 'intensity' | 'gflops'>[],
  size: { width?: number; height?: number } = {}): RooflineGeometry {
  const width = size.width ?? 480;
  const height = size.height ?? 300;
  const left = 52;
  const right = width - 20;
  const top = 12;
  const bottom = height - 40;
  const ridge = ridgePoint(m);
  const xs = [ridge, ...points.map((p) => p.intensity)].filter((v) => v > 0 && Number.isFinite(v));
  const ys = [m.peakGflops, ...points.map((p) => p.gflops)].filter((v) => v > 0 && Number.isFinite(v));
  const xMin = floorPow(Math.min(...xs) / 1.5);
  const xMax = ceilPow(Math.max(...xs) * 1.5);
  const yMin = floorPow(Math.min(...ys) / 1.5);
  const yMax = ceilPow(Math.max(...ys) * 1.3);
  const lx = (v: number): number => Math.log10(v);
  const x = (v: number): number => left + ((lx(Math.max(v, xMin)) - lx(xMin)) / (lx(xMax) - lx(xMin))) * (right - left);
  const y = (v: number): number => bottom - ((lx(Math.max(v, yMin)) - lx(yMin)) / (lx(yMax) - lx(yMin))) * (bottom - top);
  return { width, height, left, right, top, bottom, xMin, xMax, yMin, yMax, x, y, ridge };
}

function tickLabel(v: number): string {
  if (v >= 1000) return `${v / 1000}k`;
  if (v >= 1) return String(v);
  return String(Number(v.toPrecision(1)));
}

const f1 = (v: number): string => v.toFixed(1);

/** The chart, or a one-line reason when the profile has no roofline. */
export function rooflineChart(r: ProfileResult): string {
  const m = r.machine;
  if (!m) return `<p class="dim">No roofline: ${esc(r.rooflineNote ?? 'the machine\'s peaks were not measured')}.</p>`;
  const pts = rooflinePoints(r);
  if (!pts.length) return '<p class="dim">No roofline: no timed layer has FLOPs.</p>';
  const g = rooflineGeometry(m, pts);
  const { x, y } = g;
  const parts: string[] = [];
  // Grid and decade ticks.
  for (let v = g.xMin; v <= g.xMax * 1.0001; v *= 10) {
    parts.push(`<line x1="${f1(x(v))}" x2="${f1(x(v))}" y1="${g.top}" y2="${g.bottom}" class="rl-grid"/>`,
      `<text x="${f1(x(v))}" y="${g.bottom + 14}" text-anchor="middle" class="rl-tick">${tickLabel(v)}</text>`);
  }
  for (let v = g.yMin; v <= g.yMax * 1.0001; v *= 10) {
    parts.push(`<line x1="${g.left}" x2="${g.right}" y1="${f1(y(v))}" y2="${f1(y(v))}" class="rl-grid"/>`,
      `<text x="${g.left - 4}" y="${f1(y(v) + 4)}" text-anchor="end" class="rl-tick">${tickLabel(v)}</text>`);
  }
  // Roofs: the memory slope from the left edge to the ridge, then the compute ceiling.
  // The slope starts where it enters the plot (the left edge, or the bottom edge when lower).
  const x0 = Math.max(g.xMin, g.yMin / m.bandwidthGBs);
  const y0 = x0 * m.bandwidthGBs;
  parts.push(`<polyline class="rl-roof" points="${f1(x(x0))},${f1(y(y0))} ${f1(x(g.ridge))},${f1(y(m.peakGflops))} ${f1(x(g.xMax))},${f1(y(m.peakGflops))}"/>`,
    `<line class="rl-ridge" x1="${f1(x(g.ridge))}" x2="${f1(x(g.ridge))}" y1="${f1(y(m.peakGflops))}" y2="${g.bottom}"/>`,
    `<text class="rl-note" x="${f1(g.right - 2)}" y="${f1(y(m.peakGflops) - 4)}" text-anchor="end">peak ${f1(m.peakGflops)} GFLOP/s</text>`,
    `<text class="rl-note" x="${f1(x(g.ridge) + 3)}" y="${g.bottom - 4}">ridge ${g.ridge.toFixed(1)}</text>`);
  // The slope's label, along it, left of the ridge.
  const lx = Math.sqrt(x0 * g.ridge);
  const angle = (Math.atan2(y(lx * m.bandwidthGBs * 10) - y(lx * m.bandwidthGBs), x(lx * 10) - x(lx)) * 180) / Math.PI;
  parts.push(`<text class="rl-note" transform="translate(${f1(x(lx))},${f1(y(lx * m.bandwidthGBs) - 5)}) rotate(${angle.toFixed(1)})">${f1(m.bandwidthGBs)} GB/s</text>`);
  // Dots, largest first so small ones stay on top; area by time.
  const maxMs = Math.max(...pts.map((p) => p.ms));
  const dots = [...pts].sort((a, b) => b.ms - a.ms).map((p) => {
    const rad = 2 + 9 * Math.sqrt(p.ms / maxMs);
    return `<circle class="rl-dot rl-${p.bound}" data-layer="${esc(p.name)}" cx="${f1(x(p.intensity))}" cy="${f1(y(p.gflops))}" r="${rad.toFixed(1)}">` +
      `<title>${esc(p.name)}${p.fused ? ` (+${p.fused} fused)` : ''}: ${p.ms.toFixed(3)} ms, ${f1(p.gflops)} GFLOP/s at ${p.intensity.toFixed(2)} FLOP/byte, ` +
      `${p.bound}-bound, ${(100 * p.efficiency).toFixed(0)}% of its roof</title></circle>`;
  }).join('');
  const axes = `<line x1="${g.left}" x2="${g.right}" y1="${g.bottom}" y2="${g.bottom}" class="rl-axis"/><line x1="${g.left}" x2="${g.left}" y1="${g.top}" y2="${g.bottom}" class="rl-axis"/>` +
    `<text x="${(g.left + g.right) / 2}" y="${g.height - 8}" text-anchor="middle" class="rl-label">arithmetic intensity (FLOP/byte, log)</text>` +
    `<text transform="translate(12,${(g.top + g.bottom) / 2}) rotate(-90)" text-anchor="middle" class="rl-label">GFLOP/s (log)</text>`;
  const legend = `<p class="rl-legend"><span class="rl-key rl-memory"></span> memory-bound <span class="rl-key rl-compute"></span> compute-bound; ` +
    `dot area: median time. Roofs measured <span class="nw">${esc(m.measuredAt.slice(0, 10))}</span> on ${esc(m.backend)}, ${m.threads} thread${m.threads === 1 ? '' : 's'}` +
    `${m.cpu ? ` (${esc(m.cpu)})` : ''}.</p>`;
  return `<svg class="roofline" id="roofline" role="img" aria-label="roofline chart" width="100%" viewBox="0 0 ${g.width} ${g.height}">${parts.join('')}${axes}${dots}</svg>${legend}`;
}

/** The chart's styles (theme colours, text >= 11 px). */
export const ROOFLINE_CSS = `.roofline{max-width:640px;height:auto}.roofline text{fill:var(--vscode-foreground,#222);font-size:12.5px}
.roofline .rl-grid{stroke:var(--vscode-panel-border,#ddd);stroke-width:.5}.roofline .rl-axis{stroke:var(--vscode-foreground,#222);stroke-width:1}
.roofline .rl-tick,.roofline .rl-note{opacity:.8}.roofline .rl-roof{fill:none;stroke:var(--vscode-foreground,#222);stroke-width:2}
.roofline .rl-ridge{stroke:var(--vscode-foreground,#222);stroke-dasharray:3 3;opacity:.5}
.rl-dot{fill-opacity:.6;stroke:var(--vscode-editor-background,#fff);stroke-width:.8;cursor:pointer}.rl-dot:hover,.rl-dot.rl-selected{stroke:var(--vscode-focusBorder,#0078d4);stroke-width:2;fill-opacity:.9}
.rl-memory{fill:var(--vscode-charts-orange,#d97706);background:var(--vscode-charts-orange,#d97706)}.rl-compute{fill:var(--vscode-charts-blue,#3b82f6);background:var(--vscode-charts-blue,#3b82f6)}
.rl-key{display:inline-block;width:10px;height:10px;border-radius:5px;vertical-align:middle}.rl-legend{font-size:max(11px,.9em);opacity:.85;margin:2px 0 8px}
table.sinks{border-collapse:collapse}table.sinks td,table.sinks th{padding:2px 8px;text-align:right;border-bottom:1px solid var(--vscode-panel-border,#ddd)}
table.sinks td:first-child,table.sinks th:first-child,table.sinks td:nth-child(2),table.sinks th:nth-child(2){text-align:left}table.sinks td:nth-child(2){white-space:nowrap}.nw{white-space:nowrap}
table.runs td,table.runs th,table.diff td,table.diff th{padding:2px 8px;text-align:right;border-bottom:1px solid var(--vscode-panel-border,#ddd)}table.runs,table.diff{border-collapse:collapse}
table.runs td:nth-child(2),table.diff td:first-child,table.diff th:first-child{text-align:left}.faster{color:var(--vscode-charts-green,#16a34a)}.slower{color:var(--vscode-charts-red,#dc2626)}`;
