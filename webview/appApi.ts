// What the graph view's parts (toolbar, pointer, keyboard, search, colouring, selection, details,
// the saved state in host.ts) see of the App: the state they read and the actions they call. App
// (app.ts) implements it; the parts import only this, so app.ts imports them and none imports it
// back. Types only.
import type { ProfileResult } from '../src/core/profile/result';
import type { ViewGraph, ViewNode } from '../src/core/graph/viewGraph';
import type { GraphLayout } from '../src/core/graph/layout';
import type { GraphElement } from '../src/core/graph/metrics';
import type { ColorBy } from '../src/core/graph/nodeStyles';
import type { ExportFormat } from '../src/protocol/graph';
import type { Viewport } from './viewport';

export interface SelectOptions { reveal: boolean; center: boolean; details: boolean; notify?: boolean }

/** The search box (search.ts) as the other parts use it. */
export interface SearchApi {
  text(): string;
  focus(): void;
  clear(): void;
  run(q: string): void;
  next(step: number): Promise<void>;
}

/** The selection (selection.ts) as the other parts use it: a layer (by name) or a block (by id). */
export interface SelectionApi {
  current: { kind: 'layer' | 'group'; id: string } | null;
  /** Selects a drawn element (layer or collapsed block id); `details` opens the panel on it. */
  element(id: string, details?: boolean): void;
  /** The element id the selection is drawn on, or null. */
  drawn(): string | null;
}

/** The details panel (details.ts) as the other parts use it. */
export interface DetailsApi {
  readonly open: boolean;
  show(id: string): void;
}

export interface AppApi {
  // ---- state ----
  readonly graph: ViewGraph;
  readonly modelArg: string;
  readonly batch: number;
  readonly collapsed: ReadonlySet<string>;
  readonly layout: GraphLayout | null;
  readonly colorBy: ColorBy;
  readonly profile: ProfileResult | null;
  readonly showShapes: boolean;
  readonly canProfile: boolean;

  // ---- the other parts ----
  readonly viewport: Viewport;
  readonly search: SearchApi;
  readonly selection: SelectionApi;
  readonly details: DetailsApi;
  /** Timings the benchmarks and tests read (host.ts Probe). */
  readonly probe: { lastHoverMs?: number };

  // ---- drawn elements ----
  /** The drawn SVG group of an element id. */
  elementById(id: string): SVGGElement | undefined;
  /** The element drawn for a layer: itself or the collapsed block that holds it. */
  elementFor(name: string): string | null;
  elementName(id: string): GraphElement | null;
  nodeByName(name: string): ViewNode | undefined;

  // ---- actions ----
  setCollapsed(next: Set<string>, anchor?: string): Promise<void>;
  toggleGroup(id: string): Promise<void>;
  selectLayer(name: string, o: SelectOptions): Promise<void>;
  /** A layer was selected here: the table follows, and the host unless `notify` is false. */
  layerSelected(name: string, notify: boolean): void;
  clearSelection(): void;
  setColorBy(c: ColorBy): void;
  setBatch(v: string): void;
  toggleShapes(): void;
  toggleTable(): void;
  runProfile(): void;
  export(format: ExportFormat): Promise<void>;
  fit(): void;
  zoomBy(f: number, cx?: number, cy?: number): void;
  focusCanvas(): void;
  saveState(): void;
}
