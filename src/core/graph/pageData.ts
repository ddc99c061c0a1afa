// What a graph page starts from: its settings, the host's first message (the view graph, the blocks
// drawn collapsed, the layouts at hand), the data an exported standalone page carries and a zoo
// model's shipped first view. Types only: core builds pages from them (graph/html.ts, graph/node/),
// and src/protocol/graph.ts re-exports them with the other messages and checks them on receipt.
import type { ProfileResult } from '../profile/result';
import type { GraphLayout } from './layoutTypes';
import type { ViewGraph } from './viewTypes';
import type { ColorBy } from './nodeStyles';

export interface GraphSettings {
  collapseThreshold: number;
  colorBy: ColorBy;
  showShapes: boolean;
}

/** The first message: the view graph (at graph.batch), the blocks to draw collapsed, cached layouts. */
export interface ModelMessage {
  type: 'model';
  modelArg: string;
  graph: ViewGraph;
  /** Group ids collapsed in the first view (collapsed-first for big models). */
  collapsed: string[];
  settings: GraphSettings;
  /** Layouts the host has for this model (the first view's among them when it is ready in time). */
  layouts: GraphLayout[];
  canProfile: boolean;
  profile: ProfileResult | null;
}

/**
 * What an exported standalone page carries (no host to ask): the view graph at the exported batch
 * size, its first view and that view's layout; other collapse states are laid out in the page.
 */
export interface StandaloneData {
  graph: ViewGraph;
  collapsed: string[];
  layouts: GraphLayout[];
  settings: GraphSettings;
}

/**
 * A zoo model's first view as shipped in dist/zoo/<name>.json (built by core/graph/node/zooViews):
 * the view graph at batch 1, the blocks collapsed at the default threshold and that view's layout.
 */
export interface ShippedView {
  graph: ViewGraph;
  collapsed: string[];
  layout: GraphLayout;
}

/** dist/zoo/figures.json: every zoo model's params and MACs at batch 1 ({ name, params, macs }[]), written beside the views. */
export const ZOO_FIGURES_FILE = 'figures.json';
