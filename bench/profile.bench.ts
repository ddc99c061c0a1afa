// Profiler benchmark: ResNet-50, 224x224, batch 1, against media/samples/chelsea.png, through the
// real CLI (`node dist/cli.js profile resnet50 --json`), one fresh process per configuration so each
// initialises its backend from scratch:
//   default   what `--backend auto` picks here (wasm, threaded build, one thread per CPU)
//   wasm x1   the stock single-threaded SIMD build (NETLENS_WASM_THREADS=1)
//   wasm x2   the threaded build with 2 threads (NETLENS_WASM_THREADS=2)
//   wasm x4   threaded build oversubscribed (4 threads on the machine's CPUs)
//   cpu       the pure-JS backend, 1 run (about a minute)
// Prints a Markdown section: end-to-end median/min, achieved GFLOP/s (analyser FLOPs over the
// median), the ratio against the machine's fp32 peak, and the profiling overhead ratio
// (sum of per-layer medians over the end-to-end median; target <= 1.15).
// Env: BENCH_RUNS (default 10), BENCH_SKIP_CPU=1 to skip the slow pure-JS row.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileResult } from '../src/core/profile/result';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const image = join(root, 'media', 'samples', 'chelsea.png');
const runs = Number(process.env.BENCH_RUNS ?? 10);

/** fp32 peak from /proc/cpuinfo: cores x clock x FLOP per cycle (FMA counts 2). */
function peak(): { gflops: number; how: string; wasmGflops: number } {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const flags = /^flags\s*:\s*(.*)$/m.exec(info)?.[1].split(' ') ?? [];
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1] ?? 0);
  const vendor = /^vendor_id\s*:\s*(\S+)/m.exec(info)?.[1] ?? '';
  const family = Number(/^cpu family\s*:\s*(\d+)/m.exec(info)?.[1] ?? 0);
  const n = cpus().length;
  // AMD Zen 4 (family 25) runs AVX-512 on its two 256-bit FMA pipes: 2 x 8 lanes x 2 = 32 FLOP/cycle.
  // Intel server cores with AVX-512 have two 512-bit FMA units: 64. AVX2 + FMA: 32.
  const perCycle = flags.includes('avx512f') && vendor === 'GenuineIntel' ? 64 : flags.includes('fma') && flags.includes('avx2') ? 32 : 8;
  const gflops = (n * mhz * perCycle) / 1000;
  const how = `${n} cores x ${(mhz / 1000).toFixed(3)} GHz (cpu MHz in /proc/cpuinfo, the TSC clock; no boost figure is exposed in this VM) x ${perCycle} FLOP/cycle ` +
    `(${vendor} family ${family}${flags.includes('avx512f') ? ', avx512f' : ''}${flags.includes('fma') ? ', fma' : ''}: two 256-bit FMA pipes x 8 lanes x 2)`;
  // wasm SIMD is 128-bit and tfjs 4.22's XNNPACK build has no FMA (relaxed SIMD): a multiply and an
  // add on 4 lanes each, 2 of each per cycle on Zen 4's FP pipes: 16 FLOP/cycle.
  return { gflops, how, wasmGflops: (n * mhz * 16) / 1000 };
}

interface Row { name: string; env: Record<string, string>; args: string[] }

function run(row: Row): ProfileResult | string {
  const r = spawnSync(process.execPath, [cli, 'profile', 'resnet50', '--image', image, '--json', ...row.args], {
    encoding: 'utf8', env: { ...process.env, ...row.env }, timeout: 900_000, maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) return `failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  return JSON.parse(r.stdout) as ProfileResult;
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const wasmArgs = ['--runs', String(runs), '--warmup', '2'];
const rows: Row[] = [
  { name: 'default (auto)', env: {}, args: wasmArgs },
  { name: 'wasm, 1 thread (stock single-threaded SIMD build)', env: { NETLENS_WASM_THREADS: '1' }, args: ['--backend', 'wasm', ...wasmArgs] },
  { name: 'wasm, 2 threads (threaded build)', env: { NETLENS_WASM_THREADS: '2' }, args: ['--backend', 'wasm', ...wasmArgs] },
  { name: 'wasm, 4 threads on 2 CPUs (oversubscribed)', env: { NETLENS_WASM_THREADS: '4' }, args: ['--backend', 'wasm', ...wasmArgs] },
];

const p = peak();
const load0 = loadavg()[0];
const f = (v: number, d = 1): string => v.toFixed(d);
const med = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
// Rows interleaved round by round, so a burst of load from other work hits every row alike.
const results = new Map<string, (ProfileResult | string)[]>(rows.map((r) => [r.name, []]));
for (let i = 0; i < rounds; i++) for (const row of rows) results.get(row.name)!.push(run(row));
if (process.env.BENCH_SKIP_CPU !== '1') {
  const row = { name: 'cpu (pure JS), 1 process, 1 run', env: {}, args: ['--backend', 'cpu', '--runs', '1', '--warmup', '0'] };
  rows.push(row);
  results.set(row.name, [run(row)]);
}
const out: string[] = [];
out.push(`\`npm run bench -- profile\` (bench/profile.bench.ts), ${new Date().toISOString().slice(0, 10)}: ResNet-50 224x224x3 batch 1 against chelsea.png. ` +
  `Each wasm row is ${rounds} fresh \`netlens profile --json\` processes (rows interleaved), each ${runs} timed runs after 2 warm-ups; ` +
  'the figures are the median over processes of each process\'s median (min: the fastest single run).');
out.push('');
out.push('| configuration | backend as reported | end to end ms, median (min) | GFLOP/s | % of fp32 peak | sum of layers / end to end |');
out.push('| --- | --- | ---: | ---: | ---: | ---: |');
let def: ProfileResult | undefined;
for (const row of rows) {
  const rs = results.get(row.name)!;
  const ok = rs.filter((r): r is ProfileResult => typeof r !== 'string');
  if (ok.length === 0) {
    out.push(`| ${row.name} | ${String(rs[0])} | | | | |`);
    continue;
  }
  if (row === rows[0]) def = ok[0];
  const e2e = med(ok.map((r) => r.endToEndMs.median));
  const g = (ok[0].flops ?? 0) / (e2e * 1e6);
  const over = med(ok.map((r) => r.overhead));
  out.push(`| ${row.name} | ${ok[0].backendLabel ?? ok[0].backend} | ${f(e2e)} (${f(Math.min(...ok.map((r) => r.endToEndMs.min)))}) | ${f(g)} | ${f((100 * g) / p.gflops)}% | ${f(over, 3)} |`);
}
out.push('');
out.push(`fp32 peak: ${f(p.gflops)} GFLOP/s = ${p.how}. The wasm-SIMD ceiling on the same cores is ${f(p.wasmGflops)} GFLOP/s ` +
  '(128-bit vectors, separate multiply and add). ResNet-50 is 7.76 GFLOPs by the analyser (2 x 3.86 G MACs + element-wise ops).');
if (def) {
  out.push(`Default backend: ${def.backendLabel}; peak memory during predict ${(def.peakBytes / 1048576).toFixed(1)} MiB; ` +
    `profiling overhead (median over its processes) ${f(med(results.get(rows[0].name)!.filter((r): r is ProfileResult => typeof r !== 'string').map((r) => r.overhead)), 3)} (target <= 1.15).`);
}
out.push(`Load average (1 min) at start ${f(load0, 2)}, at end ${f(loadavg()[0], 2)}, on ${cpus().length} CPUs shared with other work.`);
process.stdout.write(`${out.join('\n')}\n`);
