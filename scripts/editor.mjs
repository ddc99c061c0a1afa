// `npm run editor`: VS Code in the browser (code-server) with this build of NetLens installed,
// on http://127.0.0.1:8080 (NETLENS_PORT to change), auth off, bound to loopback only.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { ensureCodeServer, installVsix, startCodeServer } = require('../out/tools/editor/codeServer.js');

const root = resolve(import.meta.dirname, '..');
const home = join(root, '.netlens-editor');
const extensionsDir = join(home, 'extensions');
const userDataDir = join(home, 'user-data');
mkdirSync(extensionsDir, { recursive: true });

const cs = ensureCodeServer();
installVsix(cs, join(root, 'netlens.vsix'), extensionsDir, userDataDir);
const port = Number(process.env.NETLENS_PORT ?? 8080);
const editor = await startCodeServer(cs, { port, extensionsDir, userDataDir, workspace: process.env.NETLENS_WORKSPACE ?? join(root, 'media', 'samples') });
process.stdout.write(`NetLens in code-server: ${editor.url}\n(Ctrl-C to stop)\n`);
const stop = () => { editor.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
