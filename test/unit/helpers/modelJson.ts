// A model from a JSON text in hand (a Keras or tfjs model.json), through the same importer a file
// goes through; no weights are read.
import { importModelBytes, specFromImported } from '../../../src/core/io/loadModel';
import type { ModelSpec } from '../../../src/core/ir/types';

export function parseModelJson(text: string, fallbackName: string): ModelSpec {
  return specFromImported(importModelBytes(new TextEncoder().encode(text)), fallbackName);
}
