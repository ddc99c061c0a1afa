// Shared pieces of the host-built report pages (profile results, compare): escaping, and the
// nonce attribute plus Content-Security-Policy that a webview page needs (none for a plain file).

/** Escapes text for HTML content and attribute values. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `n`: the nonce attribute for <style>/<script>; `csp`: the meta tag allowing only those. */
export function nonceParts(nonce: string | undefined): { n: string; csp: string } {
  if (!nonce) return { n: '', csp: '' };
  return {
    n: ` nonce="${nonce}"`,
    csp: `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">`,
  };
}
