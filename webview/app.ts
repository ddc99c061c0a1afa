// The graph view's coordinator: it holds the state (model, batch, collapsed blocks, colour mode,
// selection, layout) and wires the parts that each own one concern: toolbar, header, viewport
// (pan/zoom/fit), pointer (drag, hover, click), keyboard, search, colouring and legend, details
// panel, minimap, layer table and export. The parts see it through appApi.ts, never this file.
// Numbers come from the view graph the host sends (analysed there; a new batch size is a 'batch'
// request answered by a 'graph' message); names reach the DOM only through textContent or escapeXml.
import type { ProfileResult } from '../src/core/profile/result';
import { ViewGraph, ViewNode, groupIndex } from '../src/core/graph/viewGraph';
import { Box, GraphLayout, groupId } from '../src/core/graph/layout';
import { renderGraphBody } from '../src/core/graph/svg';
import { drawnElement } from '../src/core/graph/collapse';
import { elementOf, GraphElement } from '../src/core/graph/metrics';
import { COLOR_BY, ColorBy } from '../src/core/graph/nodeStyles';
import { validBatch, type ExportFormat, type ModelMessage } from '../src/protocol/graph';
import { LayoutClient } from './layoutClient';
import { afterFirstFrame, h } from './dom';
import { LayerTable } from './table';
import { exportGraph, ExportSource, graphSvg } from './exporter';
import { Viewport, View } from './viewport';
import { Toolbar } from './toolbar';
import { renderHeader } from './header';
import { Pointer } from './pointer';
import { onGraphKey } from './keyboard';
import { Search } from './search';
import { adoptGraphStyles, Colouring } from './colouring';
import { Details } from './details';
import { Selection } from './selection';
import { firstView, stateOf, type Host, type Probe, type SavedState } from './host';
import type { AppApi, SelectOptions } from './appApi';

export type { Host, Probe } from './host';

/** The first view's rectangle with a margin: half a screen below (where a reader scrolls first), a quarter each side. */
const grow = (b: Box): Box => ({ x: b.x - b.w / 4, y: b.y, w: b.w * 1.5, h: b.h * 1.5 });

export class App implements AppApi {
  graph!: ViewGraph;
  modelArg = '';
  batch = 1;
  collapsed = new Set<string>();
  layout: GraphLayout | null = null;
  colorBy: ColorBy = 'category';
  profile: ProfileResult | null = null;
  showShapes = false;
  canProfile = false;

  readonly viewport: Viewport;
  readonly search: Search;
  readonly details: Details;
  readonly selection: Selection;
  private readonly toolbar: Toolbar;
  private readonly colouring: Colouring;
  private readonly pointer: Pointer;
  private readonly header = h('header', { class: 'nl-header' });
  private readonly banner = h('div', { class: 'nl-banner', role: 'alert', hidden: '' });
  private readonly status = h('div', { class: 'nl-status', role: 'status', 'aria-live': 'polite' });
  private readonly announcer = h('div', { class: 'nl-sr-only', 'aria-live': 'polite', id: 'nl-announcer' });
  private readonly table: LayerTable;
  private elements = new Map<string, SVGGElement>();
  private nodeIndex = new Map<string, ViewNode>();
  private layoutToken = 0;
  private painted = false;
  private paintResolve!: () => void;
  private drawnResolve!: () => void;
  /** The markup drawn is the first view's part only (render's `within`); the rest follows its first frame. */
  private partial = false;

  constructor(root: HTMLElement, private readonly host: Host, private readonly layouts: LayoutClient, readonly probe: Probe) {
    probe.app = this;
    probe.painted = new Promise((r) => { this.paintResolve = r; });
    probe.drawn = new Promise((r) => { this.drawnResolve = r; });
    adoptGraphStyles();
    this.toolbar = new Toolbar(this, host.mode === 'standalone');
    this.viewport = new Viewport(() => this.layout);
    const { canvas, svg, vp } = this.viewport;
    this.colouring = new Colouring(this, this.viewport.legend, this.viewport.minimap, canvas);
    this.selection = new Selection(this, vp, this.announcer);
    this.search = new Search(this, this.toolbar.searchField, this.toolbar.searchCount, vp);
    canvas.append(this.status, this.announcer);
    this.details = new Details(this, h('aside', { class: 'nl-details', id: 'nl-details', hidden: '', 'aria-label': 'Layer details' }), canvas);
    const main = h('div', { class: 'nl-main' }, canvas, this.details.el);
    this.table = new LayerTable((name) => this.selectLayer(name, { reveal: true, center: true, details: false }));
    const hover = h('div', { class: 'nl-hover', id: 'nl-hover', role: 'tooltip', hidden: '' });
    root.append(this.header, this.banner, this.toolbar.el, main, this.table.pane, hover);
    this.pointer = new Pointer(this, canvas, hover, vp);
    canvas.addEventListener('keydown', (e) => onGraphKey(this, e));
    window.addEventListener('resize', () => { this.toolbar.overflow.fit(); this.viewport.onResize(); this.colouring.updateMinimap(); });
    requestAnimationFrame(() => this.toolbar.overflow.fit());
  }

