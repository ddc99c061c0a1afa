// What an ONNX Runtime profile feeds: the image as the model's single input (resized and
// preprocessed with tfjs' cpu kernels, the same code as the tfjs path), or seeded random data for
// every input (--input random: video clips, token ids, several inputs; modelFeeds.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ModelSpec, NetLensError, Preprocessing, Shape } from '../../ir/types';
import type { DecodedImage } from '../../profile/image';
import { InputSpec, ModelFeed, randomFeeds } from '../../profile/modelFeeds';
import { imageToInput, preprocessingFor } from '../tfjs/preprocess';
import { imageLayout } from '../../profile/inputKind';
import type { ProfileStage } from '../../profile/result';

/** What the runs feed, and how the result describes it. */
export interface FedInput {
  /** The first input's data and dimensions (the GPU layout check and read-back feed them). */
  data: Float32Array;
  dims: number[];
  /** Every input by name, when random data feeds the model (undefined: the image feeds its one input). */
  feeds?: ModelFeed[];
  /** The input shape as the result reports it (batch left open). */
  shape: Shape;
  preprocessing?: Preprocessing;
}

type Say = (stage: ProfileStage, message: string, fraction: number) => void;

export function repeat(one: Float32Array, n: number): Float32Array {
  const out = new Float32Array(one.length * n);
  for (let i = 0; i < n; i++) out.set(one, i * one.length);
  return out;
}

export async function imageInput(spec: ModelSpec, inputDims: (number | null)[], img: DecodedImage | undefined, batch: number, say: Say): Promise<FedInput> {
  const shape = imageLayout(inputDims);
  if (!shape) {
    throw new NetLensError(`cannot profile ${spec.name} with an image: its input ${JSON.stringify(inputDims)} is not [batch, height, width, channels] or [batch, channels, height, width] with 1 or 3 channels (profile it with --input random)`);
  }
  if (!img) throw new NetLensError(`cannot profile ${spec.name}: no image given (give one, or --input random)`);
  // (No backend chosen yet in this process: pick cpu rather than let tfjs start its best, wasm.)
  if (!(tf.engine() as unknown as { backendInstance?: unknown }).backendInstance) await tf.setBackend('cpu');
  const pre = preprocessingFor(spec, shape.c);
  say('image', `resizing ${img.width}x${img.height} to ${shape.w}x${shape.h}, preprocessing "${pre}"`, 0.08);
  const one = tf.tidy(() => {
    const x = imageToInput(img, shape.h, shape.w, shape.c, pre);
    return (shape.layout === 'NCHW' ? tf.transpose(x, [0, 3, 1, 2]) : x).dataSync() as Float32Array;
  });
  const fixedBatch = inputDims[0];
  if (batch !== 1 && typeof fixedBatch === 'number' && fixedBatch !== batch) {
    throw new NetLensError(`cannot profile ${spec.name} at batch ${batch}: its ONNX input has a fixed batch of ${fixedBatch} (${JSON.stringify(inputDims)})`);
  }
  return {
    data: batch === 1 ? one : repeat(one, batch),
    dims: shape.layout === 'NCHW' ? [batch, shape.c, shape.h, shape.w] : [batch, shape.h, shape.w, shape.c],
    shape: shape.layout === 'NCHW' ? [null, shape.c, shape.h, shape.w] : [null, shape.h, shape.w, shape.c],
    preprocessing: pre,
  };
}

export function randomInput(specs: InputSpec[], source: string, batch: number, dims: Record<string, number> | undefined, say: Say): FedInput {
  if (specs.length === 0) throw new NetLensError(`${source}: the model has no inputs to feed`);
  const feeds = randomFeeds(specs, batch, dims);
  say('image', `seeded random data for ${feeds.map((f) => `${f.name} ${f.type}[${f.dims.join(', ')}]`).join(', ')}`, 0.08);
  const first = feeds[0];
  return {
    data: first.data instanceof Float32Array ? first.data : Float32Array.from(first.data as ArrayLike<number>, Number),
    dims: first.dims,
    feeds,
    shape: [null, ...first.dims.slice(1)],
  };
}
