// The layer table's columns as a table: what each shows, how it sorts, and which column answers a
// colour mode ("which layers are hot"). Pure data and functions: the webview table renders them.
import { bytes, grouped } from './text';
import type { ColorBy } from './nodeStyles';
import type { ViewGraph, ViewNode } from './viewGraph';
import type { LayerRoofline } from '../profile/result';

/** A graph with the measured median time per layer name (empty before a profile). */
export interface TableData {
  graph: ViewGraph;
  ms: Map<string, number>;
  /** Per layer name, its kernel's roofline (a fused layer: its kernel's), once a profile with measured peaks is in. */
  roofline?: Map<string, LayerRoofline>;
}

export interface LayerColumn {
  id: string;
  label: string;
  numeric: boolean;
  value(n: ViewNode, t: TableData): number | string;
  text(n: ViewNode, t: TableData): string;
}

/** What a figure that depends on data shows in the table. */
const UNKNOWN = '?';
const counted = (n: ViewNode, v: number): number => (n.stats.unknown !== undefined ? -1 : v);

export const LAYER_COLUMNS: readonly LayerColumn[] = [
  { id: 'index', label: '#', numeric: true, value: (n) => n.index, text: (n) => String(n.index + 1) },
  { id: 'name', label: 'Layer', numeric: false, value: (n) => n.name, text: (n) => n.name },
  { id: 'class', label: 'Class', numeric: false, value: (n) => n.className, text: (n) => n.className },
  { id: 'block', label: 'Block', numeric: false, value: (n) => n.group ?? '', text: (n) => n.group ?? '' },
  { id: 'shape', label: 'Output', numeric: false, value: (n) => n.shape, text: (n) => n.shape },
  { id: 'params', label: 'Params', numeric: true, value: (n) => n.stats.params, text: (n) => grouped(n.stats.params) },
  // A layer whose sizes depend on data shows '?' (never 0) and sorts below every counted one.
  { id: 'macs', label: 'MACs', numeric: true, value: (n) => counted(n, n.stats.macs), text: (n) => (n.stats.unknown !== undefined ? UNKNOWN : grouped(n.stats.macs)) },
  { id: 'flops', label: 'FLOPs', numeric: true, value: (n) => counted(n, n.stats.flops), text: (n) => (n.stats.unknown !== undefined ? UNKNOWN : grouped(n.stats.flops)) },
  { id: 'memory', label: 'Activations', numeric: true, value: (n) => counted(n, n.stats.activationBytes),
    text: (n) => (n.stats.unknown !== undefined ? UNKNOWN : bytes(n.stats.activationBytes)) },
  // Unmeasured layers sort below every measured one.
  { id: 'time', label: 'Time (ms)', numeric: true, value: (n, t) => t.ms.get(n.name) ?? -1, text: (n, t) => (t.ms.has(n.name) ? t.ms.get(n.name)!.toFixed(3) : '') },
  // Roofline (issue 21): the kernel's share of its roof and its bound; layers without one sort last.
  { id: 'efficiency', label: 'Of roof', numeric: true, value: (n, t) => t.roofline?.get(n.name)?.efficiency ?? -1,
    text: (n, t) => { const r = t.roofline?.get(n.name); return r ? `${(100 * r.efficiency).toFixed(0)}%` : ''; } },
  { id: 'bound', label: 'Bound', numeric: false, value: (n, t) => t.roofline?.get(n.name)?.bound ?? '', text: (n, t) => t.roofline?.get(n.name)?.bound ?? '' },
];

const ROOFLINE_COLUMNS = new Set(['efficiency', 'bound']);

/** The columns shown: the time column only once there are measurements. */
export function visibleColumns(t: TableData): LayerColumn[] {
  return LAYER_COLUMNS.filter((c) => (c.id !== 'time' || t.ms.size > 0) && (!ROOFLINE_COLUMNS.has(c.id) || (t.roofline?.size ?? 0) > 0));
}

/** The column a colour mode sorts the table by (none for category colouring). */
export function columnForColor(c: ColorBy): string | null {
  if (c === 'diff') return 'time'; // the run's slowest first
  return c === 'category' ? null : c;
}

/** The layers sorted by a column (dir 1 ascending, -1 descending), ties in graph order. */
export function sortLayers(t: TableData, colId: string, dir: 1 | -1): ViewNode[] {
  const col = LAYER_COLUMNS.find((c) => c.id === colId) ?? LAYER_COLUMNS[0];
  return [...t.graph.nodes].sort((a, b) => {
    const va = col.value(a, t);
    const vb = col.value(b, t);
    const r = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return r * dir || a.index - b.index;
  });
}
