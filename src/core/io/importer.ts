// What a file importer hands to loadModel: the raw model config (any of the JSON shapes
// normalizeModel accepts) and, when the file carries weights, a reader that names them the tfjs
// way once the model has been flattened (names of layers inside nested models may change).
import { KerasModel, NamedWeight } from '../ir/types';
import { Flattened } from '../formats/keras/nested';

export interface Imported {
  /** "tfjs model.json", "Keras 3 .keras", "Keras 2 .h5", "JSON config". */
  format: string;
  config: unknown;
  /** Keras version the file says wrote it, when it says. */
  kerasVersion?: string;
  readWeights?: (flat: Flattened, original: KerasModel) => NamedWeight[];
}
