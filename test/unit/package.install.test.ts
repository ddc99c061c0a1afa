// `npm install` on Node 20 with npm 11 prints no warning the project can avoid: no unknown project
// config in .npmrc, no dependency whose engines exclude the Node 20 package.json claims (EBADENGINE),
// and an allowScripts decision for every dependency with an install script (npm lists the ones
// without). Read from package.json and the lock file, so a dependency bump that brings one back fails here.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as { satisfies(v: string, range: string): boolean; minVersion(range: string): { version: string } | null };

const ROOT = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string }; hasInstallScript?: boolean; optional?: boolean; dev?: boolean }>;
};
/** The Node 20 this project is checked on (package.json says >= 20). */
const NODE_20 = '20.20.2';

describe('package: npm install without avoidable warnings', () => {
  it('package.json claims Node 20', () => {
    assert.equal(semver.minVersion(pkg.engines.node)?.version, '20.0.0');
  });

  it('.npmrc sets no config npm does not know (npm 11 warns "Unknown project config")', () => {
    const rc = join(ROOT, '.npmrc');
    if (!existsSync(rc)) return;
    const keys = readFileSync(rc, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith(';')).map((l) => l.split('=')[0].trim());
    assert.deepEqual(keys.filter((k) => /onnxruntime|install=/.test(k)), []);
  });

  it(`every locked dependency runs on Node ${NODE_20} (no EBADENGINE): @vscode/vsce stays on 3.x, @azure/identity on a Node 20 release`, () => {
    const bad = Object.entries(lock.packages)
      .filter(([k, v]) => k && v.engines?.node && !semver.satisfies(NODE_20, v.engines.node))
      .map(([k, v]) => `${k}@${v.version} needs node ${v.engines!.node}`);
    assert.deepEqual(bad, []);
    assert.ok(semver.satisfies(lock.packages['node_modules/@vscode/vsce'].version!, '3.x'), 'vsce 4 needs Node 22');
  });

  it('every required dependency with an install script has an allowScripts decision; onnxruntime-node\'s (a CUDA download) is denied', () => {
    const allow = pkg.allowScripts ?? {};
    const undecided = Object.entries(lock.packages)
      .filter(([k, v]) => k && v.hasInstallScript && !v.optional)
      .map(([k]) => k.replace(/^.*node_modules\//, ''))
      .filter((name) => !(name in allow));
    assert.deepEqual(undecided, []);
    assert.equal(allow['onnxruntime-node'], false);
  });
});
