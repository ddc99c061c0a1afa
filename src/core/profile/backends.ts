// Backend selection: tensorflow (GPU) -> tensorflow (native CPU) -> wasm (SIMD, threads) -> cpu.
// Every step tried is reported (what it is, whether it worked, why not), so the user sees why the
// profile ran where it did. A forced backend that is unavailable is one clear error with the way
// to install it. Node only (the native packages and wasm file paths need it).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NetLensError } from '../ir/types';
import type { BackendStep } from './result';
import { defaultNativeLoader, loadNative, NATIVE_BACKEND, NATIVE_INSTALL_HINT, NATIVE_PACKAGES, NativeLoader } from './native';
import { initThreadedWasm } from './wasmThreads';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendRequest = 'auto' | BackendName;
export const BACKEND_REQUESTS: BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendOptions {
  /** Loads the native packages (tests inject presence or absence). */
  nativeLoader?: NativeLoader;
  /** Threads for wasm: true (default) = one per CPU the load leaves free, a number, or false for the single-threaded build. */
  wasmThreads?: boolean | number;
  /** Directory holding the tfjs-backend-wasm*.wasm files (default: the installed package's dist/). */
  wasmDir?: string;
}

export interface BackendChoice {
  backend: BackendName;
  /** e.g. "wasm (SIMD, 2 threads, threaded build)", "tensorflow (@tensorflow/tfjs-node, native CPU)". */
  label: string;
  steps: BackendStep[];
}

export function parseBackendRequest(v: string | undefined): BackendRequest {
  const r = (v ?? 'auto') as BackendRequest;
  if (!BACKEND_REQUESTS.includes(r)) throw new NetLensError(`backend must be one of ${BACKEND_REQUESTS.join(', ')}, got "${v}"`);
  return r;
}

/** Where the .wasm binaries are: the package's dist/ next to its Node entry point. */
export function defaultWasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

/** Whether a backend has an instance, without starting its initialisation as tf.findBackend does. */
export function initialised(name: string): boolean {
  return Boolean((tf.engine() as unknown as { registry: Record<string, unknown> }).registry[name]);
}

let wasmState: { label: string } | { error: string } | undefined;
let nativeLabel: string | undefined;

/**
 * How many wasm threads to ask for, and why. An explicit number (option or NETLENS_WASM_THREADS)
 * wins. Otherwise one per CPU that other work leaves free: on a machine whose 1-minute load average
 * already fills the CPUs, XNNPACK's pool threads wait on each other behind the other processes and
 * the threaded build runs slower than one thread (measured in BENCHMARKS.md, "Profiler").
 */
export function wantThreads(opt: BackendOptions['wasmThreads'], cpuCount = require('node:os').cpus().length as number,
  load = (require('node:os').loadavg() as number[])[0]): { threads: number; why: string } {
  if (opt === false) return { threads: 1, why: 'threads off by option' };
  if (typeof opt === 'number') return { threads: Math.max(1, Math.floor(opt)), why: 'threads set by option' };
  const env = Number(process.env.NETLENS_WASM_THREADS);
  if (process.env.NETLENS_WASM_THREADS !== undefined && Number.isInteger(env) && env >= 0) {
    return { threads: Math.max(1, env), why: 'threads set by NETLENS_WASM_THREADS' };
  }
  const free = Math.max(1, Math.min(cpuCount, cpuCount - Math.round(load)));
  return { threads: free, why: free < cpuCount ? `load average ${load.toFixed(2)} on ${cpuCount} CPUs leaves ${free} free` : '' };
}

