// Suggested file names built from model names, which come from files: "../../.bashrc", a name
// with control characters, "CON" or a 10,000-character name must not become the default path of
// a save dialog. One sanitiser for every export (graph, profile).

/** Names Windows reserves whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
const MAX_STEM = 100;

/** A plain file name stem: letters, digits, "_", "-", "." only, no leading dot, at most 100 characters. */
export function safeFileStem(name: string, fallback = 'model'): string {
  const stem = String(name).replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, MAX_STEM).replace(/[._]+$/, '');
  return stem === '' || RESERVED.test(stem) ? fallback : stem;
}
