// The page's host (VS Code's webview API or a standalone exported file), the state it keeps for the
// panel across hide/show and reloads, and the probe the tests and benches read.
import { COLOR_BY, ColorBy } from '../src/core/graph/nodeStyles';
import type { ModelMessage, WebviewMessage } from '../src/protocol/graph';
import { validBatch } from '../src/protocol/graph';
import type { AppApi } from './appApi';

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

/** The first view of a model: the host's defaults, or the panel's saved state when it shows the same model. */
export interface FirstView {
  collapsed: Set<string>;
  colorBy: ColorBy;
  showShapes: boolean;
  /** A batch size to ask the host for (the panel was saved at another one). */
  batch?: number;
  selected?: string;
  search?: string;
}

export function firstView(o: ModelMessage, saved: SavedState | undefined): FirstView {
  const groups = new Set(o.graph.groups.map((g) => g.id));
  const same = saved?.model === o.modelArg ? saved : undefined;
  const view: FirstView = {
    collapsed: new Set((same ? same.collapsed : o.collapsed).filter((g) => groups.has(g))),
    colorBy: same ? same.colorBy : o.settings.colorBy,
    showShapes: same ? same.showShapes : o.settings.showShapes,
    batch: same && validBatch(same.batch) && same.batch !== o.graph.batch ? same.batch : undefined,
    selected: same?.selected ?? undefined,
    search: same && typeof same.search === 'string' && same.search ? same.search : undefined,
  };
  if (COLOR_BY.some((c) => c.id === view.colorBy && c.needsProfile) && !o.profile) view.colorBy = 'category';
  return view;
}

/** What the panel keeps of the page's view. */
export function stateOf(app: AppApi): SavedState {
  return {
    model: app.modelArg, collapsed: [...app.collapsed], colorBy: app.colorBy, batch: app.batch,
    selected: app.selection.current?.kind === 'layer' ? app.selection.current.id : null, showShapes: app.showShapes,
    search: app.search.text(),
  };
}

/** Timings the benchmarks and tests read (window.__netlens). */
export interface Probe {
  app?: AppApi;
  firstPaintMs?: number;
  /** When the whole graph was in the page: the first frame may draw only what its view shows. */
  drawnMs?: number;
  /** The element ids the first frame drew. */
  firstFrame?: string[];
  lastHoverMs?: number;
  layouts: number;
  renders: number;
  painted?: Promise<void>;
  drawn?: Promise<void>;
}
