// The graph view: header with totals, toolbar, the SVG graph (pan/zoom/fit, keyboard, hover
// cards, collapse/expand), search, minimap, details panel and a sortable table, all on the same
// selection. Numbers come from the view graph the host sends (analysed there; a new batch size is
// a 'batch' request answered by a 'graph' message); names reach the DOM only through textContent
// or escapeXml.
import type { ProfileResult } from '../src/core/profile/result';
import { ViewGraph, ViewNode, groupIndex, ViewGroup } from '../src/core/graph/viewGraph';
import { GraphLayout, Box, layerId, groupId } from '../src/core/graph/layout';
import { renderGraphBody, graphCss } from '../src/core/graph/svg';
import { groupsHiding } from '../src/core/graph/collapse';
import { BLOCK_STYLE, CATEGORY_TABLE, COLOR_BY, ColorBy, heatColor, NodeCategory } from '../src/core/graph/table';
import { Card, groupCard, layerCard, layersIn, totalsRows } from '../src/core/graph/cards';
import { bytes, compactNumber, grouped, milliseconds } from '../src/core/graph/text';
import type { ExportFormat, GraphSettings, ModelMessage, WebviewMessage } from '../src/protocol/graph';
import { validBatch } from '../src/protocol/graph';
import { LayoutClient } from './layoutClient';
import { button, divider, registerUi, select, SelectHandle, setPressed, textField, TextFieldHandle } from './ui';
import { clear, h, icon } from './dom';
import { Minimap } from './minimap';
import { LayerTable } from './table';
import { exportPng, exportSvg } from './exporter';
import { ToolbarOverflow } from './toolbarOverflow';

export interface Host {
  mode: 'vscode' | 'standalone';
  post(msg: WebviewMessage): void;
  getState(): unknown;
  setState(s: unknown): void;
}

interface SavedState {
  model: string;
  collapsed: string[];
  colorBy: ColorBy;
  batch: number;
  selected: string | null;
  showShapes: boolean;
  /** The search text, kept when the panel is hidden and shown again (the page reloads). */
  search?: string;
}

interface View { x: number; y: number; k: number }

const SVG_NS = 'http://www.w3.org/2000/svg';
const MIN_K = 0.02;
const MAX_K = 4;

/** Timings the benchmarks and tests read (window.__netlens). */
export interface Probe {
  app?: App;
  firstPaintMs?: number;
  lastHoverMs?: number;
  layouts: number;
  renders: number;
  painted?: Promise<void>;
}

export class App {
  graph!: ViewGraph;
  modelArg = '';
  batch = 1;
  collapsed = new Set<string>();
  layout: GraphLayout | null = null;
  colorBy: ColorBy = 'category';
  profile: ProfileResult | null = null;
  showShapes = false;
  canProfile = false;
  /** Selected element: a layer name or a block id, and which. */
  selected: { kind: 'layer' | 'group'; id: string } | null = null;
  view: View = { x: 0, y: 0, k: 1 };
  /** True while the view is the automatic one (not moved by the user): a resize recomputes it. */
  private autoView = true;
  private canvasWidth = 0;

  private readonly root: HTMLElement;
  private header!: HTMLElement;
  private banner!: HTMLElement;
  private canvas!: HTMLElement;
  private svg!: SVGSVGElement;
  private vp!: SVGGElement;
  /** Holds the SVG at graph size; pan and zoom move it with a compositor transform (no repaint). */
  private stage!: HTMLElement;
  private hover!: HTMLElement;
  private details!: HTMLElement;
  private legend!: HTMLElement;
  private status!: HTMLElement;
  private announcer!: HTMLElement;
  private colorSelect!: SelectHandle;
  private batchField!: TextFieldHandle;
  private searchField!: TextFieldHandle;
  private searchCount!: HTMLElement;
  private shapesButton!: HTMLElement;
  private tableButton!: HTMLElement;
  private profileButton!: HTMLElement;
  private exportMenu!: HTMLElement;
  private tablePane!: HTMLElement;
  private minimap!: Minimap;
  private overflow!: ToolbarOverflow;
  private table!: LayerTable;
  private elements = new Map<string, SVGGElement>();
  private nodeIndex = new Map<string, ViewNode>();
  private layoutToken = 0;
  private transformQueued = false;
  private matches: string[] = [];
  private matchAt = -1;
  private painted = false;
  private paintResolve!: () => void;
  private settings: GraphSettings = { collapseThreshold: 300, colorBy: 'category', showShapes: false };

  constructor(root: HTMLElement, private readonly host: Host, private readonly layouts: LayoutClient, readonly probe: Probe) {
    this.root = root;
    probe.app = this;
    probe.painted = new Promise((r) => { this.paintResolve = r; });
    registerUi();
    const sheet = new CSSStyleSheet();
    const swatches = (Object.keys(CATEGORY_TABLE) as NodeCategory[])
      .map((k) => `.nl-swatch-${k}{background:var(${CATEGORY_TABLE[k].cssVar}, ${CATEGORY_TABLE[k].fallback});}`).join('\n')
      + `\n.nl-swatch-block{background:var(${BLOCK_STYLE.cssVar}, ${BLOCK_STYLE.fallback});}`;
    sheet.replaceSync(`${graphCss()}\n${swatches}`);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    this.build();
  }

  // ---- page structure -------------------------------------------------------------------------

