// The tfjs layers Keras Applications need (src/core/engines/tfjs/kerasApplications.ts) against Keras'
// definitions written out as plain loops: grouped Conv2D (ConvNeXt), global pooling with keepdims
// (MobileNetV3) and InceptionResNetV2's CustomScaleLayer; and the zoo models that use them build.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { Conv2D, CustomScaleLayer, GlobalAveragePooling2D, GlobalMaxPooling2D } from '../../src/core/engines/tfjs/kerasApplications';
import { cpuBackend } from './helpers/tfjs';

/** Deterministic values in [-1, 1). */
const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (((i + 1) * 7919 * seed) % 2000) / 1000 - 1);

/**
 * Keras' grouped convolution, channels_last, batch 1: output channel o sees only the input
 * channels of its group; kernel [kh, kw, cin / groups, cout]; 'same' pads (k - 1) / 2 in front for odd k.
 */
function groupedConv(x: number[], [h, w, cin]: number[], k: number[], kh: number, cout: number, groups: number, bias: number[], stride: number, same: boolean): { out: number[]; shape: number[] } {
  const pad = same ? (kh - 1) / 2 : 0;
  const ho = same ? Math.ceil(h / stride) : Math.floor((h - kh) / stride) + 1;
  const wo = same ? Math.ceil(w / stride) : Math.floor((w - kh) / stride) + 1;
  const cg = cin / groups;
  const og = cout / groups;
  const out: number[] = [];
  for (let y = 0; y < ho; y++) {
    for (let z = 0; z < wo; z++) {
      for (let o = 0; o < cout; o++) {
        const g = Math.floor(o / og);
        let s = bias[o];
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kh; j++) {
            const yy = y * stride + i - pad;
            const zz = z * stride + j - pad;
            if (yy < 0 || zz < 0 || yy >= h || zz >= w) continue;
            for (let c = 0; c < cg; c++) s += x[(yy * w + zz) * cin + g * cg + c] * k[((i * kh + j) * cg + c) * cout + o];
          }
        }
        out.push(s);
      }
    }
  }
  return { out, shape: [1, ho, wo, cout] };
}

function close(got: Float32Array | Int32Array | Uint8Array, want: number[]): void {
  assert.equal(got.length, want.length);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-4, `element ${i}: ${v} vs ${want[i]}`));
}

describe('tfjs layers for Keras Applications against Keras\' definitions', () => {
  before(async () => { await cpuBackend(); });

  const cases: [string, number, number, number, number, boolean][] = [
    // name, cin, cout, groups, stride, same
    ['depthwise (groups = channels, as ConvNeXt)', 4, 4, 4, 1, true],
    ['depthwise with multiplier 2', 3, 6, 3, 1, true],
    ['2 groups, stride 2, valid', 4, 6, 2, 2, false],
    ['groups = 1 (tfjs\' own Conv2D path)', 3, 5, 1, 1, true],
  ];
  for (const [label, cin, cout, groups, stride, same] of cases) {
    it(`Conv2D groups: ${label}`, () => {
      const shape = [7, 6, cin];
      const x = values(shape[0] * shape[1] * cin, 3);
      const k = values(3 * 3 * (cin / groups) * cout, 5);
      const b = values(cout, 11);
      const layer = new Conv2D({ filters: cout, kernelSize: 3, strides: stride, padding: same ? 'same' : 'valid', groups });
      const input = tf.tensor4d(x, [1, ...shape] as [number, number, number, number]);
      layer.apply(input); // builds
      layer.setWeights([tf.tensor4d(k, [3, 3, cin / groups, cout]), tf.tensor1d(b)]);
      const y = layer.apply(input) as tf.Tensor;
      const want = groupedConv(x, shape, k, 3, cout, groups, b, stride, same);
      assert.deepEqual(y.shape, want.shape);
      assert.deepEqual(layer.computeOutputShape([null, ...shape]), [null, ...want.shape.slice(1)]);
      close(y.dataSync(), want.out);
    });
  }

  it('GlobalAveragePooling2D / GlobalMaxPooling2D with keepdims keep [1, 1] spatial axes; without, tfjs\' rank 2', () => {
    const x = values(3 * 4 * 2, 7);
    const input = tf.tensor4d(x, [1, 3, 4, 2]);
    const mean = [0, 1].map((c) => x.filter((_, i) => i % 2 === c).reduce((s, v) => s + v, 0) / 12);
    const max = [0, 1].map((c) => Math.max(...x.filter((_, i) => i % 2 === c)));
    const avgKeep = new GlobalAveragePooling2D({ keepdims: true });
    const y = avgKeep.apply(input) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 1, 1, 2]);
    assert.deepEqual(avgKeep.computeOutputShape([null, 3, 4, 2]), [null, 1, 1, 2]);
    close(y.dataSync(), mean);
    const maxFlat = new GlobalMaxPooling2D({}).apply(input) as tf.Tensor;
    assert.deepEqual(maxFlat.shape, [1, 2]);
    close(maxFlat.dataSync(), max);
  });

  it('CustomScaleLayer: inputs[0] + inputs[1] * scale', () => {
    const a = values(8, 2);
    const r = values(8, 9);
    const y = new CustomScaleLayer({ scale: 0.17 }).apply([tf.tensor2d(a, [2, 4]), tf.tensor2d(r, [2, 4])]) as tf.Tensor;
    close(y.dataSync(), a.map((v, i) => v + r[i] * 0.17));
  });
});
