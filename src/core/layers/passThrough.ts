// Layers that are the identity at inference (dropout, noise, Identity, the random augmentations):
// the input's shape, nothing counted, and one ONNX Identity node so the layer still maps to a node.
import { Category, LayerKind, one } from './kind';
import { out } from './lowering';

/** A pass-through kind of this category; `tfjsClass` where NetLens registers the class with tfjs. */
export const passThrough = (category: Category, tfjsClass?: string): LayerKind => ({
  category,
  shape: one,
  window: () => 'identity',
  ...(tfjsClass === undefined ? {} : { tfjsClass }),
  lowering: {
    lower: (r) => out(r, r.g.node(r.name, r.name, 'Identity', [r.inputs[0].name]), r.inputs[0].perm),
  },
});
