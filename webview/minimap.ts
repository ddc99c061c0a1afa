// A small overview of the whole graph: node boxes on a canvas and the visible rectangle; click or
// drag in it to move the view. Shown only when the graph does not fit on screen.
import type { Box, GraphLayout } from '../src/core/graph/layout';

const MAX_W = 120;

export class Minimap {
  readonly el: HTMLElement;
  private readonly base: HTMLCanvasElement;
  private readonly frame: HTMLElement;
  private scale = 1;
  private layout: GraphLayout | null = null;

  constructor(private readonly onNavigate: (gx: number, gy: number) => void) {
    this.el = document.createElement('div');
    this.el.className = 'nl-minimap';
    this.el.id = 'nl-minimap';
    this.el.setAttribute('aria-hidden', 'true');
    this.base = document.createElement('canvas');
    this.frame = document.createElement('div');
    this.frame.className = 'nl-minimap-view';
    this.el.append(this.base, this.frame);
    let down = false;
    const go = (e: PointerEvent): void => {
      const r = this.base.getBoundingClientRect();
      this.onNavigate((e.clientX - r.left) / this.scale, (e.clientY - r.top) / this.scale);
    };
    this.el.addEventListener('pointerdown', (e) => { down = true; this.el.setPointerCapture(e.pointerId); go(e); e.stopPropagation(); });
    this.el.addEventListener('pointermove', (e) => { if (down) go(e); });
    this.el.addEventListener('pointerup', () => { down = false; });
    this.el.addEventListener('wheel', (e) => e.stopPropagation());
  }

  draw(layout: GraphLayout, colorOf: (id: string) => string, view: DOMRect): void {
    this.layout = layout;
    const maxH = Math.max(80, view.height * 0.45);
    this.scale = Math.min(MAX_W / layout.width, maxH / layout.height);
    const w = Math.max(1, Math.round(layout.width * this.scale));
    const hgt = Math.max(1, Math.round(layout.height * this.scale));
    const fits = layout.width <= view.width * 1.05 && layout.height <= view.height * 1.05;
    this.el.hidden = fits;
    if (fits) return;
    const dpr = window.devicePixelRatio || 1;
    this.base.width = w * dpr;
    this.base.height = hgt * dpr;
    this.base.style.width = `${w}px`;
    this.base.style.height = `${hgt}px`;
    const ctx = this.base.getContext('2d')!;
    ctx.setTransform(dpr * this.scale, 0, 0, dpr * this.scale, 0, 0);
    ctx.clearRect(0, 0, layout.width, layout.height);
    ctx.globalAlpha = 0.25;
    ctx.strokeStyle = getComputedStyle(this.el).color || '#888';
    ctx.lineWidth = 1 / this.scale;
    for (const id of layout.frames) {
      const b = layout.boxes[id];
      ctx.strokeRect(b.x, b.y, b.w, b.h);
    }
    ctx.globalAlpha = 0.9;
    for (const id of layout.nodes) {
      const b = layout.boxes[id];
      ctx.fillStyle = colorOf(id);
      ctx.fillRect(b.x, b.y, b.w, Math.max(b.h, 2 / this.scale));
    }
  }

  setView(v: Box): void {
    if (!this.layout) return;
    // Nothing to navigate when the whole graph is on screen.
    const all = v.x <= 0 && v.y <= 0 && v.x + v.w >= this.layout.width && v.y + v.h >= this.layout.height;
    this.el.classList.toggle('nl-minimap-idle', all);
    if (this.el.hidden) return;
    const s = this.scale;
    const x = Math.max(0, v.x * s);
    const y = Math.max(0, v.y * s);
    const r = Math.min(this.layout.width * s, (v.x + v.w) * s);
    const b = Math.min(this.layout.height * s, (v.y + v.h) * s);
    this.frame.style.transform = `translate(${x}px, ${y}px)`;
    this.frame.style.width = `${Math.max(2, r - x)}px`;
    this.frame.style.height = `${Math.max(2, b - y)}px`;
  }
}
