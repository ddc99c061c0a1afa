// Node only: elkjs' bundled build for the model process, the CLI, the build and benchmarks.
// Without a worker URL it runs its GWT-compiled layout in the calling thread (a "fake worker"); in
// a browser worker the same file would take over self.onmessage, which is why an exported
// standalone page uses elk-api + elk-worker instead.
import type { ElkLike } from '../layout';

let instance: ElkLike | undefined;

export function nodeElk(): ElkLike {
  if (!instance) {
    // Loaded on first use: 1.6 MB of layout code nobody needs for `netlens summary`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ELK = require('elkjs/lib/elk.bundled.js') as new () => ElkLike;
    instance = new ELK();
  }
  return instance;
}
