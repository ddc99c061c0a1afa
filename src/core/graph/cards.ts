// What a hover card and the details panel say about a layer or a block: rows of label and value,
// every figure from the analyser (and from a profile when one was posted). Pure data: the webview
// turns it into DOM with textContent, the tests read it directly.
import type { ProfileLayer, ProfileResult } from '../profile/result';
import { fusedLabel } from '../profile/fusedGroups';
import { rooflineCardRows } from './rooflineCard';
import type { Totals } from '../analysis/analyze';
import { CATEGORY_TABLE } from './nodeStyles';
import { GroupSums, ViewGraph, ViewGroup, ViewNode } from './viewGraph';
import { bytes, formulaText, grouped, share, si } from './text';

export interface CardRow {
  label: string;
  value: string;
  /** A second line under the value (e.g. the MAC formula). */
  detail?: string;
  kind?: 'measured' | 'warning';
}

export interface Card {
  title: string;
  subtitle: string;
  rows: CardRow[];
}

const rf = (n: ViewNode): string => {
  const { size, jump } = n.stats.receptiveField;
  return `${size[0]}×${size[1]} px (stride ${jump[0]}×${jump[1]})`;
};

export function paramsText(total: number, trainable: number, nonTrainable: number): string {
  if (total === 0) return '0';
  if (nonTrainable === 0) return `${grouped(total)} (all trainable)`;
  return `${grouped(total)} (${grouped(trainable)} trainable / ${grouped(nonTrainable)} non-trainable)`;
}

/** "7x7x3 x 112x112 x 64 = 118,013,952" */
export const macsText = (macs: number, formula: string): string => (formula ? `${formulaText(formula)} = ${grouped(macs)}` : grouped(macs));

function measuredRows(p: ProfileLayer | undefined, sumMs: number): CardRow[] {
  if (!p) return [];
  if (p.untimed) return [{ label: 'Time (measured)', value: 'none of its own', detail: p.untimed, kind: 'measured' }];
  return [
    { label: 'Time (measured)', value: `${p.ms.median.toFixed(3)} ms`, detail: `min ${p.ms.min.toFixed(3)} · max ${p.ms.max.toFixed(3)} · ${share(p.ms.median, sumMs)} of layer time`, kind: 'measured' },
    { label: 'Memory (measured)', value: bytes(p.bytes), detail: `${grouped(p.tensors)} tensors · ${p.gflops.toFixed(2)} GFLOP/s`, kind: 'measured' },
  ];
}

export function layerCard(n: ViewNode, totals: Totals, profile?: ProfileResult | null, batch = 1): Card {
  const s = n.stats;
  const rows: CardRow[] = [
    // None is the batch (Keras' convention); a size known only at run time is '?'.
    { label: 'Output shape', value: `(${s.outputShape.map((d) => (d === null ? (s.unknown !== undefined ? '?' : 'None') : d)).join(', ')})` },
    { label: 'Params', value: paramsText(s.params, s.trainableParams, s.nonTrainableParams), detail: `${share(s.params, totals.params)} of the model` },
    { label: 'MACs', value: grouped(s.macs), detail: s.macsFormula ? `${formulaText(s.macsFormula)} = ${grouped(s.macs)} · ${share(s.macs, totals.macs)}` : `${share(s.macs, totals.macs)} of the model` },
    { label: 'FLOPs', value: grouped(s.flops), detail: `${si(s.flops)}FLOP · ${share(s.flops, totals.flops)}` },
    { label: 'Weights', value: bytes(s.weightBytes) },
    { label: 'Activations', value: bytes(s.activationBytes), detail: `batch ${batch} · ${share(s.activationBytes, totals.activationBytes)}` },
    { label: 'Receptive field', value: rf(n) },
  ];
  // Imported graphs (ONNX): the node's name in the file, and how the counts relate to the source framework's.
  if (s.sourceName) rows.push({ label: 'Node in file', value: s.sourceName });
  if (s.note) rows.push({ label: 'Note', value: s.note });
  if (s.category === 'unsupported') rows.unshift({ label: 'Unsupported', value: 'not analysed: counted as unknown, not zero', kind: 'warning' });
  // Sizes known only at run time: the figures that need them are not counted (never as zero).
  if (s.unknown !== undefined) {
    for (const r of rows) if (r.label === 'MACs' || r.label === 'FLOPs' || r.label === 'Activations') { r.value = 'depends on data'; r.detail = 'not counted in the totals'; }
    rows.unshift({ label: 'Depends on data', value: s.unknown, kind: 'warning' });
  }
  if (n.trainingOnly) rows.unshift({ label: 'At inference', value: 'identity: acts only while training; passes its input through when profiled' });
  const p = profile?.layers.find((l) => l.name === n.name);
  rows.push(...measuredRows(p, profile?.sumLayerMs ?? 0));
  if (p?.fusedWith?.length) rows.push({ label: 'Fused kernel', value: `${p.fusedWith.length} more layer${p.fusedWith.length === 1 ? '' : 's'} ran in it`, detail: fusedLabel(p), kind: 'measured' });
  // A layer the engine fused into another layer's kernel: which kernel, and that kernel's time.
  const host = p ? undefined : profile?.layers.find((l) => l.fusedWith?.includes(n.name));
  if (host && profile) {
    rows.push({ label: 'Ran fused in', value: host.name, detail: fusedLabel(host), kind: 'measured' });
    rows.push({ label: 'Kernel time (measured)', value: `${host.ms.median.toFixed(3)} ms`, detail: `the whole fused kernel · min ${host.ms.min.toFixed(3)} · max ${host.ms.max.toFixed(3)} · ${share(host.ms.median, profile.sumLayerMs)} of layer time`, kind: 'measured' });
  }
  // Roofline (issue 21): the kernel's place under the machine's roof, and its change against an earlier run.
  rows.push(...rooflineCardRows(p ?? host, profile).map((r): CardRow => ({ ...r, kind: 'measured' })));
  return { title: n.name, subtitle: `${n.className} · ${CATEGORY_TABLE[n.category].label}`, rows };
}

