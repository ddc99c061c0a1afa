// A model reference as every command takes it: a zoo model or a model file, parsed once per command
// from what the command was given (a zoo name in any spelling "ResNet-50" / "resnet50", a path, a
// file Uri) and passed on as this one type. Its `arg` is the one string the processes, panels and
// the layout cache key it by: the zoo model's canonical name, or the path.
import { zooEntry } from '../core/zoo';

/** A file's format as its name says (the reader decides by the file's first bytes; this drives what the editor asks). */
export type ModelFileFormat = 'keras' | 'h5' | 'onnx' | 'json' | 'unknown';

export type ModelRef =
  | { kind: 'zoo'; name: string; arg: string }
  | { kind: 'file'; path: string; format: ModelFileFormat; arg: string };

/** File name endings and the format each names. */
const FORMATS: readonly (readonly [RegExp, ModelFileFormat])[] = [
  [/\.keras$/i, 'keras'],
  [/\.(h5|hdf5)$/i, 'h5'],
  [/\.onnx$/i, 'onnx'],
  [/\.json$/i, 'json'],
];

/** A zoo name (as zooEntry matches it) is the zoo model; anything else is a file path. */
export function parseModelRef(text: string): ModelRef {
  const entry = zooEntry(text);
  return entry ? { kind: 'zoo', name: entry.name, arg: entry.name } : fileRef(text);
}

/** A file path (a Uri's, a dialog's answer): a file whatever its name. */
export function fileRef(path: string): Extract<ModelRef, { kind: 'file' }> {
  return { kind: 'file', path, format: FORMATS.find(([re]) => re.test(path))?.[1] ?? 'unknown', arg: path };
}

/** A command argument: a non-empty string, or a file Uri (anything with a string fsPath); undefined otherwise. */
export function modelRefOf(v: unknown): ModelRef | undefined {
  if (typeof v === 'string') return v ? parseModelRef(v) : undefined;
  const fsPath = typeof v === 'object' && v !== null ? (v as { fsPath?: unknown }).fsPath : undefined;
  return typeof fsPath === 'string' && fsPath ? fileRef(fsPath) : undefined;
}
