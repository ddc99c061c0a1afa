// Which image preprocessing to profile a model file with. A file does not say how its model was
// trained to see images, so the first profile asks (a quick pick), the answer is remembered per
// model file in the workspace state, and the profile page can change it. Zoo models never ask:
// each keeps its Keras family's preprocess_input mode. Nor does a Keras file whose first layers
// (past resizing and augmentation) are Rescaling/Normalization: the model process reads it and the
// view graph it answers says so (core/profile/selfRescaling.ts); such a file is profiled with its
// own default ('none', raw 0..255 pixels, stated in the result). That answer comes from the file
// each time and is not stored as the user's choice, so a file replaced by one that does not
// rescale itself is asked about; a choice the user made (the profile page's Preprocessing button)
// is stored and wins over it.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { Preprocessing } from '../core/ir/types';
import type { SelfRescaling } from '../core/profile/selfRescaling';
import { PREPROCESSING_LABELS, PREPROCESSINGS } from '../core/profile/preprocessModes';
import type { ModelRef } from '../protocol/modelRef';

/** 'auto': the model decides ('none' when it starts with Rescaling/Normalization, otherwise 'tf'). */
export type PreprocessingChoice = Preprocessing | 'auto';

const STATE_KEY = 'netlens.preprocessingByModel';

type FileRef = Extract<ModelRef, { kind: 'file' }>;

function stored(state: vscode.Memento): Record<string, PreprocessingChoice> {
  const v = state.get<unknown>(STATE_KEY);
  return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, PreprocessingChoice> : {};
}

/** The remembered choice for a model file, if any (own keys only: paths are user data). */
export function rememberedPreprocessing(state: vscode.Memento, model: FileRef): PreprocessingChoice | undefined {
  const all = stored(state);
  if (!Object.prototype.hasOwnProperty.call(all, model.path)) return undefined;
  const v = all[model.path];
  return v === 'auto' || (PREPROCESSINGS as string[]).includes(v) ? v : undefined;
}

async function remember(state: vscode.Memento, model: FileRef, choice: PreprocessingChoice): Promise<void> {
  await state.update(STATE_KEY, { ...stored(state), [model.path]: choice });
}

/**
 * What the question highlights for a file never answered: `torch` for an ONNX file (almost always
 * a PyTorch export: torchvision's ImageNet mean/std), else 'auto' (the model decides).
 */
export function defaultPreprocessing(model: FileRef): PreprocessingChoice {
  return model.format === 'onnx' ? 'torch' : 'auto';
}

/**
 * Asks for a model file's preprocessing; undefined when the pick is dismissed. The highlighted
 * item, which Enter picks, is the first one: the file's current answer, else its default
 * (defaultPreprocessing); the others follow in their usual order.
 */
export async function pickPreprocessing(state: vscode.Memento, model: FileRef): Promise<PreprocessingChoice | undefined> {
  const current = rememberedPreprocessing(state, model);
  const first = current ?? defaultPreprocessing(model);
  const onnx = model.format === 'onnx';
  type Item = vscode.QuickPickItem & { value: PreprocessingChoice };
  const options: Item[] = [
    { label: 'auto', description: 'the model decides', detail: 'none if its first layers are Rescaling/Normalization, otherwise tf ([-1, 1])', value: 'auto' },
    ...PREPROCESSINGS.map((p): Item => {
      const [label, detail] = PREPROCESSING_LABELS[p].split(/:\s*/, 2);
      return { label, detail, value: p };
    }),
  ];
  const items = options.map((i): Item => {
    if (i.value === current) return { ...i, description: `${i.description ?? ''} (current)`.trim(), picked: true };
    if (current === undefined && i.value === first && onnx) return { ...i, description: 'default for ONNX files (PyTorch exports)' };
    return i;
  });
  const ordered = [...items.filter((i) => i.value === first), ...items.filter((i) => i.value !== first)];
  const pick = await vscode.window.showQuickPick(ordered, {
    title: `How was ${basename(model.path)} trained to see images?`,
    placeHolder: 'Preprocessing applied to the image before the model (remembered for this file; Enter takes the first)',
  });
  if (!pick) return undefined;
  await remember(state, model, pick.value);
  return pick.value;
}

async function askModel(rescaling: (model: FileRef) => Promise<SelfRescaling>, model: FileRef): Promise<SelfRescaling> {
  try {
    return await rescaling(model);
  } catch {
    return 'unknown';
  }
}

/**
 * The preprocessing for a profile request: undefined for the model's own default (zoo models,
 * 'auto', and model files that rescale themselves); null when the user dismissed the question (do
 * not profile). `rescaling` says whether a model file rescales itself (the model process reads
 * it); 'unknown' or a failure asks as before (a file that cannot be read fails in the profile,
 * with one error).
 */
export async function preprocessingForRequest(
  state: vscode.Memento,
  model: ModelRef,
  rescaling?: (model: FileRef) => Promise<SelfRescaling>,
): Promise<Preprocessing | undefined | null> {
  if (model.kind === 'zoo') return undefined;
  const remembered = rememberedPreprocessing(state, model);
  if (remembered !== undefined) return remembered === 'auto' ? undefined : remembered;
  if (rescaling && await askModel(rescaling, model) === 'yes') return undefined;
  const choice = await pickPreprocessing(state, model);
  if (choice === undefined) return null;
  return choice === 'auto' ? undefined : choice;
}
