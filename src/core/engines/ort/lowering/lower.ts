// Keras functional config + weights -> an ONNX model in memory (opset 17), encoded with the ONNX
// message definitions from npm (onnx-proto, protobufjs). The ONNX input is the Keras input
// (NHWC float32, batch dimension symbolic) and the output is the Keras output, in Keras' order.
import { onnx } from 'onnx-proto';
import { analyzeModel } from '../../../analysis/analyze';
import { KerasLayer, KerasModel, kerasModelOf, ModelSpec, NamedWeight, NetLensError } from '../../../ir/types';
import { OnnxGraph, tensorType } from './graph';
import { identity, Value } from './perm';
import { KERAS_LOWERINGS } from '../../../layers';
import type { KerasLowering, LowerInput, LoweringInput } from '../../../layers/kind';
import { lookup } from '../../../safeLookup';

export const ONNX_OPSET = 17;
/** IR version 8 is the first that carries opset 17. */
const IR_VERSION = 8;

export interface LoweredOnnx {
  bytes: Uint8Array;
  inputName: string;
  outputName: string;
  /** ONNX node name -> Keras layer name. */
  nodeLayer: Record<string, string>;
  opset: number;
}

export interface PlannedLayer {
  layer: KerasLayer;
  inbound: string[];
  input: LoweringInput;
  /** Undefined for InputLayer and for classes without an ONNX lowering. */
  rule: KerasLowering | undefined;
}

/** Keras 3 wrote this config (its hard_sigmoid differs from Keras 2's and tfjs'). */
const isKeras3 = (model: KerasModel): boolean => /^3\./.test(model.keras_version ?? '');

/** The layers in topological order with their Keras shapes (from the analyser) and ONNX rules. */
export function layerPlan(spec: ModelSpec): PlannedLayer[] {
  const model = kerasModelOf(spec, 'Lowering to ONNX');
  const analysis = analyzeModel(model);
  const byName = new Map(model.config.layers.map((l) => [l.name, l]));
  const shapes = new Map(analysis.layers.map((l) => [l.name, l.outputShape]));
  const consumers = new Map<string, string[]>();
  for (const l of analysis.layers) for (const src of l.inbound) consumers.set(src, [...(consumers.get(src) ?? []), l.className]);
  return analysis.layers.map((stats) => {
    const layer = byName.get(stats.name)!;
    return {
      layer,
      inbound: stats.inbound,
      input: {
        name: stats.name, cfg: layer.config, consumers: consumers.get(stats.name) ?? [],
        inShapes: stats.inbound.map((n) => shapes.get(n)!), outShape: stats.outputShape,
      },
      rule: lookup(KERAS_LOWERINGS, stats.className),
    };
  });
}

/** Layers that cannot be lowered to ONNX, with the reason (unknown class, or a configuration the rule refuses). */
export function onnxUnsupported(spec: ModelSpec): { name: string; className: string; reason: string }[] {
  const out: { name: string; className: string; reason: string }[] = [];
  for (const p of layerPlan(spec)) {
    if (p.layer.class_name === 'InputLayer') continue;
    const reason = p.rule ? p.rule.unsupported?.(p.input) : `no ONNX rule for ${p.layer.class_name}`;
    if (reason) out.push({ name: p.layer.name, className: p.layer.class_name, reason });
  }
  return out;
}

export function lowerToOnnx(spec: ModelSpec, weights: NamedWeight[]): LoweredOnnx {
  const plan = layerPlan(spec);
  const refused = onnxUnsupported(spec);
  if (refused.length > 0) {
    const first = refused[0];
    throw new NetLensError(`cannot lower "${spec.name}" to ONNX: layer "${first.name}" (${first.className}): ${first.reason}` +
      (refused.length > 1 ? ` (and ${refused.length - 1} more)` : ''));
  }
  const keras = kerasModelOf(spec, 'Lowering to ONNX');
  const inputs = keras.config.input_layers ?? [];
  const outputs = keras.config.output_layers ?? [];
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new NetLensError(`cannot lower "${spec.name}" to ONNX: it has ${inputs.length} inputs and ${outputs.length} outputs, lowering needs one of each`);
  }
  const byWeightName = new Map(weights.map((w) => [w.name, w]));
  const g = new OnnxGraph(isKeras3(keras));
  const values = new Map<string, Value>();
  const graphInputs: onnx.IValueInfoProto[] = [];

  for (const p of plan) {
    const name = p.layer.name;
    if (p.layer.class_name === 'InputLayer') {
      const v = g.reserveValue(name);
      graphInputs.push({ name: v, type: tensorType(p.input.outShape) });
      values.set(name, { name: v, perm: identity(p.input.outShape.length), layer: name });
      continue;
    }
    const expected = new Map((p.rule!.weights?.(p.input) ?? []).map((w) => [w.attr, w.shape]));
    const r: LowerInput = {
      ...p.input,
      g,
      inputs: p.inbound.map((n) => values.get(n)!),
      weight: (attr) => {
        const full = `${name}/${attr}`;
        const w = byWeightName.get(full);
        if (!w) throw new NetLensError(`cannot lower "${spec.name}" to ONNX: no weights for ${full}`);
        const shape = expected.get(attr);
        if (shape && (shape.length !== w.shape.length || shape.some((d, i) => d !== w.shape[i]))) {
          throw new NetLensError(`cannot lower "${spec.name}" to ONNX: weight ${full} has shape [${w.shape}], the layer needs [${shape}]`);
        }
        return w.data;
      },
    };
    values.set(name, p.rule!.lower(r));
  }

  const outLayer = outputs[0][0];
  const last = g.layout(values.get(outLayer)!, identity(values.get(outLayer)!.perm.length));
  const outShape = plan.find((p) => p.layer.name === outLayer)!.input.outShape;
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    producerName: 'NetLens',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: {
      name: spec.name,
      node: g.nodes,
      initializer: g.initializers,
      input: graphInputs,
      output: [{ name: last.name, type: tensorType(outShape) }],
    },
  };
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    inputName: graphInputs[0].name!,
    outputName: last.name,
    nodeLayer: g.nodeLayer,
    opset: ONNX_OPSET,
  };
}
