// Class labels beside a model file: labels.txt (one label per line) or labels.json (a list of
// strings, or Keras' imagenet_class_index.json shape {"0": ["n01440764", "tench"], ...}).
// A labels file whose count differs from the model's number of output classes is an error:
// silently mislabelled predictions would be worse than none.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NetLensError } from '../ir/types';
import { clip, MAX_LABELS_BYTES } from './limits';
import { parseJsonSafely } from '../safeLookup';

export const LABEL_FILES = ['labels.txt', 'labels.json'];

export function parseLabels(text: string, json: boolean, file = 'labels'): string[] {
  if (!json) {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((s) => s.trim());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) throw new NetLensError(`${file} is empty`);
    return lines;
  }
  let v: unknown;
  try {
    v = parseJsonSafely(text.replace(/^\uFEFF/, ''), file);
  } catch (e) {
    if (e instanceof NetLensError) throw e;
    throw new NetLensError(`${file} is not valid JSON (${clip((e as Error).message)})`);
  }
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>);
    const out: string[] = [];
    for (const [k, x] of entries) {
      const i = Number(k);
      const label = typeof x === 'string' ? x : Array.isArray(x) && typeof x[x.length - 1] === 'string' ? x[x.length - 1] as string : undefined;
      if (!Number.isInteger(i) || i < 0 || i >= entries.length || label === undefined) {
        throw new NetLensError(`${file} must be a list of strings or {"0": label, ...} with indices 0..n-1`);
      }
      out[i] = label;
    }
    if (out.length === entries.length && out.every((x) => x !== undefined)) return out;
  }
  throw new NetLensError(`${file} must be a non-empty list of strings or {"0": label, ...}`);
}

/** Labels from a labels file in `dir`, or undefined when there is none. */
export function readLabelsBeside(dir: string): { file: string; labels: string[] } | undefined {
  for (const f of LABEL_FILES) {
    const p = join(dir, f);
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (!st.isFile()) continue;
    if (st.size > MAX_LABELS_BYTES) throw new NetLensError(`${f} is ${st.size} bytes; labels files over ${MAX_LABELS_BYTES} bytes are refused`);
    return { file: f, labels: parseLabels(readFileSync(p, 'utf8'), f.endsWith('.json'), f) };
  }
  return undefined;
}
