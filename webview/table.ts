// The per-layer table: every layer with its figures, sortable by any column, on the same
// selection as the graph (click a row to select and reveal the layer).
import type { LayerRoofline, ProfileResult } from '../src/core/profile/result';
import { entryByLayer } from '../src/core/profile/fusedGroups';
import type { ViewGraph } from '../src/core/graph/viewGraph';
import type { ColorBy } from '../src/core/graph/nodeStyles';
import { columnForColor, LAYER_COLUMNS, sortLayers, TableData, visibleColumns } from '../src/core/graph/columns';
import { clear, h } from './dom';

export class LayerTable {
  readonly el: HTMLTableElement;
  private data: TableData | null = null;
  private sort: { col: string; dir: 1 | -1 } = { col: 'index', dir: 1 };
  private selected: string | null = null;
  private rows = new Map<string, HTMLTableRowElement>();
  private dirty = true;

  /** The pane below the graph that holds the table (hidden until the toolbar opens it). */
  readonly pane: HTMLElement;

  constructor(private readonly onSelect: (name: string) => void) {
    this.el = h('table', { class: 'nl-table', id: 'nl-layer-table' });
    this.pane = h('div', { class: 'nl-table-pane', id: 'nl-table', hidden: '' }, this.el);
    this.el.addEventListener('click', (e) => {
      const th = (e.target as Element).closest('th');
      if (th) {
        const col = th.getAttribute('data-col')!;
        this.sort = { col, dir: this.sort.col === col ? (this.sort.dir === 1 ? -1 : 1) : (LAYER_COLUMNS.find((c) => c.id === col)!.numeric ? -1 : 1) };
        this.dirty = true;
        this.render();
        return;
      }
      const tr = (e.target as Element).closest('tr[data-i]');
      if (tr && this.data) this.onSelect(this.data.graph.nodes[Number(tr.getAttribute('data-i'))].name);
    });
  }

  setData(graph: ViewGraph, profile: ProfileResult | null): void {
    const roofline = new Map<string, LayerRoofline>();
    for (const [name, entry] of entryByLayer(profile)) if (entry.roofline) roofline.set(name, entry.roofline);
    this.data = { graph, ms: new Map((profile?.layers ?? []).map((l) => [l.name, l.ms.median] as const)), roofline };
    this.dirty = true;
    if (this.el.isConnected && !this.el.closest('[hidden]')) this.render();
  }

  setColorBy(c: ColorBy): void {
    // Sort by the metric the graph is coloured by, so the table answers "which layers are hot".
    const col = columnForColor(c);
    if (!col) return;
    if (this.sort.col !== col) { this.sort = { col, dir: -1 }; this.dirty = true; }
    if (this.el.isConnected && !this.el.closest('[hidden]')) this.render();
  }

  render(): void {
    if (!this.data || !this.dirty) return;
    this.dirty = false;
    const d = this.data;
    const cols = visibleColumns(d);
    clear(this.el);
    const head = h('tr', {});
    for (const c of cols) {
      const sorted = this.sort.col === c.id;
      const th = h('th', { 'data-col': c.id, class: c.numeric ? 'nl-num' : '', 'aria-sort': sorted ? (this.sort.dir === 1 ? 'ascending' : 'descending') : 'none', tabindex: '0', title: `Sort by ${c.label}` },
        c.label, sorted ? (this.sort.dir === 1 ? ' ▲' : ' ▼') : '');
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter') th.click(); });
      head.append(th);
    }
    const nodes = sortLayers(d, this.sort.col, this.sort.dir);
    const body = document.createDocumentFragment();
    this.rows.clear();
    for (const n of nodes) {
      const tr = h('tr', { 'data-i': String(n.index) });
      // The name cell has its full text in a tooltip: a narrow panel cuts it (media/graph.css).
      for (const c of cols) tr.append(h('td', c.numeric ? { class: 'nl-num' } : c.id === 'name' ? { title: n.name } : {}, c.text(n, d)));
      if (n.name === this.selected) tr.classList.add('nl-row-selected');
      this.rows.set(n.name, tr);
      body.append(tr);
    }
    this.el.append(h('thead', {}, head), h('tbody', {}, body));
  }

  /** Opens or closes the pane; true when it is now open. */
  toggle(): boolean {
    this.pane.hidden = !this.pane.hidden;
    if (!this.pane.hidden) this.render();
    return !this.pane.hidden;
  }

  select(name: string | null): void {
    if (this.selected) this.rows.get(this.selected)?.classList.remove('nl-row-selected');
    this.selected = name;
    const tr = name ? this.rows.get(name) : undefined;
    if (tr) {
      tr.classList.add('nl-row-selected');
      tr.scrollIntoView({ block: 'nearest' });
    }
  }
}
