// `netlens machine [--threads N] [--refresh] [--json]`: the machine's roof as the profiler sees it:
// peak fp32 GFLOP/s (a large MatMul) and memory bandwidth (a large element-wise Add) on ONNX
// Runtime's CPU provider with the profiler's thread count, cached per machine, backend and threads
// with the date (src/core/profile/machinePeaks.ts); --refresh measures again.
import { cacheDir, machinePeaks } from '../core/profile/machinePeaks';
import { ortThreads } from '../core/engines/ort/runtime';
import { ridgePoint } from '../core/profile/roofline';
import { parse, positiveIntOption } from './common';
import { writeJson, writeOut } from './output';

export async function machineCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, { threads: { type: 'string' }, refresh: { type: 'boolean' }, json: { type: 'boolean' } });
  const threads = ortThreads(values.threads === undefined ? undefined : positiveIntOption('threads', values.threads, 1)).threads;
  const progress = values.json || !process.stderr.isTTY ? undefined
    : (message: string): void => { process.stderr.write(`\r\x1b[K${message}`); };
  const m = await machinePeaks({ backend: 'onnxruntime', threads, refresh: Boolean(values.refresh), onProgress: progress });
  if (progress) process.stderr.write('\r\x1b[K');
  if (values.json) { writeJson(m); return; }
  writeOut([
    `machine: ${m.cpu ?? 'unknown CPU'}`,
    `backend: ${m.backend} (${m.engine ?? 'ONNX Runtime'}), ${m.threads} thread${m.threads === 1 ? '' : 's'}`,
    `peak compute:     ${m.peakGflops.toFixed(1)} GFLOP/s  (${m.method?.compute ?? 'MatMul'})`,
    `memory bandwidth: ${m.bandwidthGBs.toFixed(1)} GB/s  (${m.method?.memory ?? 'Add'})`,
    `ridge point:      ${ridgePoint(m).toFixed(2)} FLOP/byte (layers below it are memory-bound)`,
    `measured ${m.measuredAt}${m.source === 'cached' ? ` (cached in ${cacheDir()}; --refresh measures again)` : ''}`,
    '',
  ].join('\n'));
}
