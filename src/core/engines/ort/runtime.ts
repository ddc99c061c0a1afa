// The one module that loads onnxruntime-node. It is required lazily, on the first profile that
// picks an ONNX Runtime backend, so only the profiler process (and the CLI's profile command) ever
// maps the native library; the extension host never reaches this code. scripts/build.mjs keeps the
// package external: its JS finds bin/napi-v6/<platform>/<arch>/ next to itself at run time.
import type * as Ort from 'onnxruntime-node';
import { cpus } from 'node:os';

export type OrtModule = typeof Ort;

export const ORT_PACKAGE = 'onnxruntime-node';

/** Shown when the package or its native library cannot load. */
export const ORT_INSTALL_HINT = 'reinstall the extension for this platform (its VSIX carries onnxruntime-node\'s native library), ' +
  'or from a checkout run `npm ci`; ONNX Runtime ships CPU binaries for linux x64/arm64, darwin arm64 and win32 x64/arm64';

let loaded: { ort: OrtModule } | { error: string } | undefined;

/** Literal require so bundlers keep it external. Never throws: the outcome is the report. */
export function loadOrt(): { ok: true; ort: OrtModule; detail: string } | { ok: false; detail: string } {
  if (!loaded) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = { ort: require('onnxruntime-node') as OrtModule };
    } catch (e) {
      const msg = String((e as Error)?.message ?? e).split('\n')[0].trim();
      const missing = (e as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND' && msg.includes(`'${ORT_PACKAGE}'`);
      loaded = { error: missing ? `${ORT_PACKAGE} is not installed` : `${ORT_PACKAGE} failed to load: ${msg}` };
    }
  }
  if ('error' in loaded) return { ok: false, detail: loaded.error };
  return { ok: true, ort: loaded.ort, detail: `${ORT_PACKAGE} ${ortVersion(loaded.ort)}` };
}

export function ortVersion(ort: OrtModule): string {
  return (ort.env as { versions?: { node?: string; common?: string } }).versions?.node ?? ort.env.versions?.common ?? '?';
}

/** Execution providers the loaded binding carries ("cpu", "webgpu", "cuda", ...). */
export function ortProviders(ort: OrtModule): string[] {
  const list = (ort as unknown as { listSupportedBackends?: () => { name: string }[] }).listSupportedBackends;
  return list ? list().map((b) => b.name) : ['cpu'];
}

/**
 * Threads for ONNX Runtime's intra-op pool, decided per profile: an explicit count wins (option,
 * then NETLENS_ORT_THREADS), else one per CPU.
 */
export function ortThreads(requested?: number, cpuCount = cpus().length): { threads: number; why: string } {
  if (requested !== undefined && Number.isInteger(requested) && requested > 0) return { threads: requested, why: 'set by option' };
  const env = Number(process.env.NETLENS_ORT_THREADS);
  if (process.env.NETLENS_ORT_THREADS && Number.isInteger(env) && env > 0) return { threads: env, why: 'set by NETLENS_ORT_THREADS' };
  return { threads: Math.max(1, cpuCount), why: 'one per CPU' };
}
