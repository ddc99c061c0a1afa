// `netlens profile` (dist/cli.js, built by `npm test`) and the profile reports: the JSON contract
// of docs/contracts.md, CSV / Markdown / HTML exports, the text table, and one-line errors with exit 1.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProfileResult } from '../../src/core/profile/result';
import { byTime, formatFromPath, profileCsv, profileMarkdown, profileText } from '../../src/core/report/profileReport';
import { profileBarChart, profileHtml } from '../../src/core/report/profileHtml';
import { SAMPLES, hugePngHeader } from './profileFixtures';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const cli = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [CLI, 'profile', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const CONTRACT_KEYS = ['model', 'backend', 'image', 'weights', 'runs', 'warmup', 'endToEndMs', 'sumLayerMs', 'overhead', 'peakBytes', 'layers', 'predictions'];
const LAYER_KEYS = ['name', 'className', 'ms', 'bytes', 'tensors', 'gflops'];

/** A hand-made result with awkward names, for the formatters. */
function sample(): ProfileResult {
  const layer = (name: string, median: number, className = 'Conv2D') =>
    ({ name, className, ms: { median, min: median * 0.9, max: median * 1.2 }, bytes: 4096, tensors: 2, gflops: 1.5 });
  const layers = [layer('conv,1', 2), layer('<script>alert(1)</script>', 5, 'Dense'), layer('pipe|name', 1, 'ReLU')];
  return {
    model: 'toy', backend: 'wasm', image: '/x/y/cat.png', weights: 'loaded', runs: 3, warmup: 1,
    endToEndMs: { median: 8.5, min: 8, max: 9 }, sumLayerMs: 8, overhead: 8 / 8.5, peakBytes: 123456, layers,
    predictions: [{ index: 281, label: 'tabby, "cat"', probability: 0.75 }, { index: 0, label: 'dog', probability: 0.25 }],
    backendLabel: 'wasm (SIMD, 2 threads, threaded build)',
    backendSteps: [{ backend: 'tensorflow-gpu', ok: false, detail: 'not installed' }, { backend: 'wasm', ok: true, detail: 'wasm (SIMD)' }],
  };
}

describe('profile: reports', () => {
  it('sorts layers by time, slowest first, ties in model order', () => {
    const r = sample();
    assert.deepEqual(byTime(r.layers).map((l) => l.name), ['<script>alert(1)</script>', 'conv,1', 'pipe|name']);
  });

  it('CSV has a header and one quoted-where-needed row per layer in model order', () => {
    const lines = profileCsv(sample()).trimEnd().split('\n');
    assert.equal(lines[0], 'index,name,className,median_ms,min_ms,max_ms,share_of_sum,bytes,tensors,gflops,fusedWith,measured_ms,measured_bytes,untimed');
    assert.equal(lines.length, 4);
    assert.equal(lines[1], '0,"conv,1",Conv2D,2,1.8,2.4,0.25,4096,2,1.5,,,,');
  });

  it('Markdown has the summary, the chain, a sorted table with escaped pipes, and predictions', () => {
    const md = profileMarkdown(sample());
    assert.match(md, /^# Profile: toy\n/);
    assert.match(md, /\| tensorflow-gpu \| no \| not installed \|/);
    // A name from a file is HTML-escaped: no tag reaches a rendered page (issue 24).
    assert.match(md, /\| 1 \| &lt;script&gt;alert\(1\)&lt;\/script&gt; \|  \| Dense \| 5\.00 \|/);
    assert.match(md, /\| 3 \| pipe\\\|name \|  \| ReLU \|/);
    assert.match(md, /## All 3 layers, slowest first/);
    assert.match(md, /\| 1 \| tabby, "cat" \| 75\.00% \|/);
    const none = profileMarkdown({ ...sample(), weights: 'random', predictions: null, predictionsNote: 'random weights: x' });
    assert.match(none, /None: random weights: x\./);
  });

  it('the HTML page escapes names and draws one bar per top layer', () => {
    const html = profileHtml(sample(), { nonce: 'abc', hostButtons: true });
    assert.ok(!html.includes('<script>alert(1)'), 'layer names are escaped');
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /Content-Security-Policy.*'nonce-abc'/);
    assert.match(html, /data-format="csv"/);
    assert.equal((profileBarChart(sample()).match(/class="bar"/g) ?? []).length, 3);
    assert.equal((profileBarChart(sample(), 2).match(/class="bar"/g) ?? []).length, 2);
  });

  it('fused runs read as what ran: page rows "a + b + c", a headline that accounts for every layer, CSV/Markdown fusedWith and measured', () => {
    const r = sample();
    r.engine = 'onnxruntime';
    r.layers = [
      { ...r.layers[0], name: 'conv1_conv', fusedWith: ['conv1_pad', 'conv1_bn', 'conv1_relu'], measured: { ms: true, bytes: true } },
      { ...r.layers[1], name: 'res_conv', fusedWith: ['res_bn', 'res_add', 'res_out|x'], measured: { ms: true, bytes: false } },
      { ...r.layers[2], name: 'drop', className: 'Dropout', ms: { median: 0, min: 0, max: 0 }, fusedWith: [], measured: { ms: false, bytes: false }, untimed: 'removed as a no-op' },
      { ...r.layers[2], name: 'fc', className: 'Dense', fusedWith: [], measured: { ms: true, bytes: true } },
    ];
    r.fusedLayers = 6;
    const html = profileHtml(r, { nonce: 'abc' });
    assert.match(html, /<h2 id="layers-title">3 kernels covering 10 layers \(6 fused into 2 kernels\); 1 layer without a kernel of its own<\/h2>/);
    assert.match(html, /<td data-v="conv1_conv" class="fused" title="one kernel: conv1_conv \+ conv1_pad \+ conv1_bn \+ conv1_relu">conv1_conv \+ conv1_pad \+ conv1_bn \+ conv1_relu<\/td>/);
    assert.match(html, />drop <span class="dim">\(removed as a no-op\)<\/span><\/td>/);
    assert.ok(!html.includes('All 4 layers'));
    const csv = profileCsv(r).trimEnd().split('\n');
    assert.match(csv[1], /,conv1_pad;conv1_bn;conv1_relu,true,true,$/);
    assert.match(csv[2], /,res_bn;res_add;res_out\|x,true,false,$/);
    assert.match(csv[3], /,,false,false,removed as a no-op$/);
    const md = profileMarkdown(r);
    assert.match(md, /## 3 kernels covering 10 layers \(6 fused into 2 kernels\); 1 layer without a kernel of its own, slowest first/);
    assert.match(md, /\| res_conv \| res_bn, res_add, res_out\\\|x \| Dense \| 5\.00 \|.* \| time, bytes computed \|/);
    assert.match(md, /\| drop \|  \| Dropout \|.* \| no time \(removed as a no-op\), bytes computed \|/);
    // Without fusion (tfjs, or ONNX Runtime at "disabled") the headline is the plain count.
    assert.match(profileHtml(sample()), /<h2 id="layers-title">All 3 layers<\/h2>/);
  });

  it('the text table says how many layers it shows', () => {
    const t = profileText(sample(), 2);
    assert.match(t, /slowest 2 of 3 layers:/);
    assert.match(t, /top-5 predictions:\n {2}1\. tabby, "cat" {2}75\.00%/);
    assert.match(profileText(sample(), 0), /all 3 layers, slowest first:/);
  });

  it('picks the export format from the file name', () => {
    assert.equal(formatFromPath('a/b.CSV'), 'csv');
    assert.equal(formatFromPath('r.markdown'), 'md');
    assert.equal(formatFromPath('r.json'), 'json');
    assert.equal(formatFromPath('r.txt'), undefined);
  });
});

describe('profile: netlens profile CLI', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'netlens-cli-'));

  it('--json prints the contract object', () => {
    const r = cli('lenet5', '--image', join(SAMPLES, 'coffee.png'), '--backend', 'wasm', '--runs', '3', '--warmup', '1', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as ProfileResult;
    for (const k of CONTRACT_KEYS) assert.ok(k in j, `key ${k}`);
    for (const l of j.layers) for (const k of LAYER_KEYS) assert.ok(k in l, `layer key ${k}`);
    assert.equal(j.model, 'lenet5');
    assert.equal(j.backend, 'wasm');
    assert.equal(j.weights, 'random');
    assert.equal(j.predictions, null);
    assert.deepEqual([j.runs, j.warmup], [3, 1]);
    assert.equal(typeof j.endToEndMs.median, 'number');
  });

  it('prints a table by default with the bundled sample image, and writes --out files', () => {
    for (const ext of ['csv', 'md', 'json']) {
      const out = join(dir, `lenet5.${ext}`);
      const r = cli('lenet5', '--runs', '2', '--out', out);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^model lenet5, backend onnxruntime 1\.30\.0 \(CPU execution provider, \d+ threads?\), all graph optimizations/);
      assert.match(r.out, /image chelsea\.png -> 32x32x1 \(grayscale01 preprocessing\), weights random/);
      assert.match(r.out, /all 9 layers, slowest first:/);
      assert.match(r.out, /predictions: none \(random weights/);
      assert.match(r.out, new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      const text = readFileSync(out, 'utf8');
      // ONNX Runtime: 8 layers plus the InputLayer, whose entry is the input's NHWC -> NCHW Transpose.
      if (ext === 'csv') assert.equal(text.trimEnd().split('\n').length, 10);
      if (ext === 'md') assert.match(text, /^# Profile: lenet5/);
      if (ext === 'json') assert.equal((JSON.parse(text) as ProfileResult).layers.length, 9);
    }
  });

  it('fails with one line and exit 1 on bad input', () => {
    const notImage = join(dir, 'notes.png');
    writeFileSync(notImage, 'just text');
    const huge = join(dir, 'huge.png');
    writeFileSync(huge, hugePngHeader(20000, 20000));
    const cases: [string[], RegExp][] = [
      [['lenet5', '--image', notImage], /^netlens: notes\.png is not a PNG or JPEG image: it looks like text \("just text"\)$/],
      [['lenet5', '--image', huge], /^netlens: huge\.png: PNG is 20000x20000 \(400 MP\);.*refused before decoding/],
      [['lenet5', '--backend', 'tensorflow'], /^netlens: backend "tensorflow" is not available: .*npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/],
      [['lenet5', '--backend', 'webgl'], /^netlens: backend must be one of auto, cuda, webgpu, onnxruntime, tensorflow, wasm, cpu, got "webgl"$/],
      [['lenet5', '--runs', '0'], /^netlens: --runs must be a positive integer, got "0"$/],
      [['lenet5', '--warmup', '-1'], /^netlens: /],
      [['lenet5', '--out', join(dir, 'x.txt')], /^netlens: --out must end in \.json, \.csv, \.md or \.html/],
      [['nope_net'], /^netlens: unknown model "nope_net"/],
      [[], /^netlens: usage: netlens profile/],
    ];
    for (const [args, pattern] of cases) {
      const r = cli(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: exit ${r.code}, stderr ${r.err}`);
      const lines = r.err.trim().split('\n').filter((l) => l.startsWith('netlens:'));
      assert.equal(lines.length, 1, `${args.join(' ')}: ${r.err}`);
      assert.match(lines[0], pattern);
      assert.equal(r.out, '');
    }
  });
});
