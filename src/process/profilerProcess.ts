// The profiler process: forked by the extension host (src/process/profilerClient.ts, through childClient.ts), it loads the engines
// (ONNX Runtime's native library, tfjs) that the extension host never does, runs one profile at a
// time and answers over the IPC channel with the messages in src/protocol/worker.ts.
// Keeping the engines here keeps the editor responsive, lets a crash or out-of-memory take down only this
// process, and lets native backends run under a system Node.js (netlens.nodePath).
import { parseProfilerRequest } from '../protocol/worker';
import type { HostToWorker, WorkerToHost } from '../protocol/worker';
import { NetLensError } from '../core/ir/types';
import { loadModel } from '../core/io/loadModel';
import { profileModel, ProfileCancelledError } from '../core/profile/profile';
import { parsePreprocessing } from '../core/profile/preprocessModes';
import { parseBackendRequest } from '../core/profile/registry';
import { parseOptimization } from '../core/engines/ort/session';
import { gpuDeviceLost } from '../core/engines/ort/gpuProfile';
import { parseGpuLayout } from '../core/engines/ort/gpuLayout';
import { addRoofline } from '../core/profile/rooflineProfile';

function send(msg: WorkerToHost): void {
  process.send?.(msg);
}

let current: { id: number; abort: AbortController } | undefined;
const queue: Extract<HostToWorker, { type: 'profile' }>[] = [];

async function run(job: Extract<HostToWorker, { type: 'profile' }>): Promise<void> {
  const abort = new AbortController();
  current = { id: job.id, abort };
  const { request } = job;
  try {
    send({ type: 'progress', id: job.id, stage: 'model', message: `loading ${request.model}`, fraction: 0 });
    const spec = await loadModel(request.model);
    const preprocessing = parsePreprocessing(request.preprocessing, 'preprocessing');
    if (preprocessing) spec.preprocessing = preprocessing; // the user's choice beats the model's default
    // Everything about the engine (backend, threads, optimisation level) is decided per request.
    const profiled = await profileModel(spec, request.image, {
      backend: parseBackendRequest(request.backend), runs: request.runs, warmup: request.warmup, signal: abort.signal,
      optimization: parseOptimization(request.optimization), threads: request.threads,
      gpuLayout: parseGpuLayout(request.gpuLayout, 'gpuLayout'), batch: request.batch,
      feed: request.feed === 'random' ? 'random' : 'image',
      wasmDir: process.env.NETLENS_WASM_DIR || undefined,
      onProgress: (stage, message, fraction) => send({ type: 'progress', id: job.id, stage, message, fraction }),
    });
    // The machine's roofs for this backend and thread count (cached; measured once, about 2 s) and each layer under them.
    const result = await addRoofline(spec, profiled, { signal: abort.signal,
      onProgress: (message, fraction) => send({ type: 'progress', id: job.id, stage: 'report', message, fraction: 0.97 + 0.03 * fraction }) });
    if (abort.signal.aborted) throw new ProfileCancelledError();
    send({ type: 'result', id: job.id, result });
  } catch (e) {
    if (e instanceof ProfileCancelledError) send({ type: 'cancelled', id: job.id });
    else if (e instanceof NetLensError) send({ type: 'error', id: job.id, message: e.message, userError: true });
    else send({ type: 'error', id: job.id, message: String((e as Error)?.message ?? e), userError: false, stack: (e as Error)?.stack });
  } finally {
    current = undefined;
  }
}

async function drain(): Promise<void> {
  while (!current && queue.length) await run(queue.shift()!);
  // A lost GPU device stays lost in this process (gpuProfile.ts): end it; the client starts a fresh one.
  if (!current && !queue.length && gpuDeviceLost()) process.exit(0);
}

process.on('message', (raw: unknown) => {
  // Parsed on receipt like every message; a malformed one is one line on stderr and dropped.
  const msg = parseProfilerRequest(raw);
  if (!msg) {
    process.stderr.write('netlens profiler process: dropped a malformed request\n');
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'number' && Number.isFinite(id)) send({ type: 'error', id, message: 'the profiler process received a malformed request', userError: false });
    return;
  }
  if (msg.type === 'profile') {
    queue.push(msg);
    void drain();
  } else if (msg.type === 'cancel') {
    if (current?.id === msg.id) current.abort.abort();
    const i = queue.findIndex((q) => q.id === msg.id);
    if (i >= 0) {
      queue.splice(i, 1);
      send({ type: 'cancelled', id: msg.id });
    }
  }
});

// The host going away closes the channel: nothing left to do for.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', pid: process.pid, node: process.version });
