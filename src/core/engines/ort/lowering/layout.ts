// Weight layouts: Keras stores kernels channels-last ([kh, kw, in, out]); ONNX wants them
// output-channel first ([out, in, kh, kw]). These reorder the numbers once, at lowering time.

/** dst[dstOff + c*rows + r] = src[srcOff + r*cols + c]: a 2-D transpose in 32x32 tiles (cache friendly). */
function transpose2d(src: Float32Array, srcOff: number, rows: number, cols: number, dst: Float32Array, dstOff: number): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(r0 + T, rows);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(c0 + T, cols);
      for (let r = r0; r < r1; r++) {
        const from = srcOff + r * cols;
        for (let c = c0; c < c1; c++) dst[dstOff + c * rows + r] = src[from + c];
      }
    }
  }
}

/**
 * A kernel [p, a, b] (p: the kh*kw window positions) as [b, a, p]: Keras [kh, kw, in, out] ->
 * ONNX [out, in, kh, kw]. One pass in 32x32 tiles of (a, b): each tile writes runs of p values
 * and reads p*32 short rows that stay in cache.
 */
export function kernelToOnnx(data: Float32Array, p: number, a: number, b: number): Float32Array {
  const out = new Float32Array(data.length);
  if (p === 1) {
    transpose2d(data, 0, a, b, out, 0);
    return out;
  }
  const T = 32;
  for (let i0 = 0; i0 < a; i0 += T) {
    const i1 = Math.min(i0 + T, a);
    for (let j0 = 0; j0 < b; j0 += T) {
      const j1 = Math.min(j0 + T, b);
      for (let j = j0; j < j1; j++) {
        for (let i = i0; i < i1; i++) {
          const to = (j * a + i) * p;
          for (let k = 0; k < p; k++) out[to + k] = data[(k * a + i) * b + j];
        }
      }
    }
  }
  return out;
}

/** A depthwise kernel [p, c*m] as [c*m, p]. */
export function depthwiseToOnnx(data: Float32Array, p: number, cm: number): Float32Array {
  const out = new Float32Array(data.length);
  transpose2d(data, 0, p, cm, out, 0);
  return out;
}

/** numpy.transpose(data.reshape(shape), perm), flattened: for small tensors (per-channel constants). */
export function permuteData(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const inStride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = perm.map((p) => shape[p]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let at = 0;
    for (let ax = 0; ax < idx.length; ax++) at += idx[ax] * inStride[perm[ax]];
    out[o] = data[at];
    for (let ax = idx.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < outShape[ax]) break;
      idx[ax] = 0;
    }
  }
  return out;
}

/** TensorFlow's "same" padding on one axis: [before, after], the odd pixel after. */
export function samePads(len: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(len / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - len, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
