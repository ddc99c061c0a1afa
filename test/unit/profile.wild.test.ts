// Profiles of models that are not one-image classifiers (issue 19): what the outputs say by their
// shape (classes, classes by pixel share, boxes, or none of these), seeded random inputs of any
// dtype and rank (a video clip, token ids, several inputs), and the segmenter, detector and video
// model of scripts/onnx-fixtures-wild.py run on ONNX Runtime's CPU provider (weights as zeros).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../src/core/io/loadModel';
import { NetLensError } from '../../src/core/ir/types';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { concreteDims, randomFeed, randomFeeds } from '../../src/core/profile/modelFeeds';
import { readOnnxGraph } from '../../src/core/engines/ort/graph';
import { segmentationShares, summarizeOutputs, topK } from '../../src/core/profile/outputSummary';
import { profileModel } from '../../src/core/profile/profile';
import { floatInit, modelBytes, node, placeFixture, valueInfo } from '../fixtures/onnx/files';
import { SAMPLES } from './profileFixtures';

const WILD = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx-wild');
const image = join(SAMPLES, 'chelsea.png');
/** The Conv layers of a model, by name. */
const analyzeConvs = (spec: Awaited<ReturnType<typeof loadModel>>): string[] =>
  analyzeModel(spec.model).layers.filter((l) => l.className === 'Conv').map((l) => l.name);
const out = (name: string, dims: number[], values: number[]) => ({ name, dims, data: Float32Array.from(values) });

