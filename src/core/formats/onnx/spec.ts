// An ONNX file as a ModelSpec: the IR graph, PyTorch's module blocks, `torch` preprocessing (what
// torchvision models expect), and spec.onnx so the ONNX Runtime engine runs the file itself with
// each of its nodes mapped to the layer it is shown as. Node only (reads files).
import { dirname, resolve } from 'node:path';
import { analyzeModel } from '../../analysis/analyze';
import type { ModelSpec } from '../../ir/types';
import { readOnnx } from './model';

export function onnxSpec(bytes: Uint8Array, path: string | undefined, fallbackName: string): ModelSpec {
  const imp = readOnnx(bytes, path === undefined ? undefined : dirname(resolve(path)), fallbackName);
  // Analysed once here: a graph that cannot be sized (or contradicts its own value_info) is refused
  // on load, as a Keras config that fails validation is.
  const a = analyzeModel(imp.graph);
  const shown = new Set(a.layers.map((l) => l.name));
  const nodeLayer = Object.fromEntries(Object.entries(imp.nodeLayer).filter(([, layer]) => shown.has(layer)));
  return {
    name: imp.graph.name,
    model: imp.graph,
    groups: imp.groups,
    layerGroup: imp.layerGroup,
    preprocessing: 'torch',
    ...(imp.graph.missingWeights ? { missingWeights: imp.graph.missingWeights } : {}),
    ...(path !== undefined ? { onnx: { path: resolve(path), nodeLayer } } : {}),
  };
}
