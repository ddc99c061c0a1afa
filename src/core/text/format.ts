// Numbers, shapes and names as text, shared by every layer: the analyser's errors, the graph's
// labels and cards, the profiler's messages, the CLI tables and the reports. Imports nothing.

/**
 * 25636712 -> "25,636,712". Above 2^53 a double no longer holds every integer, so the digits
 * toLocaleString would print are partly invented ("1,001,000,000,000,000,000"); such figures are
 * printed as approximate, labelled: "~1.001e+21 (approx.)".
 */
export const grouped = (n: number): string => {
  const r = Math.round(n);
  // Grouped by hand: toLocaleString's first call loads ICU, a fifth of a second of CLI startup.
  if (Number.isSafeInteger(r)) return `${r < 0 ? '-' : ''}${String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
  if (!Number.isFinite(r)) return r.toLocaleString('en-US');
  return `~${n.toPrecision(4)} (approx.)`;
};

/**
 * The widest of a title and column `col` of the rows, by a loop: Math.max(...rows) passes one
 * argument per row and overflows the stack near 150,000 rows.
 */
export function maxLength(title: string, rows: readonly (readonly string[])[], col: number): number {
  let w = title.length;
  for (const r of rows) if (r[col].length > w) w = r[col].length;
  return w;
}

/** 3858551016 -> "3.86 G" (SI, for MACs and FLOPs) */
export function si(n: number, digits = 2): string {
  const units: [number, string][] = [[1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${(n / v).toFixed(digits)} ${u}`;
  return String(Math.round(n));
}

/** 102546848 -> "97.8 MiB" (binary, for memory) */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** A time in ms to the digits a profile shows: 0.175 -> "0.175", 12.345 -> "12.35", 123.45 -> "123.5". */
export function msText(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

// Shapes, the three ways they are written (one place, so graph, pages, CLI and errors agree).
type Dims = readonly (number | null)[];

/** Keras' notation, batch included: "(None, 112, 112, 64)" (summary tables). */
export const shape = (s: Dims): string => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;

/** Dimensions as drawn and shown on pages: "112×112×64" ('?' unknown, "scalar" for none); sep 'x' in the terminal. */
export const dims = (s: Dims, sep = '×'): string => (s.length ? s.map((d) => (d === null ? '?' : String(d))).join(sep) : 'scalar');

/** A shape in an error message, every dimension as stored: "[null, 112, 112, 64]". */
export const shapeList = (s: Dims): string => `[${s.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;

/**
 * Control characters a terminal acts on: C0 (ESC starts sequences that retitle the window or
 * clear the screen, BEL, CR, ...), DEL, C1 (U+0080-U+009F: CSI and OSC in some terminals), and the
 * Unicode bidirectional overrides and isolates that reorder what is shown ("Trojan Source").
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const visible = (c: string): string => {
  const n = c.charCodeAt(0);
  const named: Record<number, string> = { 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };
  return Object.prototype.hasOwnProperty.call(named, n) ? named[n] : n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};

/** A name from a file, safe to print: every control character shown as a visible escape ("\x1b"). */
export const printable = (s: string): string => String(s).replace(CONTROL, visible);

/** A whole text for the terminal: control characters escaped, line breaks and tabs kept. */
export const printableText = (s: string): string => String(s).replace(CONTROL_BUT_LINES, visible);

/**
 * JSON text for the terminal: JSON.stringify escapes C0 but leaves C1 and bidi controls raw; they
 * become \u escapes here, which keeps the JSON valid and its strings equal.
 */
export const printableJson = (json: string): string => json.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
