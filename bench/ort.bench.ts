// ONNX Runtime benchmark (issue 10): ResNet-50 224x224x3 batch 1, three rows interleaved round by
// round in one run, each round a fresh process per row, the same thread count everywhere:
//   netlens   `netlens profile resnet50 --json` on the default backend (profiler on): its end-to-end median
//   raw ORT   onnxruntime-node on the very ONNX file NetLens profiles (the lowered ResNet-50, same
//             random weights), default session options, profiler off
//   PyTorch   Debian python3-torch: torchvision resnet50 (random weights), eval, inference_mode,
//             torch.set_num_threads(same); "PyTorch unavailable" if it does not import
// Each process runs warm-ups then BENCH_RUNS timed forwards and reports its median; a row's figure
// is the median over rounds (min: the fastest single forward). Also: the profiling overhead (sum
// of per-layer medians / end-to-end median) of the NetLens rows, load average and CPU model.
// Goals: netlens <= 0.7 x PyTorch, <= 1.2 x raw ORT, overhead 0.85-1.15.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { lowerToOnnx, randomWeights } from '../src/core/engines/ort/lowering';
import { buildZooModel } from '../src/core/zoo';
import { RANDOM_WEIGHT_SEED } from '../src/core/engines/ort/source';
import type { ProfileResult } from '../src/core/profile/result';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const runs = Number(process.env.BENCH_RUNS ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const threads = cpus().length;
const tmp = mkdtempSync(join(tmpdir(), 'netlens-ort-bench-'));
const onnxFile = join(tmp, 'resnet50.onnx');

interface Sample { median: number; min: number; overhead?: number; label?: string; wallMs?: number; sessionMs?: number }

const med = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

function netlens(): Sample | string {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'profile', 'resnet50', '--json', '--runs', String(runs), '--warmup', '3'], {
    encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) return `failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  const j = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('}') + 1)) as ProfileResult;
  return { median: j.endToEndMs.median, min: j.endToEndMs.min, overhead: j.overhead, label: j.backendLabel, wallMs: performance.now() - t0, sessionMs: j.sessionMs };
}

const ORT_SCRIPT = `
const ort = require(${JSON.stringify(join(root, 'node_modules', 'onnxruntime-node'))});
(async () => {
  const s = await ort.InferenceSession.create(process.argv[1], { intraOpNumThreads: ${threads} });
  const x = new ort.Tensor('float32', Float32Array.from({ length: 224 * 224 * 3 }, (_, i) => Math.sin(i)), [1, 224, 224, 3]);
  const feeds = { [s.inputNames[0]]: x };
  const t = [];
  for (let i = 0; i < 3 + ${runs}; i++) { const t0 = performance.now(); await s.run(feeds); if (i >= 3) t.push(performance.now() - t0); }
  t.sort((a, b) => a - b);
  console.log(JSON.stringify({ median: t.length % 2 ? t[t.length >> 1] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2, min: t[0] }));
})();`;

function rawOrt(): Sample | string {
  const r = spawnSync(process.execPath, ['-e', ORT_SCRIPT, onnxFile], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return `failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
}

const TORCH_SCRIPT = `
import json, time, torch, torchvision
torch.set_num_threads(${threads})
torch.manual_seed(0)
m = torchvision.models.resnet50().eval()
x = torch.randn(1, 3, 224, 224)
t = []
with torch.inference_mode():
    for i in range(3 + ${runs}):
        t0 = time.perf_counter(); m(x); dt = (time.perf_counter() - t0) * 1000
        if i >= 3: t.append(dt)
t.sort()
n = len(t)
print(json.dumps({"median": t[n // 2] if n % 2 else (t[n // 2 - 1] + t[n // 2]) / 2, "min": t[0], "label": "torch " + torch.__version__}))
`;

/** The first python that imports torch and torchvision (pyenv shims may hide Debian's). */
function findPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch, torchvision'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return py;
  }
  return undefined;
}

