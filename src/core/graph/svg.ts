// The graph as SVG markup: one renderer for the webview (inserted once, then styled by class),
// the SVG/PNG exports and `netlens graph --out x.svg`. Every model-provided string is escaped, and
// characters XML cannot hold (a BEL in a layer name) are replaced, so the file always parses.
import { Box, GraphLayout, groupSub, layerSub, MAX_W, CHAR_W_NAME, CHAR_W_SUB, GROUP_HEADER } from './layout';
import { BLOCK_STYLE, CATEGORY_TABLE, NodeCategory } from './nodeStyles';
import { ViewGraph } from './viewGraph';
import { compactNumber, fit } from './text';
import { xmlText } from '../text/escape';

/** Resolves a CSS custom property for exports outside the editor; the default keeps var() with its fallback. */
export type ColorResolver = (cssVar: string, fallback: string) => string;
const keepVar: ColorResolver = (v, f) => `var(${v}, ${f})`;

/** The stylesheet every rendering of the graph uses (webview, exports). */
export function graphCss(resolve: ColorResolver = keepVar): string {
  const c = (v: string, f: string): string => resolve(v, f);
  const cats = (Object.keys(CATEGORY_TABLE) as NodeCategory[])
    .map((k) => `.nl-node.cat-${k}{--nl-c:${c(CATEGORY_TABLE[k].cssVar, CATEGORY_TABLE[k].fallback)}}`).join('\n')
    + `\n.nl-node.cat-block{--nl-c:${c(BLOCK_STYLE.cssVar, BLOCK_STYLE.fallback)}}`;
  const fg = c('--vscode-editor-foreground', '#cccccc');
  const muted = c('--vscode-descriptionForeground', '#9d9d9d');
  const edge = c('--vscode-editorLineNumber-foreground', '#858585');
  const frame = c('--vscode-panel-border', '#80808059');
  const bg = c('--vscode-editor-background', '#1e1e1e');
  const focus = c('--vscode-focusBorder', '#007fd4');
  const match = c('--vscode-editor-findMatchHighlightBackground', '#ea5c0055');
  const font = c('--vscode-editor-font-family', "Menlo, Consolas, 'DejaVu Sans Mono', monospace");
  return `${cats}
.nl-graph{font-family:${font};}
.nl-graph text{fill:${fg};font-size:12px;dominant-baseline:auto;}
.nl-node .nl-bg{fill:${bg};stroke:var(--nl-c);stroke-width:1;}
.nl-node .nl-tint{fill:var(--nl-c);fill-opacity:.22;}
.nl-node .nl-stripe{fill:var(--nl-c);}
.nl-node .nl-name{font-weight:600;font-size:12px;}
.nl-node .nl-sub{fill:${muted};font-size:11px;}
.nl-node.nl-block .nl-bg{stroke-width:1.5;stroke-dasharray:4 2;}
.nl-frame .nl-frame-box{fill:${fg};fill-opacity:.035;stroke:${frame};stroke-width:1;}
.nl-frame .nl-frame-head{fill:${fg};fill-opacity:.04;}
.nl-frame .nl-frame-label{font-size:11px;font-weight:600;fill:${muted};}
.nl-frame .nl-frame-sum{font-size:10px;fill:${muted};}
.nl-edge{fill:none;stroke:${edge};stroke-width:1.2;}
.nl-arrow{fill:${edge};}
.nl-graph .nl-elabel{font-size:10px;fill:${muted};display:none;paint-order:stroke;stroke:${bg};stroke-width:3px;stroke-linejoin:round;}
.nl-graph.nl-shapes .nl-elabel{display:inline;}
.nl-node.nl-selected .nl-bg{stroke:${focus};stroke-width:2.5;}
.nl-node.nl-match .nl-bg{fill:${match};}
.nl-node.nl-current .nl-bg{stroke:${focus};stroke-width:3;stroke-dasharray:none;}
.nl-edge.nl-hot{stroke:${focus};stroke-width:2;}`;
}

const NAME_Y = 17;
const SUB_Y = 32;
const TEXT_X = 12;

/**
 * Edge label position: just below where the edge leaves its source (the gap under a node is free;
 * mid-edge positions land on block headers).
 */
function labelAt(p: number[]): [number, number] {
  return [p[0] + 4, p[1] + 11];
}

export interface SvgOptions {
  /** Adds xmlns, width/height and an embedded <style>: a file that stands alone. */
  standalone?: boolean;
  css?: string;
  showShapes?: boolean;
  /** Title written into the standalone file. */
  title?: string;
  /** Page colour behind the graph (the fallback colours are a dark theme's). */
  background?: string;
}

/** Whether two rectangles overlap (edges touching count). */
const overlaps = (a: Box, b: Box): boolean => a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;

