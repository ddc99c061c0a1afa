// Bundles the extension, the CLI, the profiler worker and the webview with esbuild into dist/.
// tfjs and the native backends stay external for Node bundles: they are resolved from
// node_modules at run time (the native ones are optional and may be missing).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

// onnxruntime-node too: its JS loads bin/napi-v6/<platform>/<arch>/onnxruntime_binding.node next to itself.
const nodeExternal = ['vscode', 'onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu'];

/** Each entry: [source, output, platform]. Entries whose source does not exist yet are skipped. */
const entries = [
  ['src/extension.ts', 'dist/extension.js', 'node'],
  ['src/cli.ts', 'dist/cli.js', 'node'],
  ['src/process/profilerProcess.ts', 'dist/worker.js', 'node'],
  ['webview/main.ts', 'dist/webview.js', 'browser'],
  ['src/process/modelProcess.ts', 'dist/modelService.js', 'node'],
  ['webview/pages/comparePage.ts', 'dist/comparePage.js', 'browser'],
  ['webview/pages/profilePage.ts', 'dist/profilePage.js', 'browser'],
];

const watch = process.argv.includes('--watch');
await Promise.all(entries.filter(([src]) => existsSync(src)).map(([src, out, platform]) => build({
  entryPoints: [src],
  outfile: out,
  bundle: true,
  platform,
  format: platform === 'node' ? 'cjs' : 'iife',
  target: platform === 'node' ? 'node20' : 'chrome120',
  sourcemap: true,
  minify: !watch && platform === 'browser',
  external: platform === 'node' ? nodeExternal : [],
  banner: src === 'src/cli.ts' ? { js: '#!/usr/bin/env node' } : undefined,
  logLevel: 'warning',
})));

// Graph page assets: the codicon stylesheet and font (the webview inlines the stylesheet and loads
// the font by URI; localResourceRoots are media/ and dist/ only) and elkjs' worker build, which an
// exported standalone page inlines to lay out in a web worker.
mkdirSync('dist/codicons', { recursive: true });
copyFileSync('node_modules/elkjs/lib/elk-worker.min.js', 'dist/elk-worker.min.js');
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);

// The zoo's first views (view graph, collapsed blocks, layout) shipped in dist/zoo/ so the first
// graph of a session draws without the model process (src/core/graph/node/zooViews.ts). Built
// with the same sources as the bundles above; unchanged models keep their layout.
const zooViews = 'out/build/zoo-views.js';
await build({
  stdin: {
    contents: "import { writeZooViews } from './src/core/graph/node/zooViews';\n"
      + "writeZooViews('dist/zoo').then((r) => { if (r.laidOut) console.log(`zoo views: ${r.laidOut} laid out, ${r.kept} unchanged`); })"
      + ".catch((e) => { console.error(e); process.exit(1); });\n",
    resolveDir: '.', loader: 'ts', sourcefile: 'zoo-views.ts',
  },
  outfile: zooViews, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal, logLevel: 'warning',
});
const made = spawnSync(process.execPath, [zooViews], { stdio: 'inherit' });
if (made.status !== 0) process.exit(made.status ?? 1);
