// The VS Code webview API when the page runs in a webview; null in a plain browser (a page
// opened from a file, or a test without the stand-in).
declare const acquireVsCodeApi: undefined | (() => { postMessage(m: unknown): void });

export function vscodeApi(): { postMessage(m: unknown): void } | null {
  return typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
}
