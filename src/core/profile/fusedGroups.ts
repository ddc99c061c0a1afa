// Fused runs read as what ran: ONNX Runtime reports one entry per fused kernel, named after its
// heaviest layer, with the layers it absorbed in `fusedWith` (src/core/engines/ort/layers.ts). The
// results page, the exports and the graph overlay present those runs the same way through these
// pure functions: the entry's label ("conv1_conv + conv1_pad + conv1_bn + conv1_relu"), the
// headline that accounts for every layer, and which entry (kernel) each member layer ran in.
import type { ProfileLayer, ProfileResult } from './result';

/** What ran for an entry: its own name, then the layers fused into it in model order. */
export function fusedLabel(l: Pick<ProfileLayer, 'name' | 'fusedWith'>): string {
  return [l.name, ...(l.fusedWith ?? [])].join(' + ');
}

export interface FusionSummary {
  /** Entries in the profile (rows of the table). */
  entries: number;
  /** Entries with time of their own (kernels that ran). */
  kernels: number;
  /** Layers the entries cover: each entry and the layers fused into it. */
  layers: number;
  /** Layers that ran inside another entry's kernel. */
  fused: number;
  /** Entries that absorbed at least one other layer. */
  fusedKernels: number;
  /** Entries without time of their own (folded, removed, not executed). */
  untimed: number;
}

export function fusionSummary(r: Pick<ProfileResult, 'layers'>): FusionSummary {
  let fused = 0;
  let fusedKernels = 0;
  let untimed = 0;
  for (const l of r.layers) {
    const n = l.fusedWith?.length ?? 0;
    fused += n;
    if (n > 0) fusedKernels++;
    if (l.untimed || l.measured?.ms === false) untimed++;
  }
  return { entries: r.layers.length, kernels: r.layers.length - untimed, layers: r.layers.length + fused, fused, fusedKernels, untimed };
}

/**
 * The table's headline: "58 kernels covering 177 layers (119 fused into 39 kernels)" when the
 * engine fused layers, else "All 58 layers"; entries with no kernel are counted apart.
 */
export function fusionHeadline(r: Pick<ProfileResult, 'layers'>): string {
  const s = fusionSummary(r);
  if (s.fused === 0) return `All ${s.entries} layer${s.entries === 1 ? '' : 's'}`;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(s.kernels, 'kernel')} covering ${plural(s.layers, 'layer')} (${s.fused} fused into ${plural(s.fusedKernels, 'kernel')})` +
    (s.untimed ? `; ${plural(s.untimed, 'layer')} without a kernel of ${s.untimed === 1 ? 'its' : 'their'} own` : '');
}

const entryCache = new WeakMap<object, Map<string, ProfileLayer>>();

/**
 * The entry each layer's work is in: an entry maps to itself, a fused layer to the entry it ran in.
 * Built once per result (the overlay asks for every drawn element).
 */
export function entryByLayer(r: Pick<ProfileResult, 'layers'> | null | undefined): Map<string, ProfileLayer> {
  if (!r) return new Map();
  const cached = entryCache.get(r.layers);
  if (cached) return cached;
  const m = new Map<string, ProfileLayer>();
  entryCache.set(r.layers, m);
  for (const l of r.layers) {
    if (!m.has(l.name)) m.set(l.name, l);
  }
  for (const l of r.layers) {
    for (const f of l.fusedWith ?? []) if (!m.has(f)) m.set(f, l);
  }
  return m;
}

/** The layers of fused runs (each kernel's own layer and the layers fused into it), by the kernel's entry name. */
export function fusedRunOf(r: Pick<ProfileResult, 'layers'> | null | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const [name, entry] of entryByLayer(r)) if (entry.fusedWith?.length) m.set(name, entry.name);
  return m;
}
