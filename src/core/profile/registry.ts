// The one backend registry: every backend the profiler can run on is one row of BACKENDS, with its
// engine, availability probe, initialisation, sync semantics and install hint. Everything users
// see about backends derives from this table: the `netlens.backend` setting's enum (package.json,
// checked by test/unit/profile.ort.registry.test.ts), the CLI usage, and the chain reported with every
// profile (`backendSteps`).
//
// Adding a backend (e.g. `webgpu`, `cuda` for ONNX Runtime's GPU execution providers) is one row
// here plus a small module that probes and initialises it; an `onnxruntime` engine row returns the
// execution providers the session is created with, a `tfjs` row makes its tfjs backend current.
// The row order is the `auto` order: hardware GPU routes first, then `onnxruntime` (CPU), then
// the tfjs chain. Modules are required inside probe/init so importing this table loads no engine.
import { NetLensError } from '../ir/types';
import type { BackendStep } from './result';
import type { BackendAttempt, BackendContext, BackendEntry, Engine, OrtExecutionProvider, SyncSemantics } from './backendTypes';

export type { Engine, SyncSemantics, OrtExecutionProvider, BackendContext, BackendAttempt, BackendEntry } from './backendTypes';

/* eslint-disable @typescript-eslint/no-require-imports */
const ort = (): typeof import('../engines/ort/runtime') => require('../engines/ort/runtime');
const tfjs = (): typeof import('../engines/tfjs/backends') => require('../engines/tfjs/backends');
const native = (): typeof import('../engines/tfjs/native') => require('../engines/tfjs/native');
/* eslint-enable @typescript-eslint/no-require-imports */
import { GPU_ROWS } from '../engines/ort/gpuRows';

function resolvable(pkg: string): { ok: boolean; detail: string } {
  try {
    require.resolve(pkg);
    return { ok: true, detail: `${pkg} found` };
  } catch {
    return { ok: false, detail: `${pkg} is not installed` };
  }
}

/** The table. Row order is the `auto` order. */
export const BACKENDS: BackendEntry[] = [
  ...GPU_ROWS, // cuda, webgpu (src/core/engines/ort/gpuRows.ts)
  {
    name: 'onnxruntime',
    engine: 'onnxruntime',
    description: 'ONNX Runtime (onnxruntime-node, bundled), CPU execution provider, one thread per CPU; the model is lowered to ONNX in memory',
    sync: 'blocking',
    get installHint() { return ort().ORT_INSTALL_HINT; },
    probe: () => resolvable('onnxruntime-node'),
    init: async (ctx) => {
      const r = ort().loadOrt();
      if (!r.ok) return { ok: false, detail: r.detail };
      if (!ort().ortProviders(r.ort).includes('cpu')) return { ok: false, detail: `${r.detail} carries no CPU execution provider` };
      const t = ort().ortThreads(ctx.threads);
      return {
        ok: true, threads: t.threads, executionProviders: ['cpu'],
        detail: `onnxruntime ${ort().ortVersion(r.ort)} (CPU execution provider, ${t.threads} thread${t.threads === 1 ? '' : 's'})`,
      };
    },
  },
  {
    name: 'tensorflow',
    engine: 'tfjs',
    description: 'Native TensorFlow through tfjs: @tensorflow/tfjs-node-gpu (CUDA 11.2 + cuDNN 8.1), else @tensorflow/tfjs-node (CPU); optional packages',
    sync: 'blocking',
    get installHint() {
      const h = native().NATIVE_INSTALL_HINT;
      return `For the GPU, ${h.gpu}; for the native CPU backend, ${h.cpu}`;
    },
    probe: (ctx) => {
      if (ctx.nativeLoader) return { ok: true, detail: 'loader given' };
      const gpu = resolvable(native().NATIVE_PACKAGES.gpu);
      const cpu = resolvable(native().NATIVE_PACKAGES.cpu);
      return gpu.ok || cpu.ok ? { ok: true, detail: 'found' } : { ok: false, detail: `${gpu.detail}; ${cpu.detail}` };
    },
    init: async (ctx) => {
      const steps: BackendStep[] = [];
      const label = await tfjs().initNative(ctx, steps);
      const cuda = Boolean(label && /CUDA/.test(label));
      return label
        ? { ok: true, detail: label, steps, sync: cuda ? 'readback' : 'blocking', threads: cuda ? undefined : require('node:os').cpus().length }
        : { ok: false, detail: steps.map((s) => s.detail).join('; '), steps };
    },
  },
  {
    name: 'wasm',
    engine: 'tfjs',
    description: 'tfjs WebAssembly with SIMD (XNNPACK), one thread per CPU',
    sync: 'blocking',
    installHint: 'the wasm binaries ship with @tensorflow/tfjs-backend-wasm; reinstall the extension',
    probe: () => resolvable('@tensorflow/tfjs-backend-wasm'),
    init: async (ctx) => {
      const r = await tfjs().initWasm({ ...ctx, wasmThreads: ctx.wasmThreads ?? ctx.threads });
      return { ok: r.ok, detail: r.detail, threads: r.threads || undefined };
    },
  },
  {
    name: 'cpu',
    engine: 'tfjs',
    description: 'tfjs pure JavaScript kernels (slow; always available)',
    sync: 'blocking',
    installHint: 'always available',
    probe: () => ({ ok: true, detail: 'built in' }),
    init: async () => ({ ...(await tfjs().initCpu()), threads: 1 }),
  },
];

