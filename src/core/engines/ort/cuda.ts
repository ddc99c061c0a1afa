// ONNX Runtime's CUDA execution provider: whether it can run here, and if not, exactly what is
// missing and the one command that adds it. onnxruntime-node lists "cuda" as a provider it knows
// but does not bundle: its two provider libraries come from NuGet through the package's own
// install script, run with the flag ONNXRUNTIME_NODE_INSTALL=cuda12 (linux x64 only; on other
// platforms the script has no CUDA manifest). They land beside the CPU library in
// node_modules/onnxruntime-node/bin/napi-v6/linux/x64/. The provider then dlopens CUDA 12 and
// cuDNN 9 libraries and the NVIDIA driver's libcuda.so.1 (ONNX Runtime >= 1.19, cuda12 build).
//
// Detection reads files only (no dlopen, so a broken CUDA install cannot take the worker down);
// the session that follows is the final test. Tests inject the file system and the library list.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';

/** Provider libraries the cuda12 install adds (install-metadata.js of onnxruntime-node 1.30). */
export const CUDA_PROVIDER_FILES = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];

/** Libraries the CUDA provider loads, by soname, and what provides each. */
export const CUDA_LIBRARIES: { soname: string; what: string }[] = [
  { soname: 'libcuda.so.1', what: 'the NVIDIA driver' },
  { soname: 'libcudart.so.12', what: 'CUDA 12 runtime' },
  { soname: 'libcublas.so.12', what: 'CUDA 12 cuBLAS' },
  { soname: 'libcublasLt.so.12', what: 'CUDA 12 cuBLASLt' },
  { soname: 'libcufft.so.11', what: 'CUDA 12 cuFFT' },
  { soname: 'libcurand.so.10', what: 'CUDA 12 cuRAND' },
  { soname: 'libcudnn.so.9', what: 'cuDNN 9' },
];

/** The one command that adds the provider libraries (run where onnxruntime-node is installed; it downloads them from NuGet). */
export const CUDA_INSTALL_COMMAND = 'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js';

/**
 * The command for this installation. From a checkout, the package's own script (bin/napi-v6/<os>/<arch>
 * is four levels under the package). The VSIX carries onnxruntime-node without that script, so
 * there: fetch the same package version into a cache directory without its scripts, run its
 * installer there, and copy the two libraries beside the extension's ONNX Runtime.
 */
export function cudaInstallCommand(ortBinDir: string | undefined, exists: (p: string) => boolean = existsSync, version = '1.30.0'): string {
  if (!ortBinDir) return CUDA_INSTALL_COMMAND;
  const script = join(ortBinDir, '..', '..', '..', '..', 'script', 'install.js');
  if (exists(script)) return `ONNXRUNTIME_NODE_INSTALL=cuda12 node ${script}`;
  const cache = '~/.cache/netlens-ort-cuda';
  const pkg = `${cache}/node_modules/onnxruntime-node`;
  return `npm install --prefix ${cache} --ignore-scripts onnxruntime-node@${version} && ONNXRUNTIME_NODE_INSTALL=cuda12 node ${pkg}/script/install.js && ` +
    `cp ${CUDA_PROVIDER_FILES.map((f) => `${pkg}/bin/napi-v6/linux/x64/${f}`).join(' ')} ${ortBinDir}/`;
}

export const CUDA_LIBS_HINT = 'install the NVIDIA driver, CUDA 12 (cudart, cuBLAS, cuFFT, cuRAND) and cuDNN 9, and put their ' +
  'lib directories on LD_LIBRARY_PATH or in ldconfig';

/** What detection reads; tests pass their own. */
export interface CudaHost {
  platform: NodeJS.Platform;
  arch: string;
  /** Directory holding libonnxruntime.so.1 (where the provider libraries must land). */
  ortBinDir: string | undefined;
  exists(path: string): boolean;
  /** Sonames the dynamic linker can find (ldconfig cache plus LD_LIBRARY_PATH), with their paths. */
  libraries(): Map<string, string>;
  /** Providers the loaded binding knows, with whether they are bundled. */
  providers: { name: string; bundled: boolean }[];
}

export interface CudaDetection {
  ok: boolean;
  /** One line: what was found, or what is missing and the command or step that adds it. */
  detail: string;
  /** Missing pieces, for tests and the docs table. */
  missing: string[];
  /** The commands and steps that add what is missing (output channel and docs, never the results page). */
  hint?: string;
}

/** Sonames in ldconfig's cache and in LD_LIBRARY_PATH directories. */
export function systemLibraries(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    try {
      for (const f of readdirSync(dir)) if (/\.so(\.\d+)*$/.test(f) && !found.has(f)) found.set(f, join(dir, f));
    } catch { /* a missing directory on the path is not our concern */ }
  }
  try {
    const out = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    for (const line of out.split('\n')) {
      const m = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)/.exec(line);
      if (m && m[2].includes('x86-64') && !found.has(m[1])) found.set(m[1], m[3]);
    }
  } catch { /* no ldconfig (not glibc): LD_LIBRARY_PATH only */ }
  return found;
}

/** The real host: onnxruntime-node's binary directory, this process's linker view. */
export function defaultCudaHost(providers: { name: string; bundled: boolean }[]): CudaHost {
  let ortBinDir: string | undefined;
  try {
    ortBinDir = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
  } catch { ortBinDir = undefined; }
  return { platform: process.platform, arch: process.arch, ortBinDir, exists: existsSync, libraries: () => systemLibraries(), providers };
}

/** The CUDA major versions whose runtime (libcudart.so.N) the dynamic linker finds. */
export function cudaMajors(libs: Map<string, string>): number[] {
  return [...libs.keys()].map((k) => /^libcudart\.so\.(\d+)$/.exec(k)?.[1]).filter((m): m is string => Boolean(m)).map(Number).sort((a, b) => a - b);
}

