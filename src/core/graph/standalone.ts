// Node only: the standalone interactive HTML page for a model, from the built webview bundle,
// elkjs' worker, the stylesheet and the codicon font (inlined: the file opens with no server).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ModelSpec } from '../ir/types';
import { standaloneHtml } from './html';
import type { GraphSettings, GraphSpec } from './messages';

export const graphSpecOf = (s: Pick<ModelSpec, 'name' | 'model' | 'groups' | 'layerGroup'>): GraphSpec =>
  ({ name: s.name, model: s.model, groups: s.groups, layerGroup: s.layerGroup });

export const DEFAULT_SETTINGS: GraphSettings = { collapseThreshold: 300, colorBy: 'category', showShapes: false };

export interface AssetDirs {
  /** The directory holding webview.js, elk-worker.min.js and codicons/. */
  dist: string;
  /** The directory holding graph.css. */
  media: string;
}

export function standalonePage(spec: Pick<ModelSpec, 'name' | 'model' | 'groups' | 'layerGroup'>, dirs: AssetDirs, batch = 1, settings: GraphSettings = DEFAULT_SETTINGS): string {
  const font = readFileSync(join(dirs.dist, 'codicons', 'codicon.ttf')).toString('base64');
  const codiconCss = readFileSync(join(dirs.dist, 'codicons', 'codicon.css'), 'utf8')
    .replace(/url\(["']?\.\/codicon\.ttf[^)"']*["']?\)/g, `url("data:font/ttf;base64,${font}")`);
  return standaloneHtml({
    title: `${spec.name} · NetLens`,
    spec: graphSpecOf(spec),
    batch,
    settings,
    script: readFileSync(join(dirs.dist, 'webview.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, ''),
    workerBase64: readFileSync(join(dirs.dist, 'elk-worker.min.js')).toString('base64'),
    css: readFileSync(join(dirs.media, 'graph.css'), 'utf8'),
    codiconCss,
    nonce: randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, ''),
  });
}
