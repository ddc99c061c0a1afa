// Decoding ONNX protobuf bytes (onnx-proto's protobufjs classes) the one way every reader wants.
import { onnx } from 'onnx-proto';

/**
 * The ModelProto in `bytes`. Decoded from a plain Uint8Array view: protobufjs then slices bytes
 * fields without copying, and never calls the deprecated Buffer constructor (its BufferReader does
 * for empty fields of a Buffer, which printed a DeprecationWarning on stderr). Throws what protobufjs throws.
 */
export function decodeModelProto(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