describe('profiles beyond the one-image classifier', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'netlens-wild-profile-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const place = (name: string): string => {
    const ref = JSON.parse(readFileSync(join(WILD, `${name}.reference.json`), 'utf8')) as { externalDataBytes: number };
    return placeFixture(name, dir, ref.externalDataBytes, WILD);
  };

  describe('what the outputs say', () => {
    it('[batch, classes]: the top classes, softmaxed when the output is logits', () => {
      const s = summarizeOutputs([out('logits', [1, 4], [0, 2, 1, -1])], 1, ['a', 'b', 'c', 'd']);
      assert.equal(s.kind, 'classes');
      const z = 1 + Math.exp(2) + Math.exp(1) + Math.exp(-1);
      assert.deepEqual(s.predictions!.map((p) => p.label), ['b', 'c', 'a', 'd']);
      assert.ok(Math.abs(s.predictions![0].probability - Math.exp(2) / z) < 1e-12);
    });

    it('[batch, classes, H, W]: classes by share of the pixels where each scores highest', () => {
      // 3 classes over 2x2 pixels: class 2 wins two pixels, classes 0 and 1 one each.
      const data = [
        9, 0, 0, 0, // class 0
        0, 9, 0, 0, // class 1
        1, 1, 9, 9, // class 2
      ];
      const s = summarizeOutputs([out('mask', [1, 3, 2, 2], data)], 1, undefined);
      assert.equal(s.kind, 'segmentation');
      assert.equal(s.predictions, null);
      assert.deepEqual(s.segmentation, [{ index: 2, label: 'class 2', share: 0.5 }, { index: 0, label: 'class 0', share: 0.25 }, { index: 1, label: 'class 1', share: 0.25 }]);
    });

    it('a million-value output is summarised by loops (it overflowed the stack in Math.max before)', () => {
      const big = new Float32Array(21 * 224 * 224);
      big[5 * 224 * 224 + 7] = 1;
      assert.deepEqual(segmentationShares(big, [1, 21, 224, 224], undefined, 2).map((c) => c.index), [0, 5]);
      assert.equal(topK(new Float32Array(2_000_000), undefined, 1).length, 1);
    });

    it('boxes [N, 4], scores [N], labels [N]: the boxes scored 0.5 or more, highest first', () => {
      const s = summarizeOutputs([
        out('boxes', [3, 4], [0, 0, 10, 10, 5, 5, 20, 20, 1, 1, 2, 2]),
        out('scores', [3], [0.9, 0.3, 0.7]),
        out('labels', [3], [17, 3, 1]),
      ], 1, undefined);
      assert.equal(s.kind, 'detections');
      assert.deepEqual(s.detections!.map((d) => [d.index, d.score, d.box]), [[17, 0.8999999761581421, [0, 0, 10, 10]], [1, 0.699999988079071, [1, 1, 2, 2]]]);
    });

    it('any other shape is named, never an error', () => {
      for (const dims of [[1, 7, 3], [1, 1], [2, 3, 4, 5, 6], []]) {
        const n = dims.reduce((a, d) => a * d, 1);
        const s = summarizeOutputs([out('y', dims, new Array(n).fill(0.5))], 1, undefined);
        assert.ok(['other', 'classes', 'segmentation'].includes(s.kind), JSON.stringify(dims));
      }
      assert.equal(summarizeOutputs([out('y', [1, 7, 3], new Array(21).fill(0))], 1, undefined).kind, 'other');
      assert.equal(summarizeOutputs([], 1, undefined).kind, 'other');
    });
  });

  describe('seeded random inputs', () => {
    const spec = (type: 'float32' | 'int64' | 'bool', dims: (number | null)[], dimParams: (string | null)[] = dims.map(() => null)) => ({ name: 'x', type, dims, dimParams });

    it('floats uniform in [-1, 1), integers in [0, 100), bools 0/1; the same seed gives the same data', () => {
      const f = randomFeed(spec('float32', [1, 1000]), [1, 1000], 0).data as Float32Array;
      assert.ok(f.every((v) => v >= -1 && v < 1));
      assert.ok(Math.abs(f.reduce((a, b) => a + b, 0) / f.length) < 0.1, 'centred');
      assert.deepEqual(randomFeed(spec('float32', [1, 1000]), [1, 1000], 0).data, f);
      const t = randomFeed(spec('int64', [1, 50]), [1, 50], 1).data as BigInt64Array;
      assert.ok(t instanceof BigInt64Array && [...t].every((v) => v >= 0n && v < 100n));
      const b = randomFeed(spec('bool', [64]), [64], 2).data as Uint8Array;
      assert.ok([...b].every((v) => v === 0 || v === 1) && b.some((v) => v === 1) && b.some((v) => v === 0));
    });

    it('free dimensions: the leading one is the batch, named ones take --dim, others 1; oversized feeds are refused before allocating', () => {
      const s = spec('float32', [null, 3, null, null], ['batch', null, 'h', 'w']);
      assert.deepEqual(concreteDims(s, 4, { h: 32 }), [4, 3, 32, 1]);
      assert.throws(() => randomFeed(s, [64, 3, 4096, 4096], 0), (e: Error) => e instanceof NetLensError && /feeds at most/.test(e.message));
    });

    it('reads every graph input of a model, with its dtype', () => {
      const bytes = modelBytes(tokenModel());
      const specs = readOnnxGraph(bytes, 'tokens').inputSpecs();
      assert.deepEqual(specs.map((s) => [s.name, s.type, s.dims]), [['ids', 'int64', [1, 6]], ['bias', 'float32', [1, 6, 4]]]);
      assert.equal(randomFeeds(specs, 1).length, 2);
    });
  });

  /** Token ids (int64) through an embedding table, plus a second float input: two inputs, one of them integers. */
  function tokenModel() {
    return {
      nodes: [
        node('Gather', ['table', 'ids'], ['e'], '/embed/Gather'),
        node('Add', ['e', 'bias'], ['y'], '/Add'),
      ],
      inputs: [valueInfo('ids', [1, 6], 7), valueInfo('bias', [1, 6, 4])],
      outputs: [valueInfo('y', [1, 6, 4])],
      initializers: [floatInit('table', [100, 4])],
    };
  }

  describe('on ONNX Runtime (CPU)', () => {
    it('a segmenter (LR-ASPP at 520x520) profiles and reports classes by pixel share', async () => {
      const r = await profileModel(await loadModel(place('lraspp')), image, { backend: 'onnxruntime', runs: 1, warmup: 0 });
      assert.equal(r.outputKind, 'segmentation');
      assert.equal(r.predictions, null);
      const total = r.segmentation!.reduce((a, c) => a + c.share, 0);
      assert.ok(total > 0 && total <= 1 + 1e-9);
      assert.ok(r.layers.length > 50);
    });

    it('a detector (SSDlite) profiles through its post-processing and reports the boxes above 0.5', async () => {
      const r = await profileModel(await loadModel(place('ssdlite320')), image, { backend: 'onnxruntime', runs: 1, warmup: 0 });
      assert.equal(r.outputKind, 'detections');
      assert.ok(Array.isArray(r.detections));
      assert.ok(r.detections!.every((d) => d.score >= 0.5 && d.box.length === 4));
    });

    it('a video model (R3D-18, 5-D input) is refused an image in one line and profiles with --input random', async () => {
      const spec = await loadModel(place('r3d_18'));
      await assert.rejects(profileModel(spec, image, { backend: 'onnxruntime', runs: 1, warmup: 0 }),
        (e: Error) => e instanceof NetLensError && /with an image: its input \[1,3,16,112,112\].*--input random/.test(e.message));
      const r = await profileModel(spec, '', { backend: 'onnxruntime', runs: 1, warmup: 0, feed: 'random' });
      assert.equal(r.feed, 'random');
      assert.deepEqual(r.input, [null, 3, 16, 112, 112]);
      assert.equal(r.predictions, null, 'no classes for random data');
      assert.equal(r.outputKind, 'classes');
      assert.ok(r.layers.some((l) => l.className === 'Conv'));
    });

    it('a model with an int64 token input and a second float input profiles on random inputs', async () => {
      const file = join(dir, 'tokens.onnx');
      writeFileSync(file, modelBytes(tokenModel()));
      const r = await profileModel(await loadModel(file), '', { backend: 'onnxruntime', runs: 2, warmup: 1, feed: 'random' });
      assert.equal(r.feed, 'random');
      assert.ok(r.layers.length >= 1);
      await assert.rejects(profileModel(await loadModel(file), image, { backend: 'onnxruntime', runs: 1, warmup: 0 }), /with an image|2 inputs/);
    });

    it('every other fixture profiles, each output read without an error: ViT and Swin (small), ResNet-18 as functions, control flow, nested functions', async () => {
      const cases: [string, string | undefined][] = [['vit-tiny', 'classes'], ['swin-tiny', 'classes'], ['resnet18-functions', 'classes'], ['control-flow', undefined], ['nested-functions', undefined]];
      for (const [name, kind] of cases) {
        const ref = (() => { try { return JSON.parse(readFileSync(join(WILD, `${name}.reference.json`), 'utf8')) as { externalDataBytes?: number }; } catch { return {}; } })();
        const file = placeFixture(name, dir, ref.externalDataBytes, WILD);
        const spec = await loadModel(file);
        const r = await profileModel(spec, image, { backend: 'onnxruntime', runs: 1, warmup: 0 });
        assert.ok(r.layers.length > 0, name);
        assert.ok(r.outputKind, `${name}: an output kind`);
        if (kind) assert.equal(r.outputKind, kind, name);
        if (kind === 'classes') assert.equal(r.predictions!.length, 5, name);
      }
    });

    it('ViT and Swin (small, with their weights): the top-5 classes on the cat photo equal PyTorch\'s, in order', async () => {
      for (const name of ['vit-tiny', 'swin-tiny']) {
        const ref = JSON.parse(readFileSync(join(WILD, `${name}.reference.json`), 'utf8')) as { imageTop5: number[] };
        const r = await profileModel(await loadModel(join(WILD, `${name}.onnx`)), image, { backend: 'onnxruntime', runs: 1, warmup: 0 });
        assert.equal(r.preprocessing, 'torch');
        assert.deepEqual(r.predictions!.map((p) => p.index), ref.imageTop5, name);
      }
    });

    it('functions: ONNX Runtime\'s kernels for inlined bodies are attributed to the body\'s layers (fused at "all", one each when unoptimised, nested calls too)', async () => {
      const ref = JSON.parse(readFileSync(join(WILD, 'resnet18-functions.reference.json'), 'utf8')) as { externalDataBytes: number };
      const spec = await loadModel(placeFixture('resnet18-functions', dir, ref.externalDataBytes, WILD));
      const all = await profileModel(spec, image, { backend: 'onnxruntime', runs: 1, warmup: 0 });
      assert.ok(all.layers.every((l) => !/_inlfunc_/.test(l.name)), 'no kernel left under ONNX Runtime\'s own name');
      const convs = analyzeConvs(spec);
      const covered = new Set(all.layers.flatMap((l) => [l.name, ...(l.fusedWith ?? [])]));
      assert.deepEqual(convs.filter((c) => !covered.has(c)), [], 'every Conv of the bodies ran in a kernel of its own or fused');
      const nested = await loadModel(join(WILD, 'nested-functions.onnx'));
      const plain = await profileModel(nested, image, { backend: 'onnxruntime', runs: 1, warmup: 0, optimization: 'disabled' });
      const kernels = Object.fromEntries(plain.layers.map((l) => [l.name, l.kernels]));
      assert.deepEqual(kernels['block1.second.act'], ['LeakyRelu _inlfunc_Inner_token_1_act']);
      assert.deepEqual(kernels['block2.add'], ['Add _inlfunc_Outer_token_0_add']);
      assert.equal(plain.layers.length, 12);
    });

    it('a model whose weights file is not beside it draws, and its profile names the missing file', async () => {
      const ref = JSON.parse(readFileSync(join(WILD, 'lraspp.reference.json'), 'utf8')) as { params: number };
      const sub = mkdtempSync(join(dir, 'noweights-'));
      const file = placeFixture('lraspp', sub, undefined, WILD);
      const spec = await loadModel(file);
      assert.equal(analyzeModel(spec.model).totals.params, ref.params);
      await assert.rejects(profileModel(spec, image, { backend: 'onnxruntime', runs: 1, warmup: 0 }),
        (e: Error) => e instanceof NetLensError && /lraspp cannot run without its weights: "lraspp\.onnx\.data" is not beside the model/.test(e.message));
    });
  });
});
