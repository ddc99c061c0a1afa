// Random weights for running a model that has none (zoo models): the tfjs names and shapes every
// layer's kind declares (its lowering's weights), drawn deterministically from a seed. Scales keep activations finite and
// of order one through deep stacks: kernels He-uniform (variance 2 / fan-in, which ReLU halves),
// small biases, batch-norm statistics near the identity with a positive variance.
import { NamedWeight, ModelSpec } from '../../../ir/types';
import type { Init, WeightSpec } from '../../../layers/kind';
import { layerPlan } from './lower';
import { mulberry32 } from '../../../numbers';

/** FNV-1a of the weight name mixed with the seed: each weight's numbers depend on its name only. */
function seedFor(name: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** [low, high) of each kind of weight; kernels scale with their fan-in. */
function range(w: WeightSpec): [number, number] {
  const ranges: Record<Init, [number, number]> = {
    kernel: [-1, 1], bias: [-0.05, 0.05], gamma: [0.6, 1.0], residualGamma: [0.1, 0.3], beta: [-0.1, 0.1], mean: [-0.1, 0.1],
    variance: [0.8, 1.6], alpha: [0, 0.3], count: [1000, 1000],
  };
  if (w.init !== 'kernel') return ranges[w.init];
  const a = Math.sqrt((3 * (w.gain ?? 2)) / Math.max(1, w.fanIn ?? 1));
  return [-a, a];
}

export function randomWeights(spec: ModelSpec, seed: number): NamedWeight[] {
  const out: NamedWeight[] = [];
  for (const { input, rule } of layerPlan(spec)) {
    for (const w of rule?.weights?.(input) ?? []) {
      const name = `${input.name}/${w.attr}`;
      const n = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      const next = mulberry32(seedFor(name, seed));
      const [lo, hi] = range(w);
      const span = hi - lo;
      for (let i = 0; i < n; i++) data[i] = lo + span * next();
      out.push({ name, shape: [...w.shape], data });
    }
  }
  return out;
}
