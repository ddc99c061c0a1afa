// The Content-Security-Policy of every page NetLens builds, one row per kind of page: script and
// stylesheets only with the page's nonce (no eval, no inline handlers) and nothing fetched but
// what the row names. `resources` is the webview's cspSource (the extension's dist/ and media/).
export type PageKind = 'graphWebview' | 'reportPage' | 'standaloneFile';

export function pageCsp(kind: PageKind, nonce: string, resources = ''): string {
  const n = `'nonce-${nonce}'`;
  const rows: Record<PageKind, [string, string][]> = {
    // Icon font and images from the extension; the host lays out, so no workers and no fetches.
    graphWebview: [['img-src', `${resources} blob: data:`], ['style-src', `${resources} ${n}`], ['font-src', resources], ['script-src', n]],
    // Profile results and Compare: everything inline.
    reportPage: [['style-src', n], ['script-src', n]],
    // An exported file opens with no server: the font is a data: URL, elkjs' worker a blob.
    standaloneFile: [['img-src', 'blob: data:'], ['style-src', n], ['font-src', 'data:'], ['script-src', n], ['worker-src', 'blob:']],
  };
  return ["default-src 'none'", ...rows[kind].map(([directive, sources]) => `${directive} ${sources}`)].join('; ');
}
