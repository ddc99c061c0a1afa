// Core engine speed: ResNet-152 IR build + full analysis (warm) against building the same model in
// tfjs and calling countParams, the largest Keras Applications zoo models (EfficientNet-B7,
// NASNet Mobile: target under 10 ms warm) beside it, and `netlens summary resnet50` end to end.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { analyzeModel } from '../src/core/analysis/analyze';
import { buildTfjsModel } from '../src/core/engines/tfjs/buildModel';
import { buildZooModel } from '../src/core/zoo';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function times(fn: () => void, runs: number): number[] {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return t;
}
const time = (fn: () => void, runs: number): number => median(times(fn, runs));

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const loadBefore = loadavg()[0];
  /**
   * IR build + full analysis of a zoo model, warm (after 20 runs for the JIT): the wall-clock median
   * and best of 50, and the process CPU time per run over those 50 (on a shared, loaded machine the
   * best run is the one least disturbed by the others).
   */
  const warm = (name: string): { ms: number; bestMs: number; cpuMs: number } => {
    const analyse = (): void => { analyzeModel(buildZooModel(name).model); };
    for (let i = 0; i < 20; i++) analyse();
    const cpu0 = process.cpuUsage();
    const t = times(analyse, 50);
    const cpu = process.cpuUsage(cpu0);
    return { ms: median(t), bestMs: Math.min(...t), cpuMs: (cpu.user + cpu.system) / 1000 / 50 };
  };
  const resnet = warm('resnet152');
  const analysisMs = resnet.ms;
  const b7 = warm('efficientnetb7');
  const nasnet = warm('nasnetmobile');

  gc();
  const heapBefore = process.memoryUsage();
  const keep = [buildZooModel('resnet152')].map((s) => analyzeModel(s.model));
  const heapAfter = process.memoryUsage();
  const analysisBytes = heapAfter.heapUsed - heapBefore.heapUsed + heapAfter.arrayBuffers - heapBefore.arrayBuffers;
  void keep;

  const tfjsTimes: number[] = [];
  let tfjsBytes = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const m = await buildTfjsModel(buildZooModel('resnet152'));
    m.countParams();
    tfjsTimes.push(performance.now() - t0);
    tfjsBytes = tf.memory().numBytes;
    m.dispose();
  }
  const tfjsMs = median(tfjsTimes);

  const cli = (): void => {
    const r = spawnSync(process.execPath, ['dist/cli.js', 'summary', 'resnet50'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  cli();
  const cliMs = time(cli, 7);

  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  console.log('| measure | value |');
  console.log('| --- | --- |');
  console.log(`| ResNet-152 IR build + all stats, warm (median of 50) | ${analysisMs.toFixed(2)} ms (best ${resnet.bestMs.toFixed(2)}, CPU ${resnet.cpuMs.toFixed(2)} ms/run) |`);
  console.log(`| ResNet-152 build in tfjs (cpu) + countParams (median of 3) | ${tfjsMs.toFixed(0)} ms |`);
  console.log(`| EfficientNet-B7 (817 layers) IR build + all stats, warm (median of 50) | ${b7.ms.toFixed(2)} ms (best ${b7.bestMs.toFixed(2)}, CPU ${b7.cpuMs.toFixed(2)} ms/run) |`);
  console.log(`| NASNet Mobile (771 layers) IR build + all stats, warm (median of 50) | ${nasnet.ms.toFixed(2)} ms (best ${nasnet.bestMs.toFixed(2)}, CPU ${nasnet.cpuMs.toFixed(2)} ms/run) |`);
  console.log(`| ratio tfjs / NetLens analysis | ${(tfjsMs / analysisMs).toFixed(0)}x |`);
  console.log(`| memory held by one analysis (heap + array buffers) | ${mib(analysisBytes)} MiB |`);
  console.log(`| memory held by the tfjs model's weights | ${mib(tfjsBytes)} MiB |`);
  console.log(`| \`netlens summary resnet50\` end to end, new process (median of 7) | ${cliMs.toFixed(0)} ms |`);
  console.log(`\n${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} vCPU; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after.`);
}

void main();
