// Keras' convolution layers (keras/src/layers/convolutional): Conv2D, DepthwiseConv2D,
// SeparableConv2D, Conv2DTranspose, Conv1D.
import { elements, fail, intPair, known, padding, positiveInt } from '../analysis/config';
import { attr } from '../engines/ort/lowering/attr';
import { depthwiseToOnnx, kernelToOnnx } from '../engines/ort/lowering/layout';
import { LayerKind, LayerKinds, LoweringInput, LowerInput } from './kind';
import {
  convKernel, fusedActivation, fusedActivationUnsupported, imageDims, imagePerm, onnxIntOne, out, steps, useBias,
  window1d, windowAttrs,
} from './lowering';
import {
  bias, convOps, convWindow, image, imageShape, inChannels, intOne, outHW, sequence, sequenceShape, slide1d, windowShape,
} from './spatial';

/** A Conv2D's kernel size, filters, groups and input channels per group (its weights and its node read them alike). */
function convShape(r: LoweringInput): { kh: number; kw: number; f: number; g: number; cin: number } {
  const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
  const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
  return { kh, kw, f: positiveInt(r.name, 'filters', r.cfg.filters), g, cin: imageDims(r).c / g };
}

/** A depthwise kernel [kh, kw, c, m] as a grouped-conv weight [c*m, 1, kh, kw] (output channel c*m + j). */
function depthwiseWeight(r: LowerInput, name: string, data: Float32Array, shape: number[]): string {
  const [kh, kw, c, m] = shape;
  return r.g.floatTensor(name, [c * m, 1, kh, kw], depthwiseToOnnx(data, kh * kw, c * m));
}

/** A depthwise kernel's size, the input channels and the depth multiplier. */
function depthwiseShape(r: LoweringInput): { kh: number; kw: number; c: number; m: number } {
  const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
  return { kh, kw, c: imageDims(r).c, m: positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1) };
}

const conv2d: LayerKind = {
  category: 'conv',
  shape: (r) => windowShape(r, 'kernel_size', () => positiveInt(r.name, 'filters', r.cfg.filters)),
  params: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    const cin = inChannels(r);
    if (cin % g !== 0 || f % g !== 0) fail(r.name, `groups=${g} must divide the ${cin} input and ${f} output channels`);
    return { trainable: kh * kw * (cin / g) * f + (bias(r.cfg) ? f : 0), nonTrainable: 0 };
  },
  macs: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    return (kh * kw * inChannels(r)) / g * elements(r.name, out);
  },
  formula: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const [h, w] = outHW(out, image(r).first);
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    return `${kh}x${kw}x${inChannels(r)}${g > 1 ? `/${g}` : ''} x ${h}x${w} x ${r.cfg.filters}`;
  },
  ops: convOps,
  window: (r) => convWindow(r),
  tfjsClass: 'Conv2D',
  lowering: {
    weights: (r) => {
      const { kh, kw, f, cin } = convShape(r);
      return [
        // A convolution that feeds an Add directly (ResNetV2's branch ends) starts small, like a residual BN's gamma.
        { attr: 'kernel', shape: [kh, kw, cin, f], init: 'kernel', fanIn: kh * kw * cin, gain: r.consumers.includes('Add') ? 0.1 : 2 },
        ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [f], init: 'bias' as const }] : []),
      ];
    },
    unsupported: fusedActivationUnsupported,
    lower: (r) => {
      const perm = imagePerm(r);
      const x = r.g.layout(r.inputs[0], perm);
      const { kh, kw, f, g, cin } = convShape(r);
      const inputs = [x.name, r.g.floatTensor(`${r.name}/kernel`, [f, cin, kh, kw], convKernel(r.weight('kernel'), [kh, kw, cin, f]))];
      if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [f], r.weight('bias')));
      const y = r.g.node(r.name, r.name, 'Conv', inputs, [...windowAttrs(r, 'kernel_size'), attr.int('group', g)]);
      return fusedActivation(r, out(r, y, perm));
    },
  },
};

const depthwiseConv2d: LayerKind = {
  category: 'conv',
  shape: (r) => windowShape(r, 'kernel_size', (img) =>
    img.c === null ? null : img.c * positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1)),
  params: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const m = inChannels(r) * positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1);
    return { trainable: kh * kw * m + (bias(r.cfg) ? m : 0), nonTrainable: 0 };
  },
  // Every output element is one kh x kw window over one input channel.
  macs: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    return kh * kw * elements(r.name, out);
  },
  formula: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const [h, w] = outHW(out, image(r).first);
    const dm = Number(r.cfg.depth_multiplier ?? 1);
    return `${kh}x${kw} x ${h}x${w} x ${inChannels(r)}${dm > 1 ? `x${dm}` : ''}`;
  },
  ops: convOps,
  window: (r) => convWindow(r),
  lowering: {
    weights: (r) => {
      const { kh, kw, c, m } = depthwiseShape(r);
      return [
        { attr: 'depthwise_kernel', shape: [kh, kw, c, m], init: 'kernel', fanIn: kh * kw, gain: 1 },
        ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [c * m], init: 'bias' as const }] : []),
      ];
    },
    unsupported: fusedActivationUnsupported,
    lower: (r) => {
      const perm = imagePerm(r);
      const x = r.g.layout(r.inputs[0], perm);
      const { kh, kw, c, m } = depthwiseShape(r);
      const inputs = [x.name, depthwiseWeight(r, `${r.name}/depthwise_kernel`, r.weight('depthwise_kernel'), [kh, kw, c, m])];
      if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [c * m], r.weight('bias')));
      const y = r.g.node(r.name, r.name, 'Conv', inputs, [...windowAttrs(r, 'kernel_size'), attr.int('group', c)]);
      return fusedActivation(r, out(r, y, perm));
    },
  },
};

