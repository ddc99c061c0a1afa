// An ONNX graph under construction: nodes named after Keras layers, initializers, and the layout
// of every value. Keras is channels-last; convolutions in ONNX are channels-first. Rather than
// transposing around every layer, each value records how its axes are ordered relative to the
// Keras tensor it stands for, and a Transpose is added only where a consumer needs another order
// (once at the input for a plain CNN, once more before Flatten/Reshape/Dense of an image).
import { onnx } from 'onnx-proto';
import { NetLensError } from '../../../ir/types';
import { attr } from './attr';
import { isIdentity, NCHW, Perm, samePerm, Value } from './perm';

function rawFloats(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export class OnnxGraph {
  /** Keras 3 changed some definitions (hard_sigmoid); the config's keras_version says which apply. */
  constructor(readonly keras3 = false) {}

  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  /** ONNX node name -> Keras layer name. */
  readonly nodeLayer: Record<string, string> = {};
  private readonly valueNames = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private readonly transposed = new Map<string, Value>();
  private readonly scalars = new Map<number, string>();

  /** A name not used yet in `taken`: the base itself, else base_1, base_2, ... */
  private unique(taken: Set<string>, base: string): string {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  }

  reserveValue(base: string): string {
    return this.unique(this.valueNames, base);
  }

  /**
   * Adds one node for `layer`. The node is named `name` (the layer name for a layer's main node,
   * `<layer>/<part>` for helpers); its output value gets the same name where free.
   */
  node(layer: string, name: string, op: string, inputs: string[], attributes: onnx.IAttributeProto[] = []): string {
    const nodeName = this.unique(this.nodeNames, name);
    const output = this.reserveValue(nodeName);
    // An own property even for a layer named "__proto__" (names come from files).
    Object.defineProperty(this.nodeLayer, nodeName, { value: layer, enumerable: true, writable: true, configurable: true });
    this.nodes.push({ name: nodeName, opType: op, input: inputs, output: [output], attribute: attributes });
    return output;
  }

  floatTensor(name: string, dims: number[], data: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new NetLensError(`ONNX lowering: ${name} has ${data.length} values, its shape [${dims}] needs ${expected}`);
    const n = this.reserveValue(name);
    this.initializers.push({ name: n, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: rawFloats(data) });
    return n;
  }

  int64Tensor(name: string, values: number[]): string {
    const n = this.reserveValue(name);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name: n, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(data.buffer) });
    return n;
  }

  /** A float32 scalar initializer, shared by every node that needs the same constant. */
  scalar(value: number): string {
    const known = this.scalars.get(value);
    if (known) return known;
    const n = this.reserveValue(`const/${value}`);
    this.initializers.push({ name: n, dims: [], dataType: onnx.TensorProto.DataType.FLOAT, rawData: rawFloats(Float32Array.of(value)) });
    this.scalars.set(value, n);
    return n;
  }

  /**
   * The value with its axes in order `want` (relative to its Keras tensor). Adds one Transpose,
   * named after the producing layer, the first time an order is asked for, and reuses it after.
   */
  layout(v: Value, want: Perm): Value {
    if (samePerm(v.perm, want)) return v;
    if (v.perm.length !== want.length) throw new NetLensError(`ONNX lowering: "${v.layer}" is rank ${v.perm.length}, asked for rank ${want.length}`);
    const key = `${v.name}|${want.join(',')}`;
    const done = this.transposed.get(key);
    if (done) return done;
    const t = want.map((axis) => v.perm.indexOf(axis));
    const part = isIdentity(want) ? 'to_keras' : samePerm(want, NCHW) ? 'to_nchw' : `transpose_${want.join('')}`;
    const name = this.node(v.layer, `${v.layer}/${part}`, 'Transpose', [v.name], [attr.ints('perm', t)]);
    const out = { name, perm: want, layer: v.layer };
    this.transposed.set(key, out);
    return out;
  }
}

/** A float tensor's ONNX type with the batch dimension symbolic. */
export function tensorType(shape: (number | null)[]): onnx.ITypeProto {
  return {
    tensorType: {
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape: { dim: shape.map((d, i) => (d === null ? { dimParam: i === 0 ? 'batch' : `d${i}` } : { dimValue: d })) },
    },
  };
}
