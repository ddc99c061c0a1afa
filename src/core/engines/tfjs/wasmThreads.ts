// Multithreaded XNNPACK for the wasm backend in Node.
//
// tfjs-backend-wasm ships a threaded SIMD build (Emscripten pthreads, which in Node run on
// worker_threads) but switches it off in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag returns false
// when IS_NODE (tfjs issue 3830). Turning the flag on is not enough, for three reasons this module
// works around, each measured in BENCHMARKS.md ("Profiler"):
//  1. The pthread worker script and the main script reach the workers as Blob object URLs; Node's
//     worker_threads cannot load "blob:" URLs and the worker's importScripts reads files. We record
//     the Blob text while init runs and hand out temp-file paths instead.
//  2. The main script is the factory's Function.toString(), cut out of tfjs' rollup bundle, so it
//     refers to the bundle's module-level names (require$$0 = require('fs'), commonjsGlobal, ...).
//     We read those definitions from the installed bundle and prepend them.
//  3. The C++ side caps the pool at emscripten_num_logical_cores() / 2 ("x86 has 2 threads per
//     core"): on a 2-vCPU machine that is one thread. While the module instantiates we report
//     twice the requested thread count as logical CPUs, so the cap lets that many run.
// Everything patched is restored when init returns. If anything fails the caller falls back to the
// single-threaded SIMD build and reports why.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { CpuInfo } from 'node:os';
import { join } from 'node:path';

// The os module object itself (not an import namespace copy): tfjs' bundle calls require('os').cpus().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const os: typeof import('node:os') = require('os');

const INIT_TIMEOUT_MS = 30_000;
export const MAX_WASM_THREADS = 8; // tfjs pre-creates 8 pthread workers; its C++ caps the pool there.

/** The `var require$$N = require('m');` and `commonjsGlobal` definitions at the top of the bundle. */
export function bundlePrelude(bundleText: string, tempDir: string): string {
  const defs = bundleText.match(/^var (require\$\$\d+) = require\('([\w:/-]+)'\);$/gm) ?? [];
  return [
    ...defs,
    'var commonjsGlobal = globalThis;',
    `var __dirname = ${JSON.stringify(tempDir)};`,
    '',
  ].join('\n');
}

/** Free identifiers of the form require$$N used by the factory text; all must be defined. */
export function missingRequires(factoryText: string, prelude: string): string[] {
  const used = new Set(factoryText.match(/require\$\$\d+/g) ?? []);
  return [...used].filter((id) => !prelude.includes(`var ${id} =`));
}

export interface ThreadedInit {
  threads: number;
  /** Undo: removes the temp dir. Called at process exit anyway. */
  cleanup: () => void;
}

/**
 * Initialises the wasm backend with the threaded SIMD build. `setBackend` is the caller's
 * `() => tf.setBackend('wasm')`, run while the patches are in place. Throws on failure, with the
 * patches undone and the multithread flag back off, so a plain single-threaded init can follow.
 */
export async function initThreadedWasm(setBackend: () => Promise<boolean>, wasmModule: {
  setThreadsCount: (n: number) => void; getThreadsCount: () => number;
}, threads = os.cpus().length): Promise<ThreadedInit> {
  if (typeof SharedArrayBuffer === 'undefined') throw new Error('SharedArrayBuffer is not available');
  const bundlePath = require.resolve('@tensorflow/tfjs-backend-wasm');
  const bundleText = readFileSync(bundlePath, 'utf8');
  const dir = mkdtempSync(join(os.tmpdir(), 'netlens-wasm-'));
  const cleanup = (): void => { try { rmSync(dir, { recursive: true, force: true }); } catch { /* already gone */ } };
  process.once('exit', cleanup);
  const prelude = bundlePrelude(bundleText, dir);

  const OrigBlob = globalThis.Blob;
  const origCreate = URL.createObjectURL;
  const origCpus = os.cpus;
  const texts = new WeakMap<object, string>();
  let problem: string | undefined;
  const mainPath = join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  class RecordingBlob extends OrigBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts && parts.every((p) => typeof p === 'string')) {
        const text = (parts as string[]).join('');
        texts.set(this, text);
        if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
          const missing = missingRequires(text, prelude);
          if (missing.length) problem = `the threaded factory uses ${missing.join(', ')}, not defined by the bundle`;
          writeFileSync(mainPath, prelude + text);
        }
      }
    }
  }
  let workerFiles = 0;
  const createObjectURL = (obj: Blob): string => {
    const text = texts.get(obj);
    if (text === undefined) return origCreate(obj);
    const file = join(dir, `pthread-worker-${workerFiles++}.js`);
    // The worker posts "load" with the main script as a Blob: point it at the file instead.
    const hook = `\n;(function(){var h=self.onmessage;self.onmessage=function(e){if(e&&e.data&&e.data.cmd==='load'){e.data.urlOrBlob=${JSON.stringify(mainPath)};}return h(e);};})();\n`;
    writeFileSync(file, text + hook);
    return file;
  };
  const doubled = (): CpuInfo[] => {
    const c = origCpus();
    return Array.from({ length: Math.max(2, threads * 2) }, (_, i) => c[i % c.length]);
  };

  (globalThis as { Blob: typeof Blob }).Blob = RecordingBlob as typeof Blob;
  URL.createObjectURL = createObjectURL;
  (os as { cpus: typeof os.cpus }).cpus = doubled;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasmModule.setThreadsCount(Math.min(Math.max(1, threads), MAX_WASM_THREADS));
  // Emscripten unrefs its pthread workers; keep the loop alive while they start.
  const keepAlive = setInterval(() => undefined, 1000);
  // A pthread worker that fails to start throws from an event handler (an uncaught exception),
  // never settling init: catch that for the duration of init and give up after a time limit.
  let onUncaught: ((e: Error) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    onUncaught = (e) => reject(e);
    process.on('uncaughtException', onUncaught);
    timer = setTimeout(() => reject(new Error(`threaded init did not finish in ${INIT_TIMEOUT_MS / 1000} s`)), INIT_TIMEOUT_MS);
  });
  let ok = false;
  try {
    ok = await Promise.race([setBackend(), failed]);
  } finally {
    if (onUncaught) process.removeListener('uncaughtException', onUncaught);
    clearTimeout(timer);
    clearInterval(keepAlive);
    (globalThis as { Blob: typeof Blob }).Blob = OrigBlob;
    URL.createObjectURL = origCreate;
    (os as { cpus: typeof os.cpus }).cpus = origCpus;
  }
  if (!ok || problem) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    cleanup();
    throw new Error(problem ?? 'the threaded wasm module failed to initialise');
  }
  // The module exists now; should tfjs ever re-run the factory (it does when the active backend is
  // removed), it must get the stock single-threaded build, which needs none of the patches.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // XNNPACK's pool threads run for the life of the module and Emscripten refs the worker_threads
  // that run a pthread: unref them so they never keep a finished CLI process alive.
  const pthread = ((tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm as unknown as { wasm?: { PThread?: { runningWorkers?: { unref?: () => void }[] } } })?.wasm?.PThread;
  for (const w of pthread?.runningWorkers ?? []) w.unref?.();
  return { threads: wasmModule.getThreadsCount(), cleanup };
}
