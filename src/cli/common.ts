// Shared CLI plumbing: option parsing via node:util parseArgs, and option readers with one-line errors.
import { parseArgs } from 'node:util';
import { NetLensError } from '../core/ir/types';

export type Options = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Parsed options; an option declared `multiple` arrives as a string[] (read it with listOption). */
export function parse(argv: string[], options: Options): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new NetLensError((e as Error).message.split('\n')[0]);
  }
}

export function positiveIntOption(name: string, v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n <= 0) throw new NetLensError(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

/** "224x224x3" -> [224, 224, 3] */
export function shapeOption(v: string | boolean | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = typeof v === 'string' ? v.split(/[x,]/).map(Number) : [];
  if (parts.length === 0 || parts.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new NetLensError(`--input must look like 224x224x3 (positive integers), got "${v}"`);
  }
  return parts;
}

/** --dim name=value (repeatable): sizes for the model's named free input dimensions. */
export function dimOptions(raw: unknown): Record<string, number> | undefined {
  const v = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  if (v.length === 0) return undefined;
  const dims: Record<string, number> = Object.create(null);
  for (const item of v) {
    const m = /^([^=]{1,256})=([0-9]{1,9})$/.exec(item);
    if (!m || Number(m[2]) <= 0) throw new NetLensError(`--dim must look like name=N (N a positive integer), got "${item.slice(0, 80)}"`);
    dims[m[1]] = Number(m[2]);
  }
  return dims;
}

export function requireModelArg(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new NetLensError(`usage: netlens ${command} <zoo-name | path> [options]`);
  return positionals[0];
}
