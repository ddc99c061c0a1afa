// Small text helpers for the graph: escaping for HTML/SVG and compact numbers for node labels.
import { bytes, grouped, msText, si } from '../text/format';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG element content and double- or single-quoted attributes. */
export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** 9472 -> "9.47K", 118013952 -> "118M" (three significant digits); small counts stay exact. */
export function compactNumber(n: number): string {
  if (n < 1000) return String(Math.round(n));
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [v, u] of units) {
    if (n >= v) {
      const x = n / v;
      return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}${u}`;
    }
  }
  return String(n);
}

export { bytes, grouped, si };

/** "12.3%" of a total, "—" when the total is zero. */
export const share = (v: number, total: number): string => (total > 0 ? `${((100 * v) / total).toFixed(v / total < 0.001 && v > 0 ? 3 : 1)}%` : '—');

/** Cuts text to a pixel width at a fixed advance, with an ellipsis. */
export function fit(text: string, maxPx: number, advance: number): string {
  const max = Math.floor(maxPx / advance);
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** A MAC formula as shown ("7×7×3 × 112×112 × 64"): the analyser writes it with "x". */
export const formulaText = (f: string): string => f.replace(/x/g, '×');

/** Milliseconds as the profile page writes them: 0.175 -> "0.175 ms", 12.345 -> "12.35 ms", 123.45 -> "123.5 ms". */
export function milliseconds(v: number): string {
  return `${Math.abs(v) >= 1000 ? grouped(v) : msText(v)} ms`;
}
