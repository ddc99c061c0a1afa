// The extension host's layout thread (worker_threads): elkjs' bundled build, kept alive between
// layouts so its compiled code stays warm. Receives ELK input built by the host from its own view
// graph (never from the webview) and answers with ELK's output.
import { parentPort } from 'node:worker_threads';
import { nodeElk } from '../core/graph/elkNode';
import type { ElkInputNode } from '../core/graph/layout';

parentPort?.on('message', (m: { id: number; input: ElkInputNode }) => {
  nodeElk().layout(m.input).then(
    (out) => parentPort!.postMessage({ id: m.id, out }),
    // elkjs errors can carry kilobytes of compiled source: keep the first line, bounded.
    (e: unknown) => parentPort!.postMessage({ id: m.id, error: String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300) }),
  );
});
