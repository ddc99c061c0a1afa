// Whether a model scales its own input (a Rescaling or Normalization layer right after the input,
// past resizing, cropping and augmentation layers), over a generic list of layers so the same rule
// answers for a Keras config (the profiler, preprocess.ts) and for a view graph (the extension
// host, which sees only what the model process sends). Pure: no tfjs, no vscode, no file reading.
import type { ViewGraph } from '../graph/viewGraph';
import { RANDOM_AUGMENTATIONS } from '../layers/trainingOnly';

/** A layer as the rule sees it: its name, Keras class and the layers feeding it (first call). */
export interface RuleLayer {
  name: string;
  className: string;
  inbound: readonly string[];
}

/** Keras layers that scale the image themselves: a model starting with one wants raw 0..255 pixels. */
export const RESCALING_LAYERS: ReadonlySet<string> = new Set(['Rescaling', 'Normalization']);

/** Layers that only reshape or augment the image and may stand before a model's own rescaling. */
export const BEFORE_RESCALING: ReadonlySet<string> = new Set(['Resizing', 'CenterCrop', 'RandomCrop', ...RANDOM_AUGMENTATIONS]);

/** How many reshaping/augmentation steps past the input are looked through. */
const MAX_DEPTH = 8;

/**
 * The rule: walking from the InputLayers, every layer at some step is Rescaling/Normalization,
 * and every layer at the steps before it only resizes, crops or augments.
 */
export function startsWithRescaling(layers: readonly RuleLayer[]): boolean {
  const byInput = new Map<string, RuleLayer[]>();
  for (const l of layers) {
    for (const src of l.inbound) byInput.set(src, [...(byInput.get(src) ?? []), l]);
  }
  let frontier = layers.filter((l) => l.className === 'InputLayer');
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next = frontier.flatMap((l) => byInput.get(l.name) ?? []);
    if (next.length > 0 && next.every((l) => RESCALING_LAYERS.has(l.className))) return true;
    if (!next.every((l) => BEFORE_RESCALING.has(l.className))) return false;
    frontier = next;
  }
  return false;
}

/** 'unknown': the rule does not apply (an ONNX graph: its nodes are ONNX ops, not Keras layers). */
export type SelfRescaling = 'yes' | 'no' | 'unknown';

const isStr = (v: unknown): v is string => typeof v === 'string';

/**
 * The rule over a view graph (the model process built it from a file someone else wrote, so
 * every field is checked here, not trusted). Keras graphs only; ONNX graphs and graphs that do
 * not say their format answer 'unknown'.
 */
export function viewGraphRescaling(graph: Pick<ViewGraph, 'format' | 'nodes'>): SelfRescaling {
  if (graph.format !== 'keras' || !Array.isArray(graph.nodes)) return 'unknown';
  const layers: RuleLayer[] = [];
  for (const n of graph.nodes as unknown[]) {
    if (!n || typeof n !== 'object') return 'unknown';
    const { name, className, stats } = n as { name?: unknown; className?: unknown; stats?: { inbound?: unknown } };
    const inbound = stats && typeof stats === 'object' ? stats.inbound : undefined;
    if (!isStr(name) || !isStr(className) || !Array.isArray(inbound) || !inbound.every(isStr)) return 'unknown';
    layers.push({ name, className, inbound });
  }
  return startsWithRescaling(layers) ? 'yes' : 'no';
}