const separableConv2d: LayerKind = {
  category: 'conv',
  shape: (r) => windowShape(r, 'kernel_size', () => positiveInt(r.name, 'filters', r.cfg.filters)),
  params: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const m = inChannels(r) * positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1);
    return { trainable: kh * kw * m + m * f + (bias(r.cfg) ? f : 0), nonTrainable: 0 };
  },
  // Depthwise stage (kh x kw per intermediate element) plus pointwise stage (m per output element).
  macs: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const m = inChannels(r) * positiveInt(r.name, 'depth_multiplier', r.cfg.depth_multiplier ?? 1);
    const positions = elements(r.name, out) / f;
    return positions * m * kh * kw + positions * m * f;
  },
  formula: (r, out) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const [h, w] = outHW(out, image(r).first);
    const m = inChannels(r) * Number(r.cfg.depth_multiplier ?? 1);
    return `${kh}x${kw} x ${h}x${w} x ${m} + ${h}x${w} x ${m} x ${r.cfg.filters}`;
  },
  ops: convOps,
  window: (r) => convWindow(r),
  /** Depthwise (helper node "<layer>/depthwise": strides, dilation, padding) then pointwise 1x1 (the main node). */
  lowering: {
    weights: (r) => {
      const { kh, kw, c, m } = depthwiseShape(r);
      const f = positiveInt(r.name, 'filters', r.cfg.filters);
      return [
        { attr: 'depthwise_kernel', shape: [kh, kw, c, m], init: 'kernel', fanIn: kh * kw, gain: 1 },
        { attr: 'pointwise_kernel', shape: [1, 1, c * m, f], init: 'kernel', fanIn: c * m },
        ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [f], init: 'bias' as const }] : []),
      ];
    },
    unsupported: fusedActivationUnsupported,
    lower: (r) => {
      const perm = imagePerm(r);
      const x = r.g.layout(r.inputs[0], perm);
      const { kh, kw, c, m } = depthwiseShape(r);
      const f = positiveInt(r.name, 'filters', r.cfg.filters);
      const dw = depthwiseWeight(r, `${r.name}/depthwise_kernel`, r.weight('depthwise_kernel'), [kh, kw, c, m]);
      const mid = r.g.node(r.name, `${r.name}/depthwise`, 'Conv', [x.name, dw], [...windowAttrs(r, 'kernel_size'), attr.int('group', c)]);
      const pw = r.g.floatTensor(`${r.name}/pointwise_kernel`, [f, c * m, 1, 1], convKernel(r.weight('pointwise_kernel'), [1, 1, c * m, f]));
      const inputs = [mid, pw];
      if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [f], r.weight('bias')));
      const y = r.g.node(r.name, r.name, 'Conv', inputs, [attr.ints('kernel_shape', [1, 1])]);
      return fusedActivation(r, out(r, y, perm));
    },
  },
};

