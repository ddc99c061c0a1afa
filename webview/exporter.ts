// SVG and PNG of the current view: the live graph (current collapse state and colours) serialised
// with its stylesheet, theme variables resolved to the colours on screen, so the file looks the
// same outside the editor.
import type { GraphLayout } from '../src/core/graph/layout';
import { graphCss } from '../src/core/graph/svg';
import type { ExportFormat } from '../src/protocol/graph';
import { h } from './dom';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Chromium's canvas limits: 32767 px a side, about 268 M pixels. Stay well inside. */
const MAX_SIDE = 16384;
const MAX_AREA = 64 * 1024 * 1024;

export function exportSvg(svg: SVGSVGElement, vp: SVGGElement, layout: GraphLayout, title: string): string {
  const style = getComputedStyle(document.body);
  const resolve = (v: string, fallback: string): string => style.getPropertyValue(v).trim() || fallback;
  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('class', svg.getAttribute('class') ?? 'nl-graph');
  out.setAttribute('width', String(layout.width));
  out.setAttribute('height', String(layout.height));
  out.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  const t = document.createElementNS(SVG_NS, 'title');
  t.textContent = title;
  const css = document.createElementNS(SVG_NS, 'style');
  css.textContent = graphCss(resolve);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', resolve('--vscode-editor-background', '#1e1e1e'));
  const body = vp.cloneNode(true) as SVGGElement;
  body.removeAttribute('transform');
  body.removeAttribute('id');
  for (const el of Array.from(body.querySelectorAll('.nl-selected, .nl-match, .nl-current, .nl-hot'))) el.classList.remove('nl-selected', 'nl-match', 'nl-current', 'nl-hot');
  // Heat colours live in a custom property on each node; write them as the node's own rule.
  for (const el of Array.from(body.querySelectorAll<SVGGElement>('.nl-node'))) {
    const c = el.style.getPropertyValue('--nl-c');
    if (c) el.setAttribute('style', `--nl-c:${c.startsWith('var(') ? resolve('--vscode-disabledForeground', '#80808080') : c}`);
  }
  out.append(t, css, bg, body);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}\n`;
}

/**
 * Pixels per graph unit of an exported PNG: the screen's device scale (1 on most monitors, 2 on
 * HiDPI), at most 2 and inside the canvas limits. It was 2 everywhere: on a 1x screen that is four
 * times the pixels to draw and encode (ResNet-50: 916 x 16384 against 639 x 11423), most of the export's time.
 */
export function pngScale(layout: Pick<GraphLayout, 'width' | 'height'>, deviceScale: number): number {
  const device = Number.isFinite(deviceScale) ? Math.min(2, Math.max(1, deviceScale)) : 1;
  return Math.min(device, MAX_SIDE / layout.width, MAX_SIDE / layout.height, Math.sqrt(MAX_AREA / (layout.width * layout.height)));
}

/** The exported SVG (the drawn graph, no new layout) rasterised at the device scale, as a PNG data URL. */
export async function exportPng(svgText: string, layout: GraphLayout, deviceScale = window.devicePixelRatio): Promise<string> {
  const scale = pngScale(layout, deviceScale);
  const w = Math.max(1, Math.floor(layout.width * scale));
  const hgt = Math.max(1, Math.floor(layout.height * scale));
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be rasterised'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = hgt;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.drawImage(img, 0, 0, w, hgt);
    // toBlob encodes without holding the page's thread the way toDataURL does.
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the PNG could not be encoded');
    return await new Promise<string>((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result));
      r.onerror = () => reject(new Error('the PNG could not be read back'));
      r.readAsDataURL(blob);
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** What an export needs from the view: the live SVG, its layout, and where the file goes. */
export interface ExportSource {
  svg: SVGSVGElement;
  vp: SVGGElement;
  layout: GraphLayout | null;
  model: string;
  batch: number;
  /** In VS Code the host saves the file (a save dialog); a standalone page downloads it. */
  mode: 'vscode' | 'standalone';
  post(msg: { type: 'export'; format: ExportFormat; data: string; batch: number }): void;
}

export function graphSvg(s: Pick<ExportSource, 'svg' | 'vp' | 'layout' | 'model'>): string {
  if (!s.layout) throw new Error('nothing to export yet');
  return exportSvg(s.svg, s.vp, s.layout, s.model);
}

/** Exports the graph as drawn; throws with the reason when it cannot. */
export async function exportGraph(s: ExportSource, format: ExportFormat): Promise<void> {
  const data = format === 'svg' ? graphSvg(s) : format === 'png' ? await exportPng(graphSvg(s), s.layout!) : '';
  if (s.mode === 'vscode') {
    s.post({ type: 'export', format, data, batch: s.batch });
    return;
  }
  const blob = format === 'png' ? await (await fetch(data)).blob() : new Blob([data], { type: 'image/svg+xml' });
  const a = h('a', { href: URL.createObjectURL(blob), download: `${s.model}.graph.${format}` });
  document.body.append(a);
  a.click();
  a.remove();
}