  get view(): View { return this.viewport.view; }

  // ---- model ----------------------------------------------------------------------------------

  async load(o: ModelMessage): Promise<void> {
    performance.mark('nl-model');
    this.modelArg = o.modelArg;
    this.canProfile = o.canProfile;
    this.layouts.seed(o.layouts);
    this.setGraphData(o.graph);
    this.batch = o.graph.batch;
    this.profile = o.profile;
    const view = firstView(o, this.host.getState() as SavedState | undefined);
    ({ collapsed: this.collapsed, colorBy: this.colorBy, showShapes: this.showShapes } = view);
    // A panel restored at another batch size asks the host for that graph (it arrives as 'graph').
    if (view.batch) this.requestBatch(view.batch);
    this.toolbar.show({ batch: this.batch, standalone: this.host.mode === 'standalone', canProfile: this.canProfile, profiled: !!this.profile, colorBy: this.colorBy, showShapes: this.showShapes });
    this.viewport.svg.classList.toggle('nl-shapes', this.showShapes);
    performance.mark('nl-analysed');
    renderHeader(this.header, this.graph, this.profile);
    this.table.setData(this.graph, this.profile);
    // A restored selection moves the view to it: draw all of the graph at once then.
    await this.relayout({ initial: true, firstPart: !view.selected });
    if (view.selected) this.selectLayer(view.selected, { reveal: false, center: true, details: false, notify: false });
    if (view.search) this.search.restore(view.search);
  }

  private setGraphData(graph: ViewGraph): void {
    this.graph = graph;
    this.nodeIndex = new Map(graph.nodes.map((n) => [n.name, n] as const));
  }

  /** The same model re-analysed by the host (another batch size): new figures, same layout. */
  setGraph(graph: ViewGraph): void {
    if (graph.model !== this.graph?.model || graph.nodes.length !== this.graph.nodes.length) return;
    if (graph.batch !== this.batch) return; // an answer to an earlier batch size
    this.setGraphData(graph);
    renderHeader(this.header, this.graph, this.profile);
    this.table.setData(this.graph, this.profile);
    if (this.layout) this.render(this.layout);
  }

  showError(message: string): void {
    this.banner.textContent = message;
    this.banner.hidden = false;
  }

  // ---- layout and render ----------------------------------------------------------------------

  setCollapsed(next: Set<string>, anchor?: string): Promise<void> {
    this.collapsed = next;
    this.saveState();
    return this.relayout({ anchor });
  }

  toggleGroup(id: string): Promise<void> {
    const next = new Set(this.collapsed);
    if (next.has(id)) next.delete(id); else next.add(id);
    const g = groupIndex(this.graph).get(id);
    return this.setCollapsed(next, g ? groupId(g.index) : undefined);
  }