  private build(): void {
    this.header = h('header', { class: 'nl-header' });
    this.banner = h('div', { class: 'nl-banner', role: 'alert', hidden: '' });
    const toolbar = h('div', { class: 'nl-toolbar', role: 'toolbar', 'aria-label': 'Graph tools' });

    this.colorSelect = select({
      title: 'Colour nodes by', id: 'nl-color-by', value: 'category',
      options: COLOR_BY.map((c) => ({ value: c.id, label: c.label, disabled: c.needsProfile })),
      onChange: (v) => this.setColorBy(v as ColorBy),
    });
    this.batchField = textField({
      placeholder: 'batch', title: 'Batch size (activation memory scales with it)', id: 'nl-batch', value: '1', size: 4,
      onChange: (v) => this.setBatch(v),
      onKey: (e) => { if (e.key === 'Enter') this.setBatch(this.batchField.value()); },
    });
    this.searchField = textField({
      placeholder: 'Search layers (name or class)', title: 'Search layers by name or class', id: 'nl-search', icon: 'search',
      onInput: (v) => this.search(v),
      onKey: (e) => {
        if (e.key === 'Enter') { e.preventDefault(); this.nextMatch(e.shiftKey ? -1 : 1); }
        if (e.key === 'Escape') { this.searchField.setValue(''); this.search(''); this.canvas.focus(); }
      },
    });
    this.searchCount = h('span', { class: 'nl-search-count', 'aria-live': 'polite', id: 'nl-search-count' });
    this.shapesButton = button({ icon: 'tag', title: 'Show tensor shapes on edges', id: 'nl-shapes', onClick: () => this.toggleShapes() });
    this.tableButton = button({ icon: 'table', title: 'Show the layer table', id: 'nl-table-toggle', onClick: () => this.toggleTable() });
    this.profileButton = button({ icon: 'pulse', label: 'Profile', title: 'Profile this model on a sample image', id: 'nl-profile', onClick: () => this.host.post({ type: 'runProfile' }) });
    this.profileButton.hidden = true;
    const exportButton = button({ icon: 'export', title: 'Export the graph (SVG, PNG, HTML)', id: 'nl-export', onClick: () => this.toggleExportMenu() });
    this.exportMenu = h('div', { class: 'nl-menu', role: 'menu', hidden: '' });
    const formats: [ExportFormat, string][] = [['svg', 'SVG image'], ['png', 'PNG image'], ['html', 'Interactive HTML']];
    for (const [f, label] of formats) {
      if (f === 'html' && this.host.mode === 'standalone') continue;
      const item = h('button', { class: 'nl-menu-item', role: 'menuitem', 'data-format': f }, icon(f === 'png' ? 'file-media' : f === 'html' ? 'globe' : 'file-code'), label);
      item.addEventListener('click', () => { this.exportMenu.hidden = true; void this.export(f); });
      this.exportMenu.append(item);
    }
    const exportWrap = h('div', { class: 'nl-export-wrap' }, exportButton, this.exportMenu);

    const colourLabel = h('label', { class: 'nl-label', for: 'nl-color-by' }, 'Colour');
    const batchLabel = h('label', { class: 'nl-label', for: 'nl-batch' }, 'Batch');
    const tool = (icon: string, title: string, id: string, run: () => void): { el: HTMLElement; label: string; icon: string; run: () => void } =>
      ({ el: button({ icon, title, id, onClick: run }), label: title, icon, run });
    const prev = tool('arrow-up', 'Previous match (Shift+Enter)', 'nl-search-prev', () => void this.nextMatch(-1));
    const next = tool('arrow-down', 'Next match (Enter)', 'nl-search-next', () => void this.nextMatch(1));
    const collapseAll = tool('collapse-all', 'Collapse all blocks', 'nl-collapse-all', () => void this.setCollapsed(new Set(this.graph.groups.map((g) => g.id))));
    const expandAll = tool('expand-all', 'Expand all blocks', 'nl-expand-all', () => void this.setCollapsed(new Set()));
    const fit = tool('screen-full', 'Fit to view (0)', 'nl-fit', () => this.fit());
    const zoomOut = tool('zoom-out', 'Zoom out (-)', 'nl-zoom-out', () => this.zoomBy(1 / 1.25));
    const zoomIn = tool('zoom-in', 'Zoom in (+)', 'nl-zoom-in', () => this.zoomBy(1.25));
    const dividers = [divider(), divider()];
    toolbar.append(
      colourLabel, this.colorSelect.el, batchLabel, this.batchField.el,
      dividers[0],
      this.searchField.el, prev.el, next.el, this.searchCount,
      dividers[1],
      collapseAll.el, expandAll.el, fit.el, zoomOut.el, zoomIn.el,
      this.shapesButton, this.tableButton, exportWrap,
      h('span', { class: 'nl-spacer' }),
      this.profileButton,
    );
    // One row in a narrow panel: the least needed tools (last here) move into "More actions" first.
    const exportItems = formats.filter(([f]) => !(f === 'html' && this.host.mode === 'standalone'))
      .map(([f, label]) => ({ el: h('span'), label: `Export ${label}`, icon: 'export', run: () => void this.export(f) }));
    this.overflow = new ToolbarOverflow(toolbar, [
      { el: this.profileButton, label: 'Profile', icon: 'pulse', run: () => this.host.post({ type: 'runProfile' }), available: () => this.canProfile },
      { el: exportWrap }, ...exportItems,
      { el: this.tableButton, label: 'Layer table', icon: 'table', run: () => this.toggleTable() },
      fit, collapseAll, expandAll,
      { el: this.shapesButton, label: 'Tensor shapes on edges', icon: 'tag', run: () => this.toggleShapes() },
      prev, next, zoomOut, zoomIn,
      { el: dividers[1] }, { el: dividers[0] }, { el: batchLabel }, { el: colourLabel },
    ]);
    toolbar.append(this.overflow.el);

    this.canvas = h('div', { class: 'nl-canvas', tabindex: '0', id: 'nl-canvas', 'aria-label': 'Model graph. Arrow keys move between layers, Enter opens details, plus and minus zoom, 0 fits.' });
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('class', 'nl-graph');
    this.svg.setAttribute('id', 'nl-svg');
    this.vp = document.createElementNS(SVG_NS, 'g');
    this.vp.setAttribute('id', 'nl-viewport');
    this.svg.append(this.vp);
    this.stage = h('div', { class: 'nl-stage' });
    this.stage.append(this.svg);
    this.legend = h('div', { class: 'nl-legend', id: 'nl-legend' });
    this.status = h('div', { class: 'nl-status', role: 'status', 'aria-live': 'polite' });
    this.announcer = h('div', { class: 'nl-sr-only', 'aria-live': 'polite', id: 'nl-announcer' });
    this.minimap = new Minimap((x, y) => this.centerOn(x, y));
    this.canvas.append(this.stage, this.legend, this.minimap.el, this.status, this.announcer);
    this.details = h('aside', { class: 'nl-details', id: 'nl-details', hidden: '', 'aria-label': 'Layer details' });
    const main = h('div', { class: 'nl-main' }, this.canvas, this.details);
    this.table = new LayerTable((name) => this.selectLayer(name, { reveal: true, center: true, details: false }));
    this.tablePane = h('div', { class: 'nl-table-pane', id: 'nl-table', hidden: '' }, this.table.el);
    this.hover = h('div', { class: 'nl-hover', id: 'nl-hover', role: 'tooltip', hidden: '' });
    this.root.append(this.header, this.banner, toolbar, main, this.tablePane, this.hover);
    this.wireCanvas();
    window.addEventListener('resize', () => { this.overflow.fit(); this.onResize(); });
    requestAnimationFrame(() => this.overflow.fit());
    document.addEventListener('pointerdown', (e) => {
      if (!this.exportMenu.hidden && !(e.target as Element).closest('.nl-export-wrap')) this.exportMenu.hidden = true;
    });
  }

