// Inference activation memory by liveness: executing the layers in topological order, a layer's
// output lives from the step that makes it until the last step that reads it (model outputs live
// to the end). The peak is the largest sum of live outputs at any step, inputs and output of the
// running layer included.

interface Sized {
  name: string;
  activationBytes: number;
}

export function peakActivationBytes(order: Sized[], consumers: Map<string, string[]>, outputs: string[]): number {
  const step = new Map<string, number>();
  order.forEach((l, i) => step.set(l.name, i));
  const lastUse = order.map((l, i) => {
    if (outputs.includes(l.name)) return order.length;
    const uses = consumers.get(l.name) ?? [];
    return uses.reduce((m, c) => Math.max(m, step.get(c) ?? i), i);
  });

  // Sweep: add each output at its step, drop it after its last use.
  const freeAt: number[] = new Array(order.length + 1).fill(0);
  lastUse.forEach((last, i) => { if (last < order.length) freeAt[last] += order[i].activationBytes; });
  let live = 0;
  let peak = 0;
  for (let i = 0; i < order.length; i++) {
    live += order[i].activationBytes;
    peak = Math.max(peak, live);
    live -= freeAt[i];
  }
  return peak;
}
