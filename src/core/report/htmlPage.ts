// Shared pieces of the host-built report pages (profile results, compare): escaping, the nonce
// attribute plus Content-Security-Policy that a webview page needs (none for a plain file), and the
// page's script element (its TypeScript is built to dist/, webview/pages/*.ts).

import { escapeXml } from '../graph/text';
import { pageCsp } from '../csp';

/** Escapes text for HTML content and attribute values (the one escaper of every page). */
export const esc = escapeXml;

/** `n`: the nonce attribute for <style>/<script>; `csp`: the meta tag allowing only those. */
export function nonceParts(nonce: string | undefined): { n: string; csp: string } {
  if (!nonce) return { n: '', csp: '' };
  return {
    n: ` nonce="${nonce}"`,
    csp: `<meta http-equiv="Content-Security-Policy" content="${pageCsp('reportPage', nonce)}">`,
  };
}

/** The page's script: by URI in a webview (dist/ is a local resource root), or its text inlined. */
export type PageScript = { src: string } | { inline: string };

/** The script element, with the nonce the CSP allows; '' without a script. */
export function pageScript(n: string, script: PageScript | undefined): string {
  if (!script) return '';
  if ('src' in script) return `<script${n} src="${esc(script.src)}"></script>`;
  if (/<\/script/i.test(script.inline)) throw new Error('a page script contains "</script": cannot inline it');
  return `<script${n}>${script.inline}</script>`;
}
