// The graph page, two ways: the VS Code webview and a standalone file that opens in any browser
// with no server. Both inline the renderer and stylesheets under a strict CSP (a nonce per page;
// no eval, no script without the nonce) and may carry their first data as a JSON data block: the
// webview its model message when the first layout is at hand, the file its view graph and layout.
import type { ModelMessage, StandaloneData } from './pageData';
import { escapeXml } from './text';
import { pageCsp } from '../csp';

/** What both pages inline from the build (read by core/graph/node/pageAssets). */
export interface PageAssets {
  /** dist/webview.js without its source-map comment. */
  script: string;
  /** media/graph.css */
  css: string;
  /** codicon.css, its font at a URL the page may load */
  codiconCss: string;
}

export interface WebviewPageOptions {
  cspSource: string;
  nonce: string;
  assets: PageAssets;
  title: string;
  /** The first message, served inside the page when it is ready in time (JSON in a data block). */
  model?: ModelMessage;
}

export const webviewCsp = (cspSource: string, nonce: string): string => pageCsp('graphWebview', nonce, cspSource);

/** Stylesheets and the script inline (nonce'd): the page loads nothing but the icon font before it starts. */
export function webviewHtml(o: WebviewPageOptions): string {
  const a = (s: string): string => escapeXml(s);
  const n = a(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(webviewCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${n}">
<title>${a(o.title)}</title>
<style nonce="${n}" ${ICONS_LATER}>${inlineStyle(iconsOf(o.assets))}</style>
<style nonce="${n}">${inlineStyle(o.assets.css)}</style>
</head>
<body>
<div id="app" role="application" aria-label="${a(o.title)}"></div>
${o.model ? `<script type="application/json" id="netlens-model">${scriptJson(o.model)}</script>\n` : ''}<script nonce="${n}">${inlineScript(o.assets.script)}</script>
</body>
</html>
`;
}

const inlineStyle = (css: string): string => css.replace(/<\/style/gi, '<\\/style');

/** One rule per icon name in codicon.css: `.codicon-add:before { content: "\\ea60" }`. */
const ICON_RULE = /^\.codicon-([a-z0-9-]+):before\s*\{[^}]*\}\s*\n/gm;
let iconsMemo: { css: string; script: string; out: string } | undefined;

/**
 * The codicon stylesheet cut to the icons the page's script names (every icon name is a string in
 * the bundle): a few dozen of its 650 rules, 34 KB less page to hand over and parse, and fewer
 * rules for the first style pass. The font, the base rule and the modifiers stay.
 */
export function iconsOf(assets: Pick<PageAssets, 'codiconCss' | 'script'>): string {
  const { codiconCss: css, script } = assets;
  if (iconsMemo?.css !== css || iconsMemo.script !== script) {
    const words = new Set(script.split(/[^a-z0-9-]+/));
    iconsMemo = { css, script, out: css.replace(ICON_RULE, (rule, name: string) => (words.has(name) ? rule : '')) };
  }
  return iconsMemo.out;
}

/**
 * The icon stylesheet starts switched off (webview/main.ts switches it on once the page's first
 * frame is on screen, its first-paint entry): the first style pass then asks for no font, so the load event, at
 * which VS Code shows a webview, does not wait for the icon font (about 60 ms through the resource
 * loader, BENCHMARKS.md "Editor (real VS Code)"). The graph is on screen first; the toolbar's icons
 * follow when the font arrives.
 */
const ICONS_LATER = 'id="nl-codicons" media="not all"';

function inlineScript(script: string): string {
  if (/<\/script/i.test(script)) throw new Error('webview bundle contains "</script": cannot inline it');
  return script;
}

/** The codicon font is a data: URL here. */
export interface StandalonePageOptions extends PageAssets {
  title: string;
  data: StandaloneData;
  /** dist/elk-worker.min.js, base64 (raw script text could contain "<!--" or "</script", which end a script element). */
  workerBase64: string;
  nonce: string;
}

/** JSON that is safe inside a <script> element: no "</script", no U+2028/2029 surprises. */
export const scriptJson = (v: unknown): string =>
  JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');


export function standaloneHtml(o: StandalonePageOptions): string {
  const n = escapeXml(o.nonce);
  const csp = pageCsp('standaloneFile', o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeXml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${n}">
<title>${escapeXml(o.title)}</title>
<style nonce="${n}" ${ICONS_LATER}>${inlineStyle(iconsOf(o))}</style>
<style nonce="${n}">${inlineStyle(o.css)}</style>
</head>
<body>
<div id="app" role="application" aria-label="${escapeXml(o.title)}"></div>
<script type="application/json" id="netlens-data">${scriptJson(o.data)}</script>
<script type="text/plain" id="netlens-worker-src">${o.workerBase64.replace(/[^A-Za-z0-9+/=]/g, '')}</script>
<script nonce="${n}">${inlineScript(o.script)}</script>
</body>
</html>
`;
}
