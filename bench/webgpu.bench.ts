// ONNX Runtime's WebGPU provider against its CPU provider, side by side in one process: zoo models
// lowered to ONNX (random weights, fixed input), warm-up then timed runs, the two providers'
// runs interleaved so machine load hits both alike; outputs compared. The adapter is whatever
// this machine offers (docs/profiler.md, "GPU"); without a GPU, software Vulkan with
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npm run bench -- webgpu
// NETLENS_BENCH_GPU_MODELS=lenet5,resnet50 picks the models (default lenet5,resnet18); on
// SwiftShader one ResNet-50 run takes 20 s or more, so its default run count is 1.
import * as ort from 'onnxruntime-node';
import { cpus, loadavg } from 'node:os';
import { analyzeModel } from '../src/core/analysis/analyze';
import { lowerToOnnx, randomWeights } from '../src/core/engines/ort/lowering';
import { probeWebGpu, WEBGPU_PROVIDER } from '../src/core/engines/ort/webgpu';
import { buildZooModel } from '../src/core/zoo';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const version = ort.env.versions.node ?? '?';
  const probe = await probeWebGpu(ort, version);
  const load0 = loadavg()[0];
  console.log('## GPU: ONNX Runtime WebGPU vs CPU provider (bench/webgpu.bench.ts)\n');
  console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus()[0].model}, ${cpus().length} vCPUs, load average ${load0.toFixed(2)} at start.`);
  console.log(`Adapter: ${probe.detail}\n`);
  if (!probe.ok) return;
  console.log('| model | CPU provider ms, median (min) | WebGPU ms, median (min) | WebGPU / CPU | runs | max abs difference / max abs output | same top-1 |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  const models = (process.env.NETLENS_BENCH_GPU_MODELS ?? 'lenet5,resnet18').split(',').filter(Boolean);
  for (const name of models) {
    const spec = buildZooModel(name);
    const low = lowerToOnnx(spec, randomWeights(spec, 1));
    const shape = analyzeModel(spec.model).input.slice(1) as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => Math.sin(i)), [1, ...shape]);
    const cpu = await ort.InferenceSession.create(low.bytes, { executionProviders: ['cpu'], intraOpNumThreads: cpus().length });
    const gpu = await ort.InferenceSession.create(low.bytes, { executionProviders: [WEBGPU_PROVIDER] });
    const runs = Number(process.env.NETLENS_BENCH_GPU_RUNS ?? (probe.adapter?.software && /resnet50|vgg|resnet1[05]/.test(name) ? 1 : 5));
    const times: Record<'cpu' | 'gpu', number[]> = { cpu: [], gpu: [] };
    const outs: Record<'cpu' | 'gpu', Float32Array> = { cpu: new Float32Array(), gpu: new Float32Array() };
    for (let r = 0; r < runs + 1; r++) {
      for (const [k, s] of [['cpu', cpu], ['gpu', gpu]] as const) {
        const t = performance.now();
        outs[k] = (await s.run({ [low.inputName]: x }))[low.outputName].data as Float32Array;
        if (r > 0) times[k].push(performance.now() - t);
      }
    }
    await cpu.release();
    await gpu.release();
    let diff = 0;
    let scale = 0;
    outs.cpu.forEach((v, i) => { diff = Math.max(diff, Math.abs(v - outs.gpu[i])); scale = Math.max(scale, Math.abs(v)); });
    const top = (o: Float32Array): number => o.indexOf(Math.max(...o));
    const c = median(times.cpu);
    const g = median(times.gpu);
    console.log(`| ${name} | ${c.toFixed(2)} (${Math.min(...times.cpu).toFixed(2)}) | ${g.toFixed(1)} (${Math.min(...times.gpu).toFixed(1)}) | ${(g / c).toFixed(0)}x | ${runs} | ${(diff / scale).toExponential(1)} | ${top(outs.cpu) === top(outs.gpu) ? 'yes' : 'no'} |`);
  }
  console.log(`\nLoad average ${loadavg()[0].toFixed(2)} at end.`);
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
