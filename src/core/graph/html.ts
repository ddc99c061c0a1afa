// The graph page, two ways: the VS Code webview (resources by URI, strict CSP with a nonce) and
// a standalone file (the same renderer and stylesheet inlined, the view graph and its first layout
// embedded as JSON) that opens in any browser with no server. Neither allows inline or eval'd script.
import type { ModelMessage, StandaloneData } from '../../protocol/graph';
import { escapeXml } from './text';

export interface WebviewPageOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  cssUri: string;
  codiconUri: string;
  title: string;
  /** The first message, served inside the page when it is ready in time (JSON in a data block). */
  model?: ModelMessage;
}

export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} blob: data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function webviewHtml(o: WebviewPageOptions): string {
  const a = (s: string): string => escapeXml(s);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(webviewCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${a(o.nonce)}">
<link rel="stylesheet" nonce="${a(o.nonce)}" href="${a(o.codiconUri)}">
<link rel="stylesheet" nonce="${a(o.nonce)}" href="${a(o.cssUri)}">
<title>${a(o.title)}</title>
</head>
<body>
<div id="app" role="application" aria-label="${a(o.title)}"></div>
${o.model ? `<script type="application/json" id="netlens-model">${scriptJson(o.model)}</script>\n` : ''}<script nonce="${a(o.nonce)}" src="${a(o.scriptUri)}"></script>
</body>
</html>
`;
}

export interface StandalonePageOptions {
  title: string;
  data: StandaloneData;
  /** dist/webview.js */
  script: string;
  /** dist/elk-worker.min.js, base64 (raw script text could contain "<!--" or "</script", which end a script element). */
  workerBase64: string;
  /** media/graph.css */
  css: string;
  /** codicon.css with its font inlined as a data: URL */
  codiconCss: string;
  nonce: string;
}

/** JSON that is safe inside a <script> element: no "</script", no U+2028/2029 surprises. */
export const scriptJson = (v: unknown): string =>
  JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');


export function standaloneHtml(o: StandalonePageOptions): string {
  const n = escapeXml(o.nonce);
  const csp = `default-src 'none'; img-src blob: data:; style-src 'nonce-${o.nonce}'; font-src data:; script-src 'nonce-${o.nonce}'; worker-src blob:`;
  if (/<\/script/i.test(o.script)) throw new Error('webview bundle contains "</script": cannot inline it');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeXml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${n}">
<title>${escapeXml(o.title)}</title>
<style nonce="${n}">${o.codiconCss.replace(/<\/style/gi, '<\\/style')}</style>
<style nonce="${n}">${o.css.replace(/<\/style/gi, '<\\/style')}</style>
</head>
<body>
<div id="app" role="application" aria-label="${escapeXml(o.title)}"></div>
<script type="application/json" id="netlens-data">${scriptJson(o.data)}</script>
<script type="text/plain" id="netlens-worker-src">${o.workerBase64.replace(/[^A-Za-z0-9+/=]/g, '')}</script>
<script nonce="${n}">${o.script}</script>
</body>
</html>
`;
}
