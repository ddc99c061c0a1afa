// The WebGPU layout rule (src/core/engines/ort/gpuLayout.ts), --batch and the GPU end to end
// (issue 20). Pure parts with a simulated ONNX Runtime: the error measure, the decision for every
// outcome (NHWC right, NHWC wrong and NCHW right, neither, a check that cannot run, a lost device),
// the cache, the label text, memory measured or computed. Real parts in the profiler process on
// software Vulkan (SwiftShader): a net with odd channel counts (3->6 5x5, 6->9 3x3, 9->18 3x3,
// 18->30 5x5, 30->16 3x3) that ONNX Runtime 1.30's NHWC path miscomputes, so auto picks NCHW and
// says by how much NHWC was off; a net NHWC computes right, so auto picks NHWC; a forced layout;
// the cache; batch 3 on WebGPU and batch 2 on the CPU provider. Inputs are 16x16: small for a
// software GPU.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import {
  decideGpuLayout, fileLayoutCache, formatRelError, LayoutCache, LayoutDeviceError, layoutRefusal, layoutText, maxRelError, NON_FINITE_ERROR,
  parseGpuLayout, seededInput, GPU_LAYOUT_REQUESTS,
} from '../../src/core/engines/ort/gpuLayout';
import { memoryOf } from '../../src/core/engines/ort/profileOrt';
import { repeat } from '../../src/core/engines/ort/feeds';
import type { OrtModule } from '../../src/core/engines/ort/runtime';
import { swiftShaderEnv } from '../../src/core/engines/ort/webgpu';
import { ProfilerClient } from '../../src/process/profilerClient';
import type { ProfileRequest } from '../../src/protocol/worker';
import type { ProfileResult } from '../../src/core/profile/result';
import { batchText, memoryText } from '../../src/core/report/profileBatch';
import { profileHtml } from '../../src/core/report/profileHtml';
import { profileText } from '../../src/core/report/profileReport';
import { chainWithHints } from '../../src/core/profile/chainText';
import { SAMPLES } from './profileFixtures';
import { MAX_BATCH, profileModel } from '../../src/core/profile/profile';
import { buildZooModel } from '../../src/core/zoo';
import { requireSwiftShader } from './helpers/swiftshader';

// ---- a simulated ONNX Runtime: each provider returns a fixed output (or throws) ----

type Fake = { cpu: Float32Array | Error; NHWC: Float32Array | Error; NCHW: Float32Array | Error };

function fakeOrt(f: Fake, created: string[]): OrtModule {
  const which = (providers: unknown[]): keyof Fake => {
    const p = providers[0];
    return p === 'cpu' ? 'cpu' : (p as { preferredLayout: 'NHWC' | 'NCHW' }).preferredLayout;
  };
  return {
    Tensor: class { constructor(readonly type: string, readonly data: Float32Array, readonly dims: number[]) {} },
    InferenceSession: {
      create: async (_m: unknown, o: { executionProviders: unknown[] }) => {
        const k = which(o.executionProviders);
        created.push(k);
        return {
          inputNames: ['x'], outputNames: ['y'],
          run: async () => {
            const v = f[k];
            if (v instanceof Error) throw v;
            return { y: { type: 'float32', data: v, dispose: () => undefined } };
          },
          release: async () => undefined,
        };
      },
    },
  } as unknown as OrtModule;
}

const memCache = (): LayoutCache & { map: Map<string, unknown> } => {
  const map = new Map<string, never>();
  return { map, get: (k) => map.get(k), set: (k, e) => { map.set(k, e as never); } };
};

const REF = Float32Array.from([1, -2, 4, 0.5]);
const near = (e: number): Float32Array => REF.map((v) => v * (1 + e));
const opts = (over: Partial<Parameters<typeof decideGpuLayout>[3]> = {}): Parameters<typeof decideGpuLayout>[3] =>
  ({ request: 'auto', dims: [4, 3, 16, 16], optimization: 'all', threads: 1, adapter: 'SwiftShader', ortVersion: '1.30.0', cache: null, ...over });
