// Whether a model takes one image, from its input's dimensions: shared by the editor (which offers
// random input for other models) and the profiler. No file is read here.

/** What a profile fed with random data says in place of an image path. */
export const RANDOM_INPUT_LABEL = 'random input (seeded)';

/**
 * The layout of a rank-4 image input with known height and width and 1 or 3 channels: channels
 * second (an ONNX file from PyTorch) or last (Keras); undefined for any other input.
 */
export function imageLayout(dims: (number | null)[]): { layout: 'NHWC' | 'NCHW'; h: number; w: number; c: number } | undefined {
  if (dims.length !== 4) return undefined;
  const [, a, b, c] = dims;
  if (c !== null && (c === 1 || c === 3) && a !== null && b !== null) return { layout: 'NHWC', h: a, w: b, c };
  if (a !== null && (a === 1 || a === 3) && b !== null && c !== null) return { layout: 'NCHW', h: b, w: c, c: a };
  return undefined;
}

/** Whether an input of these dimensions takes one image. */
export const isImageInput = (dims: (number | null)[]): boolean => imageLayout(dims) !== undefined;