  // ---- model ----------------------------------------------------------------------------------

  async load(o: ModelMessage): Promise<void> {
    performance.mark('nl-model');
    this.modelArg = o.modelArg;
    this.settings = o.settings;
    this.canProfile = o.canProfile;
    this.layouts.seed(o.layouts);
    const saved = this.host.getState() as SavedState | undefined;
    const same = saved && saved.model === o.modelArg;
    this.setGraphData(o.graph);
    this.batch = o.graph.batch;
    // A panel restored at another batch size asks the host for that graph (it arrives as 'graph').
    if (same && validBatch(saved.batch) && saved.batch !== this.batch) this.requestBatch(saved.batch);
    const groups = new Set(this.graph.groups.map((g) => g.id));
    this.collapsed = same ? new Set(saved.collapsed.filter((g) => groups.has(g))) : new Set(o.collapsed.filter((g) => groups.has(g)));
    this.colorBy = same ? saved.colorBy : o.settings.colorBy;
    this.showShapes = same ? saved.showShapes : o.settings.showShapes;
    this.profile = o.profile;
    this.batchField.setValue(String(this.batch));
    // A standalone page has no host to re-analyse: its batch size is the exported one.
    this.batchField.setDisabled(this.host.mode === 'standalone', `Batch size ${this.batch}, as exported`);
    this.profileButton.hidden = !this.canProfile;
    requestAnimationFrame(() => this.overflow.fit());
    this.colorSelect.setDisabled('time', !this.profile);
    if (this.colorBy === 'time' && !this.profile) this.colorBy = 'category';
    this.colorSelect.setValue(this.colorBy);
    setPressed(this.shapesButton, this.showShapes);
    this.svg.classList.toggle('nl-shapes', this.showShapes);
    performance.mark('nl-analysed');
    this.renderHeader();
    this.table.setData(this.graph, this.profile);
    await this.relayout({ initial: true });
    if (same && saved.selected) this.selectLayer(saved.selected, { reveal: false, center: true, details: false, notify: false });
    if (same && typeof saved.search === 'string' && saved.search) {
      this.searchField.setValue(saved.search);
      this.search(saved.search);
    }
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
    this.renderHeader();
    this.table.setData(this.graph, this.profile);
    if (this.layout) this.render(this.layout);
  }

