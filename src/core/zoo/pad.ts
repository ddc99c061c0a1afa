// Keras Applications' imagenet_utils.correct_pad: the zero padding placed before a strided
// 'valid' conv so it samples like TensorFlow's 'same' (one less row/column in front for even sizes).
export function correctPad(size: number, kernel: number): [[number, number], [number, number]] {
  const adjust = 1 - (size % 2);
  const half = Math.floor(kernel / 2);
  return [[half - adjust, half], [half - adjust, half]];
}
