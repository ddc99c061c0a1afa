// What a profile says about the model's answer, by the shape of its outputs: a classifier's
// [batch, classes] gives the top-5 classes; a segmenter's [batch, classes, H, W] gives the classes
// by share of pixels (argmax per pixel); a detector's boxes [N, 4], scores [N] and labels [N]
// (torchvision's export) give the boxes above a score. Any other output says it is none of
// these: no output shape ends in an error. Loops only: outputs can hold millions of values.
import type { RunOutput } from '../engines/ort/session';

export interface Prediction { index: number; label: string; probability: number }
export interface ClassShare { index: number; label: string; share: number }
export interface Detection { index: number; label: string; score: number; box: [number, number, number, number] }

export interface OutputSummary {
  kind: 'classes' | 'segmentation' | 'detections' | 'other';
  predictions: Prediction[] | null;
  segmentation?: ClassShare[];
  detections?: Detection[];
  /** Why predictions is null (an output that is not [batch, classes]). */
  note?: string;
}

/** Boxes at or above this score are reported (torchvision's detection examples use 0.5). */
export const DETECTION_SCORE = 0.5;
/** At most this many boxes (the highest scores). */
export const MAX_DETECTIONS = 20;

const labelOf = (labels: string[] | undefined, i: number): string => labels?.[i] ?? `class ${i}`;

/** Top-k classes; the output is softmaxed first unless it already is a probability distribution. */
export function topK(output: ArrayLike<number>, labels: string[] | undefined, k = 5): Prediction[] {
  const n = output.length;
  let sum = 0;
  let max = -Infinity;
  let outside = false;
  for (let i = 0; i < n; i++) {
    const v = output[i];
    sum += v;
    if (v > max) max = v;
    if (v < 0 || v > 1) outside = true;
  }
  const probs = new Float64Array(n);
  if (outside || Math.abs(sum - 1) > 1e-3) {
    let z = 0;
    for (let i = 0; i < n; i++) { probs[i] = Math.exp(output[i] - max); z += probs[i]; }
    for (let i = 0; i < n; i++) probs[i] /= z;
  } else {
    for (let i = 0; i < n; i++) probs[i] = output[i];
  }
  return best(n, k, (i) => probs[i]).map((i) => ({ index: i, label: labelOf(labels, i), probability: probs[i] }));
}

/** Indices of the k largest values, largest first, in one pass (k is small). */
function best(n: number, k: number, at: (i: number) => number): number[] {
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = at(i);
    if (Number.isNaN(v)) continue;
    if (top.length === k && v <= at(top[k - 1])) continue;
    let j = Math.min(top.length, k - 1);
    while (j > 0 && at(top[j - 1]) < v) j--;
    top.splice(j, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

/** Classes by share of the pixels where each is the highest score, for the first sample. */
export function segmentationShares(data: ArrayLike<number>, dims: number[], labels: string[] | undefined, k = 5): ClassShare[] {
  const [, c, h, w] = dims;
  const plane = h * w;
  const counts = new Float64Array(c);
  for (let p = 0; p < plane; p++) {
    let arg = 0;
    let v = data[p];
    for (let j = 1; j < c; j++) {
      const x = data[j * plane + p];
      if (x > v) { v = x; arg = j; }
    }
    counts[arg]++;
  }
  return best(c, k, (i) => counts[i]).filter((i) => counts[i] > 0)
    .map((i) => ({ index: i, label: labelOf(labels, i), share: counts[i] / plane }));
}

/** torchvision's detection outputs: boxes [N, 4], then scores [N] and labels [N] in either order. */
function detectionParts(outputs: RunOutput[]): { boxes: RunOutput; scores: RunOutput; labels: RunOutput } | undefined {
  const boxes = outputs.find((o) => o.dims.length === 2 && o.dims[1] === 4);
  if (!boxes) return undefined;
  const n = boxes.dims[0];
  const vectors = outputs.filter((o) => o !== boxes && o.dims.length === 1 && o.dims[0] === n);
  if (vectors.length < 2) return undefined;
  // Scores are fractions; labels are whole class numbers.
  const isWhole = (o: RunOutput): boolean => { for (let i = 0; i < o.data.length; i++) if (!Number.isInteger(o.data[i])) return false; return true; };
  const labelsOut = vectors.find(isWhole) ?? vectors[1];
  const scores = vectors.find((o) => o !== labelsOut)!;
  return { boxes, scores, labels: labelsOut };
}

export function detections(outputs: RunOutput[], labels: string[] | undefined): Detection[] | undefined {
  const parts = detectionParts(outputs);
  if (!parts) return undefined;
  const n = parts.boxes.dims[0];
  const keep = best(n, MAX_DETECTIONS, (i) => parts.scores.data[i]).filter((i) => parts.scores.data[i] >= DETECTION_SCORE);
  return keep.map((i) => {
    const b = parts.boxes.data;
    const cls = parts.labels.data[i];
    return { index: cls, label: labelOf(labels, cls), score: parts.scores.data[i], box: [b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]] };
  });
}

/** Reads the outputs of a run at `batch` samples (the first sample answers for all: they are one image). */
export function summarizeOutputs(outputs: RunOutput[], batch: number, labels: string[] | undefined): OutputSummary {
  const found = detections(outputs, labels);
  if (found) return { kind: 'detections', predictions: null, detections: found, note: `a detector: ${found.length} box${found.length === 1 ? '' : 'es'} scored ${DETECTION_SCORE} or more` };
  const first = outputs[0];
  if (!first) return { kind: 'other', predictions: null, note: 'the model has no outputs' };
  const d = first.dims;
  const perSample = first.data.length / Math.max(1, batch);
  const spatial = d.length === 4 && d[2] * d[3] > 1 && d[1] > 1;
  if (spatial) {
    const one = first.data.subarray(0, perSample);
    return { kind: 'segmentation', predictions: null, segmentation: segmentationShares(one, d, labels), note: `a per-pixel output ${JSON.stringify(d)}: classes by share of pixels` };
  }
  // [batch, classes], or [batch, classes, 1, 1]: a classifier.
  const classes = d.length >= 2 && d.slice(2).every((x) => x === 1) ? d[1] : d.length === 1 ? d[0] : 0;
  if (classes > 1 && Number.isInteger(perSample) && perSample === classes) {
    return { kind: 'classes', predictions: topK(first.data.subarray(0, perSample), labels) };
  }
  return { kind: 'other', predictions: null, note: `the output ${JSON.stringify(d)} is not [batch, classes]` };
}
