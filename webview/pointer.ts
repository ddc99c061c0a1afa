// The canvas under the pointer: drag to pan, wheel to zoom or pan, hover cards with the element's
// edges highlighted, click to select a layer or to collapse/expand a block.
import { groupCard, layerCard } from '../src/core/graph/cards';
import type { AppApi } from './appApi';
import { fillCard } from './details';

export class Pointer {
  private hoverId: string | null = null;
  private hot: Element[] = [];

  constructor(private readonly app: AppApi, private readonly canvas: HTMLElement, private readonly hover: HTMLElement, private readonly vp: SVGGElement) {
    this.wire();
  }

  private wire(): void {
    const { canvas } = this;
    const viewport = this.app.viewport;
    let drag: { x: number; y: number; vx: number; vy: number; moved: boolean; id: number } | null = null;
    canvas.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.nl-minimap, .nl-legend')) return;
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, vx: viewport.view.x, vy: viewport.view.y, moved: false, id: e.pointerId };
    });
    canvas.addEventListener('pointermove', (e) => {
      if (drag && e.pointerId === drag.id) {
        const dx = e.clientX - drag.x;
        const dy = e.clientY - drag.y;
        if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 4) {
          drag.moved = true;
          canvas.setPointerCapture(e.pointerId);
          canvas.classList.add('nl-dragging');
          this.hideHover();
        }
        if (drag.moved) {
          viewport.moveTo(drag.vx + dx, drag.vy + dy);
          return;
        }
      }
      this.onHover(e);
    });
    const end = (e: PointerEvent): void => {
      if (!drag || e.pointerId !== drag.id) return;
      const wasDrag = drag.moved;
      drag = null;
      canvas.classList.remove('nl-dragging');
      if (!wasDrag && e.type === 'pointerup') this.onClick(e);
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('pointerleave', () => this.hideHover());
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      if (e.ctrlKey || e.metaKey || !e.shiftKey) {
        // Pinch gestures arrive as ctrl+wheel with small deltas; mouse wheels as ±100.
        const f = Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015));
        viewport.zoomBy(f, e.clientX - r.left, e.clientY - r.top);
      } else {
        viewport.panBy(-e.deltaY, -e.deltaX);
      }
    }, { passive: false });
  }

  private targetOf(e: Event): { id: string; head: boolean } | null {
    const t = e.target as Element | null;
    const head = t?.closest('.nl-frame-head, .nl-frame-label, .nl-frame-sum');
    if (head) return { id: head.parentElement!.getAttribute('data-id')!, head: true };
    const node = t?.closest('.nl-node');
    return node ? { id: node.getAttribute('data-id')!, head: false } : null;
  }

  private onHover(e: PointerEvent): void {
    const t0 = performance.now();
    const app = this.app;
    const target = this.targetOf(e);
    if (!target) { this.hideHover(); return; }
    if (target.id !== this.hoverId) {
      this.hoverId = target.id;
      const el = app.elementName(target.id);
      if (!el) return;
      const card = el.kind === 'layer' ? layerCard(el.node, app.graph.totals, app.profile, app.batch) : groupCard(app.graph, el.group, app.profile);
      fillCard(this.hover, card, el.kind === 'group' ? (app.collapsed.has(el.group.id) ? 'Click to expand' : 'Click the header to collapse') : null);
      this.hover.hidden = false;
      this.highlightEdges(target.id);
    }
    this.positionHover(e.clientX, e.clientY);
    app.probe.lastHoverMs = performance.now() - t0;
  }

  private positionHover(cx: number, cy: number): void {
    const w = this.hover.offsetWidth;
    const hh = this.hover.offsetHeight;
    // Within the canvas: never over the details panel beside it.
    const right = Math.min(window.innerWidth, this.canvas.getBoundingClientRect().right);
    let x = cx + 16;
    let y = cy + 16;
    if (x + w > right - 4) x = Math.max(4, cx - w - 16);
    if (y + hh > window.innerHeight - 4) y = Math.max(4, window.innerHeight - hh - 4);
    this.hover.style.left = `${x}px`;
    this.hover.style.top = `${y}px`;
  }

  hideHover(): void {
    if (this.hover.hidden && this.hoverId === null) return;
    this.hover.hidden = true;
    this.hoverId = null;
    this.highlightEdges(null);
  }

  private highlightEdges(id: string | null): void {
    for (const e of this.hot) e.classList.remove('nl-hot');
    this.hot = [];
    const layout = this.app.layout;
    if (!id || !layout) return;
    const paths = this.vp.querySelectorAll('.nl-edge');
    layout.edges.forEach((edge, i) => {
      if (edge.source === id || edge.target === id) {
        const p = paths[i];
        if (p) { p.classList.add('nl-hot'); this.hot.push(p); }
      }
    });
  }

  private onClick(e: PointerEvent): void {
    const app = this.app;
    const target = this.targetOf(e);
    this.canvas.focus({ preventScroll: true });
    if (!target) return;
    const el = app.elementName(target.id);
    if (!el) return;
    if (el.kind === 'group') {
      if (target.head || app.collapsed.has(el.group.id)) {
        void app.toggleGroup(el.group.id);
        app.selection.current = { kind: 'group', id: el.group.id };
        app.saveState();
      }
      return;
    }
    void app.selectLayer(el.node.name, { reveal: false, center: false, details: true });
  }
}
