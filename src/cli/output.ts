// Every CLI output goes through here: names from model files reach the terminal, and a name
// holding ESC or BEL sequences would otherwise retitle the window, clear the screen or hide text.
// Text keeps its line breaks; every other control character is shown as a visible escape.
import { printableJson, printableText } from '../core/text/format';

/** Writes text to stdout, control characters escaped. */
export function writeOut(text: string): void {
  process.stdout.write(printableText(text));
}

/** Writes text to stderr, control characters escaped. */
export function writeErr(text: string): void {
  process.stderr.write(printableText(text));
}

/** Writes a value as one line of JSON to stdout (C1 and bidi controls as \u escapes). */
export function writeJson(value: unknown): void {
  process.stdout.write(`${printableJson(JSON.stringify(value))}\n`);
}

/** Writes an already serialised JSON text to stdout. */
export function writeJsonText(json: string): void {
  process.stdout.write(printableJson(json));
}
