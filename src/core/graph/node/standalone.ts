// Node only: the standalone interactive HTML page for a model, from the built webview bundle,
// elkjs' worker, the stylesheet and the codicon font (inlined: the file opens with no server).
// The page gets the view graph and its first layout, as the webview does from the host.
import { newNonce } from '../../nonce';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { standaloneHtml } from '../html';
import { DEFAULT_COLLAPSE_THRESHOLD } from '../collapse';
import type { GraphSettings, StandaloneData } from '../pageData';
import { AssetDirs, codiconFontDataUrl, readPageAssets } from './pageAssets';

export type { AssetDirs } from './pageAssets';

export const DEFAULT_SETTINGS: GraphSettings = { collapseThreshold: DEFAULT_COLLAPSE_THRESHOLD, colorBy: 'category', showShapes: false };

export function standalonePage(data: StandaloneData, dirs: AssetDirs): string {
  return standaloneHtml({
    title: `${data.graph.model} · NetLens`,
    data,
    ...readPageAssets(dirs, codiconFontDataUrl(dirs)),
    workerBase64: readFileSync(join(dirs.dist, 'elk-worker.min.js')).toString('base64'),
    nonce: newNonce(),
  });
}
