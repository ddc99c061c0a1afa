// Host modules import `vscode`, which exists only inside the editor. Tests (and the activation
// benchmark) load them with a stand-in: `require('vscode')` returns the fake until restored.
import Module from 'node:module';

type Loader = (this: unknown, request: string, ...rest: unknown[]) => unknown;
const mod = Module as unknown as { _load: Loader };

/** Makes `require('vscode')` return `fake`; call the returned function to restore the loader. */
export function stubVscode(fake: unknown): () => void {
  const original = mod._load;
  mod._load = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? fake : original.call(this, request, ...rest);
  };
  return () => { mod._load = original; };
}
