// The per-layer table: every layer with its figures, sortable by any column, on the same
// selection as the graph (click a row to select and reveal the layer).
import type { ProfileResult } from '../src/core/profile/result';
import type { ViewGraph, ViewNode } from '../src/core/graph/viewGraph';
import type { ColorBy } from '../src/core/graph/table';
import { bytes, grouped } from '../src/core/graph/text';
import { clear, h } from './dom';

interface Column {
  id: string;
  label: string;
  numeric: boolean;
  value(n: ViewNode, t: TableData): number | string;
  text(n: ViewNode, t: TableData): string;
}

interface TableData {
  graph: ViewGraph;
  ms: Map<string, number>;
}

const COLUMNS: Column[] = [
  { id: 'index', label: '#', numeric: true, value: (n) => n.index, text: (n) => String(n.index + 1) },
  { id: 'name', label: 'Layer', numeric: false, value: (n) => n.name, text: (n) => n.name },
  { id: 'class', label: 'Class', numeric: false, value: (n) => n.className, text: (n) => n.className },
  { id: 'block', label: 'Block', numeric: false, value: (n) => n.group ?? '', text: (n) => n.group ?? '' },
  { id: 'shape', label: 'Output', numeric: false, value: (n) => n.shape, text: (n) => n.shape },
  { id: 'params', label: 'Params', numeric: true, value: (n) => n.stats.params, text: (n) => grouped(n.stats.params) },
  { id: 'macs', label: 'MACs', numeric: true, value: (n) => n.stats.macs, text: (n) => grouped(n.stats.macs) },
  { id: 'flops', label: 'FLOPs', numeric: true, value: (n) => n.stats.flops, text: (n) => grouped(n.stats.flops) },
  { id: 'memory', label: 'Activations', numeric: true, value: (n) => n.stats.activationBytes, text: (n) => bytes(n.stats.activationBytes) },
  { id: 'time', label: 'Time (ms)', numeric: true, value: (n, t) => t.ms.get(n.name) ?? -1, text: (n, t) => (t.ms.has(n.name) ? t.ms.get(n.name)!.toFixed(3) : '') },
];

export class LayerTable {
  readonly el: HTMLTableElement;
  private data: TableData | null = null;
  private sort: { col: string; dir: 1 | -1 } = { col: 'index', dir: 1 };
  private selected: string | null = null;
  private rows = new Map<string, HTMLTableRowElement>();
  private dirty = true;

  constructor(private readonly onSelect: (name: string) => void) {
    this.el = h('table', { class: 'nl-table', id: 'nl-layer-table' });
    this.el.addEventListener('click', (e) => {
      const th = (e.target as Element).closest('th');
      if (th) {
        const col = th.getAttribute('data-col')!;
        this.sort = { col, dir: this.sort.col === col ? (this.sort.dir === 1 ? -1 : 1) : (COLUMNS.find((c) => c.id === col)!.numeric ? -1 : 1) };
        this.dirty = true;
        this.render();
        return;
      }
      const tr = (e.target as Element).closest('tr[data-i]');
      if (tr && this.data) this.onSelect(this.data.graph.nodes[Number(tr.getAttribute('data-i'))].name);
    });
  }

  setData(graph: ViewGraph, profile: ProfileResult | null): void {
    this.data = { graph, ms: new Map((profile?.layers ?? []).map((l) => [l.name, l.ms.median] as const)) };
    this.dirty = true;
    if (this.el.isConnected && !this.el.closest('[hidden]')) this.render();
  }

  setColorBy(c: ColorBy): void {
    // Sort by the metric the graph is coloured by, so the table answers "which layers are hot".
    if (c === 'category') return;
    const col = c === 'memory' ? 'memory' : c;
    if (this.sort.col !== col) { this.sort = { col, dir: -1 }; this.dirty = true; }
    if (this.el.isConnected && !this.el.closest('[hidden]')) this.render();
  }

  render(): void {
    if (!this.data || !this.dirty) return;
    this.dirty = false;
    const d = this.data;
    const cols = COLUMNS.filter((c) => c.id !== 'time' || d.ms.size > 0);
    clear(this.el);
    const head = h('tr', {});
    for (const c of cols) {
      const sorted = this.sort.col === c.id;
      const th = h('th', { 'data-col': c.id, class: c.numeric ? 'nl-num' : '', 'aria-sort': sorted ? (this.sort.dir === 1 ? 'ascending' : 'descending') : 'none', tabindex: '0', title: `Sort by ${c.label}` },
        c.label, sorted ? (this.sort.dir === 1 ? ' ▲' : ' ▼') : '');
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter') th.click(); });
      head.append(th);
    }
    const col = COLUMNS.find((c) => c.id === this.sort.col) ?? COLUMNS[0];
    const nodes = [...d.graph.nodes].sort((a, b) => {
      const va = col.value(a, d);
      const vb = col.value(b, d);
      const r = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return r * this.sort.dir || a.index - b.index;
    });
    const body = document.createDocumentFragment();
    this.rows.clear();
    for (const n of nodes) {
      const tr = h('tr', { 'data-i': String(n.index) });
      for (const c of cols) tr.append(h('td', c.numeric ? { class: 'nl-num' } : {}, c.text(n, d)));
      if (n.name === this.selected) tr.classList.add('nl-row-selected');
      this.rows.set(n.name, tr);
      body.append(tr);
    }
    this.el.append(h('thead', {}, head), h('tbody', {}, body));
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