const BYTES = new Uint8Array([1, 2, 3]);

describe('profile: WebGPU layout rule (simulated ONNX Runtime)', () => {
  it('max relative error: the largest difference over the output\'s largest magnitude; non-finite outputs count as the largest double', () => {
    assert.equal(maxRelError([REF], [REF]), 0);
    assert.ok(Math.abs(maxRelError([Float32Array.from([1, -2, 4.04, 0.5])], [REF]) - 0.01) < 1e-6);
    // A near-zero element off by 1e-6 does not blow the measure up.
    assert.ok(maxRelError([Float32Array.from([1e-6, 4])], [Float32Array.from([0, 4])]) < 1e-6);
    assert.equal(maxRelError([Float32Array.from([NaN, 4])], [Float32Array.from([0, 4])]), NON_FINITE_ERROR);
    assert.equal(maxRelError([Float32Array.from([1])], [REF]), NON_FINITE_ERROR);
  });

  it('the seeded input is the same every time, in [-1, 1)', () => {
    const a = seededInput([1, 3, 4, 4]);
    assert.deepEqual(a, seededInput([1, 3, 4, 4]));
    assert.equal(a.length, 48);
    assert.ok(a.every((v) => v >= -1 && v < 1) && new Set(a).size > 40);
  });

  it('NHWC agrees: NHWC, NCHW never run; the label reads as the issue asks', async () => {
    const created: string[] = [];
    const d = await decideGpuLayout(fakeOrt({ cpu: REF, NHWC: near(5e-7), NCHW: REF }, created), BYTES, BYTES, opts());
    assert.deepEqual([d.layout, d.agrees, d.check.NCHW, created], ['NHWC', true, null, ['cpu', 'NHWC']]);
    assert.equal(layoutText(d), 'NHWC, checked against the CPU provider: 5e-7');
  });

  it('NHWC wrong, NCHW right: NCHW, both errors reported', async () => {
    const d = await decideGpuLayout(fakeOrt({ cpu: REF, NHWC: near(0.07), NCHW: near(2e-5) }, []), BYTES, BYTES, opts());
    assert.deepEqual([d.layout, d.agrees], ['NCHW', true]);
    assert.ok(d.check.NHWC! > 0.069 && d.check.NCHW! < 3e-5);
    assert.equal(layoutText(d), 'NCHW, checked against the CPU provider: 2e-5; NHWC differs: 0.07');
  });

  it('neither agrees: auto refuses the route, saying both errors (the profile goes to the CPU)', async () => {
    const d = await decideGpuLayout(fakeOrt({ cpu: REF, NHWC: near(0.5), NCHW: near(0.01) }, []), BYTES, BYTES, opts());
    assert.equal(d.agrees, false);
    assert.equal(layoutRefusal(d), 'outputs differ from the CPU provider\'s in both layouts (NHWC 0.5, NCHW 0.01; tolerance 1e-4), so this model is profiled on the CPU');
  });

  it('a forced layout is checked and reported, never changed', async () => {
    const created: string[] = [];
    const d = await decideGpuLayout(fakeOrt({ cpu: REF, NHWC: near(0.07), NCHW: REF }, created), BYTES, BYTES, opts({ request: 'nhwc' }));
    assert.deepEqual([d.layout, d.agrees, d.check.NCHW, created], ['NHWC', false, null, ['cpu', 'NHWC']]);
    assert.equal(layoutText(d), 'NHWC (asked for), checked against the CPU provider: 0.07, over 1e-4: its outputs are wrong');
  });

  it('a check that cannot run (the CPU provider fails) keeps NCHW and says why', async () => {
    const d = await decideGpuLayout(fakeOrt({ cpu: new Error('Could not find an implementation for FancyOp(1) node with name \'f\''), NHWC: REF, NCHW: REF }, []),
      BYTES, BYTES, opts());
    assert.deepEqual([d.layout, d.agrees, d.check], ['NCHW', true, { NHWC: null, NCHW: null }]);
    assert.match(layoutText(d), /^NCHW, not checked against the CPU provider \(the CPU provider could not run the model: Could not find an implementation for FancyOp/);
  });

  it('a GPU session failing for another reason keeps NCHW where NHWC could not be checked; a lost device is the route\'s failure', async () => {
    const d = await decideGpuLayout(fakeOrt({ cpu: REF, NHWC: new Error('shader compilation failed'), NCHW: REF }, []), BYTES, BYTES, opts());
    assert.deepEqual([d.layout, d.check.NHWC, d.check.NCHW], ['NCHW', null, 0]);
    await assert.rejects(decideGpuLayout(fakeOrt({ cpu: REF, NHWC: new Error('WebGPU device lost: destroyed'), NCHW: REF }, []), BYTES, BYTES, opts()),
      (e: unknown) => e instanceof LayoutDeviceError && /device was lost/.test(e.message));
  });

  it('decisions are cached per model bytes and adapter (and only complete ones)', async () => {
    const cache = memCache();
    const created: string[] = [];
    const ort = fakeOrt({ cpu: REF, NHWC: near(0.07), NCHW: REF }, created);
    await decideGpuLayout(ort, BYTES, BYTES, opts({ cache }));
    const again = await decideGpuLayout(ort, BYTES, BYTES, opts({ cache }));
    assert.deepEqual(created, ['cpu', 'NHWC', 'NCHW'], 'the second decision ran nothing');
    assert.equal(again.layout, 'NCHW');
    assert.match(layoutText(again), /\(decided \d{4}-\d\d-\d\d, cached\)$/);
    await decideGpuLayout(ort, BYTES, BYTES, opts({ cache, adapter: 'NVIDIA GPU' }));
    await decideGpuLayout(ort, new Uint8Array([9]), new Uint8Array([9]), opts({ cache }));
    assert.equal(created.length, 9, 'another adapter or another model is checked again');
    const failing = fakeOrt({ cpu: new Error('no'), NHWC: REF, NCHW: REF }, []);
    await decideGpuLayout(failing, new Uint8Array([7]), new Uint8Array([7]), opts({ cache }));
    assert.equal(cache.map.size, 3, 'an unchecked decision is not remembered');
  });

  it('the file cache survives a new process (a fresh cache object on the same directory)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-layout-'));
    try {
      const e = { layout: 'NHWC' as const, check: { NHWC: 5e-7, NCHW: null }, agrees: true, request: 'auto' as const, at: '2026-12-04T20:00:00.000Z' };
      fileLayoutCache(dir).set('k', e);
      assert.deepEqual(fileLayoutCache(dir).get('k'), e);
      assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, 'gpu-layout.json'), 'utf8'))), ['k']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('package.json offers the layouts and the batch the profiler accepts', () => {
    const props = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default: unknown; enum?: string[]; minimum?: number; maximum?: number }> } } }).contributes.configuration.properties;
    assert.deepEqual(props['netlens.profile.gpuLayout'].enum, [...GPU_LAYOUT_REQUESTS]);
    assert.equal(props['netlens.profile.gpuLayout'].default, 'auto');
    assert.deepEqual([props['netlens.profile.batch'].default, props['netlens.profile.batch'].minimum, props['netlens.profile.batch'].maximum], [1, 1, MAX_BATCH]);
  });

  it('option parsing and number formatting', () => {
    assert.equal(parseGpuLayout(undefined), 'auto');
    assert.equal(parseGpuLayout('nchw'), 'nchw');
    assert.throws(() => parseGpuLayout('NHWC'), /--gpu-layout must be one of auto, nhwc, nchw, got "NHWC"/);
    assert.deepEqual([formatRelError(5.2e-7), formatRelError(0.4086), formatRelError(0), formatRelError(null), formatRelError(NON_FINITE_ERROR)],
      ['5e-7', '0.4', '0', 'not checked', 'non-finite outputs']);
  });
});