function pytorch(py: string): Sample | string {
  const r = spawnSync(py, ['-c', TORCH_SCRIPT], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return `failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
}

const spec = buildZooModel('resnet50');
writeFileSync(onnxFile, lowerToOnnx(spec, randomWeights(spec, RANDOM_WEIGHT_SEED)).bytes);
const py = findPython();
const load0 = loadavg();
const rows: { name: string; run: () => Sample | string; samples: (Sample | string)[] }[] = [
  { name: 'NetLens default backend (profiler on)', run: netlens, samples: [] },
  { name: 'ONNX Runtime directly, same ONNX file', run: rawOrt, samples: [] },
  ...(py ? [{ name: 'PyTorch, torchvision resnet50', run: () => pytorch(py), samples: [] as (Sample | string)[] }] : []),
];
for (let i = 0; i < rounds; i++) for (const row of rows) row.samples.push(row.run());
const load1 = loadavg();
rmSync(tmp, { recursive: true, force: true });

const f = (v: number, d = 1): string => v.toFixed(d);
const ok = (s: (Sample | string)[]): Sample[] => s.filter((x): x is Sample => typeof x !== 'string');
const figure = (s: (Sample | string)[]): number | undefined => (ok(s).length ? med(ok(s).map((x) => x.median)) : undefined);
const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
const out: string[] = [];
out.push(`\`npm run bench -- ort\` (bench/ort.bench.ts), ${new Date().toISOString().slice(0, 10)}: ResNet-50 224x224x3 batch 1, ${threads} threads in every row, ` +
  `${rounds} rounds, rows interleaved, a fresh process per row per round, each ${runs} timed forwards after 3 warm-ups; ` +
  'figure = median over rounds of each process\'s median (min = fastest single forward).');
out.push('');
out.push('| row | end to end ms, median (min) | what ran |');
out.push('| --- | ---: | --- |');
for (const row of rows) {
  const s = ok(row.samples);
  const fig = figure(row.samples);
  out.push(fig === undefined ? `| ${row.name} | | ${String(row.samples[0])} |`
    : `| ${row.name} | ${f(fig)} (${f(Math.min(...s.map((x) => x.min)))}) | ${s[0].label ?? ''} |`);
}
if (!py) out.push('| PyTorch | | PyTorch unavailable (no python3 imports torch and torchvision) |');
out.push('');
const n = figure(rows[0].samples);
const o = figure(rows[1].samples);
const p = py ? figure(rows[2].samples) : undefined;
const over = ok(rows[0].samples).map((x) => x.overhead ?? 0);
if (n !== undefined) {
  out.push(`NetLens / raw ONNX Runtime: ${o ? f(n / o, 2) : 'n/a'} (goal <= 1.2); NetLens / PyTorch: ${p ? f(n / p, 2) : 'PyTorch unavailable'} (goal <= 0.7); ` +
    `profiling overhead (sum of per-layer medians / end-to-end median), median over rounds: ${f(med(over), 3)} (range ${f(Math.min(...over), 3)}-${f(Math.max(...over), 3)}; goal 0.85-1.15).`);
}
const ns = ok(rows[0].samples);
if (ns.length) {
  out.push(`The whole \`netlens profile resnet50\` process (Node start, lowering with random weights, session, ${3 + runs} runs, report): ` +
    `median ${f(med(ns.map((x) => x.wallMs ?? 0)) / 1000, 2)} s, of which ONNX Runtime session creation ${f(med(ns.map((x) => x.sessionMs ?? 0)), 0)} ms.`);
}
out.push(`CPU: ${model}, ${threads} logical CPUs. Load average (1/5/15 min) at start ${load0.map((v) => f(v, 2)).join(' / ')}, at end ${load1.map((v) => f(v, 2)).join(' / ')}.`);
process.stdout.write(`${out.join('\n')}\n`);
