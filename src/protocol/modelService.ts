// Messages between the extension host and the model process (child_process IPC), both ways parsed
// on receipt. The process reads untrusted model files, analyses them and lays graphs out; the host
// receives only view graphs (no weights, no model config), layouts and totals, and checks them.
import type { ElkInputNode, ElkOutputNode } from '../core/graph/layout';
import { layoutKey } from '../core/graph/layout';
import type { GraphLayout } from '../core/graph/layoutTypes';
import type { ViewGraph } from '../core/graph/viewGraph';
import { validLayout } from './layoutCheck';

/** What the page's first picture needs besides the graph: the collapse threshold, and which structures' layouts the host already keeps. */
export interface FirstViewRequest {
  threshold: number;
  /** Structure hashes (core/graph/layout.ts structureHash) the host's layout cache holds: no layout is made for those. */
  known: string[];
}

/** The first view answered with the graph: the blocks drawn collapsed and their layout (null when the host said it keeps it). */
export interface FirstViewAnswer {
  collapsed: string[];
  layout: GraphLayout | null;
}

/** A zoo model's totals for the Models tree and the quick pick. */
export interface ModelFigures {
  name: string;
  params: number;
  macs: number;
}

export type HostToService =
  /** Reads the model (zoo name or file path) afresh and answers its view graph at this batch size, with its first view when asked. */
  | { type: 'open'; id: number; arg: string; batch: number; first?: FirstViewRequest }
  /** The view graph of a model opened before, at another batch size (re-read if the service restarted). */
  | { type: 'analyse'; id: number; arg: string; batch: number }
  /** Lays out an ELK graph the host built from a view graph (a relayout after a collapse or an expand). */
  | { type: 'layout'; id: number; elk: ElkInputNode }
  /** Params and MACs of zoo models at batch 1. */
  | { type: 'figures'; id: number; names: string[] };

export type ServiceToHost =
  | { type: 'graph'; id: number; graph: ViewGraph; first?: FirstViewAnswer }
  | { type: 'layout'; id: number; out: ElkOutputNode }
  | { type: 'figures'; id: number; figures: ModelFigures[] }
  /** userError: a NetLensError (one line for people); otherwise a bug, with its first stack lines. */
  | { type: 'error'; id: number; message: string; userError: boolean };

const MAX_ELEMENTS = 200000;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): v is string => typeof v === 'string';
/** Every total is a finite number (a NaN or a string would be drawn as it is). */
const TOTALS = ['params', 'trainableParams', 'nonTrainableParams', 'macs', 'flops', 'weightBytes', 'activationBytes', 'peakInferenceBytes', 'trainingBytes'] as const;
const SUMS = ['layers', 'params', 'trainableParams', 'nonTrainableParams', 'macs', 'flops', 'weightBytes', 'activationBytes'] as const;

/**
 * Checks the shape of a view graph the service sent before the host keeps or forwards it: the
 * service parsed a file someone else wrote, so its answer is bounded and typed before use.
 */