const conv2dTranspose: LayerKind = {
  category: 'conv',
  shape: (r) => {
    const img = image(r);
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const [sh, sw] = intPair(r.name, r.cfg, 'strides', 1);
    const p = padding(r.name, r.cfg);
    const up = (len: number | null, k: number, s: number): number | null =>
      len === null ? null : p === 'same' ? len * s : (len - 1) * s + k;
    return imageShape(img.first, up(img.h, kh, sh), up(img.w, kw, sw), positiveInt(r.name, 'filters', r.cfg.filters));
  },
  params: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    return { trainable: kh * kw * inChannels(r) * f + (bias(r.cfg) ? f : 0), nonTrainable: 0 };
  },
  // Every input element is scattered through a kh x kw x filters kernel.
  macs: (r) => {
    const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
    return elements(r.name, r.inputs[0]) * kh * kw * positiveInt(r.name, 'filters', r.cfg.filters);
  },
  ops: convOps,
  window: (r) => convWindow(r),
  /**
   * ConvTranspose. "valid": out = (in - 1) * s + k. "same": out = in * s, cropping k - s pixels
   * split as TensorFlow's forward "same" convolution pads (the odd one after); when k < s the
   * missing s - k pixels come from output_padding at the end.
   */
  lowering: {
    weights: (r) => {
      const [kh, kw] = intPair(r.name, r.cfg, 'kernel_size');
      const f = positiveInt(r.name, 'filters', r.cfg.filters);
      const c = imageDims(r).c;
      return [
        { attr: 'kernel', shape: [kh, kw, f, c], init: 'kernel', fanIn: kh * kw * c },
        ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [f], init: 'bias' as const }] : []),
      ];
    },
    unsupported: (r) => {
      const d = intPair(r.name, r.cfg, 'dilation_rate', 1);
      if (d[0] !== 1 || d[1] !== 1) return 'dilated transposed convolution has no ONNX lowering';
      if (r.cfg.output_padding !== undefined && r.cfg.output_padding !== null) return 'output_padding has no ONNX lowering';
      return fusedActivationUnsupported(r);
    },
    lower: (r) => {
      const perm = imagePerm(r);
      const x = r.g.layout(r.inputs[0], perm);
      const k = intPair(r.name, r.cfg, 'kernel_size');
      const s = intPair(r.name, r.cfg, 'strides', 1);
      const f = positiveInt(r.name, 'filters', r.cfg.filters);
      const c = imageDims(r).c;
      const pads = [0, 0, 0, 0];
      const extra = [0, 0];
      if (padding(r.name, r.cfg) === 'same') {
        for (let i = 0; i < 2; i++) {
          const crop = k[i] - s[i];
          if (crop >= 0) { pads[i] = Math.floor(crop / 2); pads[i + 2] = crop - pads[i]; } else extra[i] = -crop;
        }
      }
      // Keras [kh, kw, out, in] -> ONNX ConvTranspose [in, out, kh, kw].
      const w = r.g.floatTensor(`${r.name}/kernel`, [c, f, k[0], k[1]], kernelToOnnx(r.weight('kernel'), k[0] * k[1], f, c));
      const inputs = [x.name, w];
      if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [f], r.weight('bias')));
      const y = r.g.node(r.name, r.name, 'ConvTranspose', inputs, [
        attr.ints('kernel_shape', k), attr.ints('strides', s), attr.ints('pads', pads), attr.ints('output_padding', extra),
      ]);
      return fusedActivation(r, out(r, y, perm));
    },
  },
};

const conv1d: LayerKind = {
  category: 'conv',
  shape: (r) => sequenceShape(sequence(r).first, slide1d(r, 'kernel_size'), positiveInt(r.name, 'filters', r.cfg.filters)),
  params: (r) => {
    const k = intOne(r, 'kernel_size');
    const f = positiveInt(r.name, 'filters', r.cfg.filters);
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    const cin = known(r.name, sequence(r).c, 'the channel dimension');
    if (cin % g !== 0 || f % g !== 0) fail(r.name, `groups=${g} must divide the ${cin} input and ${f} output channels`);
    return { trainable: k * (cin / g) * f + (bias(r.cfg) ? f : 0), nonTrainable: 0 };
  },
  macs: (r, out) => {
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    return (intOne(r, 'kernel_size') * known(r.name, sequence(r).c, 'the channel dimension')) / g * elements(r.name, out);
  },
  formula: (r, out) => {
    const first = sequence(r).first;
    const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
    return `${intOne(r, 'kernel_size')}x${sequence(r).c}${g > 1 ? `/${g}` : ''} x ${first ? out[2] : out[1]} x ${r.cfg.filters}`;
  },
  ops: convOps,
  window: (r) => {
    const d = intOne(r, 'dilation_rate', 1);
    return { kernel: [(intOne(r, 'kernel_size') - 1) * d + 1, 1], stride: [intOne(r, 'strides', 1), 1] };
  },
  tfjsClass: 'NetLensCausalConv1D',
  lowering: {
    weights: (r) => {
      const k = onnxIntOne(r, 'kernel_size');
      const f = positiveInt(r.name, 'filters', r.cfg.filters);
      const cin = steps(r).c / positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
      return [
        { attr: 'kernel', shape: [k, cin, f], init: 'kernel', fanIn: k * cin },
        ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [f], init: 'bias' as const }] : []),
      ];
    },
    unsupported: fusedActivationUnsupported,
    lower: (r) => {
      const perm = imagePerm(r);
      const x = r.g.layout(r.inputs[0], perm);
      const k = onnxIntOne(r, 'kernel_size');
      const f = positiveInt(r.name, 'filters', r.cfg.filters);
      const g = positiveInt(r.name, 'groups', r.cfg.groups ?? 1);
      const cin = steps(r).c / g;
      const inputs = [x.name, r.g.floatTensor(`${r.name}/kernel`, [f, cin, k], kernelToOnnx(r.weight('kernel'), k, cin, f))];
      if (useBias(r.cfg)) inputs.push(r.g.floatTensor(`${r.name}/bias`, [f], r.weight('bias')));
      const y = r.g.node(r.name, r.name, 'Conv', inputs, [...window1d(r, 'kernel_size', onnxIntOne(r, 'strides', 1), true), attr.int('group', g)]);
      return fusedActivation(r, out(r, y, perm));
    },
  },
};

export const CONVOLUTIONAL_KINDS: LayerKinds = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Conv2DTranspose: conv2dTranspose,
  Conv1D: conv1d,
};
