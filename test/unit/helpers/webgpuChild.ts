// Runs ONNX Runtime's WebGPU provider in its own process for test/unit/profile.gpu.test.ts: the
// Vulkan loader reads VK_ICD_FILENAMES once per process, so each environment under test needs a
// fresh process, started by the test with the variable set (or unset). Prints one JSON line.
//   probe: probeWebGpu's outcome, then proof the process lives on after a failed probe.
//   conv:  a small CNN (6-channel 5x5 conv, average pool, dense, softmax) with fixed weights on
//          the CPU provider and on WebGPU with profiling: both outputs, the kernels per run with
//          GPU times applied, and each run's wall time.
//   cpu-node: the CNN with its softmax forced onto ONNX Runtime's CPU provider: what the trace says.
//   zoo <name>: a zoo model lowered to ONNX with its deterministic random weights, on the CPU
//          provider and on WebGPU: both outputs.
//   readback: the CNN's first three layers timed by synchronising read-back (the no-timestamp
//          path), each node its own layer, and the whole head's read-back run times.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import * as ortNode from 'onnxruntime-node';
import { applyGpuTimes, OrtTraceEvent, probeWebGpu, TimedKernel, WEBGPU_PROVIDER } from '../../../src/core/engines/ort/webgpu';
import { prunedModel, readbackLayerTimes } from '../../../src/core/engines/ort/readback';
import { buildZooModel } from '../../../src/core/zoo';
import { analyzeModel } from '../../../src/core/analysis/analyze';
import { lowerToOnnx, randomWeights } from '../../../src/core/engines/ort/lowering';
import { RANDOM_WEIGHT_SEED } from '../../../src/core/engines/ort/source';

type Tensor = { name: string; dims: number[]; data: Float32Array };

/** Deterministic weights in [-scale, scale). */
function weights(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 * 2 - 1) * scale;
  });
}

function init(t: Tensor): onnx.ITensorProto {
  return { name: t.name, dims: t.dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(t.data.buffer) };
}

const value = (name: string, dims: number[]): onnx.IValueInfoProto => ({
  name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

/** x[1,6,14,14] -> conv 16@5x5 + relu -> avgpool 2 -> flatten -> dense 10 -> softmax. */
export function smallCnn(): Uint8Array {
  const inits = [
    { name: 'W', dims: [16, 6, 5, 5], data: weights(16 * 6 * 25, 1, 0.2) },
    { name: 'B', dims: [16], data: weights(16, 2, 0.1) },
    { name: 'D', dims: [400, 10], data: weights(4000, 3, 0.1) },
    { name: 'E', dims: [10], data: weights(10, 4, 0.1) },
  ];
  const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
  return onnx.ModelProto.encode({
    irVersion: 8, opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'small_cnn',
      node: [
        { name: 'conv', opType: 'Conv', input: ['x', 'W', 'B'], output: ['c'], attribute: [ints('kernel_shape', [5, 5])] },
        { name: 'relu', opType: 'Relu', input: ['c'], output: ['r'] },
        { name: 'pool', opType: 'AveragePool', input: ['r'], output: ['p'], attribute: [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])] },
        { name: 'flatten', opType: 'Flatten', input: ['p'], output: ['f'] },
        { name: 'dense', opType: 'MatMul', input: ['f', 'D'], output: ['m'] },
        { name: 'bias', opType: 'Add', input: ['m', 'E'], output: ['a'] },
        { name: 'softmax', opType: 'Softmax', input: ['a'], output: ['y'] },
      ],
      initializer: inits.map(init),
      input: [value('x', [1, 6, 14, 14])],
      output: [value('y', [1, 10])],
    },
  }).finish();
}

/** Kernel events per model_run (the Node events inside each run's window). */
function kernelsPerRun(events: OrtTraceEvent[]): { runs: TimedKernel[][]; runUs: number[] } {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  return {
    runs: runs.map((r) => kernels.filter((k) => k.ts >= r.ts && k.ts <= r.ts + r.dur).sort((a, b) => a.ts - b.ts).map((k) => ({
      node: k.name.slice(0, -'_kernel_time'.length), op: String(k.args?.op_name ?? ''), provider: String(k.args?.provider ?? ''), us: k.dur,
    }))),
    runUs: runs.map((r) => r.dur),
  };
}

