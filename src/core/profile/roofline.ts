// The roofline of a profile: each timed entry (a layer, or the group ONNX Runtime fused into one
// kernel) placed under the machine's measured roofs (machinePeaks.ts). Pure arithmetic on plain
// data: the analyser's per-layer FLOPs and bytes, the profile's times, the peaks.
//   bytes moved  = inputs from outside the entry + its outputs + its weights
//                  (outputs: the engine's measured output sizes where it gives them, ONNX Runtime)
//   intensity    = FLOPs / bytes
//   achieved     = FLOPs / median time                      (GFLOP/s, the layer's `gflops`)
//   attainable   = min(peak GFLOP/s, intensity x bandwidth GB/s)
//   efficiency   = achieved / attainable
//   bound        = memory left of the ridge point (intensity < peak / bandwidth), else compute
//   saved        = median time - FLOPs / attainable         (what reaching the roof would save)
// An entry with no FLOPs or no time of its own gets no roofline and says why (`rooflineSkipped`);
// without measured peaks there is no `machine` and no roofline at all (`rooflineNote`).
import type { LayerRoofline, MachinePeaks, ProfileLayer, ProfileResult } from './result';

/** What the roofline needs of the analyser's layer (a subset of LayerStats). */
export interface RooflineLayerStats {
  name: string;
  inbound: string[];
  flops: number;
  weightBytes: number;
  activationBytes: number;
  /** Set when the layer's sizes depend on data (its FLOPs and bytes are not counted). */
  unknown?: string;
}

/** FLOP/byte where both roofs meet: left of it a layer is memory-bound. */
export function ridgePoint(m: Pick<MachinePeaks, 'peakGflops' | 'bandwidthGBs'>): number {
  return m.peakGflops / m.bandwidthGBs;
}

/** The roof at `intensity` FLOP/byte, GFLOP/s. */
export function attainable(m: Pick<MachinePeaks, 'peakGflops' | 'bandwidthGBs'>, intensity: number): number {
  return Math.min(m.peakGflops, intensity * m.bandwidthGBs);
}

/** FLOPs and bytes moved by an entry and its fused layers (batch scales activations and FLOPs, not weights). */
export function entryTraffic(entry: Pick<ProfileLayer, 'name' | 'fusedWith' | 'bytes' | 'measured'>, stats: Map<string, RooflineLayerStats>,
  consumers: Map<string, string[]>, opts: { batch?: number; measuredOutputs?: boolean } = {}): { flops: number; bytes: number; bytesMeasured: boolean; unknown?: string } | undefined {
  const batch = opts.batch ?? 1;
  const group = [entry.name, ...(entry.fusedWith ?? [])];
  const members = new Set(group);
  if (!group.every((n) => stats.has(n))) return undefined;
  const unknown = group.map((n) => stats.get(n)!.unknown).find((u) => u);
  if (unknown) return { flops: NaN, bytes: NaN, bytesMeasured: false, unknown };
  let flops = 0;
  let weights = 0;
  let outputs = 0;
  const inputs = new Set<string>();
  for (const n of group) {
    const s = stats.get(n)!;
    flops += s.flops * batch;
    weights += s.weightBytes;
    for (const i of s.inbound) if (!members.has(i)) inputs.add(i);
    const uses = consumers.get(n) ?? [];
    // What leaves the entry: read by a layer outside it, or a model output.
    if (uses.length === 0 || uses.some((u) => !members.has(u))) outputs += s.activationBytes * batch;
  }
  let input = 0;
  for (const i of inputs) input += (stats.get(i)?.activationBytes ?? 0) * batch;
  const measured = Boolean(opts.measuredOutputs && entry.measured?.bytes && entry.bytes > 0);
  return { flops, bytes: input + (measured ? entry.bytes : outputs) + weights, bytesMeasured: measured };
}

/** One entry's roofline from its FLOPs, bytes and median time. */
export function layerRoofline(flops: number, bytes: number, medianMs: number, m: Pick<MachinePeaks, 'peakGflops' | 'bandwidthGBs'>, bytesMeasured = false): LayerRoofline {
  const intensity = flops / bytes;
  const achievedGflops = flops / (medianMs * 1e6);
  const roof = attainable(m, intensity);
  return {
    intensity,
    achievedGflops,
    attainableGflops: roof,
    efficiency: achievedGflops / roof,
    bound: intensity < ridgePoint(m) ? 'memory' : 'compute',
    flops,
    bytes,
    bytesMeasured,
    savedMs: Math.max(0, medianMs - flops / (roof * 1e6)),
  };
}

/** Why an entry gets no roofline, or undefined when it gets one. */
export function rooflineSkipReason(l: ProfileLayer, traffic: { flops: number; bytes: number; unknown?: string } | undefined): string | undefined {
  if (l.untimed) return `no time of its own (${l.untimed})`;
  if (!(l.ms.median > 0)) return 'no time measured';
  if (!traffic) return 'no analyser figures for this layer';
  if (traffic.unknown) return `its sizes depend on data, so its FLOPs and bytes are not counted (${traffic.unknown})`;
  if (!(traffic.flops > 0)) return 'no FLOPs (moves or reshapes data only)';
  if (!(traffic.bytes > 0)) return 'no bytes moved';
  return undefined;
}

/**
 * The profile with `machine` and each entry's `roofline` (or `rooflineSkipped`). Without peaks
 * (not measurable, cancelled) the result comes back with `rooflineNote` only: nothing guessed.
 */
export function withRoofline(r: ProfileResult, layers: RooflineLayerStats[], machine: MachinePeaks | undefined, note?: string, batch = 1): ProfileResult {
  if (!machine || !(machine.peakGflops > 0) || !(machine.bandwidthGBs > 0)) {
    return { ...r, machine: undefined, rooflineNote: note ?? 'machine peaks were not measured', layers: r.layers.map(({ roofline: _r, rooflineSkipped: _s, ...l }) => l) };
  }
  const stats = new Map(layers.map((l) => [l.name, l]));
  const consumers = new Map<string, string[]>();
  for (const l of layers) for (const i of l.inbound) consumers.set(i, [...(consumers.get(i) ?? []), l.name]);
  const measuredOutputs = r.engine === 'onnxruntime';
  const out = r.layers.map((l): ProfileLayer => {
    const { roofline: _r, rooflineSkipped: _s, ...base } = l;
    const t = entryTraffic(l, stats, consumers, { batch, measuredOutputs });
    const why = rooflineSkipReason(l, t);
    if (why) return { ...base, rooflineSkipped: why };
    return { ...base, roofline: layerRoofline(t!.flops, t!.bytes, l.ms.median, machine, t!.bytesMeasured) };
  });
  return { ...r, machine, rooflineNote: undefined, layers: out };
}

/** "Where the time goes": the entries by time with their bound and what reaching the roof would save. */
export function timeSinks(r: ProfileResult, top = 10): { layer: ProfileLayer; share: number; savedMs: number }[] {
  return r.layers.filter((l) => l.ms.median > 0)
    .sort((a, b) => b.ms.median - a.ms.median)
    .slice(0, top)
    .map((l) => ({ layer: l, share: r.sumLayerMs > 0 ? l.ms.median / r.sumLayerMs : 0, savedMs: l.roofline?.savedMs ?? 0 }));
}

/** Sum of what every entry would save at its roof, ms. */
export function totalSavedMs(r: ProfileResult): number {
  return r.layers.reduce((a, l) => a + (l.roofline?.savedMs ?? 0), 0);
}
