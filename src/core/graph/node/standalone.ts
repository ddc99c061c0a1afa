// Node only: the standalone interactive HTML page for a model, from the built webview bundle,
// elkjs' worker, the stylesheet and the codicon font (inlined: the file opens with no server).
// The page gets the view graph and its first layout, as the webview does from the host.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { standaloneHtml } from '../html';
import type { GraphSettings, StandaloneData } from '../../../protocol/graph';

export const DEFAULT_SETTINGS: GraphSettings = { collapseThreshold: 300, colorBy: 'category', showShapes: false };

export interface AssetDirs {
  /** The directory holding webview.js, elk-worker.min.js and codicons/. */
  dist: string;
  /** The directory holding graph.css. */
  media: string;
}

export function standalonePage(data: StandaloneData, dirs: AssetDirs): string {
  const font = readFileSync(join(dirs.dist, 'codicons', 'codicon.ttf')).toString('base64');
  const codiconCss = readFileSync(join(dirs.dist, 'codicons', 'codicon.css'), 'utf8')
    .replace(/url\(["']?\.\/codicon\.ttf[^)"']*["']?\)/g, `url("data:font/ttf;base64,${font}")`);
  return standaloneHtml({
    title: `${data.graph.model} · NetLens`,
    data,
    script: readFileSync(join(dirs.dist, 'webview.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, ''),
    workerBase64: readFileSync(join(dirs.dist, 'elk-worker.min.js')).toString('base64'),
    css: readFileSync(join(dirs.media, 'graph.css'), 'utf8'),
    codiconCss,
    nonce: randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, ''),
  });
}