/** The smallest rectangle holding an edge's points (x, y pairs). */
function edgeBox(p: number[]): Box {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k + 1 < p.length; k += 2) {
    x0 = Math.min(x0, p[k]); x1 = Math.max(x1, p[k]);
    y0 = Math.min(y0, p[k + 1]); y1 = Math.max(y1, p[k + 1]);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * The inner markup (defs, frames, edges, nodes) for a layout of the graph; with `within`, only the
 * frames, edges and nodes that reach into that graph-space rectangle (a page's first frame draws
 * what its first view shows, the rest right after: webview/app.ts).
 */
export function renderGraphBody(graph: ViewGraph, layout: GraphLayout, within?: Box): string {
  const shown = (b: Box): boolean => !within || overlaps(b, within);
  const out: string[] = [];
  out.push('<defs><marker id="nl-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="nl-arrow" d="M0,0 L8,4 L0,8 z"/></marker></defs>');
  out.push('<g class="nl-frames">');
  for (const id of layout.frames) {
    const g = graph.groups[Number(id.slice(1))];
    const b = layout.boxes[id];
    if (!g || !b || !shown(b)) continue;
    const label = fit(`▾ ${g.label}`, b.w - 16, CHAR_W_SUB);
    const sum = `${compactNumber(g.sums.params)} params · ${compactNumber(g.sums.macs)} MACs`;
    out.push(`<g class="nl-frame" data-id="${id}"><rect class="nl-frame-box" x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6"/>`
      + `<rect class="nl-frame-head" x="${b.x}" y="${b.y}" width="${b.w}" height="${GROUP_HEADER - 4}" rx="6"/>`
      + `<text class="nl-frame-label" x="${b.x + 8}" y="${b.y + 16}">${xmlText(label)}</text>`
      + (b.w > label.length * CHAR_W_SUB + sum.length * 6.1 + 30
        ? `<text class="nl-frame-sum" x="${b.x + b.w - 8}" y="${b.y + 16}" text-anchor="end">${xmlText(sum)}</text>` : '')
      + '</g>');
  }
  out.push('</g><g class="nl-edges">');
  const labels: string[] = [];
  const labelled = new Set<string>();
  for (const [i, e] of layout.edges.entries()) {
    if (e.points.length < 4 || !shown(edgeBox(e.points))) continue;
    let d = `M${e.points[0]},${e.points[1]}`;
    for (let k = 2; k < e.points.length; k += 2) d += `L${e.points[k]},${e.points[k + 1]}`;
    out.push(`<path class="nl-edge" data-e="${i}" d="${d}" marker-end="url(#nl-arrow)"/>`);
    const [x, y] = labelAt(e.points);
    // One label per source: every edge out of a layer carries the same tensor.
    if (!labelled.has(e.source)) {
      labelled.add(e.source);
      labels.push(`<text class="nl-elabel" x="${x}" y="${y}">${xmlText(e.shape)}</text>`);
    }
  }
  out.push(`</g><g class="nl-elabels">${labels.join('')}</g><g class="nl-nodes">`);
  for (const id of layout.nodes) {
    const b = layout.boxes[id];
    if (!b || !shown(b)) continue;
    let cls: string;
    let name: string;
    let sub: string;
    if (id[0] === 'n') {
      const n = graph.nodes[Number(id.slice(1))];
      cls = `nl-node cat-${n.category}`;
      name = n.name;
      sub = layerSub(n.className, n.shape);
    } else {
      const g = graph.groups[Number(id.slice(1))];
      cls = 'nl-node nl-block cat-block';
      name = `▸ ${g.label}`;
      sub = groupSub(g);
    }
    const w = Math.min(b.w, MAX_W) - TEXT_X - 6;
    out.push(`<g class="${cls}" data-id="${id}" transform="translate(${b.x},${b.y})">`
      + `<rect class="nl-bg" width="${b.w}" height="${b.h}" rx="4"/>`
      + `<rect class="nl-tint" width="${b.w}" height="${b.h}" rx="4"/>`
      + `<rect class="nl-stripe" width="4" height="${b.h}" rx="2"/>`
      + `<text class="nl-name" x="${TEXT_X}" y="${NAME_Y}">${xmlText(fit(name, w, CHAR_W_NAME))}</text>`
      + `<text class="nl-sub" x="${TEXT_X}" y="${id[0] === 'n' ? SUB_Y : SUB_Y + 3}">${xmlText(fit(sub, w, CHAR_W_SUB))}</text>`
      + '</g>');
  }
  out.push('</g>');
  return out.join('');
}

export function renderGraphSvg(graph: ViewGraph, layout: GraphLayout, options: SvgOptions = {}): string {
  const body = renderGraphBody(graph, layout);
  const cls = `nl-graph${options.showShapes ? ' nl-shapes' : ''}`;
  if (!options.standalone) return `<svg class="${cls}" viewBox="0 0 ${layout.width} ${layout.height}">${body}</svg>`;
  const css = options.css ?? graphCss((_v, f) => f);
  const title = options.title ? `<title>${xmlText(options.title)}</title>` : '';
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<svg xmlns="http://www.w3.org/2000/svg" class="${cls}" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">`
    + `${title}<style>${css}</style><rect width="100%" height="100%" fill="${xmlText(options.background ?? '#1e1e1e')}"/>${body}</svg>\n`;
}