export function validViewGraph(v: unknown): v is ViewGraph {
  if (!isObj(v) || !str(v.model) || !finite(v.batch) || !Array.isArray(v.input) || !isObj(v.totals)) return false;
  if (v.format !== undefined && v.format !== 'keras' && v.format !== 'onnx') return false;
  if (!Array.isArray(v.nodes) || !Array.isArray(v.edges) || !Array.isArray(v.groups) || !Array.isArray(v.unsupported)) return false;
  if (v.nodes.length > MAX_ELEMENTS || v.groups.length > MAX_ELEMENTS || v.edges.length > MAX_ELEMENTS * 8) return false;
  const totals = v.totals;
  if (!TOTALS.every((k) => finite(totals[k]))) return false;
  // Group ids are data from a file ("__proto__", "toString" are possible names): a Set, not an object.
  const ids = new Set<string>();
  const groupsOk = v.groups.every((g, i) => {
    if (!isObj(g) || g.index !== i || !str(g.id) || ids.has(g.id) || !str(g.label) || !(g.parent === null || str(g.parent))) return false;
    ids.add(g.id);
    const sums = g.sums;
    return Array.isArray(g.groups) && Array.isArray(g.layers) && isObj(sums) && SUMS.every((k) => finite(sums[k]));
  }) && v.groups.every((g) => g.parent === null || ids.has(g.parent as string));
  const nodesOk = v.nodes.every((n, i) => isObj(n) && n.index === i && str(n.name) && str(n.className) && str(n.category) && str(n.shape)
    && (n.group === null || (str(n.group) && ids.has(n.group))) && isObj(n.stats) && finite(n.stats.params) && finite(n.stats.macs) && Array.isArray(n.attrs));
  const edgesOk = v.edges.every((e) => isObj(e) && str(e.source) && str(e.target) && str(e.shape));
  const unknownOk = v.unknown === undefined || (Array.isArray(v.unknown) && v.unknown.length <= MAX_ELEMENTS
    && v.unknown.every((u) => isObj(u) && str(u.name) && str(u.className) && str(u.reason)));
  return nodesOk && groupsOk && edgesOk && unknownOk && v.unsupported.every((u) => isObj(u) && str(u.name) && str(u.className));
}

const strings = (v: unknown, max: number, each = 4096): v is string[] => Array.isArray(v) && v.length <= max && v.every((x) => str(x) && x.length <= each);

/**
 * A first view belongs to its graph: every collapsed id is one of its blocks, and the layout (when
 * sent) is well formed and keyed by that graph and that collapsed set.
 */
function validFirstView(v: unknown, graph: ViewGraph): v is FirstViewAnswer {
  if (!isObj(v) || !strings(v.collapsed, MAX_ELEMENTS)) return false;
  const ids = new Set(graph.groups.map((g) => g.id));
  if (!v.collapsed.every((c) => ids.has(c))) return false;
  return v.layout === null || (validLayout(v.layout) && v.layout.key === layoutKey(graph, new Set(v.collapsed)));
}

/** A list of models' figures (the process's answer, or the build's dist/zoo/figures.json). */
export const validFigures = (v: unknown): v is ModelFigures[] => Array.isArray(v) && v.length <= 10_000
  && v.every((f) => isObj(f) && str(f.name) && f.name.length <= 200 && finite(f.params) && finite(f.macs));

/** A model-process message with its fields typed, or null (dropped: the answer it stood for fails in one line). */
export function parseServiceMessage(raw: unknown): ServiceToHost | null {
  if (!isObj(raw) || !finite(raw.id)) return null;
  switch (raw.type) {
    case 'graph':
      return validViewGraph(raw.graph) && (raw.first === undefined || validFirstView(raw.first, raw.graph)) ? raw as ServiceToHost : null;
    case 'layout': return isObj(raw.out) ? raw as ServiceToHost : null;
    case 'figures': return validFigures(raw.figures) ? raw as ServiceToHost : null;
    case 'error': return str(raw.message) && typeof raw.userError === 'boolean' ? raw as ServiceToHost : null;
    default: return null;
  }
}

/** The service's check of a host request (the host is ours; a malformed request is dropped all the same). */
export function parseHostRequest(raw: unknown): HostToService | null {
  if (!isObj(raw) || !finite(raw.id)) return null;
  const batchOk = (b: unknown): boolean => typeof b === 'number' && Number.isInteger(b) && b >= 1 && b <= 65536;
  switch (raw.type) {
    case 'open':
      if (raw.first !== undefined && !(isObj(raw.first) && finite(raw.first.threshold) && raw.first.threshold >= 0 && strings(raw.first.known, 10_000, 64))) return null;
      return str(raw.arg) && raw.arg.length <= 4096 && batchOk(raw.batch) ? raw as HostToService : null;
    case 'analyse':
      return str(raw.arg) && raw.arg.length <= 4096 && batchOk(raw.batch) ? raw as HostToService : null;
    case 'layout':
      return isObj(raw.elk) ? raw as HostToService : null;
    case 'figures':
      return strings(raw.names, 10_000, 200) ? raw as HostToService : null;
    default:
      return null;
  }
}
