// Issue 20's GPU goals measured side by side in one script, on one ONNX file:
//   raw ORT    onnxruntime-node, WebGPU provider, NHWC and NCHW, profiling off, batch 1 and batch B,
//              each layout's outputs checked against the CPU provider (max relative error, the
//              measure of src/core/engines/ort/gpuLayout.ts); the CPU provider at batch 1
//   NetLens    `netlens profile <file> --backend webgpu --json` (--gpu-layout auto) at batch 1 and B:
//              end to end (the plain session), the profiled runs, the layer sum, the layout chosen
//   PyTorch    eager fp32 on CUDA with TF32 off (python3 with torch and torchvision), batch 1 and B,
//              when CUDA is there; "unavailable" and why otherwise
// The file is torchvision's export of the model (random weights, dynamic batch) when python3 has
// torch and torchvision, else NetLens's own lowering of the zoo model (then there is no PyTorch row).
// Goals (issue 20): NetLens batch 1 <= 1.1x raw ORT's best correct layout and <= 1.15x PyTorch;
// batch B <= 1.1x raw ORT NHWC; layer sum / end to end 0.85-1.15.
//   npm run bench -- gpuGoals   (on a GPU machine; a software adapter runs it too, slowly, for a check of the script)
// NETLENS_BENCH_GPU_MODEL (default resnet50; a torchvision/zoo name, or an .onnx file), NETLENS_BENCH_BATCH (32),
// BENCH_RUNS (20), BENCH_WARMUP (5).
import * as ort from 'onnxruntime-node';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { lowerToOnnx, randomWeights } from '../src/core/engines/ort/lowering';
import { buildZooModel } from '../src/core/zoo';
import { analyzeModel } from '../src/core/analysis/analyze';
import { probeWebGpu } from '../src/core/engines/ort/webgpu';
import { maxRelError, seededInput, webGpuProviderFor, formatRelError, LAYOUT_TOLERANCE } from '../src/core/engines/ort/gpuLayout';
import type { ProfileResult } from '../src/core/profile/result';
import { readOnnxGraph } from '../src/core/engines/ort/graph';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const model = process.env.NETLENS_BENCH_GPU_MODEL ?? 'resnet50';
const B = Number(process.env.NETLENS_BENCH_BATCH ?? 32);
const runs = Number(process.env.BENCH_RUNS ?? 20);
const warmup = Number(process.env.BENCH_WARMUP ?? 5);
const tmp = mkdtempSync(join(tmpdir(), 'netlens-gpu-bench-'));

const med = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const f2 = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(2));

const PY_EXPORT = `
import sys, torch, torchvision
m = getattr(torchvision.models, sys.argv[1])(weights=None).eval()
x = torch.randn(1, 3, 224, 224)
kw = dict(input_names=['input'], output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset_version=17)
try:
    torch.onnx.export(m, x, sys.argv[2], dynamo=False, **kw)
except TypeError:
    torch.onnx.export(m, x, sys.argv[2], **kw)
print(torch.__version__, torchvision.__version__)
`;

const PY_BENCH = `
import sys, json, time, torch, torchvision
name, batch, runs, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if not torch.cuda.is_available():
    print(json.dumps({'error': 'torch.cuda.is_available() is False'})); sys.exit(0)
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
m = getattr(torchvision.models, name)(weights=None).eval().cuda()
x = torch.randn(batch, 3, 224, 224, device='cuda')
ts = []
with torch.inference_mode():
    for i in range(warmup + runs):
        torch.cuda.synchronize(); t = time.perf_counter()
        y = m(x); y.cpu()
        torch.cuda.synchronize()
        if i >= warmup: ts.append((time.perf_counter() - t) * 1000)
ts.sort()
print(json.dumps({'median': ts[len(ts) // 2], 'min': ts[0], 'torch': torch.__version__, 'gpu': torch.cuda.get_device_name(0)}))
`;