/** Measured sums over a block's layers, when a profile is loaded. */
export function profileSums(graph: ViewGraph, g: ViewGroup, profile: ProfileResult): { ms: number; bytes: number; layers: number } {
  const inside = new Set(layersIn(graph, g.id));
  let ms = 0;
  let b = 0;
  let layers = 0;
  for (const l of profile.layers) {
    if (!inside.has(l.name)) continue;
    ms += l.ms.median;
    b += l.bytes;
    layers++;
  }
  return { ms, bytes: b, layers };
}

/** Every layer name inside a block, child blocks included. */
export function layersIn(graph: ViewGraph, groupId: string): string[] {
  const byId = new Map(graph.groups.map((g) => [g.id, g] as const));
  const out: string[] = [];
  const walk = (id: string): void => {
    const g = byId.get(id);
    if (!g) return;
    out.push(...g.layers);
    g.groups.forEach(walk);
  };
  walk(groupId);
  return out;
}

export function sumsRows(s: GroupSums, totals: Totals, batch = 1): CardRow[] {
  return [
    { label: 'Layers', value: grouped(s.layers) },
    { label: 'Params', value: paramsText(s.params, s.trainableParams, s.nonTrainableParams), detail: `${share(s.params, totals.params)} of the model` },
    { label: 'MACs', value: grouped(s.macs), detail: `${si(s.macs)}MAC · ${share(s.macs, totals.macs)} of the model` },
    { label: 'FLOPs', value: grouped(s.flops), detail: `${si(s.flops)}FLOP · ${share(s.flops, totals.flops)}` },
    { label: 'Weights', value: bytes(s.weightBytes) },
    { label: 'Activations', value: bytes(s.activationBytes), detail: `batch ${batch} · sum over the block's outputs` },
  ];
}

export function groupCard(graph: ViewGraph, g: ViewGroup, profile?: ProfileResult | null): Card {
  const rows = sumsRows(g.sums, graph.totals, graph.batch);
  if (profile) {
    const m = profileSums(graph, g, profile);
    if (m.layers > 0) {
      rows.push({ label: 'Time (measured)', value: `${m.ms.toFixed(3)} ms`, detail: `${share(m.ms, profile.sumLayerMs)} of layer time · ${m.layers} layers profiled`, kind: 'measured' });
      rows.push({ label: 'Memory (measured)', value: bytes(m.bytes), kind: 'measured' });
    }
  }
  return { title: g.label, subtitle: g.label === g.id ? 'Block' : `Block · ${g.id}`, rows };
}

/** The header line: model totals. */
export function totalsRows(graph: ViewGraph): CardRow[] {
  const t = graph.totals;
  return [
    { label: 'Layers', value: grouped(graph.nodes.length) },
    { label: 'Params', value: si(t.params), detail: grouped(t.params) },
    { label: 'MACs', value: si(t.macs), detail: grouped(t.macs) },
    { label: 'FLOPs', value: si(t.flops), detail: grouped(t.flops) },
    { label: 'Weights', value: bytes(t.weightBytes) },
    { label: 'Peak (inference)', value: bytes(t.peakInferenceBytes), detail: `batch ${graph.batch}` },
  ];
}
