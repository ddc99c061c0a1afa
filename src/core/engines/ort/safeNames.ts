// Node names as ONNX Runtime's profiler can write them. ONNX Runtime writes each executed node's
// name raw into its JSON trace (measured: a BEL, a newline, a quote or a backslash in a name comes
// out as it is), so one such name from a model file made the whole trace unreadable ("Bad control
// character in string literal"). Before a session is made, nodes with such names are renamed
// "netlens_node_<index>" in a copy of the model, and the map from the new names to the layers goes
// with it: layers keep their own (original) names for display. Models whose names are all plain
// pass through untouched (no copy).
import { onnx } from 'onnx-proto';
import { decodeModelProto } from '../../formats/onnx/proto';
import { NetLensError } from '../../ir/types';
import type { OnnxModelSource } from './sourceTypes';

/** Characters JSON cannot hold raw in a string, plus DEL. */
const UNSAFE = /[\u0000-\u001f"\\\u007f]/;

/** The graphs of a model: the main one and every subgraph in node attributes (If, Loop, Scan). */
function graphsOf(model: onnx.IModelProto): onnx.IGraphProto[] {
  const out: onnx.IGraphProto[] = [];
  const stack = model.graph ? [model.graph] : [];
  for (let g = stack.pop(); g; g = stack.pop()) {
    out.push(g);
    for (const n of g.node ?? []) {
      for (const a of n.attribute ?? []) {
        if (a.g) stack.push(a.g);
        for (const sub of a.graphs ?? []) stack.push(sub);
      }
    }
  }
  return out;
}

const external = (model: onnx.IModelProto): boolean =>
  graphsOf(model).some((g) => (g.initializer ?? []).some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL));

/** The source with every unsafe node name replaced (and its map extended), or the source itself. */
export function safeNodeNames(src: OnnxModelSource): OnnxModelSource {
  let model: onnx.ModelProto;
  try {
    model = decodeModelProto(src.bytes);
  } catch {
    return src; // readOnnxGraph reports a model that does not decode
  }
  const graphs = graphsOf(model);
  const nodes = graphs.flatMap((g) => g.node ?? []);
  const unsafe = nodes.filter((n) => UNSAFE.test(n.name ?? ''));
  if (unsafe.length === 0) return src;
  if (src.path && external(model)) {
    throw new NetLensError(`${src.source}: ${unsafe.length} node name(s) hold control characters, quotes or backslashes, which ONNX Runtime's profiler cannot write; a model with external weight files cannot be renamed in memory (rename those nodes in the file)`);
  }
  const taken = new Set(nodes.map((n) => n.name ?? ''));
  const original = new Map<string, string>();
  nodes.forEach((n, i) => {
    if (!UNSAFE.test(n.name ?? '')) return;
    let name = `netlens_node_${i}`;
    for (let k = 2; taken.has(name); k++) name = `netlens_node_${i}_${k}`;
    taken.add(name);
    original.set(name, n.name!);
    n.name = name;
  });
  const bytes = onnx.ModelProto.encode(model).finish();
  return {
    ...src,
    bytes,
    // The session reads these bytes, not the file (no external data: checked above).
    path: undefined,
    nodeLayer: (n) => src.nodeLayer(original.get(n) ?? n),
  };
}
