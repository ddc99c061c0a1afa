// Pan, zoom and fit. The SVG sits at graph size inside a stage element that pan and zoom move with
// a compositor transform (no repaint); the view is that transform, in screen pixels.
import type { Box, GraphLayout } from '../src/core/graph/layout';
import { h } from './dom';
import { Minimap } from './minimap';

export interface View { x: number; y: number; k: number }

const SVG_NS = 'http://www.w3.org/2000/svg';
const MIN_K = 0.02;
const MAX_K = 4;

/**
 * The automatic view: the whole graph when it fits at a readable scale (undefined: fit it), else
 * the width at the top (the input end).
 */
function topView(width: number, height: number, r: { width: number; height: number }): View | undefined {
  const fitK = Math.min(r.width / width, r.height / height);
  if (fitK >= 0.6) return undefined;
  const k = Math.min(1, Math.max(0.5, r.width / width));
  return { k, x: Math.max(0, (r.width - width * k) / 2), y: 0 };
}

export class Viewport {
  view: View = { x: 0, y: 0, k: 1 };
  /** True while the view is the automatic one (not moved by the user): a resize recomputes it. */
  autoView = true;
  private canvasWidth = 0;
  private transformQueued = false;
  private rasterK = 1;
  private sharpenTimer: ReturnType<typeof setTimeout> | undefined;

  /** The focusable canvas: the stage, the legend and the minimap over it. */
  readonly canvas = h('div', { class: 'nl-canvas', tabindex: '0', id: 'nl-canvas', 'aria-label': 'Model graph. Arrow keys move between layers, Enter opens details, plus and minus zoom, 0 fits.' });
  readonly svg = document.createElementNS(SVG_NS, 'svg');
  /** The graph drawing inside the SVG. */
  readonly vp = document.createElementNS(SVG_NS, 'g');
  readonly legend = h('div', { class: 'nl-legend', id: 'nl-legend' });
  readonly minimap = new Minimap((x, y) => this.centerOn(x, y));
  /** Holds the SVG at graph size; pan and zoom move it with a compositor transform (no repaint). */
  private readonly stage = h('div', { class: 'nl-stage' });

  constructor(private readonly layout: () => GraphLayout | null) {
    this.svg.setAttribute('class', 'nl-graph');
    this.svg.setAttribute('id', 'nl-svg');
    this.vp.setAttribute('id', 'nl-viewport');
    this.svg.append(this.vp);
    this.stage.append(this.svg);
    this.canvas.append(this.stage, this.legend, this.minimap.el);
  }

  /** Puts the graph's markup (escaped by renderGraphBody) in the SVG, sized to its layout. */
  draw(body: string, layout: GraphLayout): void {
    this.vp.innerHTML = body;
    this.svg.setAttribute('width', String(layout.width));
    this.svg.setAttribute('height', String(layout.height));
    this.svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  }

  applyTransform(): void {
    if (this.transformQueued) return;
    this.transformQueued = true;
    requestAnimationFrame(() => {
      this.transformQueued = false;
      const { x, y, k } = this.view;
      this.stage.style.transform = `translate(${x.toFixed(2)}px, ${y.toFixed(2)}px) scale(${k.toFixed(5)})`;
      this.minimap.setView(this.visibleRect());
      if (k !== this.rasterK) this.scheduleSharpen();
    });
  }

  /**
   * A composited layer keeps the resolution it was drawn at; once zooming pauses, drop and restore
   * the layer hint so the text is drawn again at the new scale.
   */
  private scheduleSharpen(): void {
    clearTimeout(this.sharpenTimer);
    this.sharpenTimer = setTimeout(() => {
      this.rasterK = this.view.k;
      this.stage.style.willChange = 'auto';
      requestAnimationFrame(() => requestAnimationFrame(() => { this.stage.style.willChange = 'transform'; }));
    }, 200);
  }

  /** The graph-space rectangle on screen. */
  visibleRect(): Box {
    const r = this.canvas.getBoundingClientRect();
    const { x, y, k } = this.view;
    return { x: -x / k, y: -y / k, w: r.width / k, h: r.height / k };
  }

  /** Panels change width (a profile opens beside the graph): keep the graph where the user looks. */
  onResize(): void {
    const width = this.canvas.getBoundingClientRect().width;
    if (this.autoView) this.initialView();
    else if (this.canvasWidth) this.panBy((width - this.canvasWidth) / 2, 0, true);
    this.canvasWidth = width;
  }

