// ONNX import: `netlens summary` of a torchvision ResNet-50 export (~100 MB, random weights)
// end to end, against Node reading the same file (the floor) and Node starting with nothing to
// do; loadModel + analyze in process; what the loaded spec holds (descriptors, never the weights);
// what the hostile files of the tests cost before their error. The model is exported to /tmp by
// scripts/onnx-fixtures.py --bench when Debian's python3-torch is there; without it the bench
// says so and skips.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { loadModel } from '../src/core/io/loadModel';
import { analyzeModel } from '../src/core/analysis/analyze';
import { NetLensError } from '../src/core/ir/types';
import { floatInit, modelBytes, smallCnn } from '../test/fixtures/onnx/files';

const MODEL = '/tmp/netlens-resnet50.onnx';
const PYTHON = '/usr/bin/python3';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mib = (b: number): string => (b / 2 ** 20).toFixed(1);

const TIME = '/usr/bin/time';

/** Median wall and CPU (user + system, from /usr/bin/time when present) milliseconds of a new Node process. */
function wall(args: string[], runs: number): { wall: number; cpu: number | null } {
  const t: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = existsSync(TIME)
      ? spawnSync(TIME, ['-f', 'NETLENS_CPU %U %S', process.execPath, ...args], { encoding: 'utf8' })
      : spawnSync(process.execPath, args, { encoding: 'utf8' });
    t.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    const m = /NETLENS_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
    if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  return { wall: median(t), cpu: cpu.length ? median(cpu) : null };
}
const row = (label: string, x: { wall: number; cpu: number | null }, floor: { wall: number }): string =>
  `| ${label} | ${x.wall.toFixed(0)} | ${x.cpu === null ? '-' : x.cpu.toFixed(0)} | ${(x.wall / floor.wall).toFixed(2)} |`;

async function main(): Promise<void> {
  if (!existsSync(MODEL)) {
    if (!existsSync(PYTHON)) { console.log('## ONNX import\n\nskipped: no python3 with torch to export ResNet-50'); return; }
    const r = spawnSync(PYTHON, ['scripts/onnx-fixtures.py', '--bench', MODEL], { stdio: 'inherit' });
    if (r.status !== 0) { console.log('## ONNX import\n\nskipped: the ResNet-50 export failed'); return; }
  }
  const size = statSync(MODEL).size;
  const runs = 5;
  const cli = wall(['dist/cli.js', 'summary', MODEL], runs);
  const cliJson = wall(['dist/cli.js', 'summary', MODEL, '--json'], runs);
  const read = wall(['-e', `require('fs').readFileSync(${JSON.stringify(MODEL)})`], runs);
  const empty = wall(['-e', '0'], runs);

  await loadModel(MODEL); // warm
  const t: number[] = [];
  const a: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = performance.now();
    const spec = await loadModel(MODEL);
    const t1 = performance.now();
    analyzeModel(spec.model);
    a.push(performance.now() - t1);
    t.push(t1 - t0);
  }
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gc();
  const before = process.memoryUsage();
  const kept = await loadModel(MODEL);
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gc();
  const after = process.memoryUsage();
  const held = after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers;
  const analysis = analyzeModel(kept.model);

  // Hostile: a 2 GiB tensor declared in a small file, and a truncated ResNet-50.
  const hostile: [string, Uint8Array][] = [
    ['2 GiB float64 tensor declared in a 1 KiB file', modelBytes({ ...smallCnn(), initializers: [...smallCnn().initializers!.filter((x) => x.name !== 'fw'), { name: 'fw', dims: [2 ** 28], dataType: 11, rawData: new Uint8Array(64) }] })],
    ['initializer 2^31 x 1 declared', modelBytes({ ...smallCnn(), initializers: [...smallCnn().initializers!.filter((x) => x.name !== 'fw'), { ...floatInit('fw', [1]), dims: [2 ** 31, 1] }] })],
  ];
  const hostileRows: string[] = [];
  for (const [label, bytes] of hostile) {
    const f = `/tmp/netlens-bench-hostile-${hostileRows.length}.onnx`;
    writeFileSync(f, bytes);
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      try { await loadModel(f); throw new Error(`${label} loaded`); } catch (e) { if (!(e instanceof NetLensError)) throw e; }
      ms.push(performance.now() - t0);
    }
    hostileRows.push(`| ${label} (${bytes.length} B) | ${median(ms).toFixed(2)} ms |`);
  }

  console.log(`## ONNX import (bench/onnx.bench.ts)

torchvision ResNet-50 exported by PyTorch ${'(opset 17, symbolic batch)'}: ${mib(size)} MiB, ${analysis.layers.length} layers,
${analysis.totals.params.toLocaleString('en-US')} params (BatchNorms folded), ${analysis.totals.macs.toLocaleString('en-US')} MACs.
Medians of ${runs}; ${cpus()[0].model}, ${cpus().length} vCPU, load average ${loadavg()[0].toFixed(2)} at the end.

| what | wall ms | CPU ms (user + sys) | wall ratio to reading the file |
| --- | ---: | ---: | ---: |
${row('`netlens summary resnet50.onnx` (new Node process, end to end)', cli, read)}
${row('`netlens summary resnet50.onnx --json`', cliJson, read)}
${row('`node -e readFileSync` of the same file (new process)', read, read)}
${row('`node -e 0` (Node starting, nothing else)', empty, read)}
| loadModel in process (decode, check, fold, validate) | ${median(t).toFixed(1)} | | |
| analyzeModel in process | ${median(a).toFixed(1)} | | |

Memory held by the loaded spec: ${mib(held)} MiB for ${mib(size)} MiB of weights (descriptors only: ONNX Runtime reads
the file itself when it profiles). Target: summary <= 1 s end to end.

| hostile file | time to its one-line error |
| --- | ---: |
${hostileRows.join('\n')}
`);
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
