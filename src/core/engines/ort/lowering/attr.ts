// ONNX node attribute builders. The attribute type codes are onnx.proto's AttributeType numbers
// (fixed by the ONNX standard; test/unit/layers.kinds.test.ts checks them against onnx-proto), written
// here so the layer kinds that lower themselves do not bundle the ONNX encoder into the analyser.
import type { onnx } from 'onnx-proto';

/** onnx.proto AttributeProto.AttributeType. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

/** Attribute builders: ONNX attributes are typed, JavaScript numbers are not. */
export const attr = {
  int: (name: string, i: number): onnx.IAttributeProto => ({ name, type: ATTRIBUTE_TYPE.INT, i }),
  ints: (name: string, ints: number[]): onnx.IAttributeProto => ({ name, type: ATTRIBUTE_TYPE.INTS, ints }),
  float: (name: string, f: number): onnx.IAttributeProto => ({ name, type: ATTRIBUTE_TYPE.FLOAT, f }),
  str: (name: string, s: string): onnx.IAttributeProto => ({ name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(s) }),
};