/** Initialises the wasm backend once per process: threaded SIMD if possible, else single-threaded. */
async function initWasm(opts: BackendOptions): Promise<{ ok: boolean; detail: string }> {
  if (wasmState) {
    if ('error' in wasmState) return { ok: false, detail: wasmState.error };
    const ok = await tf.setBackend('wasm');
    return { ok, detail: ok ? wasmState.label : 'wasm backend could not be selected' };
  }
  if (initialised('wasm')) {
    // Someone in this process initialised wasm already: use it as it is, and say so.
    const ok = await tf.setBackend('wasm');
    const n = wasm.getThreadsCount();
    wasmState = { label: `wasm (${n} thread${n === 1 ? '' : 's'}, initialised before the profiler)` };
    return { ok, detail: wasmState.label };
  }
  const dir = opts.wasmDir ?? defaultWasmDir();
  const missing = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']
    .filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    wasmState = { error: `wasm binaries missing from ${dir}: ${missing.join(', ')}` };
    return { ok: false, detail: wasmState.error };
  }
  // A path prefix: Node's Emscripten loader reads prefix + file name with fs.
  wasm.setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const want = wantThreads(opts.wasmThreads);
  const threads = want.threads;
  let why = want.why ? `; ${want.why}` : '';
  if (threads > 1 && simd) {
    try {
      const r = await initThreadedWasm(() => tf.setBackend('wasm'), wasm, threads);
      wasmState = { label: `wasm (SIMD, ${r.threads} thread${r.threads === 1 ? '' : 's'}, threaded build)` };
      return { ok: true, detail: wasmState.label };
    } catch (e) {
      why = `; threaded build unavailable: ${String((e as Error).message ?? e).split('\n')[0]}`;
      // Start over with the stock factory and the single-threaded SIMD build.
      const factory = tf.findBackendFactory('wasm');
      tf.removeBackend('wasm');
      if (factory) tf.registerBackend('wasm', factory, 2);
    }
  }
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    wasmState = { error: `wasm failed to initialise: ${String((e as Error).message ?? e).split('\n')[0]}` };
    return { ok: false, detail: wasmState.error };
  }
  if (!ok) {
    wasmState = { error: 'wasm failed to initialise (see the log above)' };
    return { ok: false, detail: wasmState.error };
  }
  wasmState = { label: `wasm (${simd ? 'SIMD' : 'no SIMD'}, 1 thread${why})` };
  return { ok: true, detail: wasmState.label };
}

/** Tries the native packages in order (GPU, then CPU); the first that registers "tensorflow" wins. */
async function initNative(opts: BackendOptions, steps: BackendStep[]): Promise<string | undefined> {
  if (nativeLabel && tf.findBackendFactory(NATIVE_BACKEND)) {
    if (await tf.setBackend(NATIVE_BACKEND)) {
      steps.push({ backend: 'tensorflow', ok: true, detail: `${nativeLabel} (already loaded)` });
      return nativeLabel;
    }
  }
  const loader = opts.nativeLoader ?? defaultNativeLoader;
  for (const kind of ['gpu', 'cpu'] as const) {
    const name = kind === 'gpu' ? 'tensorflow-gpu' : 'tensorflow';
    const attempt = loadNative(kind, loader);
    if (!attempt.ok) {
      steps.push({ backend: name, ok: false, detail: attempt.detail });
      continue;
    }
    let ok = false;
    let why = '';
    try {
      ok = await tf.setBackend(NATIVE_BACKEND);
    } catch (e) {
      why = `: ${String((e as Error).message ?? e).split('\n')[0]}`;
    }
    if (!ok) {
      steps.push({ backend: name, ok: false, detail: `${attempt.detail}, but its backend failed to initialise${why}` });
      continue;
    }
    nativeLabel = `tensorflow (${NATIVE_PACKAGES[kind]}${kind === 'gpu' ? ', CUDA' : ', native CPU'})`;
    steps.push({ backend: name, ok: true, detail: attempt.detail });
    return nativeLabel;
  }
  return undefined;
}

/**
 * Selects and initialises a backend. 'auto' walks the whole chain; a forced backend tries only
 * itself and throws a NetLensError (with how to install it) when it is unavailable.
 */
export async function selectBackend(request: BackendRequest, opts: BackendOptions = {}): Promise<BackendChoice> {
  const steps: BackendStep[] = [];
  if (request === 'auto' || request === 'tensorflow') {
    const label = await initNative(opts, steps);
    if (label) return { backend: 'tensorflow', label, steps };
    if (request === 'tensorflow') {
      throw new NetLensError(`backend "tensorflow" is not available: ${steps.map((s) => s.detail).join('; ')}. ` +
        `For the GPU, ${NATIVE_INSTALL_HINT.gpu}; for the native CPU backend, ${NATIVE_INSTALL_HINT.cpu}`);
    }
  }
  if (request === 'auto' || request === 'wasm') {
    const r = await initWasm(opts);
    steps.push({ backend: 'wasm', ok: r.ok, detail: r.detail });
    if (r.ok) return { backend: 'wasm', label: r.detail, steps };
    if (request === 'wasm') throw new NetLensError(`backend "wasm" is not available: ${r.detail}`);
  }
  const ok = await tf.setBackend('cpu');
  steps.push({ backend: 'cpu', ok, detail: ok ? 'pure JavaScript kernels, 1 thread' : 'the cpu backend failed to initialise' });
  if (!ok) throw new NetLensError('no backend could be initialised (even the pure JavaScript cpu backend failed)');
  return { backend: 'cpu', label: 'cpu (pure JavaScript)', steps };
}

/** One line per step: "ok   wasm: wasm (SIMD, 2 threads, ...)" / "no   tensorflow-gpu: ... is not installed". */
export function describeSteps(steps: BackendStep[]): string[] {
  return steps.map((s) => `${s.ok ? 'ok  ' : 'no  '} ${s.backend}: ${s.detail}`);
}
