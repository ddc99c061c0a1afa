// Reads a zoo model's first view shipped with the extension (dist/zoo/<name>.json, written at
// build time by core/graph/node/zooViews): the view graph at batch 1 and its first layout, so the
// first graph of a session needs neither the model process nor a cold elkjs layout. A missing or
// damaged file is not an error: the model process answers instead.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zooEntry } from '../core/zoo';
import { parseShippedView, ShippedView } from '../protocol/graph';

export async function shippedView(distDir: string, modelArg: string): Promise<ShippedView | undefined> {
  const entry = zooEntry(modelArg);
  if (!entry) return undefined;
  try {
    return parseShippedView(JSON.parse(await readFile(join(distDir, 'zoo', `${entry.name}.json`), 'utf8'))) ?? undefined;
  } catch {
    return undefined;
  }
}
