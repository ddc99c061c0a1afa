// The ONNX model a session is made from (source.ts builds it, safeNames.ts renames its nodes).
// Types only.

export interface OnnxModelSource {
  bytes: Uint8Array;
  /** An ONNX file: the session opens the path, so external data files beside it resolve. */
  path?: string;
  /** For messages: the file path, or "<model> lowered to ONNX". */
  source: string;
  /** ONNX node name -> the layer it belongs to (undefined for a node no layer claims). */
  nodeLayer: (node: string) => string | undefined;
  lowered: boolean;
}
