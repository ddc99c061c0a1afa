// Reads a zoo model's first view shipped with the extension (dist/zoo/<name>.json, written at
// build time by core/graph/node/zooViews): the view graph at batch 1 and its first layout, so the
// first graph of a session needs neither the model process nor a cold elkjs layout. A missing or
// damaged file is not an error: the model process answers instead.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelRef } from '../protocol/modelRef';
import { parseShippedView, ShippedView } from '../protocol/graph';
import { validFigures, type ModelFigures } from '../protocol/modelService';
import { ZOO_FIGURES_FILE } from '../core/graph/pageData';

/** The views read this session (files that never change while the extension runs), last used last; a file that could not be read is not kept. */
const recent = new Map<string, Promise<ShippedView | undefined>>();
const RECENT = 8;

/** A zoo model's shipped first view; undefined for a file or when the view is missing or damaged. */
export function shippedView(distDir: string, model: ModelRef): Promise<ShippedView | undefined> {
  if (model.kind !== 'zoo') return Promise.resolve(undefined);
  const file = join(distDir, 'zoo', `${model.name}.json`);
  const view = recent.get(file) ?? readView(file).then((v) => {
    if (!v) recent.delete(file);
    return v;
  });
  recent.delete(file);
  recent.set(file, view);
  while (recent.size > RECENT) recent.delete(recent.keys().next().value as string);
  return view;
}

async function readView(file: string): Promise<ShippedView | undefined> {
  try {
    return parseShippedView(JSON.parse(await readFile(file, 'utf8'))) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every zoo model's params and MACs at batch 1 (the Models tree, the quick pick), from the one small
 * file the build writes beside the views; a missing or damaged file gives none (the model process answers).
 */
export async function shippedFigures(distDir: string): Promise<ModelFigures[]> {
  try {
    const list: unknown = JSON.parse(await readFile(join(distDir, 'zoo', ZOO_FIGURES_FILE), 'utf8'));
    return validFigures(list) ? list : [];
  } catch {
    return [];
  }
}
