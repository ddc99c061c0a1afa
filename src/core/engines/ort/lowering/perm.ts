// How a lowered value's axes are ordered relative to the Keras tensor it stands for (graph.ts
// explains why): plain arrays, no ONNX message types, so the layer kinds that lower themselves
// (src/core/layers/) can use them without bundling the ONNX encoder into the analyser.

/** ONNX axis i of a value holds Keras axis perm[i]; the identity is Keras' own order. */
export type Perm = number[];

export interface Value {
  name: string;
  perm: Perm;
  /** The Keras layer that produced it (Transposes of it are attributed to that layer). */
  layer: string;
}

export const identity = (rank: number): Perm => Array.from({ length: rank }, (_, i) => i);
export const isIdentity = (p: Perm): boolean => p.every((a, i) => a === i);
export const samePerm = (a: Perm, b: Perm): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Channels-last image (rank 4, channels at Keras axis 3) as ONNX NCHW. */
export const NCHW: Perm = [0, 3, 1, 2];

/** The order that puts Keras axis `axis` second (where ONNX keeps channels) and the rest after it in order. */
export function channelsSecond(rank: number, axis: number): Perm {
  return [0, axis, ...identity(rank).filter((a) => a !== 0 && a !== axis)];
}
