// The VS Code webview API when the page runs in a webview; null in a plain browser (a page
// opened from a file, or a test without the stand-in).
export interface VsCodeApi {
  postMessage(m: unknown): void;
  setState(s: unknown): void;
}

declare const acquireVsCodeApi: undefined | (() => VsCodeApi);

export function vscodeApi(): VsCodeApi | null {
  return typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
}
