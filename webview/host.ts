// The page's host (VS Code's webview API or a standalone exported file), the state it keeps for the
// panel across hide/show and reloads, and the probe the tests and benches read.
import type { ColorBy } from '../src/core/graph/nodeStyles';
import type { WebviewMessage } from '../src/protocol/graph';
import type { App } from './app';

export interface Host {
  mode: 'vscode' | 'standalone';
  post(msg: WebviewMessage): void;
  getState(): unknown;
  setState(s: unknown): void;
}

/** Panel state the host keeps (VS Code's getState/setState); restored only for the same model. */
export interface SavedState {
  model: string;
  collapsed: string[];
  colorBy: ColorBy;
  batch: number;
  selected: string | null;
  showShapes: boolean;
  /** The search text, kept when the panel is hidden and shown again (the page reloads). */
  search?: string;
}

/** Timings the benchmarks and tests read (window.__netlens). */
export interface Probe {
  app?: App;
  firstPaintMs?: number;
  lastHoverMs?: number;
  layouts: number;
  renders: number;
  painted?: Promise<void>;
}
