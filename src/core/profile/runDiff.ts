// Two profiles of a model compared layer by layer: CPU vs GPU, fused vs unfused, batch 1 vs 32, or
// a model before and after an edit. Layers are matched by name. An entry may stand for several
// layers (ONNX Runtime fused them), and the other run may have fused them differently, so the unit
// compared is the smallest set of entries on each side that covers the same layers: conv1_conv
// (+bn, +relu) in a fused run against conv1_conv, conv1_bn and conv1_relu of an unfused one is one
// row. Layers only one run has are listed, never matched by position. Pure: plain data in and out.
import { NetLensError } from '../ir/types';
import type { DiffRow, ProfileLayer, ProfileResult, RunDiff, RunSide } from './result';

export type { DiffRow, RunSide, RunDiff } from './result';

function side(r: ProfileResult): RunSide {
  return {
    model: r.model, backend: r.backend, backendLabel: r.backendLabel, optimization: r.optimization, threads: r.threads,
    batch: r.batch, endToEndMs: r.endToEndMs.median, sumLayerMs: r.sumLayerMs, image: r.image,
  };
}

const covers = (l: ProfileLayer): string[] => [l.name, ...(l.fusedWith ?? [])];
const entryLabel = (l: ProfileLayer): string => `${l.name}${l.fusedWith?.length ? ` +${l.fusedWith.length}` : ''}`;

/** Checks that a parsed JSON value looks like a `profile --json` object (what --compare-to reads). */
export function asProfileResult(v: unknown, source: string): ProfileResult {
  const r = v as ProfileResult;
  const ok = r && typeof r === 'object' && typeof r.model === 'string' && Array.isArray(r.layers) && r.endToEndMs && typeof r.endToEndMs.median === 'number' &&
    r.layers.every((l) => l && typeof l.name === 'string' && l.ms && typeof l.ms.median === 'number' && Number.isFinite(l.ms.median) &&
      (l.fusedWith === undefined || (Array.isArray(l.fusedWith) && l.fusedWith.every((f) => typeof f === 'string'))));
  if (!ok) throw new NetLensError(`${source} is not a NetLens profile (the JSON \`netlens profile --json\` or --out x.json writes)`);
  return r;
}

export function diffRuns(before: ProfileResult, after: ProfileResult): RunDiff {
  // Union-find over entries of both runs, joined through the layers they cover.
  type Node = { side: 0 | 1; l: ProfileLayer; i: number };
  const nodes: Node[] = [...before.layers.map((l, i) => ({ side: 0 as const, l, i })), ...after.layers.map((l, i) => ({ side: 1 as const, l, i }))];
  const parent = nodes.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; };
  const union = (a: number, b: number): void => { parent[find(a)] = find(b); };
  const owner = [new Map<string, number>(), new Map<string, number>()];
  nodes.forEach((n, k) => { for (const name of covers(n.l)) owner[n.side].set(name, k); });
  for (const [name, k] of owner[0]) { const o = owner[1].get(name); if (o !== undefined) union(k, o); }
  // Entries of one side that cover the same layer (should not happen) are joined too.
  const groups = new Map<number, Node[]>();
  nodes.forEach((n, k) => { const r = find(k); groups.set(r, [...(groups.get(r) ?? []), n]); });

  const rows: DiffRow[] = [];
  const onlyBefore: string[] = [];
  const onlyAfter: string[] = [];
  for (const g of groups.values()) {
    const b = g.filter((n) => n.side === 0).sort((x, y) => x.i - y.i);
    const a = g.filter((n) => n.side === 1).sort((x, y) => x.i - y.i);
    if (!a.length) { for (const n of b) onlyBefore.push(...covers(n.l)); continue; }
    if (!b.length) { for (const n of a) onlyAfter.push(...covers(n.l)); continue; }
    // Layers covered by only one side's entries in this group are listed as unmatched as well.
    const bNames = new Set(b.flatMap((n) => covers(n.l)));
    const aNames = new Set(a.flatMap((n) => covers(n.l)));
    for (const x of bNames) if (!aNames.has(x)) onlyBefore.push(x);
    for (const x of aNames) if (!bNames.has(x)) onlyAfter.push(x);
    const beforeMs = b.reduce((s, n) => s + n.l.ms.median, 0);
    const afterMs = a.reduce((s, n) => s + n.l.ms.median, 0);
    const head = [...a].sort((x, y) => y.l.ms.median - x.l.ms.median || x.i - y.i)[0].l;
    rows.push({
      name: head.name,
      layers: a.flatMap((n) => covers(n.l)).filter((x) => bNames.has(x)),
      beforeMs, afterMs, deltaMs: afterMs - beforeMs,
      ratio: beforeMs > 0 ? afterMs / beforeMs : undefined,
      beforeEntries: b.map((n) => entryLabel(n.l)),
      afterEntries: a.map((n) => entryLabel(n.l)),
    });
  }
  // The later run's order.
  const order = new Map(after.layers.map((l, i) => [l.name, i]));
  rows.sort((x, y) => (order.get(x.name) ?? 0) - (order.get(y.name) ?? 0));
  return { before: side(before), after: side(after), rows, onlyBefore, onlyAfter };
}

/** Per layer name, the row's after/before ratio (the graph's "diff" colour mode): each layer of a row gets the row's figures. */
export function diffByLayer(d: RunDiff): Map<string, DiffRow> {
  const m = new Map<string, DiffRow>();
  for (const r of d.rows) for (const l of r.layers) m.set(l, r);
  return m;
}

/** The rows that changed most in absolute time, first. */
export function biggestChanges(d: RunDiff, top = 25): DiffRow[] {
  return [...d.rows].sort((a, b) => Math.abs(b.deltaMs) - Math.abs(a.deltaMs)).slice(0, top);
}