  /** `firstPart`: the page's first layout, whose first frame may draw only what the first view shows. */
  private async relayout(o: { initial?: boolean; anchor?: string; firstPart?: boolean } = {}): Promise<void> {
    const token = ++this.layoutToken;
    const cached = this.layouts.cached(this.graph, this.collapsed);
    if (!cached) this.setStatus('Laying out…');
    // Where the anchor (the block being toggled) is on screen now, to keep it there.
    const before = o.anchor && this.layout ? this.layout.boxes[o.anchor] : undefined;
    let layout: GraphLayout;
    try {
      layout = cached ?? await this.layouts.layout(this.graph, this.collapsed);
    } catch (e) {
      this.setStatus('');
      this.showError(`Layout failed: ${(e as Error).message ?? e}`);
      return;
    }
    if (token !== this.layoutToken) return;
    this.setStatus('');
    // The first frame draws what the first view shows (measured while the page is still small);
    // every other element follows once that frame is on screen (BENCHMARKS.md "Editor").
    const shown = o.firstPart && !this.painted ? this.viewport.initialRect(layout) : undefined;
    this.render(layout, shown && grow(shown));
    const after = o.anchor ? layout.boxes[o.anchor] : undefined;
    if (before && after) this.viewport.keepAnchor(before, after);
    else if (o.initial) this.viewport.initialView();
    else this.viewport.clampView();
    if (!this.painted) {
      this.painted = true;
      this.probe.firstFrame = [...this.elements.keys()];
      requestAnimationFrame(() => {
        this.probe.firstPaintMs = performance.now();
        this.paintResolve();
      });
      afterFirstFrame(() => {
        // Unless something drew the whole graph since (a collapse, a batch size): render clears `partial`.
        if (this.partial) this.render(layout);
        this.probe.drawnMs = performance.now();
        this.drawnResolve();
      });
    }
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  /** Draws the layout; with `within`, only what reaches into that graph-space rectangle. */
  private render(layout: GraphLayout, within?: Box): void {
    performance.mark('nl-render');
    this.layout = layout;
    this.partial = !!within;
    this.probe.renders++;
    this.pointer.hideHover();
    // renderGraphBody escapes every model string; this is the only markup insertion.
    this.viewport.draw(renderGraphBody(this.graph, layout, within), layout);
    this.elements.clear();
    for (const el of Array.from(this.viewport.vp.querySelectorAll<SVGGElement>('[data-id]'))) this.elements.set(el.getAttribute('data-id')!, el);
    this.colouring.apply();
    this.selection.apply();
    this.search.mark();
    this.viewport.applyTransform();
    performance.mark('nl-rendered');
  }

  /** The drawn SVG group of an element id. */
  elementById(id: string): SVGGElement | undefined {
    return this.elements.get(id);
  }

  /** The element drawn for a layer: itself or the collapsed block that holds it. */
  elementFor(name: string): string | null {
    const n = this.nodeIndex.get(name);
    return n ? drawnElement(this.graph, n, this.collapsed) : null;
  }

  elementName(id: string): GraphElement | null {
    return elementOf(this.graph, id);
  }

  // ---- view (the tests and benches call these on window.__netlens.app) -----------------------

  fit(): void { this.viewport.fit(); }
  zoomBy(f: number, cx?: number, cy?: number): void { this.viewport.zoomBy(f, cx, cy); }
  panBy(dx: number, dy: number, keepAuto = false): void { this.viewport.panBy(dx, dy, keepAuto); }
  centerOn(gx: number, gy: number): void { this.viewport.centerOn(gx, gy); }
  focusCanvas(): void { this.viewport.canvas.focus(); }

  // ---- selection ------------------------------------------------------------------------------

  /** Selects a layer; `reveal` opens the blocks that hide it, else the block is selected. */
  selectLayer(name: string, o: SelectOptions): Promise<void> { return this.selection.layer(name, o); }

  nodeByName(name: string): ViewNode | undefined { return this.nodeIndex.get(name); }

  /** A layer was selected here: the table follows, and the host unless `notify` is false. */
  layerSelected(name: string, notify: boolean): void {
    this.table.select(name);
    if (notify) this.host.post({ type: 'selected', name });
  }

  clearSelection(): void {
    this.selection.current = null;
    this.details.hide();
    this.selection.apply();
    this.host.post({ type: 'selected', name: null });
  }

  // ---- toolbar actions ------------------------------------------------------------------------

  setColorBy(c: ColorBy): void {
    if (c === 'time' && !this.profile) c = 'category';
    this.colorBy = c;
    this.toolbar.colorSelect.setValue(c);
    this.colouring.apply();
    this.table.setColorBy(c);
    this.saveState();
  }

  setBatch(v: string): void {
    const b = Number(v.trim());
    const field = this.toolbar.batchField;
    if (!validBatch(b)) { field.setInvalid(true); return; }
    field.setInvalid(false);
    if (b === this.batch) return;
    this.requestBatch(b);
  }

  /** Asks the host for the graph at batch size b; the figures change when it arrives (setGraph). */
  private requestBatch(b: number): void {
    this.batch = b;
    this.toolbar.batchField.setValue(String(b));
    this.host.post({ type: 'batch', batch: b });
    this.saveState();
  }

  toggleShapes(): void {
    this.showShapes = !this.showShapes;
    this.viewport.svg.classList.toggle('nl-shapes', this.showShapes);
    this.toolbar.setShapes(this.showShapes);
    this.saveState();
  }

  toggleTable(): void {
    this.toolbar.setTable(this.table.toggle());
  }

  runProfile(): void { this.host.post({ type: 'runProfile' }); }

  setProfile(result: ProfileResult): void {
    this.profile = result;
    for (const c of COLOR_BY) if (c.needsProfile) this.toolbar.colorSelect.setDisabled(c.id, false);
    renderHeader(this.header, this.graph, this.profile);
    this.table.setData(this.graph, this.profile);
    // A compared run opens on its deltas; a roofline mode already chosen stays; else time.
    this.setColorBy(result.comparedTo ? 'diff' : this.colorBy === 'efficiency' || this.colorBy === 'bound' ? this.colorBy : 'time');
  }

  private exportSource(): ExportSource {
    return { svg: this.viewport.svg, vp: this.viewport.vp, layout: this.layout, model: this.graph.model, batch: this.batch, mode: this.host.mode, post: (m) => this.host.post(m) };
  }

  exportSvg(): string { return graphSvg(this.exportSource()); }

  async export(format: ExportFormat): Promise<void> {
    await exportGraph(this.exportSource(), format).catch((e) => this.showError(`Export failed: ${(e as Error).message}`));
  }

  saveState(): void {
    this.host.setState(stateOf(this));
  }
}
