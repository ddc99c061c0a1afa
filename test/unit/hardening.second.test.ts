// Issue 24, the second hostile review: each case is built by a small generator (test/fixtures/
// hostile.ts) and must end quickly with one clear NetLensError line or a right result. Work is
// asserted by counting operations where the code exposes them (wall time on a shared machine is
// noisy), with generous time bounds as a backstop.
import * as assert from 'node:assert/strict';
import { readOnnx } from '../../src/core/io/onnxModel';
import { pytorchNaming, MAX_BLOCK_DEPTH } from '../../src/core/io/onnxNames';
import { UniqueNames } from '../../src/core/io/uniqueNames';
import type { KerasModel } from '../../src/core/ir/types';
import { parseModelJson } from './helpers/modelJson';
import { kerasNestedSameNames, onnxDeepScopes, onnxSameNames } from '../fixtures/hostile';

const seconds = (f: () => unknown): number => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};

describe('hardening, second pass (issue 24)', function () {
  this.timeout(60_000);

  describe('naming is linear', () => {
    it('UniqueNames: 200,000 duplicates of one name cost about one try each', () => {
      const u = new UniqueNames();
      const names = Array.from({ length: 200_000 }, () => u.take('relu'));
      assert.equal(names[0], 'relu');
      assert.equal(names[1], 'relu_2');
      assert.equal(names[199_999], 'relu_200000');
      assert.equal(new Set(names).size, 200_000);
      assert.ok(u.tries <= 200_001, `${u.tries} tries`);
    });

    it('UniqueNames: a suffix the file already uses is skipped once, never tried again', () => {
      const u = new UniqueNames(['relu', 'relu_3', 'relu_4']);
      assert.deepEqual([u.take('relu'), u.take('relu'), u.take('relu'), u.take('relu_3')], ['relu_2', 'relu_5', 'relu_6', 'relu_3_2']);
      // Taken names interleaved with 50,000 duplicates: every candidate tried at most once.
      const reserved = Array.from({ length: 50_000 }, (_, i) => `x_${2 * i + 2}`);
      const v = new UniqueNames(['x', ...reserved]);
      for (let i = 0; i < 50_000; i++) v.take('x');
      assert.ok(v.tries <= 100_001 + 50_000, `${v.tries} tries`);
    });

    it('200,000 ONNX nodes all named "relu" import within seconds, names as before (relu, relu_2, ...)', () => {
      const bytes = onnxSameNames(199_990);
      let names: string[] = [];
      const s = seconds(() => { names = readOnnx(bytes, undefined, 'same').graph.nodes.map((n) => n.name); });
      assert.equal(names.length, 199_991);
      assert.deepEqual(names.slice(0, 4), ['x', 'relu', 'relu_2', 'relu_3']);
      assert.equal(new Set(names).size, names.length);
      assert.ok(s < 20, `${s.toFixed(1)} s (20,000 took 12-52 s before)`);
    });

    it('a nested Keras model of 200,000 layers named alike flattens within seconds', () => {
      let layers: string[] = [];
      const s = seconds(() => { layers = (parseModelJson(kerasNestedSameNames(200_000), 'nested').model as KerasModel).config.layers.map((l) => l.name); });
      assert.equal(layers.length, 200_002);
      // The top-level "relu" keeps its name; the nested ones are prefixed with their model's name.
      assert.deepEqual(layers.slice(0, 4), ['input', 'inner_relu', 'inner_relu_1', 'inner_relu_2']);
      assert.equal(layers[layers.length - 1], 'relu');
      assert.equal(new Set(layers).size, layers.length);
      assert.ok(s < 20, `${s.toFixed(1)} s (20,000 took 29-54 s before)`);
    });
  });

  describe('scope prefixes are shared, not copied', () => {
    it('8,000 nodes 480 modules deep: one block per depth up to the cap, within seconds and memory', () => {
      const before = process.memoryUsage().heapUsed;
      let r: ReturnType<typeof readOnnx> | undefined;
      const s = seconds(() => { r = readOnnx(onnxDeepScopes(8000, 480), undefined, 'deep'); });
      const grown = process.memoryUsage().heapUsed - before;
      assert.equal(r!.groups.length, MAX_BLOCK_DEPTH);
      assert.equal(r!.groups[0].id, 'a');
      assert.equal(r!.groups[1].parent, 'a');
      const inner = r!.groups[MAX_BLOCK_DEPTH - 1].id;
      assert.equal(inner, Array.from({ length: MAX_BLOCK_DEPTH }, () => 'a').join('.'));
      // Every layer is drawn in the deepest block kept.
      assert.ok(r!.graph.nodes.slice(1).every((n) => r!.layerGroup[n.name] === inner));
      assert.ok(s < 20, `${s.toFixed(1)} s`);
      assert.ok(grown < 600e6, `${(grown / 1e6).toFixed(0)} MB of heap (1.8-2 GB before)`);
    });

    it('naming as torch writes it: Sequential children, leaf modules, op names, the stem', () => {
      const n = (source: string, op = 'Conv') => ({ source, op });
      const r = pytorchNaming([
        n('/conv1/Conv'), n('/relu/Relu', 'Relu'),
        n('/layer1/layer1.0/conv1/Conv'), n('/layer1/layer1.0/Add', 'Add'), n('/layer1/layer1.0/relu/Relu', 'Relu'), n('/layer1/layer1.0/relu/Relu_1', 'Relu'),
        n('/layer1/layer1.1/conv1/Conv'), n('/layer1/layer1.1/conv1/Conv'), n('plain'), n('', 'Gemm'),
      ], new Set(['x']));
      assert.deepEqual(r.names, ['conv1', 'relu', 'layer1.0.conv1', 'layer1.0.Add', 'layer1.0.relu.Relu', 'layer1.0.relu.Relu_1',
        'layer1.1.conv1.Conv', 'layer1.1.conv1.Conv_2', 'plain', 'Gemm_9']);
      assert.deepEqual(r.groups.map((g) => [g.id, g.parent]), [['stem', null], ['layer1', null], ['layer1.0', 'layer1'], ['layer1.0.relu', 'layer1.0'], ['layer1.1', 'layer1'], ['layer1.1.conv1', 'layer1.1']]);
      assert.equal(r.layerGroup['conv1'], 'stem');
      assert.equal(r.layerGroup['layer1.0.relu.Relu'], 'layer1.0.relu');
      assert.equal(r.layerGroup['layer1.0.Add'], 'layer1.0');
    });
  });
});
