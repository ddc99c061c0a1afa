// Runs the benchmarks: each bench/*.bench.ts is bundled with esbuild to out/bench/ and run in its
// own Node process (one after another, so they do not compete for the 2 cores). Each prints a
// Markdown section for BENCHMARKS.md. `npm run bench -- analysis` runs only names containing "analysis".
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const files = readdirSync('bench').filter((f) => /\.bench\.(ts|mjs)$/.test(f) && f.includes(filter)).sort();
let failed = 0;
for (const f of files) {
  let script = join('bench', f);
  if (f.endsWith('.ts')) {
    script = join('out', 'bench', f.replace(/\.ts$/, '.js'));
    await build({
      entryPoints: [join('bench', f)], outfile: script, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
      external: ['@tensorflow/*', 'onnxruntime-node', 'playwright-core', 'elkjs', 'dagre', '@dagrejs/dagre'], logLevel: 'warning',
    });
  }
  process.stdout.write(`\n<!-- ${f} -->\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', script], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
