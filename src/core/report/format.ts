// Number formatting shared by the CLI tables, hover cards and reports.

/** 25636712 -> "25,636,712" */
export const grouped = (n: number): string => Math.round(n).toLocaleString('en-US');

/** 3858551016 -> "3.86 G" (SI, for MACs and FLOPs) */
export function si(n: number, digits = 2): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
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

export const shape = (s: (number | null)[]): string => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
