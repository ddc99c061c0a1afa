// The tfjs engine's backends: tensorflow (GPU, then native CPU), wasm (SIMD, threads), cpu. Each is
// initialised here and listed once, as a row, in registry.ts, which walks the chain and reports every
// step tried. Node only (the native packages and wasm file paths need it).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BackendStep } from '../../profile/result';
import { defaultNativeLoader, loadNative, NATIVE_BACKEND, NATIVE_INSTALL_HINT, NATIVE_PACKAGES, NativeLoader } from './native';
import { initThreadedWasm } from './wasmThreads';

export interface BackendOptions {
  /** Loads the native packages (tests inject presence or absence). */
  nativeLoader?: NativeLoader;
  /** Threads for wasm: true (default) = one per CPU the load leaves free, a number, or false for the single-threaded build. */
  wasmThreads?: boolean | number;
  /** Directory holding the tfjs-backend-wasm*.wasm files (default: the installed package's dist/). */
  wasmDir?: string;
}

/** Where the .wasm binaries are: the package's dist/ next to its Node entry point. */
export function defaultWasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

/** Whether a backend has an instance, without starting its initialisation as tf.findBackend does. */
export function initialised(name: string): boolean {
  return Boolean((tf.engine() as unknown as { registry: Record<string, unknown> }).registry[name]);
}

/** Set once per process: wasm's thread pool is fixed when its module instantiates. */
let wasmState: { threads: number; build: string } | { error: string } | undefined;
let nativeLabel: string | undefined;

/**
 * How many wasm threads to ask for: an explicit number (option or NETLENS_WASM_THREADS) wins,
 * otherwise one per CPU. (An earlier rule subtracted the 1-minute load average; it was measured
 * again for issue 10, see BENCHMARKS.md "Profiler", and dropped: the load it reads is mostly the
 * editor's own start-up, it then stuck for the life of the worker, and on an idle machine it
 * changes nothing.)
 */
export function wantThreads(opt: BackendOptions['wasmThreads'], cpuCount = require('node:os').cpus().length as number): { threads: number; why: string } {
  if (opt === false) return { threads: 1, why: 'threads off by option' };
  if (typeof opt === 'number') return { threads: Math.max(1, Math.floor(opt)), why: 'threads set by option' };
  const env = Number(process.env.NETLENS_WASM_THREADS);
  if (process.env.NETLENS_WASM_THREADS !== undefined && Number.isInteger(env) && env >= 0) {
    return { threads: Math.max(1, env), why: 'threads set by NETLENS_WASM_THREADS' };
  }
  return { threads: Math.max(1, cpuCount), why: '' };
}

/**
 * The label of the wasm backend as it is now, built per profile (never cached across runs): the
 * thread count it really has, and why it differs from the one asked for this time.
 */
function wasmLabel(asked: { threads: number; why: string }): string {
  if (!wasmState || 'error' in wasmState) return 'wasm';
  const n = wasmState.threads;
  const notes = [wasmState.build];
  if (asked.why && n === asked.threads) notes.push(asked.why);
  if (n !== asked.threads) notes.push(`${asked.threads} asked; the thread pool was fixed by an earlier profile in this process`);
  return `wasm (SIMD, ${n} thread${n === 1 ? '' : 's'}${notes.filter(Boolean).map((t) => `, ${t}`).join('')})`;
}

/** Initialises the wasm backend once per process: threaded SIMD if possible, else single-threaded. */
export async function initWasm(opts: BackendOptions): Promise<{ ok: boolean; detail: string; threads: number }> {
  const want = wantThreads(opts.wasmThreads);
  if (wasmState) {
    if ('error' in wasmState) return { ok: false, detail: wasmState.error, threads: 0 };
    const ok = await tf.setBackend('wasm');
    return { ok, detail: ok ? wasmLabel(want) : 'wasm backend could not be selected', threads: wasmState.threads };
  }
  if (initialised('wasm')) {
    // Someone in this process initialised wasm already: use it as it is, and say so.
    const ok = await tf.setBackend('wasm');
    wasmState = { threads: wasm.getThreadsCount(), build: 'initialised before the profiler' };
    return { ok, detail: wasmLabel(want), threads: wasmState.threads };
  }
  const dir = opts.wasmDir ?? defaultWasmDir();
  const missing = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']
    .filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    wasmState = { error: `wasm binaries missing from ${dir}: ${missing.join(', ')}` };
    return { ok: false, detail: wasmState.error, threads: 0 };
  }
  // A path prefix: Node's Emscripten loader reads prefix + file name with fs.
  wasm.setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  let fallbackWhy = '';
  if (want.threads > 1 && simd) {
    try {
      const r = await initThreadedWasm(() => tf.setBackend('wasm'), wasm, want.threads);
      wasmState = { threads: r.threads, build: 'threaded build' };
      return { ok: true, detail: wasmLabel(want), threads: r.threads };
    } catch (e) {
      fallbackWhy = `threaded build unavailable: ${String((e as Error).message ?? e).split('\n')[0]}`;
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
    return { ok: false, detail: wasmState.error, threads: 0 };
  }
  if (!ok) {
    wasmState = { error: 'wasm failed to initialise (see the log above)' };
    return { ok: false, detail: wasmState.error, threads: 0 };
  }
  if (!simd) {
    wasmState = { threads: 1, build: 'no SIMD' };
    return { ok: true, detail: 'wasm (no SIMD, 1 thread)', threads: 1 };
  }
  wasmState = { threads: 1, build: fallbackWhy };
  return { ok: true, detail: wasmLabel(want), threads: 1 };
}

/** Tries the native packages in order (GPU, then CPU); the first that registers "tensorflow" wins. */
export async function initNative(opts: BackendOptions, steps: BackendStep[]): Promise<string | undefined> {
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
      steps.push({ backend: name, ok: false, detail: attempt.detail, hint: NATIVE_INSTALL_HINT[kind] });
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

/** The pure-JavaScript kernels: always there. */
export async function initCpu(): Promise<{ ok: boolean; detail: string }> {
  const ok = await tf.setBackend('cpu');
  return { ok, detail: ok ? 'cpu (pure JavaScript, 1 thread)' : 'the cpu backend failed to initialise' };
}
