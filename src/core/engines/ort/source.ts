// Where the ONNX model ONNX Runtime profiles comes from: an ONNX file the user opened (run as it
// is; each node is its own layer), or the Keras model lowered to ONNX in memory (src/core/engines/ort/lowering),
// with the file's trained weights or, for zoo models, deterministic random ones. Also says up front
// why a model cannot go to ONNX Runtime, so `auto` can fall back to the tfjs chain with the reason.
import { readFileSync } from 'node:fs';
import { ModelSpec, NetLensError } from '../../ir/types';
import { lowerToOnnx, onnxUnsupported, randomWeights } from './lowering';
import { safeNodeNames } from './safeNames';
import type { OnnxModelSource } from './sourceTypes';

export type { OnnxModelSource } from './sourceTypes';

/** The seed of zoo models' random weights (same weights every profile). */
export const RANDOM_WEIGHT_SEED = 1;

/** An ONNX file behind the spec (the ONNX importer sets spec.onnx). */
export function onnxPath(spec: ModelSpec): string | undefined {
  return spec.onnx?.path;
}

/** Why ONNX Runtime cannot take this model, or undefined when it can. */
export function onnxBlockReason(spec: ModelSpec): string | undefined {
  if (onnxPath(spec)) return undefined;
  const refused = onnxUnsupported(spec);
  if (refused.length === 0) return undefined;
  const list = refused.slice(0, 3).map((r) => `${r.name} (${r.className}: ${r.reason})`).join(', ');
  return `cannot lower ${spec.name} to ONNX: ${list}${refused.length > 3 ? ` and ${refused.length - 3} more` : ''}`;
}

export function onnxSourceFor(spec: ModelSpec): OnnxModelSource {
  const path = onnxPath(spec);
  if (path && spec.onnx) {
    const nodeLayer = spec.onnx.nodeLayer;

    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new NetLensError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    // The importer's map (nodes it folded away, shape arithmetic, map to no layer).
    // Names ONNX Runtime would write raw into its trace are renamed in a copy (safeNames.ts).
    return safeNodeNames({ bytes, path, source: path, nodeLayer: (n) => (Object.prototype.hasOwnProperty.call(nodeLayer, n) ? nodeLayer[n] : undefined), lowered: false });
  }
  // A model without weights of its own (the zoo) gets the same seeded weights every time, so the
  // worker keeps the last one lowered: profiling it again skips drawing weights and lowering (about
  // 1.2 s for ResNet-50). One entry, so at most one model's bytes stay held between profiles.
  const key = spec.weights?.length ? undefined : `${spec.name}\n${JSON.stringify(spec.model)}`;
  if (key !== undefined && lastRandom?.key === key) return lastRandom.source;
  const weights = spec.weights?.length ? spec.weights : randomWeights(spec, RANDOM_WEIGHT_SEED);
  const lowered = lowerToOnnx(spec, weights);
  const source = safeNodeNames({ bytes: lowered.bytes, source: `${spec.name} lowered to ONNX`, nodeLayer: (n) => lowered.nodeLayer[n], lowered: true });
  lastRandom = key === undefined ? undefined : { key, source };
  return source;
}

let lastRandom: { key: string; source: OnnxModelSource } | undefined;
