// Limits for untrusted model files. Every importer checks sizes against these *before* it
// allocates or inflates anything, so a hostile file costs at most these many bytes.
import { NetLensError } from '../ir/types';

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

/**
 * Decoded bytes allowed per file, as a multiple of the file's size. Structures inside a file can
 * point many times at one stored object (HDF5 variable-length strings share global-heap objects),
 * so "decoded" can exceed "stored" without bound; honest files decode their strings about once.
 */
export const DECODE_FACTOR = 4;
/** A floor so that tiny files can still decode their few names. */
export const MIN_DECODE_BYTES = 1024 * 1024;

/**
 * A budget of bytes a parser may produce from one file. Plain data, no I/O: it works the same
 * in the extension host, the profiler process, a worker thread or the CLI.
 */
export class ByteBudget {
  private left: number;
  constructor(readonly limit: number, private readonly what: string) {
    this.left = limit;
  }
  /** For a file of `size` bytes: DECODE_FACTOR x size, at least MIN_DECODE_BYTES. */
  static forFile(size: number, what: string): ByteBudget {
    return new ByteBudget(Math.max(MIN_DECODE_BYTES, DECODE_FACTOR * size), what);
  }
  get remaining(): number {
    return this.left;
  }
  /** Takes `n` bytes, or throws one NetLensError line when the budget is spent. */
  take(n: number, where: string): void {
    if (!(n >= 0) || n > this.left) {
      throw new NetLensError(`${this.what}: decoding ${clip(where)} would exceed ${this.limit} bytes ` +
        `(${DECODE_FACTOR}x the file); refusing a file whose structures point at the same data many times`);
    }
    this.left -= n;
  }
}
