// The view graph's layers in a compact form for the page the host hands to VS Code (html.ts): the
// same values, each layer a row of values against a shared list of its keys instead of repeated
// keys, and the figures' name, class and category left out where they repeat the layer's own. For
// ResNet-50 the served model message drops from 159 to about 100 KB, and VS Code copies and the
// page parses the page before anything is drawn (BENCHMARKS.md "Editor (real VS Code)").
// unpackViewGraph undoes it exactly; what it returns is checked like any graph on receipt.
import type { LayerStats } from '../analysis/analyze';
import type { ViewGraph, ViewNode } from './viewTypes';
import type { ModelMessage } from './pageData';

/** A view graph whose `nodes` are rows: [index into keys, ...values]; a row's `stats` is [index into statKeys, ...values]. */
export interface PackedViewGraph extends Omit<ViewGraph, 'nodes'> {
  nodes: { keys: string[][]; statKeys: string[][]; rows: unknown[][] };
}

/** The figures' fields that repeat the layer's own: left out of a row when equal. */
const SHARED = ['name', 'className', 'category'] as const;

/** One list of keys per distinct set (optional fields make a few), each row naming its list. */
class KeySets {
  readonly lists: string[][] = [];
  private readonly index = new Map<string, number>();
  row(o: Record<string, unknown>, skip: (k: string) => boolean): unknown[] {
    const keys = Object.keys(o).filter((k) => !skip(k));
    const id = keys.join(',');
    let i = this.index.get(id);
    if (i === undefined) { i = this.lists.length; this.lists.push(keys); this.index.set(id, i); }
    return [i, ...keys.map((k) => o[k])];
  }
}

export function packViewGraph(graph: ViewGraph): PackedViewGraph {
  const keys = new KeySets();
  const statKeys = new KeySets();
  const rows = graph.nodes.map((n) => {
    const row = keys.row(n as unknown as Record<string, unknown>, () => false);
    const at = Object.keys(n).indexOf('stats');
    if (at >= 0) {
      const s = n.stats as unknown as Record<string, unknown>;
      row[at + 1] = statKeys.row(s, (k) => (SHARED as readonly string[]).includes(k) && s[k] === n[k as typeof SHARED[number]]);
    }
    return row;
  });
  return { ...graph, nodes: { keys: keys.lists, statKeys: statKeys.lists, rows } };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The view graph a packed one stands for; undefined when it is not in the packed form (the caller then checks it as it is). */
export function unpackViewGraph(raw: unknown): ViewGraph | undefined {
  if (!isObj(raw) || !isObj(raw.nodes)) return undefined;
  const { keys, statKeys, rows } = raw.nodes;
  if (!lists(keys) || !lists(statKeys) || !Array.isArray(rows)) return undefined;
  const nodes: ViewNode[] = [];
  for (const row of rows) {
    const n = fromRow(row, keys);
    if (!n) return undefined;
    if (n.stats !== undefined) {
      const s = fromRow(n.stats, statKeys);
      if (!s) return undefined;
      // Keys in the order the analysis writes them: the shared three first, as before packing.
      const full: Record<string, unknown> = {};
      for (const k of SHARED) full[k] = k in s ? s[k] : n[k];
      n.stats = Object.assign(full, s) as unknown as LayerStats;
    }
    nodes.push(n as unknown as ViewNode);
  }
  return { ...(raw as unknown as ViewGraph), nodes };
}

const lists = (v: unknown): v is string[][] => Array.isArray(v) && v.every((l) => Array.isArray(l) && l.every((k) => typeof k === 'string'));

function fromRow(row: unknown, keys: string[][]): Record<string, unknown> | undefined {
  if (!Array.isArray(row) || typeof row[0] !== 'number') return undefined;
  const names = keys[row[0]];
  if (!names || names.length !== row.length - 1) return undefined;
  if (names.includes('__proto__')) return undefined;
  const o: Record<string, unknown> = {};
  names.forEach((k, i) => { o[k] = row[i + 1]; });
  return o;
}

/** The model message as the page carries it inside (html.ts): its graph packed. */
export const packServedModel = (m: ModelMessage): Omit<ModelMessage, 'graph'> & { graph: PackedViewGraph } => ({ ...m, graph: packViewGraph(m.graph) });

/** A served data block as the message it stands for (its graph unpacked); anything else as it is, for the message parser to judge. */
export function unpackServedModel(raw: unknown): unknown {
  if (!isObj(raw)) return raw;
  const graph = unpackViewGraph(raw.graph);
  return graph ? { ...raw, graph } : raw;
}