/** The CUDA 12 libraries by the short names a user installs them under. */
const SHORT_NAMES: Record<string, string> = {
  'libcudart.so.12': 'cudart', 'libcublas.so.12': 'cuBLAS', 'libcublasLt.so.12': 'cuBLASLt', 'libcufft.so.11': 'cuFFT', 'libcurand.so.10': 'cuRAND',
};

/**
 * The libraries without root and beside any system CUDA: NVIDIA's CUDA 12 wheels from PyPI, then
 * their lib directories on LD_LIBRARY_PATH (the provider dlopens them by soname).
 */
export const CUDA_PIP_COMMAND = 'python3 -m pip install --target ~/.cache/netlens-cuda12 nvidia-cuda-runtime-cu12 nvidia-cublas-cu12 nvidia-cufft-cu12 ' +
  'nvidia-curand-cu12 nvidia-cudnn-cu12 && export LD_LIBRARY_PATH=$(ls -d ~/.cache/netlens-cuda12/nvidia/*/lib | paste -sd:):$LD_LIBRARY_PATH';

/**
 * Whether the CUDA provider can run. If not: `detail` is one short line naming each missing piece
 * (and, on a machine with only CUDA 13, that onnxruntime-node 1.30 needs CUDA 12); `hint` holds the
 * commands that add them (the output channel and the docs show it, never the results page).
 */
export function detectCuda(host: CudaHost): CudaDetection {
  if (!host.providers.some((p) => p.name === 'cuda')) {
    return { ok: false, missing: ['provider'], detail: `this onnxruntime-node build has no CUDA provider on ${host.platform} ${host.arch}` };
  }
  if (host.platform !== 'linux' || host.arch !== 'x64') {
    return {
      ok: false, missing: ['platform'],
      detail: `onnxruntime-node installs its CUDA provider on linux x64 only (this is ${host.platform} ${host.arch}); use --backend webgpu for the GPU`,
    };
  }
  const missing: string[] = [];
  const parts: string[] = [];
  const hints: string[] = [];
  const bin = host.ortBinDir;
  const absentFiles = bin ? CUDA_PROVIDER_FILES.filter((f) => !host.exists(join(bin, f))) : CUDA_PROVIDER_FILES;
  if (absentFiles.length) {
    missing.push(...absentFiles);
    // The file names are in `missing` and the hint's command; the line stays short.
    parts.push(absentFiles.length === CUDA_PROVIDER_FILES.length ? 'the provider\'s own libraries' : absentFiles.join(', '));
    hints.push(`add the provider libraries with \`${cudaInstallCommand(bin, host.exists)}\` (downloads them from NuGet)`);
  }
  const libs = host.libraries();
  const absentLibs = CUDA_LIBRARIES.filter((l) => !libs.has(l.soname));
  missing.push(...absentLibs.map((l) => l.soname));
  const driver = absentLibs.find((l) => l.soname === 'libcuda.so.1');
  if (driver) parts.push('the NVIDIA driver (libcuda.so.1)');
  const cuda12 = absentLibs.filter((l) => SHORT_NAMES[l.soname]);
  const majors = cudaMajors(libs).filter((m) => m !== 12);
  if (cuda12.length) {
    const which = cuda12.length === Object.keys(SHORT_NAMES).length ? 'CUDA 12' : `CUDA 12 ${cuda12.map((l) => SHORT_NAMES[l.soname]).join(', ')}`;
    parts.push(majors.length && !libs.has('libcudart.so.12')
      ? `${which} (this machine has CUDA ${majors.join(', ')} only; onnxruntime-node 1.30's CUDA provider needs CUDA 12)`
      : which);
  }
  if (absentLibs.some((l) => l.soname === 'libcudnn.so.9')) parts.push('cuDNN 9');
  if (cuda12.length || absentLibs.some((l) => l.soname === 'libcudnn.so.9')) {
    hints.push(`${CUDA_LIBS_HINT}; without root, beside another CUDA: \`${CUDA_PIP_COMMAND}\``);
  } else if (driver) hints.push('install the NVIDIA driver');
  if (missing.length) return { ok: false, missing, detail: `CUDA provider not ready: missing ${parts.join(', ')}`, hint: hints.join('; then ') };
  return {
    ok: true, missing: [],
    detail: `CUDA provider libraries in ${bin}; ${CUDA_LIBRARIES.map((l) => l.soname).join(', ')} found`,
  };
}

/** Label for a session that ran on CUDA: the libraries are what we know without a device query. */
export function cudaLabel(ortVersion: string, libs: Map<string, string>): string {
  const cudart = libs.get('libcudart.so.12');
  return `cuda (ONNX Runtime ${ortVersion} CUDA provider, CUDA 12, cuDNN 9${cudart ? `, ${cudart}` : ''}, layer times by synchronising read-back)`;
}

/** ONNX Runtime's CUDA failures, cut to the sentence a user can act on; what to do about it is the hint. */
export function cudaFailure(message: string): { detail: string; hint?: string } {
  const line = message.split('\n').find((l) => /cuda|cudnn|libcu|provider/i.test(l)) ?? message.split('\n')[0];
  const cut = line.replace(/^.*?\] (?=\S)/, '').replace(/^\/\S+:\d+ \S+ /, '').trim();
  const hint = /Failed to load shared library/i.test(cut)
    ? 'the provider library or a CUDA/cuDNN library it links could not be loaded; `ldd` on libonnxruntime_providers_cuda.so names the missing one'
    : undefined;
  return { detail: `the CUDA provider failed to start: ${cut}`, hint };
}