describe('profile: batch and memory (pure)', function () {
  this.timeout(120_000);

  it('tfjs (cpu backend) at batch 2: the layers run on two samples, memory measured beside the planner\'s, the label says the batch', async () => {
    const one = await profileModel(buildZooModel('lenet5'), join(SAMPLES, 'chelsea.png'), { backend: 'cpu', runs: 1, warmup: 0 });
    const r = await profileModel(buildZooModel('lenet5'), join(SAMPLES, 'chelsea.png'), { backend: 'cpu', runs: 1, warmup: 0, batch: 2 });
    assert.deepEqual([r.batch, r.engine, r.memory?.device], [2, 'tfjs', 'host']);
    assert.match(r.backendLabel ?? '', /, batch 2$/);
    const out = r.layers.find((l) => l.name === one.layers[0].name)!;
    assert.equal(out.bytes, 2 * one.layers[0].bytes, 'the first layer allocates twice the bytes at batch 2');
    assert.ok(r.memory!.measuredBytes! > one.memory!.measuredBytes!);
    assert.ok(r.memory!.plannedBytes > one.memory!.plannedBytes);
    assert.ok(Math.abs(r.imagesPerSecond! - 2000 / r.endToEndMs.median) < 1e-9);
  });

  it('the batch repeats the sample back to back', () => {
    assert.deepEqual(repeat(Float32Array.from([1, 2]), 3), Float32Array.from([1, 2, 1, 2, 1, 2]));
  });

  it('memory: the CPU and CUDA arenas are measured (plus initializers); WebGPU is the planner\'s figure, labelled computed', () => {
    const cpu = memoryOf('onnxruntime', ['cpu'], { peakByProvider: { CPUExecutionProvider: 1000 } }, 24, 5000);
    assert.deepEqual([cpu.device, cpu.measuredBytes, cpu.plannedBytes], ['host', 1024, 5000]);
    const cuda = memoryOf('cuda', ['cuda'], { peakByProvider: { CPUExecutionProvider: 10, CUDAExecutionProvider: 4096 } }, 24, 5000);
    assert.deepEqual([cuda.device, cuda.measuredBytes], ['gpu', 4120]);
    assert.match(cuda.measuredBy, /^CUDA arena peak/);
    const cudaNone = memoryOf('cuda', ['cuda'], { peakByProvider: { CPUExecutionProvider: 10 } }, 24, 5000);
    assert.equal(cudaNone.measuredBytes, null, 'the CPU arena says nothing about the GPU');
    const web = memoryOf('webgpu', [{ name: 'webgpu', preferredLayout: 'NHWC' }], { peakByProvider: { CPUExecutionProvider: 10 } }, 24, 5000);
    assert.deepEqual([web.device, web.measuredBytes], ['gpu', null]);
    const r = { batch: 4, memory: web, peakBytes: 5000, endToEndMs: { median: 20, min: 19, max: 21 }, imagesPerSecond: 200 } as unknown as ProfileResult;
    assert.match(memoryText(r), /GPU memory computed by the memory planner at batch 4 \(not measured: the WebGPU provider reports no memory figures/);
    assert.equal(batchText(r), '4 images per run, 200.0 images/s');
  });
});

describe('profile: the backend chain, one line per backend (issue 22 item 2)', () => {
  const steps = [
    { backend: 'cuda', ok: false, detail: 'CUDA provider not ready: missing CUDA 12 (this machine has CUDA 13 only; onnxruntime-node 1.30\'s CUDA provider needs CUDA 12)',
      hint: 'install the NVIDIA driver, CUDA 12 ...; without root: `python3 -m pip install --target ~/.cache/netlens-cuda12 nvidia-cudnn-cu12`' },
    { backend: 'webgpu', ok: false, detail: 'no WebGPU adapter: no usable Vulkan driver (Failed to get a WebGPU adapter: No supported adapters)', hint: 'WebGPU needs a GPU driver: `sudo apt-get install libvulkan1`' },
    { backend: 'onnxruntime', ok: true, detail: 'onnxruntime 1.30.0 (CPU execution provider, 2 threads)' },
  ];
  const result = {
    model: 'm', backend: 'onnxruntime', image: 'x.png', weights: 'random', runs: 1, warmup: 0, endToEndMs: { median: 2, min: 2, max: 2 }, sumLayerMs: 1.8,
    overhead: 0.9, peakBytes: 1000, layers: [], predictions: null, backendSteps: steps,
  } as unknown as ProfileResult;

  it('the results page and the CLI show each step\'s line, never its install commands', () => {
    const html = profileHtml(result);
    const text = profileText(result);
    for (const s of steps) {
      assert.ok(html.includes(s.detail.replace(/'/g, '&#39;')) || html.includes(s.detail), `page shows ${s.backend}`);
      assert.ok(text.includes(`${s.backend}: ${s.detail}`), `CLI shows ${s.backend}`);
      if (s.hint) {
        assert.ok(!html.includes('pip install') && !html.includes('apt-get'), 'no install command on the page');
        assert.ok(!text.includes(s.hint), 'no install command in the CLI chain');
      }
    }
  });

  it('the output channel gets the line and, under a refused route, what adds it', () => {
    assert.deepEqual(chainWithHints(steps), [
      `  no cuda: ${steps[0].detail}`, `       to add it: ${steps[0].hint}`,
      `  no webgpu: ${steps[1].detail}`, `       to add it: ${steps[1].hint}`,
      `  ok onnxruntime: ${steps[2].detail}`,
    ]);
  });
});

// ---- real: the profiler process on SwiftShader ----

/** Seeded weights in [-scale, scale). */
function weights(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

/** Convs (cin -> cout, k x k, same padding) + ReLU, then GlobalAveragePool and Flatten; input [N, 3, 16, 16]. */
export function convNet(name: string, convs: [number, number, number][]): Uint8Array {
  const ints = (n: string, v: number[]): onnx.IAttributeProto => ({ name: n, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  let x = 'x';
  convs.forEach(([cin, cout, k], i) => {
    const w = weights(cout * cin * k * k, 10 + i, Math.sqrt(2 / (cin * k * k)));
    inits.push({ name: `w${i}`, dims: [cout, cin, k, k], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(w.buffer) });
    const b = weights(cout, 50 + i, 0.1);
    inits.push({ name: `b${i}`, dims: [cout], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(b.buffer) });
    const p = (k - 1) / 2;
    nodes.push({ name: `conv${i}`, opType: 'Conv', input: [x, `w${i}`, `b${i}`], output: [`c${i}`], attribute: [ints('kernel_shape', [k, k]), ints('pads', [p, p, p, p])] });
    nodes.push({ name: `relu${i}`, opType: 'Relu', input: [`c${i}`], output: [`r${i}`] });
    x = `r${i}`;
  });
  nodes.push({ name: 'gap', opType: 'GlobalAveragePool', input: [x], output: ['g'] });
  nodes.push({ name: 'flatten', opType: 'Flatten', input: ['g'], output: ['y'] });
  const last = convs[convs.length - 1][1];
  const dim = (d: number | string): onnx.TensorShapeProto.IDimension => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
  const value = (n: string, dims: (number | string)[]): onnx.IValueInfoProto =>
    ({ name: n, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map(dim) } } } });
  return onnx.ModelProto.encode({
    irVersion: 8, producerName: 'netlens-test', opsetImport: [{ domain: '', version: 13 }],
    graph: { name, node: nodes, initializer: inits, input: [value('x', ['N', 3, 16, 16])], output: [value('y', ['N', last])] },
  }).finish();
}

const WORKER = join(__dirname, '..', '..', '..', 'dist', 'worker.js');

describe('profile: WebGPU layout, batch and end to end in the profiler process (software Vulkan)', function () {
  this.timeout(300_000);
  let dir = '';
  let client: ProfilerClient | undefined;
  const files = { odd: '', even: '' };
  const req = (model: string, over: Partial<ProfileRequest> = {}): ProfileRequest =>
    ({ model, image: join(SAMPLES, 'chelsea.png'), backend: 'webgpu', runs: 2, warmup: 1, preprocessing: 'torch', ...over });

  before(function () {
    requireSwiftShader(this);
    if (!existsSync(WORKER)) throw new Error(`${WORKER} missing: run npm run build`);
    dir = mkdtempSync(join(tmpdir(), 'netlens-layout-'));
    files.odd = join(dir, 'odd_channels.onnx');
    writeFileSync(files.odd, convNet('odd_channels', [[3, 6, 5], [6, 9, 3], [9, 18, 3], [18, 30, 5], [30, 16, 3]]));
    files.even = join(dir, 'even_channels.onnx');
    writeFileSync(files.even, convNet('even_channels', [[3, 8, 3], [8, 16, 1], [16, 4, 3]]));
    // A cache of this test's own, so a decision from an earlier run does not answer for this one.
    client = new ProfilerClient({ workerPath: WORKER, env: { ...swiftShaderEnv(), NETLENS_CACHE_DIR: join(dir, 'cache') } });
  });
  after(() => {
    client?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('odd channel counts: NHWC miscomputes, so auto runs NCHW and says by how much NHWC was off; end to end without the profiler', async () => {
    const r = await client!.profile(req(files.odd));
    assert.equal(r.backend, 'webgpu');
    assert.equal(r.gpuLayout, 'NCHW');
    const c = r.gpuLayoutCheck!;
    assert.ok(c.NHWC !== null && c.NHWC > 1e-4, `NHWC error ${c.NHWC}`);
    assert.ok(c.NCHW !== null && c.NCHW <= 1e-4, `NCHW error ${c.NCHW}`);
    assert.match(r.backendLabel ?? '', /, NCHW, checked against the CPU provider: \S+; NHWC differs: \S+, all graph optimizations$/);
    assert.equal(r.endToEndSource, 'plain session');
    assert.equal(r.endToEndProfiledMs ? 'ok' : 'missing', 'ok');
    assert.ok(Math.abs(r.overhead - r.sumLayerMs / r.endToEndMs.median) < 1e-9, 'overhead divides the profiled layer sum by the plain end to end');
    assert.deepEqual([r.memory?.device, r.memory?.measuredBytes], ['gpu', null]);
    assert.equal(r.peakBytes, r.memory?.plannedBytes);
    assert.equal(r.peakMeasured, false);
    // Every backend step is one line (the install hints travel apart).
    for (const s of r.backendSteps ?? []) assert.ok(!s.detail.includes('\n'));
  });

  it('the decision is cached: the same file profiles again without a check, and says so', async () => {
    const r = await client!.profile(req(files.odd));
    assert.equal(r.gpuLayout, 'NCHW');
    assert.match(r.backendLabel ?? '', /\(decided \d{4}-\d\d-\d\d, cached\)/);
    assert.ok(existsSync(join(dir, 'cache', 'gpu-layout.json')));
  });

  it('forced NHWC on the same net: run as asked, its error shown as wrong', async () => {
    const r = await client!.profile(req(files.odd, { gpuLayout: 'nhwc' }));
    assert.equal(r.gpuLayout, 'NHWC');
    assert.equal(r.gpuLayoutCheck?.NCHW, null);
    assert.match(r.backendLabel ?? '', /NHWC \(asked for\), checked against the CPU provider: \S+, over 1e-4: its outputs are wrong/);
  });

  it('a net NHWC computes right: auto runs NHWC (the fast layout), NCHW never checked', async () => {
    const r = await client!.profile(req(files.even));
    assert.equal(r.gpuLayout, 'NHWC');
    assert.ok(r.gpuLayoutCheck!.NHWC! <= 1e-4);
    assert.equal(r.gpuLayoutCheck!.NCHW, null);
    assert.match(r.backendLabel ?? '', /, NHWC, checked against the CPU provider: \S+, all graph optimizations$/);
  });

  it('batch 3 on WebGPU: images/s from the plain end to end, the planner\'s memory for 3, layer GFLOP/s for 3 samples', async () => {
    const one = await client!.profile(req(files.even, { runs: 1 }));
    const r = await client!.profile(req(files.even, { batch: 3, runs: 2 }));
    assert.equal(r.batch, 3);
    assert.ok(Math.abs(r.imagesPerSecond! - 3000 / r.endToEndMs.median) < 1e-9);
    assert.match(r.backendLabel ?? '', /, batch 3$/);
    assert.ok(r.memory!.plannedBytes > one.memory!.plannedBytes, 'more activations at batch 3');
    assert.equal(r.flops, 3 * one.flops!);
  });

  it('batch 2 on the CPU provider: the arena peak measured beside the planner\'s estimate', async () => {
    const r = await client!.profile(req(files.odd, { backend: 'onnxruntime', batch: 2 }));
    assert.equal(r.batch, 2);
    assert.equal(r.endToEndSource, 'profiled runs');
    assert.equal(r.memory?.device, 'host');
    assert.ok((r.memory?.measuredBytes ?? 0) > 0);
    assert.ok(r.memory!.plannedBytes > 0);
    assert.equal(r.gpuLayout, undefined);
  });

  it('neither layout agrees (Pow of negative inputs): --backend webgpu profiles on the CPU, saying why', async () => {
    // x ** 3.3 for x < 0: the CPU provider's and WebGPU's outputs disagree on non-finite values in both layouts (measured here).
    const m = onnx.ModelProto.decode(convNet('pow', [[3, 4, 3]]));
    const g = m.graph!;
    g.initializer!.push({ name: 'e', dims: [], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(Float32Array.from([3.3]).buffer) });
    g.node!.unshift({ name: 'pow', opType: 'Pow', input: ['x', 'e'], output: ['xp'] });
    g.node![1].input![0] = 'xp';
    const file = join(dir, 'pow.onnx');
    writeFileSync(file, onnx.ModelProto.encode(m).finish());
    const r = await client!.profile(req(file));
    assert.equal(r.backend, 'onnxruntime');
    assert.equal(r.gpuLayout, undefined);
    const web = r.backendSteps?.find((s) => s.backend === 'webgpu');
    assert.ok(web && !web.ok);
    assert.equal(web.detail, 'outputs differ from the CPU provider\'s in both layouts (NHWC non-finite outputs, NCHW non-finite outputs; tolerance 1e-4), so this model is profiled on the CPU');
    assert.deepEqual(r.backendSteps?.map((s) => [s.backend, s.ok]), [['webgpu', false], ['onnxruntime', true]]);
  });

  it('a fixed batch in the file refuses another batch in one line', async () => {
    const fixed = join(dir, 'fixed.onnx');
    const m = onnx.ModelProto.decode(convNet('fixed', [[3, 4, 3]]));
    m.graph!.input![0].type!.tensorType!.shape!.dim![0] = { dimValue: 1 };
    m.graph!.output![0].type!.tensorType!.shape!.dim![0] = { dimValue: 1 };
    writeFileSync(fixed, onnx.ModelProto.encode(m).finish());
    await assert.rejects(client!.profile(req(fixed, { backend: 'onnxruntime', batch: 2 })), /cannot profile fixed at batch 2: its ONNX input has a fixed batch of 1 \(\[1,3,16,16\]\)$/);
  });
});