function python(script: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', timeout: 900_000, maxBuffer: 16 << 20 });
  const err = (r.stderr || r.error?.message || '').trim().split('\n').pop() ?? '';
  return r.status === 0 ? { ok: true, out: r.stdout.trim().split('\n').pop() ?? '' } : { ok: false, out: err };
}

/** The ONNX file every row runs: torchvision's export, else NetLens's lowering of the zoo model. */
function onnxFile(): { path: string; source: string; dims: number[]; torch: boolean } {
  if (model.endsWith('.onnx')) {
    const dims = readOnnxGraph(readFileSync(model), model).inputDims.slice(1);
    if (dims.some((d) => d === null)) throw new Error(`${model}: the input ${JSON.stringify(dims)} has free dimensions besides the batch`);
    return { path: model, source: `${model} (a file given: no PyTorch row)`, dims: dims as number[], torch: false };
  }
  const path = join(tmp, `${model}.onnx`);
  const exp = python(PY_EXPORT, [model, path]);
  if (exp.ok) return { path, source: `torchvision ${model} export (torch ${exp.out}), random weights, dynamic batch`, dims: [3, 224, 224], torch: true };
  const spec = buildZooModel(model);
  writeFileSync(path, lowerToOnnx(spec, randomWeights(spec, 1)).bytes);
  return { path, source: `NetLens's lowering of the zoo ${model} (no torchvision here: ${exp.out})`, dims: analyzeModel(spec.model).input.slice(1) as number[], torch: false };
}

async function rawOrt(path: string, providers: unknown[], batch: number, dims: number[]): Promise<{ median: number; min: number; out: Float32Array }> {
  const s = await ort.InferenceSession.create(path, { executionProviders: providers as never, intraOpNumThreads: cpus().length });
  try {
    const x = new ort.Tensor('float32', seededInput([batch, ...dims]), [batch, ...dims]);
    const ts: number[] = [];
    let out = new Float32Array();
    for (let i = 0; i < warmup + runs; i++) {
      const t = performance.now();
      const y = await s.run({ [s.inputNames[0]]: x });
      out = Float32Array.from(y[s.outputNames[0]].data as Float32Array);
      if (i >= warmup) ts.push(performance.now() - t);
    }
    return { median: med(ts), min: Math.min(...ts), out };
  } finally {
    await s.release();
  }
}

