// Whether a model takes one image, from its input's dimensions: shared by the editor (which offers
// random input for other models) and the profiler. No file is read here.

/** What a profile fed with random data says in place of an image path. */
export const RANDOM_INPUT_LABEL = 'random input (seeded)';

/** Rank 4 with 1 or 3 channels second (NCHW) or last (NHWC). */
export function isImageInput(dims: (number | null)[]): boolean {
  if (dims.length !== 4) return false;
  const [, a, , c] = dims;
  return a === 1 || a === 3 || c === 1 || c === 3;
}
