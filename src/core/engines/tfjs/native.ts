// The one module that touches the native TensorFlow packages. @tensorflow/tfjs-node-gpu (CUDA) and
// @tensorflow/tfjs-node (CPU, libtensorflow with oneDNN and threads) are optional dependencies:
// their install script downloads libtensorflow, so on many machines they are absent, or present
// but unloadable (a GPU build without CUDA 11.2 / cuDNN 8.1 fails in dlopen). Loading one runs its
// side effect: it registers a backend named "tensorflow" with @tensorflow/tfjs-core. This module
// tries a package, checks that the registration reached OUR copy of tfjs-core, and says why not.
//
// The loader is injectable so tests can simulate absence (require throws "Cannot find module"),
// a broken install (dlopen error) and presence (a loader that registers a "tensorflow" backend).
import * as tf from '@tensorflow/tfjs-core';

export type NativeKind = 'gpu' | 'cpu';

export const NATIVE_PACKAGES: Record<NativeKind, string> = {
  gpu: '@tensorflow/tfjs-node-gpu',
  cpu: '@tensorflow/tfjs-node',
};

/** How to get each package working; shown when it is missing or forced and unavailable. */
export const NATIVE_INSTALL_HINT: Record<NativeKind, string> = {
  gpu: 'install it with `npm install @tensorflow/tfjs-node-gpu@4.22.0` (needs Linux x64, an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 on the library path, and network access to download libtensorflow at install time)',
  cpu: 'install it with `npm install @tensorflow/tfjs-node@4.22.0` (downloads libtensorflow at install time; needs Linux, macOS or Windows x64, or macOS arm64)',
};

/** `require` for one package; returns the module or throws as require does. */
export type NativeLoader = (pkg: string) => unknown;

/** Literal requires so bundlers keep them external (scripts/build.mjs lists both as external). */
export const defaultNativeLoader: NativeLoader = (pkg) => {
  if (pkg === NATIVE_PACKAGES.gpu) return require('@tensorflow/tfjs-node-gpu');
  if (pkg === NATIVE_PACKAGES.cpu) return require('@tensorflow/tfjs-node');
  throw new Error(`not a native tfjs package: ${pkg}`);
};

export interface NativeAttempt {
  ok: boolean;
  /** What happened, one line: "loaded @tensorflow/tfjs-node 4.22.0", "not installed (...)". */
  detail: string;
}

/** The backend name both native packages register. */
export const NATIVE_BACKEND = 'tensorflow';

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0].trim();
}

/**
 * Loads one native package and confirms a "tensorflow" backend factory is registered with the
 * tfjs-core this code uses. Never throws: the outcome is the report.
 */
export function loadNative(kind: NativeKind, loader: NativeLoader = defaultNativeLoader): NativeAttempt {
  const pkg = NATIVE_PACKAGES[kind];
  let mod: unknown;
  try {
    mod = loader(pkg);
  } catch (e) {
    const msg = firstLine(e);
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'MODULE_NOT_FOUND' || /Cannot find module/.test(msg)) {
      return { ok: false, detail: `${pkg} is not installed` };
    }
    // Present but failing to load: usually libtensorflow or CUDA/cuDNN libraries not found.
    const cuda = kind === 'gpu' && /cuda|cudnn|libcu|\.so/i.test(msg) ? ' (the GPU build needs CUDA 11.2 and cuDNN 8.1 libraries)' : '';
    return { ok: false, detail: `${pkg} is installed but failed to load${cuda}: ${msg}` };
  }
  if (!tf.findBackendFactory(NATIVE_BACKEND)) {
    const theirs = (mod as { version?: Record<string, string> })?.version?.['tfjs-core'];
    return {
      ok: false,
      detail: `${pkg} loaded but registered its backend with another copy of @tensorflow/tfjs-core` +
        `${theirs ? ` (${theirs}, this build uses ${tf.version_core})` : ''}; install matching versions so npm dedupes them`,
    };
  }
  const version = (mod as { version?: Record<string, string> })?.version?.['tfjs-node'];
  return { ok: true, detail: `loaded ${pkg}${version ? ` ${version}` : ''}` };
}
