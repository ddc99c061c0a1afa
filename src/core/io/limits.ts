// Limits for untrusted model files. Every importer checks sizes against these *before* it
// allocates or inflates anything, so a hostile file costs at most these many bytes.

/** A JSON model config (topology only) is kilobytes; 64 MiB is generous. */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
/** A whole model file with weights (.h5, .keras, all tfjs shards together). VGG-19 is 549 MiB. */
export const MAX_MODEL_BYTES = 1536 * 1024 * 1024;
/** One weight tensor: 2^28 elements (1 GiB of float32) is far above any CNN layer. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;
/** Rank of any weight tensor (Keras weights are rank 1..5). */
export const MAX_RANK = 8;
/** Entries in a .keras archive and in a tfjs weightsManifest. */
export const MAX_ARCHIVE_ENTRIES = 10_000;
export const MAX_WEIGHT_ENTRIES = 100_000;
/** Names: layer names are validated at 1000 characters; weight/entry names get the same cap. */
export const MAX_NAME_CHARS = 1000;
/** A labels file: 100k classes of 160 characters. */
export const MAX_LABELS_BYTES = 16 * 1024 * 1024;
/** Nesting depth of models inside models. */
export const MAX_NESTING = 16;

/** Clips a string taken from a file for use inside an error message (one line, bounded). */
export function clip(s: unknown, max = 80): string {
  const t = String(s).replace(/[\r\n\t\u0000-\u001f]+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}
