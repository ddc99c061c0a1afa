// Keras IR -> ONNX: the lowering the ONNX Runtime engine runs (see docs/onnx-lowering.md).
export { lowerToOnnx, onnxUnsupported, ONNX_OPSET } from './lower';
export type { LoweredOnnx } from './lower';
export { randomWeights } from './weights';
export { KERAS_LOWERINGS } from '../../../layers';
