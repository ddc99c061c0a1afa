// Hostile files (issue 13): how long each takes to be refused and what it costs in memory, beside
// the floor of reading the same file. Each file is small and would, without its limit, decode to
// gigabytes (HDF5 shared heap objects, interlaced PNG) or burn CPU (a deflate stream that goes on
// past its declared size). Files are built by the test writers in a temp folder, then removed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { loadModel } from '../src/core/io/loadModel';
import { NetLensError } from '../src/core/ir/types';
import { readImage } from '../src/core/profile/image';
import { removeDir, setDeclaredSize, tempDir, writeAmplifiedH5 } from '../test/fixtures/writers';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
const config = { class_name: 'Sequential', config: { name: 'tiny', layers: [
  { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4] } },
  { class_name: 'Dense', config: { name: 'd', units: 2 } },
] } };

function pngChunk(type: string, data: Uint8Array): Buffer {
  const b = Buffer.alloc(12 + data.length);
  b.writeUInt32BE(data.length, 0);
  b.write(type, 4, 'latin1');
  Buffer.from(data).copy(b, 8);
  let c = 0xffffffff;
  for (const x of b.subarray(4, 8 + data.length)) { c ^= x; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
  b.writeUInt32BE((c ^ 0xffffffff) >>> 0, 8 + data.length);
  return b;
}

async function refusal(run: () => unknown): Promise<{ ms: number; rss: number; line: string }> {
  const times: number[] = [];
  let rss = 0;
  let line = '';
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const r0 = process.memoryUsage().rss;
    const t0 = performance.now();
    try { await run(); line = 'NOT REFUSED'; } catch (e) { line = e instanceof NetLensError ? e.message : `${(e as Error).name}: ${(e as Error).message}`; }
    times.push(performance.now() - t0);
    rss = Math.max(rss, process.memoryUsage().rss - r0);
  }
  return { ms: median(times), rss, line };
}

async function main(): Promise<void> {
  const dir = tempDir('netlens-bench-hostile-');
  try {
    const rows: [string, string, string][] = [];
    const amp = join(dir, 'amplified.h5');
    await writeAmplifiedH5(amp, config, 'model_weights', 'layer_names');
    rows.push(['.h5: 3,000 vlen strings -> one 4 MiB heap object (12 GB if decoded)', amp, 'model']);
    const liar = join(dir, 'overflow.keras');
    const z = zipSync({ 'config.json': new Uint8Array(64 * 1024 * 1024).fill(32) }, { level: 9 });
    setDeclaredSize(z, 'config.json', 64 * 1024);
    writeFileSync(liar, z);
    rows.push(['.keras: 64 MiB deflated config.json declared as 64 KiB', liar, 'model']);
    const stored = join(dir, 'stored.keras');
    const s = zipSync({ 'config.json': new Uint8Array(70 * 1024 * 1024).fill(32) }, { level: 0 });
    setDeclaredSize(s, 'config.json', 10);
    writeFileSync(stored, s);
    rows.push(['.keras: 70 MiB stored config.json declared as 10 bytes', stored, 'model']);
    const png = join(dir, 'bomb.png');
    const plain = PNG.sync.write(new PNG({ width: 100, height: 100 }), { colorType: 6 });
    const ihdr = Buffer.from(plain.subarray(16, 29));
    ihdr[12] = 1;
    writeFileSync(png, Buffer.concat([plain.subarray(0, 8), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(1024 ** 3), { level: 9 })), pngChunk('IEND', new Uint8Array(0))]));
    rows.push(['PNG: 100x100 interlaced, IDAT inflates to 1 GiB', png, 'image']);

    console.log('## Hostile files\n');
    console.log(`\`npm run bench -- hardening\` (bench/hardening.bench.ts), ${new Date().toISOString().slice(0, 10)}: time to the one-line refusal ` +
      '(median of 3) and the largest RSS growth, beside a plain `readFileSync` of the same file.\n');
    console.log('| file | size | refused in | read only | refusal / read | RSS growth | the line |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const [label, file, kind] of rows) {
      const read = median([0, 1, 2].map(() => { const t0 = performance.now(); readFileSync(file); return performance.now() - t0; }));
      const r = await refusal(() => (kind === 'image' ? readImage(file) : loadModel(file)));
      const size = readFileSync(file).length;
      console.log(`| ${label} | ${mib(size)} MiB | ${r.ms.toFixed(1)} ms | ${read.toFixed(1)} ms | ${(r.ms / read).toFixed(1)}x | ${mib(Math.max(0, r.rss))} MiB | ${r.line.replace(/^.*?: (?=[a-zA-Z])/, '').slice(0, 110).replace(/\|/g, '/')} |`);
    }
  } finally {
    removeDir(dir);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
