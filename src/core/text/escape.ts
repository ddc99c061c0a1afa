// Escaping for the exports a user opens in other programs, where a name taken from a model file
// must stay text: a spreadsheet (CSV formula injection), a Markdown renderer (raw HTML, links) and
// an XML parser (SVG: a C0 control character makes the whole file invalid). Imports nothing.

/**
 * XML 1.0 allows tab, LF, CR and everything from U+0020 except U+FFFE, U+FFFF and unpaired
 * surrogates. Anything else (BEL, ESC, NUL in a layer name) becomes U+FFFD: visible, and valid.
 */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Characters XML cannot hold replaced by U+FFFD (markup characters are left to the caller). */
export const xmlChars = (s: string): string => String(s).replace(NOT_XML, '\ufffd');

/** Text for XML/SVG element content and quoted attributes: escaped, and only characters XML allows. */
export const xmlText = (s: string): string => xmlChars(s).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/**
 * A CSV cell. Text starting with = + - @, tab or CR (and their full-width forms, which some
 * spreadsheets also read as formulas) gets a leading single quote, as OWASP recommends against
 * formula injection; a cell holding a quote, comma or line break is quoted. Numbers are written as
 * numbers (a negative time is data, not a formula).
 */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Outside a tag, quotes are inert: escaping &, < and > keeps every tag and entity out. */
const MD_HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text inside Markdown (a table cell or a line): HTML-escaped (no tag from a file reaches the
 * rendered page), the characters that open links, images and code spans and the table's "|"
 * backslash-escaped, line breaks and control characters turned into spaces (a cell stays on its
 * row). Underscores and parentheses stay: layer names are full of them and they open nothing.
 */
export function mdText(s: string): string {
  return String(s)
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/[\\`[\]|]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => MD_HTML[c]);
}
