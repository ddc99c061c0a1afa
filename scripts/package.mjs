// Builds the VSIX for one platform (default: this machine's) or for every platform ONNX Runtime
// ships a native library for (`--all`). Each VSIX carries only its own platform's
// onnxruntime-node binaries (node_modules/onnxruntime-node/bin/napi-v6/<os>/<arch>/): the base
// .vscodeignore lists everything platform-independent, and this script adds that one folder in a
// temporary ignore file handed to `vsce package --target <os>-<arch> --ignoreFile`.
//   node scripts/package.mjs                 -> netlens.vsix for this platform (what `npm run package` makes)
//   node scripts/package.mjs --all           -> netlens-<target>.vsix for every target below
//   node scripts/package.mjs --target win32-x64
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** VS Code target -> ONNX Runtime's binary folder (onnxruntime-node 1.30 ships no darwin-x64 build). */
export const TARGETS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};

const args = process.argv.slice(2);
const single = !args.includes('--all');
const named = args.includes('--target') ? args[args.indexOf('--target') + 1] : undefined;
const wanted = single ? [named ?? `${process.platform}-${process.arch}`] : Object.keys(TARGETS);

let failed = 0;
for (const target of wanted) {
  const folder = TARGETS[target];
  if (!folder) {
    console.error(`netlens package: no ONNX Runtime binaries for ${target}; targets: ${Object.keys(TARGETS).join(', ')}`);
    process.exit(1);
  }
  const bin = `node_modules/onnxruntime-node/bin/napi-v6/${folder}`;
  if (!existsSync(bin)) {
    console.error(`netlens package: ${bin} is missing (reinstall onnxruntime-node)`);
    process.exit(1);
  }
  const ignore = join(tmpdir(), `netlens-vscodeignore-${process.pid}-${target}`);
  writeFileSync(ignore, `${readFileSync('.vscodeignore', 'utf8').trimEnd()}\n# ${target}: ONNX Runtime's native library\n!${bin}/**\n`);
  const out = single ? 'netlens.vsix' : `netlens-${target}.vsix`;
  const r = spawnSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--target', target, '--ignoreFile', ignore,
    '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { stdio: 'inherit' });
  rmSync(ignore, { force: true });
  if (r.status !== 0) { failed++; continue; }
  console.log(`${out}: ${target}, ${(statSync(out).size / 1048576).toFixed(1)} MiB`);
}
process.exitCode = failed ? 1 : 0;