function netlens(path: string, batch: number): ProfileResult | string {
  const r = spawnSync(process.execPath, [cli, 'profile', path, '--backend', 'webgpu', '--json', '--preprocessing', 'torch', '--runs', String(runs),
    '--warmup', String(warmup), '--batch', String(batch)], { encoding: 'utf8', timeout: 1_800_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) return `failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('}') + 1)) as ProfileResult;
}

async function main(): Promise<void> {
  const probe = await probeWebGpu(ort, ort.env.versions.node ?? '?');
  const nvidia = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' });
  console.log(`## GPU: issue 20's goals side by side (bench/gpuGoals.bench.ts)\n`);
  console.log(`${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus()[0].model}, ${cpus().length} vCPUs, load average ${loadavg()[0].toFixed(2)} at start.`);
  console.log(`GPU: ${nvidia.status === 0 ? nvidia.stdout.trim() : 'nvidia-smi not available'}. Adapter: ${probe.detail}.`);
  if (!probe.ok) return;
  const file = onnxFile();
  console.log(`Model: ${file.source}; ${runs} timed runs after ${warmup} warm-ups per row; outputs read back every run.\n`);

  const cpu = await rawOrt(file.path, ['cpu'], 1, file.dims);
  const rows: { what: string; b: number; median: number; min: number; note: string }[] = [{ what: 'raw ORT, CPU provider', b: 1, median: cpu.median, min: cpu.min, note: `${cpus().length} threads` }];
  const raw: Record<string, number> = {};
  const correct: Record<string, boolean> = {};
  for (const layout of ['NHWC', 'NCHW'] as const) {
    for (const b of [1, B]) {
      const r = await rawOrt(file.path, [webGpuProviderFor(layout)], b, file.dims);
      let note = '';
      if (b === 1) {
        const e = maxRelError([r.out], [cpu.out]);
        correct[layout] = e <= LAYOUT_TOLERANCE;
        note = `vs CPU provider: ${formatRelError(e)}${correct[layout] ? '' : ' (wrong)'}`;
      }
      raw[`${layout}${b}`] = r.median;
      rows.push({ what: `raw ORT, WebGPU ${layout}`, b, median: r.median, min: r.min, note });
    }
  }
  const nl: Record<number, ProfileResult | string> = {};
  for (const b of [1, B]) {
    const r = netlens(file.path, b);
    nl[b] = r;
    if (typeof r === 'string') { rows.push({ what: 'NetLens profile --backend webgpu', b, median: NaN, min: NaN, note: r }); continue; }
    rows.push({ what: 'NetLens profile --backend webgpu', b, median: r.endToEndMs.median, min: r.endToEndMs.min,
      note: `${r.gpuLayout}; profiled runs ${f2(r.endToEndProfiledMs?.median)} ms; layer sum ${f2(r.sumLayerMs)} ms = ${r.overhead.toFixed(3)} x end to end` });
  }
  const pt: Record<number, number> = {};
  for (const b of [1, B]) {
    if (!file.torch) { rows.push({ what: 'PyTorch eager fp32 (TF32 off), CUDA', b, median: NaN, min: NaN, note: 'unavailable: no torchvision' }); continue; }
    const r = python(PY_BENCH, [model, String(b), String(runs), String(warmup)]);
    const j = r.ok ? JSON.parse(r.out) as { median?: number; min?: number; error?: string; torch?: string; gpu?: string } : { error: r.out };
    if (j.median !== undefined) pt[b] = j.median;
    rows.push({ what: 'PyTorch eager fp32 (TF32 off), CUDA', b, median: j.median ?? NaN, min: j.min ?? NaN, note: j.error ? `unavailable: ${j.error}` : `torch ${j.torch}, ${j.gpu}` });
  }
  console.log('| row | batch | median ms | min ms | note |\n| --- | ---: | ---: | ---: | --- |');
  for (const r of rows) console.log(`| ${r.what} | ${r.b} | ${f2(r.median)} | ${f2(r.min)} | ${r.note} |`);

  const n1 = nl[1];
  const nB = nl[B];
  const best = Math.min(...(['NHWC', 'NCHW'] as const).filter((l) => correct[l]).map((l) => raw[`${l}1`]));
  const goal = (name: string, v: number, ok: (x: number) => boolean, target: string): string =>
    `| ${name} | ${Number.isFinite(v) ? v.toFixed(3) : '-'} | ${target} | ${Number.isFinite(v) ? (ok(v) ? 'met' : 'not met') : 'not measured'} |`;
  console.log('\n| goal | measured | target | |\n| --- | ---: | --- | --- |');
  console.log(goal('batch 1: NetLens / raw ORT best correct layout', typeof n1 === 'string' ? NaN : n1.endToEndMs.median / best, (x) => x <= 1.1, '<= 1.1'));
  console.log(goal('batch 1: NetLens / PyTorch', typeof n1 === 'string' || pt[1] === undefined ? NaN : n1.endToEndMs.median / pt[1], (x) => x <= 1.15, '<= 1.15'));
  console.log(goal(`batch ${B}: NetLens / raw ORT NHWC`, typeof nB === 'string' ? NaN : nB.endToEndMs.median / raw[`NHWC${B}`], (x) => x <= 1.1, '<= 1.1'));
  console.log(goal('batch 1: layer sum / end to end', typeof n1 === 'string' ? NaN : n1.overhead, (x) => x >= 0.85 && x <= 1.15, '0.85-1.15'));
  console.log(goal(`batch ${B}: layer sum / end to end`, typeof nB === 'string' ? NaN : nB.overhead, (x) => x >= 0.85 && x <= 1.15, '0.85-1.15'));
  console.log(`\nLoad average ${loadavg()[0].toFixed(2)} at end.`);
}

main().catch((e) => { console.error(e); process.exitCode = 1; }).finally(() => rmSync(tmp, { recursive: true, force: true }));
