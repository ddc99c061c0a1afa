// Resolves a model argument: a zoo name, or a path to a Keras/tfjs JSON config or tfjs model.json.
// Node only (reads files). Importers for .keras/.h5 plug in here.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ModelSpec, NetLensError } from '../ir/types';
import { normalizeModel } from '../ir/normalize';
import { buildZooModel, zooEntry } from '../zoo';
import { groupsFromNames } from '../ir/groups';

/** Model files above this are refused before reading (a config is kilobytes; 64 MiB is generous). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

export function parseModelJson(text: string, fallbackName: string): ModelSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NetLensError(`invalid JSON: ${(e as Error).message}`);
  }
  const model = normalizeModel(raw);
  const name = model.config.name || fallbackName;
  return { name, model, ...groupsFromNames(model) };
}

/** Async because binary formats (HDF5, zip) decode asynchronously. */
export async function loadModel(arg: string): Promise<ModelSpec> {
  if (zooEntry(arg)) return buildZooModel(arg);
  let size: number;
  try {
    const st = statSync(arg);
    if (!st.isFile()) throw new NetLensError(`${arg} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof NetLensError) throw e;
    // Neither a zoo name nor a readable file: the zoo message lists what is known.
    if (!/[/\\.]/.test(arg)) buildZooModel(arg);
    throw new NetLensError(`cannot read ${arg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_CONFIG_BYTES) throw new NetLensError(`${arg} is ${size} bytes; model configs over ${MAX_CONFIG_BYTES} bytes are refused`);
  const text = readFileSync(arg, 'utf8');
  try {
    return parseModelJson(text, basename(arg).replace(/\.[^.]*$/, ''));
  } catch (e) {
    if (e instanceof NetLensError) throw new NetLensError(`${arg}: ${e.message}`);
    throw e;
  }
}