  private renderHeader(): void {
    clear(this.header);
    const title = h('div', { class: 'nl-title', title: this.graph.model }, icon('type-hierarchy'), h('span', { class: 'nl-model' }, this.graph.model));
    const chips = h('div', { class: 'nl-totals', id: 'nl-totals' });
    for (const r of totalsRows(this.graph)) {
      chips.append(h('span', { class: 'nl-chip', title: r.detail ?? r.value }, h('span', { class: 'nl-chip-label' }, r.label), h('span', { class: 'nl-chip-value' }, r.value)));
    }
    if (this.graph.unsupported.length) {
      const names = this.graph.unsupported.map((u) => `${u.name} (${u.className})`).join(', ');
      chips.append(h('span', { class: 'nl-chip nl-warn', title: `Not analysed: ${names}` }, icon('warning'), `${this.graph.unsupported.length} unsupported`));
    }
    if (this.profile) {
      const p = this.profile;
      // First, so a narrow header keeps it; a long backend label is cut, in full in the tooltip.
      chips.prepend(h('span', { class: 'nl-chip nl-measured', id: 'nl-measured', title: `${p.backendLabel ?? p.backend}: ${milliseconds(p.endToEndMs.median)} end to end, median of ${p.runs} runs after ${p.warmup} warm-up, ${p.weights} weights, image ${p.image}` },
        icon('pulse'), h('span', { class: 'nl-chip-label' }, p.backendLabel ?? p.backend), h('span', { class: 'nl-chip-value' }, milliseconds(p.endToEndMs.median))));
    }
    this.header.append(title, chips);
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

  private async relayout(o: { initial?: boolean; anchor?: string } = {}): Promise<void> {
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
    this.render(layout);
    const after = o.anchor ? layout.boxes[o.anchor] : undefined;
    if (before && after) {
      this.view.x += (before.x - after.x) * this.view.k;
      this.view.y += (before.y - after.y) * this.view.k;
      this.applyTransform();
    } else if (o.initial) {
      this.initialView();
    } else {
      this.clampView();
    }
    if (!this.painted) {
      this.painted = true;
      requestAnimationFrame(() => {
        this.probe.firstPaintMs = performance.now();
        this.paintResolve();
      });
    }
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  private render(layout: GraphLayout): void {
    performance.mark('nl-render');
    this.layout = layout;
    this.probe.renders++;
    this.hideHover();
    // renderGraphBody escapes every model string; this is the only markup insertion.
    this.vp.innerHTML = renderGraphBody(this.graph, layout);
    this.svg.setAttribute('width', String(layout.width));
    this.svg.setAttribute('height', String(layout.height));
    this.svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
    this.elements.clear();
    for (const el of Array.from(this.vp.querySelectorAll<SVGGElement>('[data-id]'))) this.elements.set(el.getAttribute('data-id')!, el);
    this.applyColors();
    this.applySelection();
    this.applyMatches();
    this.applyTransform();
    performance.mark('nl-rendered');
  }

  /** The element drawn for a layer: itself or the collapsed block that holds it. */
  elementFor(name: string): string | null {
    const n = this.nodeIndex.get(name);
    if (!n) return null;
    const hiding = groupsHiding(this.graph, n.group, this.collapsed);
    if (!hiding.length) return layerId(n.index);
    const g = groupIndex(this.graph).get(hiding[hiding.length - 1])!;
    return groupId(g.index);
  }

  private elementName(id: string): { kind: 'layer'; node: ViewNode } | { kind: 'group'; group: ViewGroup } | null {
    const i = Number(id.slice(1));
    if (id[0] === 'n') return this.graph.nodes[i] ? { kind: 'layer', node: this.graph.nodes[i] } : null;
    return this.graph.groups[i] ? { kind: 'group', group: this.graph.groups[i] } : null;
  }

  // ---- colour ---------------------------------------------------------------------------------

  setColorBy(c: ColorBy): void {
    if (c === 'time' && !this.profile) c = 'category';
    this.colorBy = c;
    this.colorSelect.setValue(c);
    this.applyColors();
    this.table.setColorBy(c);
    this.saveState();
  }

  /** The metric of an element under the current colour mode. */
  private metric(id: string): number {
    const e = this.elementName(id);
    if (!e) return 0;
    const names = e.kind === 'layer' ? [e.node.name] : layersIn(this.graph, e.group.id);
    if (this.colorBy === 'time' || (this.colorBy === 'memory' && this.profile)) {
      const set = new Set(names);
      let v = 0;
      for (const l of this.profile?.layers ?? []) if (set.has(l.name)) v += this.colorBy === 'time' ? l.ms.median : l.bytes;
      return v;
    }
    if (e.kind === 'group') {
      const s = e.group.sums;
      return this.colorBy === 'params' ? s.params : this.colorBy === 'macs' ? s.macs : s.weightBytes + s.activationBytes;
    }
    const s = e.node.stats;
    return this.colorBy === 'params' ? s.params : this.colorBy === 'macs' ? s.macs : s.weightBytes + s.activationBytes;
  }

  private colors = new Map<string, string | null>();

  private applyColors(): void {
    this.colors.clear();
    if (!this.layout) return;
    if (this.colorBy === 'category') {
      for (const id of this.layout.nodes) this.elements.get(id)?.style.removeProperty('--nl-c');
    } else {
      const values = new Map(this.layout.nodes.map((id) => [id, this.metric(id)] as const));
      const max = Math.max(0, ...values.values());
      for (const [id, v] of values) {
        const c = heatColor(v, max);
        this.colors.set(id, c);
        this.elements.get(id)?.style.setProperty('--nl-c', c ?? 'var(--vscode-disabledForeground, #80808080)');
      }
      this.legendMax = max;
    }
    this.renderLegend();
    this.updateMinimap();
  }

  private legendMax = 0;

  private renderLegend(): void {
    clear(this.legend);
    if (this.colorBy === 'category') {
      const present = new Set<NodeCategory>(this.graph.nodes.map((n) => n.category));
      for (const [k, row] of Object.entries(CATEGORY_TABLE) as [NodeCategory, typeof CATEGORY_TABLE[NodeCategory]][]) {
        if (!present.has(k)) continue;
        const sw = h('span', { class: `nl-swatch nl-swatch-${k}` });
        this.legend.append(h('span', { class: 'nl-legend-item' }, sw, row.label));
      }
      if (this.layout?.nodes.some((id) => id[0] === 'g')) {
        this.legend.append(h('span', { class: 'nl-legend-item' }, h('span', { class: 'nl-swatch nl-swatch-block' }), BLOCK_STYLE.label));
      }
      return;
    }
    const unit = (v: number): string => this.colorBy === 'time' ? milliseconds(v)
      : this.colorBy === 'memory' ? bytes(v) : compactNumber(v);
    const what = this.colorBy === 'memory' ? (this.profile ? 'measured bytes' : 'weights + activations') : COLOR_BY.find((c) => c.id === this.colorBy)!.label;
    this.legend.append(h('span', { class: 'nl-legend-item' }, what), h('span', { class: 'nl-gradient' }), h('span', { class: 'nl-legend-item' }, `0 … ${unit(this.legendMax)} (log)`));
  }

  // ---- transform, fit, pan/zoom ---------------------------------------------------------------

  private applyTransform(): void {
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

  private rasterK = 1;
  private sharpenTimer: ReturnType<typeof setTimeout> | undefined;

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
  private onResize(): void {
    const width = this.canvas.getBoundingClientRect().width;
    if (this.autoView) this.initialView();
    else if (this.canvasWidth) this.panBy((width - this.canvasWidth) / 2, 0, true);
    this.canvasWidth = width;
    this.updateMinimap();
  }

  private initialView(): void {
    if (!this.layout) return;
    const r = this.canvas.getBoundingClientRect();
    this.canvasWidth = r.width;
    this.autoView = true;
    const { width, height } = this.layout;
    // Whole graph when it fits at a readable scale, else the width at the top (the input end).
    const fitK = Math.min(r.width / width, r.height / height);
    if (fitK >= 0.6) return this.fit();
    const k = Math.min(1, Math.max(0.5, r.width / width));
    this.view = { k, x: Math.max(0, (r.width - width * k) / 2), y: 0 };
    this.applyTransform();
  }

  fit(): void {
    if (!this.layout) return;
    const r = this.canvas.getBoundingClientRect();
    this.canvasWidth = r.width;
    this.autoView = true;
    const { width, height } = this.layout;
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

  centerOn(gx: number, gy: number): void {
    this.autoView = false;
    const r = this.canvas.getBoundingClientRect();
    this.view.x = r.width / 2 - gx * this.view.k;
    this.view.y = r.height / 2 - gy * this.view.k;
    this.applyTransform();
  }

  private clampView(): void {
    if (!this.layout) return;
    const r = this.canvas.getBoundingClientRect();
    const { k } = this.view;
    const w = this.layout.width * k;
    const hgt = this.layout.height * k;
    // Keep at least a quarter of the view on the graph.
    this.view.x = Math.min(r.width * 0.75, Math.max(r.width * 0.25 - w, this.view.x));
    this.view.y = Math.min(r.height * 0.75, Math.max(r.height * 0.25 - hgt, this.view.y));
    this.applyTransform();
  }

  private ensureVisible(id: string): void {
    const b = this.layout?.boxes[id];
    if (!b) return;
    const v = this.visibleRect();
    const m = 40 / this.view.k;
    if (b.x >= v.x + m && b.y >= v.y + m && b.x + b.w <= v.x + v.w - m && b.y + b.h <= v.y + v.h - m) return;
    if (this.view.k < 0.35) this.view.k = 0.8;
    this.centerOn(b.x + b.w / 2, b.y + b.h / 2);
  }

  private wireCanvas(): void {
    let drag: { x: number; y: number; vx: number; vy: number; moved: boolean; id: number } | null = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.nl-minimap, .nl-legend')) return;
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, vx: this.view.x, vy: this.view.y, moved: false, id: e.pointerId };
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (drag && e.pointerId === drag.id) {
        const dx = e.clientX - drag.x;
        const dy = e.clientY - drag.y;
        if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 4) {
          drag.moved = true;
          this.canvas.setPointerCapture(e.pointerId);
          this.canvas.classList.add('nl-dragging');
          this.hideHover();
        }
        if (drag.moved) {
          this.autoView = false;
          this.view.x = drag.vx + dx;
          this.view.y = drag.vy + dy;
          this.applyTransform();
          return;
        }
      }
      this.onHover(e);
    });
    const end = (e: PointerEvent): void => {
      if (!drag || e.pointerId !== drag.id) return;
      const wasDrag = drag.moved;
      drag = null;
      this.canvas.classList.remove('nl-dragging');
      if (!wasDrag && e.type === 'pointerup') this.onClick(e);
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    this.canvas.addEventListener('pointerleave', () => this.hideHover());
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = this.canvas.getBoundingClientRect();
      if (e.ctrlKey || e.metaKey || !e.shiftKey) {
        // Pinch gestures arrive as ctrl+wheel with small deltas; mouse wheels as ±100.
        const f = Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015));
        this.zoomBy(f, e.clientX - r.left, e.clientY - r.top);
      } else {
        this.panBy(-e.deltaY, -e.deltaX);
      }
    }, { passive: false });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
  }

  private targetOf(e: Event): { id: string; head: boolean } | null {
    const t = e.target as Element | null;
    const head = t?.closest('.nl-frame-head, .nl-frame-label, .nl-frame-sum');
    if (head) return { id: head.parentElement!.getAttribute('data-id')!, head: true };
    const node = t?.closest('.nl-node');
    return node ? { id: node.getAttribute('data-id')!, head: false } : null;
  }

  private hoverId: string | null = null;

  private onHover(e: PointerEvent): void {
    const t0 = performance.now();
    const target = this.targetOf(e);
    if (!target) { this.hideHover(); return; }
    if (target.id !== this.hoverId) {
      this.hoverId = target.id;
      const el = this.elementName(target.id);
      if (!el) return;
      const card = el.kind === 'layer' ? layerCard(el.node, this.graph.totals, this.profile, this.batch) : groupCard(this.graph, el.group, this.profile);
      fillCard(this.hover, card, el.kind === 'group' ? (this.collapsed.has(el.group.id) ? 'Click to expand' : 'Click the header to collapse') : null);
      this.hover.hidden = false;
      this.highlightEdges(target.id);
    }
    this.positionHover(e.clientX, e.clientY);
    this.probe.lastHoverMs = performance.now() - t0;
  }

  private positionHover(cx: number, cy: number): void {
    const w = this.hover.offsetWidth;
    const hh = this.hover.offsetHeight;
    let x = cx + 16;
    let y = cy + 16;
    if (x + w > window.innerWidth - 4) x = Math.max(4, cx - w - 16);
    if (y + hh > window.innerHeight - 4) y = Math.max(4, window.innerHeight - hh - 4);
    this.hover.style.left = `${x}px`;
    this.hover.style.top = `${y}px`;
  }

  private hideHover(): void {
    if (this.hover.hidden && this.hoverId === null) return;
    this.hover.hidden = true;
    this.hoverId = null;
    this.highlightEdges(null);
  }

  private hot: Element[] = [];
  private highlightEdges(id: string | null): void {
    for (const e of this.hot) e.classList.remove('nl-hot');
    this.hot = [];
    if (!id || !this.layout) return;
    const paths = this.vp.querySelectorAll('.nl-edge');
    this.layout.edges.forEach((edge, i) => {
      if (edge.source === id || edge.target === id) {
        const p = paths[i];
        if (p) { p.classList.add('nl-hot'); this.hot.push(p); }
      }
    });
  }

  private onClick(e: PointerEvent): void {
    const target = this.targetOf(e);
    this.canvas.focus({ preventScroll: true });
    if (!target) return;
    const el = this.elementName(target.id);
    if (!el) return;
    if (el.kind === 'group') {
      if (target.head || this.collapsed.has(el.group.id)) {
        void this.toggleGroup(el.group.id);
        this.selected = { kind: 'group', id: el.group.id };
        this.saveState();
        return;
      }
      return;
    }
    this.selectLayer(el.node.name, { reveal: false, center: false, details: true });
  }

  // ---- selection ------------------------------------------------------------------------------

  /** Selects a layer; `reveal` opens the blocks that hide it, else the block is selected. */
  async selectLayer(name: string, o: { reveal: boolean; center: boolean; details: boolean; notify?: boolean }): Promise<void> {
    const n = this.nodeIndex.get(name);
    if (!n) return;
    if (o.reveal) {
      const hiding = groupsHiding(this.graph, n.group, this.collapsed);
      if (hiding.length) {
        const next = new Set(this.collapsed);
        for (const g of hiding) next.delete(g);
        await this.setCollapsed(next);
      }
    }
    this.selected = { kind: 'layer', id: name };
    this.applySelection();
    const id = this.elementFor(name);
    if (id && o.center) this.ensureVisible(id);
    if (o.details) this.showDetails(id ?? layerId(n.index));
    else if (!this.details.hidden && id) this.showDetails(id);
    this.table.select(name);
    if (o.notify !== false) this.host.post({ type: 'selected', name });
    this.saveState();
  }

  private selectElement(id: string, details = false): void {
    const el = this.elementName(id);
    if (!el) return;
    if (el.kind === 'layer') {
      void this.selectLayer(el.node.name, { reveal: false, center: true, details });
    } else {
      this.selected = { kind: 'group', id: el.group.id };
      this.applySelection();
      this.ensureVisible(id);
      if (details || !this.details.hidden) this.showDetails(id);
      this.saveState();
    }
  }

  private selectedElement(): string | null {
    if (!this.selected) return null;
    if (this.selected.kind === 'layer') return this.elementFor(this.selected.id);
    const g = groupIndex(this.graph).get(this.selected.id);
    if (!g) return null;
    const hiding = groupsHiding(this.graph, g.parent, this.collapsed);
    const top = hiding.length ? groupIndex(this.graph).get(hiding[hiding.length - 1])! : g;
    return groupId(top.index);
  }

  private applySelection(): void {
    for (const el of Array.from(this.vp.querySelectorAll('.nl-selected'))) el.classList.remove('nl-selected');
    const id = this.selectedElement();
    if (id) this.elements.get(id)?.classList.add('nl-selected');
    // Screen readers hear the selection (the SVG itself is one focusable region).
    const e = id ? this.elementName(id) : null;
    const text = !e ? '' : e.kind === 'layer'
      ? `${e.node.name}, ${e.node.className}, output ${e.node.shape}, ${grouped(e.node.stats.params)} parameters, ${grouped(e.node.stats.macs)} MACs`
      : `${e.group.label}, ${this.collapsed.has(e.group.id) ? 'collapsed ' : ''}block of ${e.group.sums.layers} layers`;
    if (this.announcer.textContent !== text) this.announcer.textContent = text;
  }

  // ---- details panel --------------------------------------------------------------------------

  private showDetails(id: string): void {
    const el = this.elementName(id);
    if (!el) return;
    clear(this.details);
    const close = button({ icon: 'close', title: 'Close details (Escape)', onClick: () => { this.details.hidden = true; this.canvas.focus(); } });
    const card = el.kind === 'layer' ? layerCard(el.node, this.graph.totals, this.profile, this.batch) : groupCard(this.graph, el.group, this.profile);
    const body = h('div', { class: 'nl-card' });
    fillCard(body, card, null);
    this.details.append(h('div', { class: 'nl-details-bar' }, h('span', {}, 'Details'), close), body);
    if (el.kind === 'layer') {
      const n = el.node;
      if (n.attrs.length) {
        const dl = h('dl', { class: 'nl-attrs' });
        for (const [k, v] of n.attrs) dl.append(h('dt', {}, k), h('dd', {}, v));
        this.details.append(h('h3', {}, 'Config'), dl);
      }
      const outs = this.graph.edges.filter((e) => e.source === n.name).map((e) => e.target);
      this.details.append(this.linkList('Inputs', n.stats.inbound), this.linkList('Outputs', outs));
      if (n.group) {
        const g = groupIndex(this.graph).get(n.group)!;
        const b = h('button', { class: 'nl-link' }, icon('symbol-namespace'), g.label);
        b.addEventListener('click', () => this.selectElement(groupId(g.index), true));
        this.details.append(h('h3', {}, 'Block'), b);
      }
    } else {
      const g = el.group;
      const toggle = button({ icon: this.collapsed.has(g.id) ? 'unfold' : 'fold', label: this.collapsed.has(g.id) ? 'Expand' : 'Collapse', title: 'Expand or collapse this block', onClick: () => void this.toggleGroup(g.id).then(() => this.showDetails(this.selectedElement() ?? id)) });
      this.details.append(toggle, this.linkList('Layers', layersIn(this.graph, g.id)));
    }
    this.details.hidden = false;
  }

  private linkList(title: string, names: string[]): HTMLElement {
    const ul = h('ul', { class: 'nl-links' });
    for (const name of names.slice(0, 200)) {
      const b = h('button', { class: 'nl-link' }, name);
      b.addEventListener('click', () => void this.selectLayer(name, { reveal: true, center: true, details: true }));
      ul.append(h('li', {}, b));
    }
    if (names.length > 200) ul.append(h('li', {}, `… ${names.length - 200} more`));
    return h('section', {}, h('h3', {}, `${title} (${names.length})`), names.length ? ul : h('p', { class: 'nl-muted' }, 'none'));
  }

  // ---- keyboard -------------------------------------------------------------------------------

  private neighbours(id: string, dir: 'up' | 'down' | 'left' | 'right'): string | null {
    if (!this.layout) return null;
    const b = this.layout.boxes[id];
    if (dir === 'up' || dir === 'down') {
      const next = this.layout.edges.filter((e) => (dir === 'down' ? e.source === id : e.target === id)).map((e) => (dir === 'down' ? e.target : e.source));
      // The most central neighbour first (the main path), then the rest by x.
      next.sort((p, q) => Math.abs(this.layout!.boxes[p].x - b.x) - Math.abs(this.layout!.boxes[q].x - b.x));
      return next[0] ?? null;
    }
    let best: string | null = null;
    let bestD = Infinity;
    for (const other of this.layout.nodes) {
      if (other === id) continue;
      const o = this.layout.boxes[other];
      const overlap = Math.min(b.y + b.h, o.y + o.h) - Math.max(b.y, o.y);
      if (overlap <= -40) continue;
      const dx = o.x - b.x;
      if ((dir === 'right' && dx <= 0) || (dir === 'left' && dx >= 0)) continue;
      const d = Math.abs(dx) + Math.abs(o.y - b.y) * 2;
      if (d < bestD) { bestD = d; best = other; }
    }
    return best;
  }

  private onKey(e: KeyboardEvent): void {
    const sel = this.selectedElement();
    const arrows: Record<string, 'up' | 'down' | 'left' | 'right'> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };
    const dir = arrows[e.key];
    if (dir) {
      e.preventDefault();
      if (e.shiftKey || !this.layout) {
        const step = 60;
        this.panBy(dir === 'left' ? step : dir === 'right' ? -step : 0, dir === 'up' ? step : dir === 'down' ? -step : 0);
        return;
      }
      const next = sel ? this.neighbours(sel, dir) : this.layout.nodes[0];
      if (next) this.selectElement(next);
      return;
    }
    switch (e.key) {
      case '+': case '=': this.zoomBy(1.25); break;
      case '-': case '_': this.zoomBy(1 / 1.25); break;
      case '0': this.fit(); break;
      case 'Enter': case ' ': {
        if (!sel) break;
        e.preventDefault();
        const el = this.elementName(sel);
        if (el?.kind === 'group' && this.collapsed.has(el.group.id)) void this.toggleGroup(el.group.id);
        else this.showDetails(sel);
        break;
      }
      case 'Backspace': case 'c': {
        // Collapse the innermost block around the selection.
        const el = sel ? this.elementName(sel) : null;
        const g = el?.kind === 'layer' ? el.node.group : el?.kind === 'group' ? el.group.parent : null;
        if (g) { this.selected = { kind: 'group', id: g }; void this.toggleGroup(g); }
        break;
      }
      case 'Escape':
        this.selected = null;
        this.details.hidden = true;
        this.applySelection();
        this.host.post({ type: 'selected', name: null });
        break;
      case '/':
        e.preventDefault();
        this.searchField.focus();
        break;
      case 'n': this.nextMatch(1); break;
      case 'N': this.nextMatch(-1); break;
      case 'F3': e.preventDefault(); this.nextMatch(e.shiftKey ? -1 : 1); break;
      default:
        if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); this.searchField.focus(); }
    }
  }

  // ---- search ---------------------------------------------------------------------------------

  search(q: string): void {
    const query = q.trim().toLowerCase();
    this.matches = query ? this.graph.nodes.filter((n) => n.name.toLowerCase().includes(query) || n.className.toLowerCase().includes(query)).map((n) => n.name) : [];
    this.matchAt = -1;
    this.applyMatches();
    this.searchCount.textContent = query ? (this.matches.length ? `${this.matches.length} found` : 'No results') : '';
    this.saveState();
  }

  async nextMatch(step: number): Promise<void> {
    if (!this.matches.length) {
      if (this.searchField.value()) this.search(this.searchField.value());
      if (!this.matches.length) return;
    }
    this.matchAt = (this.matchAt + step + this.matches.length) % this.matches.length;
    const name = this.matches[this.matchAt];
    this.searchCount.textContent = `${this.matchAt + 1} / ${this.matches.length}`;
    await this.selectLayer(name, { reveal: true, center: true, details: false });
    this.applyMatches();
  }

  private applyMatches(): void {
    for (const el of Array.from(this.vp.querySelectorAll('.nl-match, .nl-current'))) el.classList.remove('nl-match', 'nl-current');
    for (const [i, name] of this.matches.entries()) {
      const id = this.elementFor(name);
      const el = id ? this.elements.get(id) : undefined;
      el?.classList.add('nl-match');
      if (i === this.matchAt) el?.classList.add('nl-current');
    }
  }

  // ---- toolbar actions ------------------------------------------------------------------------

  setBatch(v: string): void {
    const b = Number(v.trim());
    if (!validBatch(b)) { this.batchField.setInvalid(true); return; }
    this.batchField.setInvalid(false);
    if (b === this.batch) return;
    this.requestBatch(b);
  }

  /** Asks the host for the graph at batch size b; the figures change when it arrives (setGraph). */
  private requestBatch(b: number): void {
    this.batch = b;
    this.batchField.setValue(String(b));
    this.host.post({ type: 'batch', batch: b });
    this.saveState();
  }

  toggleShapes(): void {
    this.showShapes = !this.showShapes;
    this.svg.classList.toggle('nl-shapes', this.showShapes);
    setPressed(this.shapesButton, this.showShapes);
    this.saveState();
  }

  toggleTable(): void {
    this.tablePane.hidden = !this.tablePane.hidden;
    setPressed(this.tableButton, !this.tablePane.hidden);
    if (!this.tablePane.hidden) this.table.render();
  }

  private toggleExportMenu(): void {
    this.exportMenu.hidden = !this.exportMenu.hidden;
    if (!this.exportMenu.hidden) (this.exportMenu.querySelector('button') as HTMLElement | null)?.focus();
  }

  setProfile(result: ProfileResult): void {
    this.profile = result;
    this.colorSelect.setDisabled('time', false);
    this.renderHeader();
    this.table.setData(this.graph, this.profile);
    this.setColorBy('time');
  }

  exportSvg(): string {
    if (!this.layout) throw new Error('nothing to export yet');
    return exportSvg(this.svg, this.vp, this.layout, this.graph.model);
  }

  async export(format: ExportFormat): Promise<void> {
    try {
      const data = format === 'svg' ? this.exportSvg() : format === 'png' ? await exportPng(this.exportSvg(), this.layout!) : '';
      if (this.host.mode === 'vscode') {
        this.host.post({ type: 'export', format, data, batch: this.batch });
      } else {
        const blob = format === 'png' ? await (await fetch(data)).blob() : new Blob([data], { type: 'image/svg+xml' });
        const a = h('a', { href: URL.createObjectURL(blob), download: `${this.graph.model}.graph.${format}` });
        document.body.append(a);
        a.click();
        a.remove();
      }
    } catch (e) {
      this.showError(`Export failed: ${(e as Error).message}`);
    }
  }

  private updateMinimap(): void {
    if (!this.layout) return;
    const colorOf = (id: string): string => {
      const c = this.colors.get(id);
      if (c) return c;
      const e = this.elementName(id);
      return categoryColor(e?.kind === 'layer' ? e.node.category : 'input');
    };
    this.minimap.draw(this.layout, colorOf, this.canvas.getBoundingClientRect());
    this.minimap.setView(this.visibleRect());
  }

  private saveState(): void {
    const s: SavedState = {
      model: this.modelArg, collapsed: [...this.collapsed], colorBy: this.colorBy, batch: this.batch,
      selected: this.selected?.kind === 'layer' ? this.selected.id : null, showShapes: this.showShapes,
      search: this.searchField.value(),
    };
    this.host.setState(s);
  }
}

/** Fills a card element from card data; textContent only. */
export function fillCard(el: HTMLElement, card: Card, hint: string | null): void {
  clear(el);
  el.append(h('div', { class: 'nl-card-title' }, card.title), h('div', { class: 'nl-card-sub' }, card.subtitle));
  const grid = h('div', { class: 'nl-card-grid' });
  for (const r of card.rows) {
    grid.append(
      h('span', { class: `nl-card-label${r.kind ? ` nl-${r.kind}` : ''}` }, r.label),
      h('span', { class: `nl-card-value${r.kind ? ` nl-${r.kind}` : ''}` }, r.value, r.detail ? h('span', { class: 'nl-card-detail' }, r.detail) : null),
    );
  }
  el.append(grid);
  if (hint) el.append(h('div', { class: 'nl-card-hint' }, hint));
}

const catColors = new Map<string, string>();
/** The resolved theme colour of a category (the minimap draws on a canvas, which needs real colours). */
export function categoryColor(c: NodeCategory): string {
  let v = catColors.get(c);
  if (!v) {
    const row = CATEGORY_TABLE[c];
    v = getComputedStyle(document.body).getPropertyValue(row.cssVar).trim() || row.fallback;
    catColors.set(c, v);
  }
  return v;
}

