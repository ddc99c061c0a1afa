// Hostile and odd ONNX files: each is one NetLensError line naming the file and the problem, with
// nothing allocated for what a file merely declares. Plus hand-built graphs for what the
// exports do not cover: a quantized (QDQ and QLinearConv) graph counted by element, unknown ops
// listed as unsupported, and a Shape chain folded, each against figures worked out by hand.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { onnx } from 'onnx-proto';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { loadModel } from '../../src/core/io/loadModel';
import { NetLensError } from '../../src/core/ir/types';
import { isModelGraph } from '../../src/core/ir/graph';
import {
  FLOAT, floatInit, GraphParts, INT32, INT64, int8Init, int, ints, modelBytes, node, placeFixture, reference, smallCnn, UINT8, valueInfo,
} from '../fixtures/onnx/files';

describe('ONNX import: hostile files and hand-built graphs', function () {
  this.timeout(30_000);
  let dir: string;
  let count = 0;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'netlens-onnx-bad-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (bytes: Uint8Array, name = `m${count++}.onnx`, sub = ''): string => {
    const d = join(dir, sub);
    mkdirSync(d, { recursive: true });
    const f = join(d, name);
    writeFileSync(f, bytes);
    return f;
  };

  async function refused(bytes: Uint8Array | string, pattern: RegExp): Promise<void> {
    const file = typeof bytes === 'string' ? bytes : write(bytes);
    await assert.rejects(loadModel(file), (e: Error) => {
      assert.ok(e instanceof NetLensError, `${e.name}: ${e.message}`);
      assert.ok(!e.message.includes('\n'), 'one line');
      assert.ok(e.message.startsWith(file), `names the file: ${e.message}`);
      assert.match(e.message, pattern);
      return true;
    });
  }

  const withInits = (g: GraphParts, f: (inits: onnx.ITensorProto[]) => onnx.ITensorProto[]): GraphParts => ({ ...g, initializers: f(g.initializers ?? []) });

  it('the small CNN loads: a Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain folds, figures by hand', async () => {
    const spec = await loadModel(write(modelBytes(smallCnn())));
    const a = analyzeModel(spec.model);
    assert.deepEqual(a.layers.map((l) => l.className), ['Input', 'Conv', 'Relu', 'MaxPool', 'Reshape', 'Gemm']);
    assert.deepEqual(a.layers.find((l) => l.className === 'Reshape')!.outputShape, [null, 64]);
    // Conv 3x3x3 -> 4 over 8x8 (pads 1): 8*8*4*27 = 6912; Gemm 64 -> 10: 640.
    assert.equal(a.totals.macs, 6912 + 640);
    assert.equal(a.totals.params, 4 * 27 + 4 + 640 + 10);
    assert.deepEqual(a.layers.find((l) => l.className === 'Reshape')!.inbound, ['pool']);
  });

  for (const opset of [7, 9]) {
    it(`opset ${opset}: Upsample with scales as ${opset < 9 ? 'an attribute' : 'an input'}, Squeeze axes as an attribute, a kept BatchNormalization, figures by hand`, async () => {
      const g: GraphParts = {
        nodes: [
          node('Conv', ['x', 'w'], ['c'], '', [ints('kernel_shape', [1, 1])]),
          node('BatchNormalization', ['c', 'g', 'b', 'm', 'v'], ['n']),
          opset < 9 ? node('Upsample', ['n'], ['u'], '', [{ name: 'scales', type: 6, floats: [1, 1, 2, 2] }]) : node('Upsample', ['n', 'scales'], ['u']),
          node('GlobalAveragePool', ['u'], ['p']),
          node('Squeeze', ['p'], ['s'], '', [ints('axes', [2, 3])]),
          node('Gemm', ['s', 'fw'], ['y'], '', [int('transB', 1)]),
        ],
        inputs: [valueInfo('x', [1, 3, 8, 8])],
        outputs: [valueInfo('y', [1, 2])],
        initializers: [floatInit('w', [4, 3, 1, 1]), floatInit('g', [4]), floatInit('b', [4]), floatInit('m', [4]), floatInit('v', [4]),
          floatInit('fw', [2, 4]), ...(opset < 9 ? [] : [floatInit('scales', [4], [1, 1, 2, 2])])],
        opset,
      };
      const a = analyzeModel((await loadModel(write(modelBytes(g)))).model);
      assert.deepEqual(a.layers.map((l) => [l.name, l.outputShape]), [
        ['x', [1, 3, 8, 8]], ['Conv_0', [1, 4, 8, 8]], ['BatchNormalization_1', [1, 4, 8, 8]], ['Upsample_2', [1, 4, 16, 16]],
        ['GlobalAveragePool_3', [1, 4, 1, 1]], ['Squeeze_4', [1, 4]], ['Gemm_5', [1, 2]],
      ]);
      // Conv 1x1x3 -> 4 over 8x8: 768 MACs; Gemm 4 -> 2: 8. BatchNormalization as Keras counts it:
      // scale and bias train, running mean and variance do not.
      assert.equal(a.totals.macs, 768 + 8);
      assert.equal(a.totals.trainableParams, 12 + 8 + 8);
      assert.equal(a.totals.nonTrainableParams, 8);
    });
  }

  for (const [dtype, code] of [['float16', 10], ['bfloat16', 16]] as const) {
    it(`${dtype} weights and activations: params by element, 2 bytes each`, async () => {
      const half = (name: string, dims: number[]): onnx.ITensorProto => ({ name, dims, dataType: code, rawData: new Uint8Array(2 * dims.reduce((a, b) => a * b, 1)) });
      const g: GraphParts = {
        nodes: [node('Conv', ['x', 'w', 'b'], ['y'], '/conv/Conv', [ints('kernel_shape', [3, 3])])],
        inputs: [valueInfo('x', [1, 3, 8, 8], code)],
        outputs: [valueInfo('y', [1, 4, 6, 6], code)],
        initializers: [half('w', [4, 3, 3, 3]), half('b', [4])],
      };
      const a = analyzeModel((await loadModel(write(modelBytes(g)))).model);
      const conv = a.layers.find((l) => l.name === 'conv')!;
      assert.equal(conv.params, 112);
      assert.equal(conv.weightBytes, 224);
      assert.equal(conv.activationBytes, 4 * 6 * 6 * 2);
      assert.equal(conv.macs, 4 * 6 * 6 * 27);
    });
  }

  it('tensors named __proto__, toString and constructor are names like any other', async () => {
    const g = smallCnn();
    g.nodes[0] = node('Conv', ['x', '__proto__', 'toString'], ['c'], '/conv/Conv', [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), int('__proto__', 3)]);
    g.initializers = [...g.initializers!.filter((t) => t.name !== 'w' && t.name !== 'b'), floatInit('__proto__', [4, 3, 3, 3]), floatInit('toString', [4])];
    const a = analyzeModel((await loadModel(write(modelBytes(g)))).model);
    assert.equal(a.totals.params, 4 * 27 + 4 + 640 + 10);
    const missing = smallCnn();
    missing.nodes[1] = node('Relu', ['constructor'], ['r'], '/relu/Relu');
    await refused(modelBytes(missing), /reads tensor "constructor", which no input, initializer or node makes/);
  });

  it('truncated protobuf', async () => {
    const bytes = modelBytes(smallCnn());
    await refused(bytes.subarray(0, Math.floor(bytes.length * 0.6)), /not a valid ONNX protobuf/);
  });

  it('a truncated torchvision export (external data and all)', async () => {
    const ref = reference('resnet18-op13');
    const file = placeFixture('resnet18-op13', join(dir), ref.externalDataBytes);
    const bytes = readFileSync(file);
    await refused(bytes.subarray(0, 9000), /not a valid ONNX protobuf|reads tensor|no node/);
  });

  it('a length prefix that lies (the graph claims 4 GB)', async () => {
    const bytes = Uint8Array.from([0x08, 0x08, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 0x00]);
    await refused(bytes, /not a valid ONNX protobuf/);
  });

  it('a 2^31 input dimension', async () => {
    const g = smallCnn();
    await refused(modelBytes({ ...g, inputs: [valueInfo('x', [1, 3, 2 ** 31, 8])] }), /input x has an absurd dimension 2147483648/);
  });

  it('a 2^31-element initializer declared in a tiny file', async () => {
    const g = withInits(smallCnn(), (inits) => [...inits.filter((t) => t.name !== 'fw'), { name: 'fw', dims: [2 ** 31, 1], dataType: FLOAT, rawData: new Uint8Array(4) }]);
    await refused(modelBytes(g), /initializer fw declares an absurd shape/);
  });

  it('a 2 GB declared tensor in a 1 KB file', async () => {
    // 2^28 float64 elements: 2 GiB declared, 64 bytes held.
    const g = withInits(smallCnn(), (inits) => [...inits.filter((t) => t.name !== 'fw'), { name: 'fw', dims: [2 ** 28], dataType: 11, rawData: new Uint8Array(64) }]);
    const bytes = modelBytes(g);
    assert.ok(bytes.length < 2048, `${bytes.length} bytes`);
    await refused(bytes, /initializer fw declares 2147483648 bytes \(shape \[268435456\], float64\) but holds 64/);
  });

  it('raw data shorter than the shape', async () => {
    const g = withInits(smallCnn(), (inits) => [...inits.filter((t) => t.name !== 'w'), { name: 'w', dims: [4, 3, 3, 3], dataType: FLOAT, rawData: new Uint8Array(100) }]);
    await refused(modelBytes(g), /initializer w declares 432 bytes \(shape \[4, 3, 3, 3\], float32\) but holds 100/);
  });

  it('a cycle', async () => {
    const g: GraphParts = {
      nodes: [node('Relu', ['x', 'b'], ['a'], 'first'), node('Add', ['a', 'x'], ['b'], 'second'), node('Relu', ['b'], ['y'], 'out')],
      inputs: [valueInfo('x', [1, 4])],
      outputs: [valueInfo('y', [1, 4])],
    };
    await refused(modelBytes(g), /the graph has a cycle through "first", "second"/);
  });

  it('a missing input', async () => {
    const g = smallCnn();
    g.nodes[1] = node('Relu', ['nowhere'], ['r'], '/relu/Relu');
    await refused(modelBytes(g), /node "relu" \(Relu\) reads tensor "nowhere", which no input, initializer or node makes/);
  });

  it('an initializer named twice', async () => {
    const g = withInits(smallCnn(), (inits) => [...inits, floatInit('b', [4])]);
    await refused(modelBytes(g), /names tensor b twice/);
  });

  it('two nodes writing one tensor', async () => {
    const g = smallCnn();
    g.nodes.splice(2, 0, node('Relu', ['c'], ['r'], '/relu2/Relu'));
    await refused(modelBytes(g), /writes tensor "r", which is already written by another node/);
  });

  it('an opset outside 7..21', async () => {
    await refused(modelBytes({ ...smallCnn(), opset: 6 }), /opset 6 is not supported; NetLens reads opsets 7 to 21/);
  });

  describe('external data', () => {
    const external = (location: string): Uint8Array => modelBytes(withInits(smallCnn(), (inits) => [
      ...inits.filter((t) => t.name !== 'fw'),
      { name: 'fw', dims: [10, 64], dataType: FLOAT, dataLocation: 1, externalData: [{ key: 'location', value: location }] },
    ]));

    it('inside the folder: loads (length and offset checked against the file)', async () => {
      const file = write(external('weights/fw.bin'), 'ok.onnx', 'ext-ok');
      mkdirSync(join(dir, 'ext-ok', 'weights'));
      writeFileSync(join(dir, 'ext-ok', 'weights', 'fw.bin'), new Uint8Array(640 * 4));
      const a = analyzeModel((await loadModel(file)).model);
      assert.equal(a.totals.params, 4 * 27 + 4 + 640 + 10);
      writeFileSync(join(dir, 'ext-ok', 'weights', 'fw.bin'), new Uint8Array(100));
      await refused(file, /initializer fw declares 2560 bytes .* but its external data holds 100/);
    });

    it('leaving the folder with ..', async () => {
      writeFileSync(join(dir, 'secret.bin'), new Uint8Array(2560));
      await refused(write(external('../secret.bin'), 'a.onnx', 'ext-up'), /external data location \.\.\/secret\.bin leaves the model's folder/);
    });

    it('an absolute path', async () => {
      await refused(write(external('/etc/passwd'), 'b.onnx', 'ext-abs'), /is absolute or a URL/);
    });

    it('a symlink out of the folder', async () => {
      writeFileSync(join(dir, 'outside.bin'), new Uint8Array(2560));
      const file = write(external('link.bin'), 'c.onnx', 'ext-link');
      symlinkSync(join(dir, 'outside.bin'), join(dir, 'ext-link', 'link.bin'));
      await refused(file, /is a link that leaves the model's folder/);
    });

    it('missing: the graph still opens with its params from the declared shapes, and says which file it lacks', async () => {
      const spec = await loadModel(write(external('gone.bin'), 'd.onnx', 'ext-gone'));
      assert.ok(isModelGraph(spec.model));
      assert.deepEqual(spec.model.missingWeights, ['gone.bin']);
      const a = analyzeModel(spec.model);
      assert.ok(a.totals.params > 0, 'params come from the initializer shapes');
    });
  });

  it('an unknown op is listed as unsupported, not counted as zero, and the layers after it still analyse', async () => {
    const g = smallCnn();
    g.nodes[1] = { ...node('FancyAct', ['c'], ['r'], '/act/FancyAct'), domain: 'com.example' };
    const a = analyzeModel((await loadModel(write(modelBytes(g)))).model);
    assert.deepEqual(a.unsupported, [{ name: 'act', className: 'com.example.FancyAct' }]);
    assert.equal(a.layers.find((l) => l.name === 'act')!.category, 'unsupported');
    assert.equal(a.totals.macs, 6912 + 640);
  });

  it('a value_info shape that contradicts the computed one is refused, naming both', async () => {
    const g = smallCnn();
    const model = modelBytes(g);
    const withInfo = modelBytes({ ...g, outputs: [valueInfo('y', ['batch', 11])] });
    assert.ok(model.length > 0);
    await refused(withInfo, /computed output shape \[null, 10\] but the file declares \[null, 11\] for tensor "y"/);
  });

  it('a quantized graph (QDQ weights, QLinearConv) is counted by element: int8 weights are params of 1 byte', async () => {
    // x (float) -> QuantizeLinear -> QLinearConv (int8 weight 8x3x3x3, int32 bias) -> DequantizeLinear
    //           -> DequantizeLinear(int8 fc weight 10x512) -> MatMul
    const scalar = (name: string, type: number, v = 0): onnx.ITensorProto => (type === FLOAT
      ? floatInit(name, [], [v || 0.1]) : { name, dims: [], dataType: type, rawData: new Uint8Array(type === INT32 ? 4 : 1) });
    const g: GraphParts = {
      nodes: [
        node('QuantizeLinear', ['x', 'xs', 'xz'], ['xq'], '/quant'),
        node('QLinearConv', ['xq', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz', 'bias'], ['yq'], '/conv/QLinearConv', [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]),
        node('DequantizeLinear', ['yq', 'ys', 'yz'], ['y'], '/dequant'),
        node('Flatten', ['y'], ['f'], '/Flatten', [int('axis', 1)]),
        node('DequantizeLinear', ['fcw', 'ws', 'wz'], ['fcwf'], '/fc/dq'),
        node('MatMul', ['f', 'fcwf'], ['out'], '/fc/MatMul'),
      ],
      inputs: [valueInfo('x', [1, 3, 8, 8])],
      outputs: [valueInfo('out', [1, 10])],
      initializers: [
        scalar('xs', FLOAT), scalar('xz', UINT8), scalar('ws', FLOAT), scalar('ys', FLOAT), scalar('yz', UINT8),
        { name: 'wz', dims: [], dataType: 3, rawData: new Uint8Array(1) },
        int8Init('w', [8, 3, 3, 3]), { name: 'bias', dims: [8], dataType: INT32, rawData: new Uint8Array(32) },
        int8Init('fcw', [512, 10]),
      ],
      opset: 13,
    };
    const a = analyzeModel((await loadModel(write(modelBytes(g)))).model);
    const conv = a.layers.find((l) => l.className === 'QLinearConv')!;
    assert.equal(conv.params, 8 * 27 + 8); // int8 weight + int32 bias; scales and zero points are settings
    assert.equal(conv.weightBytes, 8 * 27 + 8 * 4);
    assert.equal(conv.macs, 8 * 8 * 8 * 27);
    assert.deepEqual(conv.outputShape, [1, 8, 8, 8]);
    assert.equal(conv.activationBytes, 512, 'a uint8 activation is 1 byte per element');
    const dq = a.layers.find((l) => l.name === 'fc.dq')!;
    assert.equal(dq.params, 5120);
    assert.equal(dq.weightBytes, 5120);
    assert.equal(a.layers.find((l) => l.className === 'MatMul')!.macs, 5120);
    assert.deepEqual(a.unsupported, []);
    assert.ok(INT64 > 0);
  });
});