/** The CNN with its softmax forced onto the CPU provider (as for an op WebGPU has no kernel for). */
async function cpuNode(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-gpu-test-'));
  try {
    const s = await ortNode.InferenceSession.create(smallCnn(), {
      executionProviders: [{ ...WEBGPU_PROVIDER, forceCpuNodeNames: ['softmax'] }] as never, enableProfiling: true, profileFilePrefix: join(dir, 'p'),
    });
    await s.run({ x: new ortNode.Tensor('float32', weights(6 * 14 * 14, 5, 1), [1, 6, 14, 14]) });
    s.endProfiling();
    await s.release();
    const events = JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!), 'utf8')) as OrtTraceEvent[];
    return { gpuTimes: applyGpuTimes(kernelsPerRun(events).runs, events) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function conv(): Promise<unknown> {
  const bytes = smallCnn();
  const x = new ortNode.Tensor('float32', weights(6 * 14 * 14, 5, 1), [1, 6, 14, 14]);
  const cpu = await ortNode.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const cpuOut = Array.from((await cpu.run({ x })).y.data as Float32Array);
  await cpu.release();
  const dir = mkdtempSync(join(tmpdir(), 'netlens-gpu-test-'));
  try {
    const gpu = await ortNode.InferenceSession.create(bytes, { executionProviders: [WEBGPU_PROVIDER], enableProfiling: true, profileFilePrefix: join(dir, 'p') });
    let gpuOut: number[] = [];
    for (let r = 0; r < 3; r++) gpuOut = Array.from((await gpu.run({ x })).y.data as Float32Array);
    gpu.endProfiling();
    await gpu.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as OrtTraceEvent[];
    const { runs, runUs } = kernelsPerRun(events);
    const cpuSideUs = runs.map((ks) => ks.map((k) => k.us));
    const gpuTimes = applyGpuTimes(runs, events);
    return { cpuOut, gpuOut, runs, runUs, cpuSideUs, gpuTimes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const what = process.argv[2];
  let out: unknown;
  if (what === 'probe') {
    const probe = await probeWebGpu(ortNode, ortNode.env.versions.node ?? '?');
    // The process is still here and ONNX Runtime still works on the CPU after a failed probe.
    const cpu = await ortNode.InferenceSession.create(smallCnn(), { executionProviders: ['cpu'] });
    const y = await cpu.run({ x: new ortNode.Tensor('float32', new Float32Array(6 * 14 * 14), [1, 6, 14, 14]) });
    out = { probe, cpuAfter: (y.y.data as Float32Array).length };
  } else if (what === 'conv') {
    out = await conv();
  } else if (what === 'cpu-node') {
    out = await cpuNode();
  } else if (what === 'zoo') {
    const spec = buildZooModel(process.argv[3]);
    const low = lowerToOnnx(spec, randomWeights(spec, RANDOM_WEIGHT_SEED));
    const shape = analyzeModel(spec.model).input.slice(1) as number[];
    const x = new ortNode.Tensor('float32', weights(shape.reduce((a, b) => a * b, 1), 9, 1), [1, ...shape]);
    const outs: number[][] = [];
    for (const ep of ['cpu', WEBGPU_PROVIDER]) {
      const s = await ortNode.InferenceSession.create(low.bytes, { executionProviders: [ep] as never });
      outs.push(Array.from((await s.run({ [low.inputName]: x }))[low.outputName].data as Float32Array));
      await s.release();
    }
    out = { cpuOut: outs[0], gpuOut: outs[1] };
  } else if (what === 'readback') {
    const feed = { name: 'x', data: weights(6 * 14 * 14, 5, 1), dims: [1, 6, 14, 14] };
    // The CNN's first three layers (conv, relu, pool): few sessions, little software GPU work.
    const head = prunedModel(onnx.ModelProto.decode(smallCnn()), ['p']);
    const times = await readbackLayerTimes(ortNode, head, feed, (n) => n, { executionProviders: [WEBGPU_PROVIDER], runs: 2 });
    const whole = await ortNode.InferenceSession.create(head, { executionProviders: [WEBGPU_PROVIDER] });
    const x = new ortNode.Tensor('float32', feed.data, feed.dims);
    await whole.run({ x });
    const wholeMs: number[] = [];
    for (let r = 0; r < 2; r++) { const t = performance.now(); await whole.run({ x }); wholeMs.push(performance.now() - t); }
    out = { layers: Object.fromEntries(times), wholeMs };
  } else {
    throw new Error(`unknown command ${what}`);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stdout.write(`${JSON.stringify({ error: String((e as Error)?.message ?? e) })}\n`);
  process.exitCode = 1;
});