export type BackendRequest = 'auto' | string;

/** Names a user may pick: auto, then every row. */
export function backendNames(): string[] {
  return ['auto', ...BACKENDS.map((b) => b.name)];
}

/** "auto|onnxruntime|tensorflow|wasm|cpu" for usage lines. */
export function backendUsage(): string {
  return backendNames().join('|');
}

/** What `auto` means, in the words the setting shows. */
export function autoDescription(): string {
  return `Best available, tried in this order: ${BACKENDS.map((b) => b.name).join(', ')} (a model ONNX Runtime cannot take falls back to the tfjs backends, saying why)`;
}

/** The `netlens.backend` setting as package.json declares it (the test compares the two). */
export function backendSetting(): { enum: string[]; enumDescriptions: string[] } {
  return { enum: backendNames(), enumDescriptions: [autoDescription(), ...BACKENDS.map((b) => b.description)] };
}

export function parseBackendRequest(v: string | undefined): BackendRequest {
  const r = v ?? 'auto';
  if (!backendNames().includes(r)) throw new NetLensError(`backend must be one of ${backendNames().join(', ')}, got "${v}"`);
  return r;
}

export function backendEntry(name: string): BackendEntry {
  const b = BACKENDS.find((e) => e.name === name);
  if (!b) throw new NetLensError(`backend must be one of ${backendNames().join(', ')}, got "${name}"`);
  return b;
}

export interface BackendChoice {
  backend: string;
  engine: Engine;
  /** e.g. "onnxruntime 1.30.0 (CPU execution provider, 2 threads)", "wasm (SIMD, 2 threads, threaded build)". */
  label: string;
  threads?: number;
  sync: SyncSemantics;
  executionProviders?: OrtExecutionProvider[];
  steps: BackendStep[];
}

/**
 * Walks the chain for a request: `auto` tries every row in order, a named backend only itself.
 * A forced backend that is unavailable (or cannot take this model) is one NetLensError with the
 * reason and how to install it. Every row tried is a step of the returned chain.
 */
export async function selectBackend(request: BackendRequest, ctx: BackendContext = {}): Promise<BackendChoice> {
  const rows = request === 'auto' ? BACKENDS : [backendEntry(request)];
  const steps: BackendStep[] = [];
  for (const row of rows) {
    const blocked = ctx.engineBlocked?.[row.engine];
    if (blocked) {
      steps.push({ backend: row.name, ok: false, detail: blocked });
      if (request !== 'auto') throw new NetLensError(`backend "${row.name}" cannot run this model: ${blocked}`);
      continue;
    }
    const failed = request === 'auto' ? ctx.failed?.[row.name] : undefined;
    if (failed) {
      steps.push({ backend: row.name, ok: false, detail: failed });
      continue;
    }
    const probe = row.probe(ctx);
    const attempt = probe.ok ? await row.init({ ...ctx, request }) : { ok: false, detail: probe.detail };
    const hint = attempt.ok ? undefined : (attempt.hint ?? row.installHint);
    if (attempt.steps?.length) steps.push(...attempt.steps.map((s) => (s.ok || s.hint ? s : { ...s, hint })));
    else steps.push({ backend: row.name, ok: attempt.ok, detail: attempt.detail, ...(hint ? { hint } : {}) });
    if (attempt.ok) {
      return {
        backend: row.name, engine: row.engine, label: attempt.detail, threads: attempt.threads,
        sync: attempt.sync ?? row.sync, executionProviders: attempt.executionProviders, steps,
      };
    }
    if (request !== 'auto') {
      throw new NetLensError(`backend "${row.name}" is not available: ${attempt.detail}. ${hint}`);
    }
  }
  throw new NetLensError(`no backend could run this model: ${steps.map((s) => `${s.backend}: ${s.detail}`).join('; ')}`);
}

/** One line per step: "ok   wasm: wasm (SIMD, 2 threads, ...)" / "no   tensorflow-gpu: ... is not installed". */
export function describeSteps(steps: BackendStep[]): string[] {
  return steps.map((s) => `${s.ok ? 'ok  ' : 'no  '} ${s.backend}: ${s.detail}`);
}