  /** The laid-out graph and the canvas box for an automatic view (the view follows later resizes). */
  private autoFrame(): { width: number; height: number; r: DOMRect } | undefined {
    const layout = this.layout();
    if (!layout) return undefined;
    const r = this.canvas.getBoundingClientRect();
    this.canvasWidth = r.width;
    this.autoView = true;
    return { width: layout.width, height: layout.height, r };
  }

  initialView(): void {
    const frame = this.autoFrame();
    if (!frame) return;
    const top = topView(frame.width, frame.height, frame.r);
    if (!top) return this.fit();
    this.view = top;
    this.applyTransform();
  }

  /**
   * The graph-space rectangle the automatic first view of this layout will show, read before the
   * graph is drawn (the canvas is measured while the page is still small); undefined when that view
   * is the whole graph.
   */
  initialRect(layout: GraphLayout): Box | undefined {
    const r = this.canvas.getBoundingClientRect();
    const top = topView(layout.width, layout.height, r);
    return top && { x: -top.x / top.k, y: 0, w: r.width / top.k, h: r.height / top.k };
  }

  fit(): void {
    const frame = this.autoFrame();
    if (!frame) return;
    const { width, height, r } = frame;
    // The legend sits over the canvas' bottom edge: fit the graph above it so it covers no node.
    const free = Math.max(r.height / 2, r.height - this.legendReserve());
    const k = Math.max(MIN_K, Math.min(1.5, Math.min(r.width / width, free / height) * 0.98));
    this.view = { k, x: (r.width - width * k) / 2, y: (free - height * k) / 2 };
    this.applyTransform();
  }

  /** Height of the strip the legend takes at the bottom of the canvas (its offset included). */
  private legendReserve(): number {
    if (!this.legend.childElementCount) return 0;
    const canvas = this.canvas.getBoundingClientRect();
    return Math.max(0, canvas.bottom - this.legend.getBoundingClientRect().top) + 4;
  }

  zoomBy(f: number, cx?: number, cy?: number): void {
    this.autoView = false;
    const r = this.canvas.getBoundingClientRect();
    const px = cx ?? r.width / 2;
    const py = cy ?? r.height / 2;
    const k = Math.max(MIN_K, Math.min(MAX_K, this.view.k * f));
    this.view = { k, x: px - ((px - this.view.x) * k) / this.view.k, y: py - ((py - this.view.y) * k) / this.view.k };
    this.applyTransform();
  }

  panBy(dx: number, dy: number, keepAuto = false): void {
    if (!keepAuto) this.autoView = false;
    this.view.x += dx;
    this.view.y += dy;
    this.applyTransform();
  }

  /** Places the view's top-left corner (a drag in progress). */
  moveTo(x: number, y: number): void {
    this.autoView = false;
    this.view.x = x;
    this.view.y = y;
    this.applyTransform();
  }

  centerOn(gx: number, gy: number): void {
    this.autoView = false;
    const r = this.canvas.getBoundingClientRect();
    this.view.x = r.width / 2 - gx * this.view.k;
    this.view.y = r.height / 2 - gy * this.view.k;
    this.applyTransform();
  }

  /** Keeps the graph-space point `before` where it was on screen now that it is at `after`. */
  keepAnchor(before: Box, after: Box): void {
    this.view.x += (before.x - after.x) * this.view.k;
    this.view.y += (before.y - after.y) * this.view.k;
    this.applyTransform();
  }

  clampView(): void {
    const layout = this.layout();
    if (!layout) return;
    const r = this.canvas.getBoundingClientRect();
    const { k } = this.view;
    const w = layout.width * k;
    const hgt = layout.height * k;
    // Keep at least a quarter of the view on the graph.
    this.view.x = Math.min(r.width * 0.75, Math.max(r.width * 0.25 - w, this.view.x));
    this.view.y = Math.min(r.height * 0.75, Math.max(r.height * 0.25 - hgt, this.view.y));
    this.applyTransform();
  }

  ensureVisible(id: string): void {
    const b = this.layout()?.boxes[id];
    if (!b) return;
    const v = this.visibleRect();
    const m = 40 / this.view.k;
    if (b.x >= v.x + m && b.y >= v.y + m && b.x + b.w <= v.x + v.w - m && b.y + b.h <= v.y + v.h - m) return;
    if (this.view.k < 0.35) this.view.k = 0.8;
    this.centerOn(b.x + b.w / 2, b.y + b.h / 2);
  }
}
