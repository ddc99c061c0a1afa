// A successful `netlens profile` prints nothing on stderr: the native engines' own lines (Dawn and
// the Vulkan loader while the backend chain looks for a WebGPU adapter) and tfjs' Node banner are
// dropped (src/cli/quietNative.ts); --verbose prints them; errors still reach stderr as one line.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { StderrFilter, wantsQuietChild } from '../../src/cli/quietNative';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** What this machine's ONNX Runtime printed on a profile (Dawn with Mesa's lavapipe and no GPU), and tfjs' banner. */
const NATIVE = [
  'error: XDG_RUNTIME_DIR is invalid or not set in the environment.',
  'error: XDG_RUNTIME_DIR is invalid or not set in the environment.',
  'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.',
  ' - While initializing adapter (backend=BackendType::Vulkan)',
  '    at InitializeImpl (/build/Release/_deps/dawn-src/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:253)',
  '',
  'Warning: Couldn\'t load Vulkan: libvulkan.so.1: cannot open shared object file',
  '',
  '============================',
  'Hi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend, visit https://github.com/tensorflow/tfjs-node for more details. ',
  '============================',
  '2026-12-04 20:30:01.1 [W:onnxruntime:, session_state.cc:1280 VerifyEachNodeIsAssignedToAnEp] Some nodes were not assigned to the preferred execution providers',
].join('\n') + '\n';

const filtered = (chunks: string[]): string => {
  const f = new StderrFilter();
  return chunks.map((c) => f.push(c)).join('') + f.end();
};

describe('cli: quiet stderr on success', () => {
  it('drops the native and tfjs lines, in one chunk or split anywhere', () => {
    assert.equal(filtered([NATIVE]), '');
    const pieces: string[] = [];
    for (let i = 0; i < NATIVE.length; i += 7) pieces.push(NATIVE.slice(i, i + 7));
    assert.equal(filtered(pieces), '');
  });

  it('keeps NetLens\'s own lines (errors, warnings, stack lines not after native noise) and the progress line', () => {
    const own = 'netlens: unknown model "x"\nnetlens: some layers are unsupported: a (Foo)\n';
    assert.equal(filtered([NATIVE, own]), own);
    assert.equal(filtered(['netlens: internal error: Error: boom\n    at f (a.js:1:1)\n']), 'netlens: internal error: Error: boom\n    at f (a.js:1:1)\n');
    // Progress: "\r\x1b[K40% warm-up" goes out at once, without waiting for a line end.
    const f = new StderrFilter();
    assert.equal(f.push('\r\x1b[K40% warm-up'), '\r\x1b[K40% warm-up');
    assert.equal(f.push('\r\x1b[K80% layers'), '\r\x1b[K80% layers');
    assert.equal(f.push('\r\x1b[K'), '\r\x1b[K');
    assert.equal(f.end(), '');
  });

  it('runs profile and machine in a quiet child unless --verbose', () => {
    assert.equal(wantsQuietChild(['profile', 'lenet5']), true);
    assert.equal(wantsQuietChild(['machine']), true);
    assert.equal(wantsQuietChild(['profile', 'lenet5', '--verbose']), false);
    assert.equal(wantsQuietChild(['summary', 'lenet5']), false);
    assert.equal(wantsQuietChild(['profile', 'lenet5'], { NETLENS_CLI_QUIET_CHILD: '1' }), false);
  });

  it('`netlens profile lenet5` writes nothing on stderr; with --verbose tfjs\' banner is there; an error is one line, exit 1', function () {
    this.timeout(120_000);
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'profile', 'lenet5', '--runs', '1', '--warmup', '0', ...args], { encoding: 'utf8', timeout: 100_000 });
    const quiet = run();
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');
    assert.match(quiet.stdout, /^model lenet5, backend /);
    const loud = run('--verbose');
    assert.equal(loud.status, 0, loud.stderr);
    assert.match(loud.stderr, /Hi, looks like you are running TensorFlow\.js in Node\.js/);
    const bad = run('--runs', 'zero');
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /^netlens: /);
  });
});
