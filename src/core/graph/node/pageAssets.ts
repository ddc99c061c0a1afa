// Node only: what the graph page inlines from the build (the webview bundle, its stylesheet and
// the codicon stylesheet with its font at a URL the page may load). The VS Code webview and the
// standalone file both inline them: a webview fetches each linked file through VS Code's resource
// loader, several hops per file in a remote editor, before its script can start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageAssets } from '../html';

export type { PageAssets } from '../html';

export interface AssetDirs {
  /** The directory holding webview.js, elk-worker.min.js and codicons/. */
  dist: string;
  /** The directory holding graph.css. */
  media: string;
}

export function readPageAssets(dirs: AssetDirs, fontUrl: string): PageAssets {
  return {
    script: readFileSync(join(dirs.dist, 'webview.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, ''),
    css: readFileSync(join(dirs.media, 'graph.css'), 'utf8'),
    codiconCss: readFileSync(join(dirs.dist, 'codicons', 'codicon.css'), 'utf8')
      .replace(/url\(["']?\.\/codicon\.ttf[^)"']*["']?\)/g, `url("${fontUrl.replace(/["\\\n]/g, '')}")`),
  };
}

/** The codicon font as a data: URL, for a page that must load nothing. */
export const codiconFontDataUrl = (dirs: AssetDirs): string =>
  `data:font/ttf;base64,${readFileSync(join(dirs.dist, 'codicons', 'codicon.ttf')).toString('base64')}`;
