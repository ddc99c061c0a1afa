// Huge flat graphs as runs. elkjs recurses along a chain and overflows the stack between 4,000 and
// 8,000 nodes in one container (a 12,000-layer Sequential or ONNX chain crashed the CLI), and a
// view of thousands of boxes helps nobody. So any container (the top level or a block) holding more
// than RUN_LIMIT elements has its elements, in model order, gathered into runs of RUN_SIZE: plain
// groups, collapsible and expandable like any block ("ReLU ×100" when all alike, else
// "first … last"). When even the runs are too many, they are gathered again, so a 200,000-layer
// chain is 20 runs of 100 runs of 100 layers. Every step is a loop over the elements.
import type { ViewGraph, ViewGroup } from './viewTypes';
import { addStats, emptySums } from './groupSums';

/** Containers with more elements than this are gathered into runs (the collapse threshold's 300). */
export const RUN_LIMIT = 300;
/** Elements per run. */
export const RUN_SIZE = 100;

type Element = { kind: 'layer'; index: number } | { kind: 'group'; id: string };



/** Adds run groups to containers with more than `limit` elements; returns the graph (changed in place). */
export function addRuns(graph: ViewGraph, limit = RUN_LIMIT, size = RUN_SIZE): ViewGraph {
  const byId = new Map(graph.groups.map((g) => [g.id, g] as const));
  /** The groups holding a layer, innermost first (bounded: a parent cycle cannot loop). */
  const chain = (g0: string | null): string[] => {
    const out: string[] = [];
    for (let g = g0; g !== null && out.length <= graph.groups.length; g = byId.get(g)?.parent ?? null) out.push(g);
    return out;
  };
  // Elements of each container in model order: a layer where it is, a group where its first layer
  // is. First and last layer of each group, for run labels.
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const elements = new Map<string | null, Element[]>();
  const push = (c: string | null, e: Element): void => {
    let list = elements.get(c);
    if (!list) elements.set(c, (list = []));
    list.push(e);
  };
  for (const n of graph.nodes) {
    push(n.group, { kind: 'layer', index: n.index });
    for (const g of chain(n.group)) {
      last.set(g, n.index);
      if (first.has(g)) continue;
      first.set(g, n.index);
      push(byId.get(g)!.parent, { kind: 'group', id: g });
    }
  }
  const firstOf = (e: Element): number => (e.kind === 'layer' ? e.index : first.get(e.id)!);
  const lastOf = (e: Element): number => (e.kind === 'layer' ? e.index : last.get(e.id)!);
  for (const list of elements.values()) list.sort((a, b) => firstOf(a) - firstOf(b));

  const taken = new Set(graph.groups.map((g) => g.id));
  const runs: ViewGroup[] = [];
  for (const [container, all] of [...elements.entries()]) {
    let level = all;
    for (let round = 0; level.length > limit; round++) {
      const next: Element[] = [];
      for (let start = 0; start < level.length; start += size) {
        const part = level.slice(start, start + size);
        let id = `${container ?? ''}…run${round}.${start / size}`;
        for (let k = 2; taken.has(id); k++) id = `${container ?? ''}…run${round}.${start / size}_${k}`;
        taken.add(id);
        const a = firstOf(part[0]);
        const z = lastOf(part[part.length - 1]);
        const cls = graph.nodes[a].className;
        const alike = part.every((e) => e.kind === 'layer' && graph.nodes[e.index].className === cls);
        const label = alike ? `${cls} ×${part.length}` : `${graph.nodes[a].name} … ${graph.nodes[z].name}`;
        const run: ViewGroup = { index: graph.groups.length + runs.length, id, label, parent: container, depth: 0, groups: [], layers: [], sums: emptySums() };
        for (const e of part) {
          if (e.kind === 'layer') {
            graph.nodes[e.index].group = id;
            run.layers.push(graph.nodes[e.index].name);
          } else {
            byId.get(e.id)!.parent = id;
            run.groups.push(e.id);
          }
        }
        byId.set(id, run);
        first.set(id, a);
        last.set(id, z);
        runs.push(run);
        next.push({ kind: 'group', id });
      }
      level = next;
      if (container !== null) {
        const c = byId.get(container)!;
        c.layers = [];
        c.groups = level.map((e) => (e as { id: string }).id);
      }
    }
  }
  if (runs.length === 0) return graph;

  for (const r of runs) graph.groups.push(r);
  for (const g of graph.groups) g.depth = chain(g.parent).length;
  const isRun = new Set(runs.map((r) => r.id));
  for (const n of graph.nodes) for (const g of chain(n.group)) if (isRun.has(g)) addStats(byId.get(g)!.sums, n.stats);
  return graph;
}
