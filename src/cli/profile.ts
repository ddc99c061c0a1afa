// `netlens profile <zoo-name | path> [--image file] [--backend <registry names>] [--runs N] [--warmup N]
//   [--optimization all|extended|basic|disabled] [--threads N] [--preprocessing caffe|tf|torch|grayscale01|none]
//   [--gpu-layout auto|nhwc|nchw] [--batch N] [--input random] [--dim name=N ...] [--json] [--out file.json|file.csv|file.md|file.html]
//   [--compare-to earlier.json] [--top N]`
// Runs in this process (a CLI has no editor to keep responsive). Without --image the bundled
// sample photograph media/samples/chelsea.png is used.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetLensError } from '../core/ir/types';
import type { ProfileResult } from '../core/profile/result';
import { loadModel } from '../core/io/loadModel';
import { parseBackendRequest } from '../core/profile/registry';
import { parsePreprocessing } from '../core/profile/preprocessModes';
import { parseOptimization } from '../core/engines/ort/session';
import { parseGpuLayout } from '../core/engines/ort/gpuLayout';
import { DEFAULT_RUNS, DEFAULT_WARMUP, profileModel } from '../core/profile/profile';
import { formatFromPath, profileJson, profileText, renderProfile } from '../core/report/profileReport';
import { dimOptions, parse, positiveIntOption, requireModelArg } from './common';
import { writeJsonText, writeOut } from './output';
import { printable } from '../core/text/format';
import { addRoofline } from '../core/profile/rooflineProfile';
import { asProfileResult, diffRuns, RunDiff } from '../core/profile/runDiff';
import { profileHtml } from '../core/report/profileHtml';
import { diffText, rooflineText } from '../core/report/rooflineReport';

/** media/samples/chelsea.png next to dist/ (bundle) or the repository root (compiled tests). */
export function defaultImage(): string {
  const candidates = [join(__dirname, '..', 'media', 'samples', 'chelsea.png'), join(__dirname, '..', '..', 'media', 'samples', 'chelsea.png'),
    join(__dirname, '..', '..', '..', 'media', 'samples', 'chelsea.png')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new NetLensError('no --image given and the bundled sample image (media/samples/chelsea.png) is missing');
  return found;
}

function countOption(name: string, v: string | boolean | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min) throw new NetLensError(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

export async function profileCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    image: { type: 'string' }, backend: { type: 'string' }, runs: { type: 'string' }, warmup: { type: 'string' },
    json: { type: 'boolean' }, out: { type: 'string' }, top: { type: 'string' }, optimization: { type: 'string' }, threads: { type: 'string' },
    preprocessing: { type: 'string' }, 'gpu-layout': { type: 'string' }, batch: { type: 'string' }, 'compare-to': { type: 'string' },
    input: { type: 'string' }, dim: { type: 'string', multiple: true },
  });
  const backend = parseBackendRequest(values.backend as string | undefined);
  const optimization = parseOptimization(values.optimization as string | undefined);
  const preprocessing = parsePreprocessing(values.preprocessing);
  const threads = values.threads === undefined ? undefined : positiveIntOption('threads', values.threads, 1);
  const runs = positiveIntOption('runs', values.runs, DEFAULT_RUNS);
  const warmup = countOption('warmup', values.warmup, DEFAULT_WARMUP, 0);
  // WebGPU layout (auto: checked against the CPU provider per model) and samples per run, for every backend.
  const gpuLayout = parseGpuLayout(values['gpu-layout']);
  const batch = positiveIntOption('batch', values.batch, 1);
  const top = countOption('top', values.top, 25, 0);
  const out = values.out as string | undefined;
  const html = out !== undefined && /\.html?$/i.test(out);
  const outFormat = out === undefined || html ? undefined : formatFromPath(out);
  if (out !== undefined && !outFormat && !html) throw new NetLensError(`--out must end in .json, .csv, .md or .html, got "${out}"`);
  // The earlier run is read before profiling: a bad file fails in milliseconds.
  const compareTo = values['compare-to'] as string | undefined;
  const earlier = compareTo === undefined ? undefined : readEarlier(compareTo);
  // --input random: seeded random data for every model input (video clips, token ids, several inputs).
  const input = values.input as string | undefined;
  if (input !== undefined && input !== 'random' && input !== 'image') throw new NetLensError(`--input must be random or image, got "${input}"`);
  if (input === 'random' && values.image !== undefined) throw new NetLensError('--input random and --image exclude each other');
  const feed = input === 'random' ? 'random' as const : 'image' as const;
  const dims = dimOptions(values.dim);
  const image = feed === 'random' ? '' : (values.image as string | undefined) ?? defaultImage();
  const spec = await loadModel(requireModelArg(positionals, 'profile'));
  // Overrides the model's own (its family's, or 'none' when it rescales itself); the result states it.
  if (preprocessing) spec.preprocessing = preprocessing;
  const progress = values.json || !process.stderr.isTTY ? undefined
    : (_stage: string, message: string, fraction: number): void => { process.stderr.write(`\r\x1b[K${Math.round(fraction * 100)}% ${printable(message)}`); };
  const profiled = await profileModel(spec, image, { backend, runs, warmup, optimization, threads, gpuLayout, batch, feed, dims, onProgress: progress });
  // The machine's roofs (cached per machine, backend and threads; measured once) and each layer under them.
  const result = await addRoofline(spec, profiled, { dims, onProgress: progress ? (msg, f) => progress('report', msg, f) : undefined });
  if (progress) process.stderr.write('\r\x1b[K');
  const diff: RunDiff | undefined = earlier ? diffRuns(earlier, result) : undefined;
  if (out && outFormat) writeFileSync(out, renderProfile(result, outFormat));
  if (out && html) writeFileSync(out, profileHtml(result, { diff, script: pageScriptText() }));
  // The line break goes out raw: printableJson would write it as a literal \u000a after the JSON.
  // With --compare-to the JSON carries the deltas as `comparedTo` (docs/contracts.md).
  if (values.json) { writeJsonText(diff ? JSON.stringify({ ...result, comparedTo: diff }) : profileJson(result)); process.stdout.write('\n'); }
  else writeOut(`${profileText(result, top)}\n\n${rooflineText(result)}\n${diff ? `\n${diffText(diff)}\n` : ''}${out ? `wrote ${out}\n` : ''}`);
}

/** The earlier profile for --compare-to: a `profile --json` (or --out x.json) file. */
function readEarlier(path: string): ProfileResult {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new NetLensError(`--compare-to: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  let v: unknown;
  try { v = JSON.parse(text); } catch { throw new NetLensError(`--compare-to: ${path} is not JSON`); }
  return asProfileResult(v, `--compare-to: ${path}`);
}

/** dist/profilePage.js inlined into --out x.html (table sorting, the chart's highlight); the page reads without it. */
function pageScriptText(): { inline: string } | undefined {
  for (const p of [join(__dirname, 'profilePage.js'), join(__dirname, '..', 'dist', 'profilePage.js'), join(__dirname, '..', '..', 'dist', 'profilePage.js'),
    join(__dirname, '..', '..', '..', 'dist', 'profilePage.js')]) {
    if (existsSync(p)) {
      const t = readFileSync(p, 'utf8');
      return /<\/script/i.test(t) ? undefined : { inline: t };
    }
  }
  return undefined;
}
