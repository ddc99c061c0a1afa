// IR + analyser stats -> the view graph: one node per layer, the block tree (compound groups with
// their sums), and one edge per tensor with its shape. Plain data (JSON-safe), built the same way
// in the extension host, the CLI and the webview, so every number drawn comes from analyzeModel.
import type { ModelAnalysis } from '../analysis/analyze';
import type { ModelSpec, Shape } from '../ir/types';
import { isModelGraph, nodeAttributes } from '../ir/graph';
import { TRAINING_ONLY } from '../layers/trainingOnly';
import { CATEGORY_TABLE } from './nodeStyles';
import { dims } from '../text/format';
import { addRuns } from './runs';
import { addStats, emptySums } from './groupSums';
import type { ViewEdge, ViewGraph, ViewGroup, ViewNode } from './viewTypes';

export type { ViewNode, GroupSums, ViewGroup, ViewEdge, ViewGraph } from './viewTypes';

/** A layer's output shape without the batch dimension: "112×112×64". */
export const formatDims = (s: Shape): string => dims(s.slice(1));

const MAX_ATTR = 60;

function attrText(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (v && typeof v === 'object' && !Array.isArray(v) && 'class_name' in v) s = String((v as { class_name: unknown }).class_name);
  else s = JSON.stringify(v) ?? String(v);
  return s.length > MAX_ATTR ? `${s.slice(0, MAX_ATTR - 1)}…` : s;
}



export function buildViewGraph(spec: Pick<ModelSpec, 'name' | 'model' | 'groups' | 'layerGroup' | 'missingWeights'>, analysis: ModelAnalysis): ViewGraph {
  const configs = nodeAttributes(spec.model);
  const onnxNodes = isModelGraph(spec.model) && spec.model.format === 'onnx' ? new Map(spec.model.nodes.map((n) => [n.name, n] as const)) : null;
  const known = new Map(spec.groups.map((g) => [g.id, g] as const));
  // Groups whose parent is unknown are lifted to the top level; a cycle in parents is broken there too.
  const parentOf = (id: string): string | null => {
    const p = known.get(id)?.parent ?? null;
    return p !== null && known.has(p) && p !== id ? p : null;
  };
  const depthOf = (id: string): number => {
    let d = 0;
    const seen = new Set<string>([id]);
    for (let p = parentOf(id); p !== null && !seen.has(p); p = parentOf(p)) { seen.add(p); d++; }
    return d;
  };

  const groups: ViewGroup[] = [];
  const byId = new Map<string, ViewGroup>();
  for (const g of spec.groups) {
    if (byId.has(g.id)) continue;
    const vg: ViewGroup = {
      index: groups.length, id: g.id, label: g.label || g.id, parent: parentOf(g.id), depth: depthOf(g.id),
      groups: [], layers: [], sums: emptySums(),
    };
    groups.push(vg);
    byId.set(g.id, vg);
  }
  for (const g of groups) if (g.parent !== null) byId.get(g.parent)!.groups.push(g.id);

  const nodes: ViewNode[] = analysis.layers.map((l, index) => {
    const gid = spec.layerGroup[l.name];
    const group = gid !== undefined && byId.has(gid) ? gid : null;
    const cfg = configs.get(l.name) ?? {};
    const attrs: [string, string][] = [];
    const onnxNode = onnxNodes?.get(l.name);
    // An ONNX node's attributes are its own (kernel_shape, pads, group, dilations, ...), not the
    // Keras names the category table lists: all of them are shown.
    for (const key of onnxNode ? Object.keys(cfg) : CATEGORY_TABLE[l.category].attrs) {
      if (cfg[key] !== undefined && cfg[key] !== null) attrs.push([key, attrText(cfg[key])]);
    }
    const node: ViewNode = { index, name: l.name, className: l.className, category: l.category, shape: formatDims(l.outputShape), group, stats: l, attrs, trainingOnly: TRAINING_ONLY.has(l.className) };
    if (onnxNode && isModelGraph(spec.model)) {
      const w = spec.model.weights;
      const weights = onnxNode.inputs.filter((t) => t && Object.prototype.hasOwnProperty.call(w, t))
        .map((t): [string, string] => [t, `${w[t].shape.length ? w[t].shape.join('×') : 'scalar'} ${w[t].dtype}`]);
      if (weights.length) node.weights = weights;
    }
    return node;
  });

  for (const n of nodes) {
    if (n.group === null) continue;
    byId.get(n.group)!.layers.push(n.name);
    const seen = new Set<string>();
    for (let g: string | null = n.group; g !== null && !seen.has(g); g = byId.get(g)!.parent) {
      seen.add(g);
      addStats(byId.get(g)!.sums, n.stats);
    }
  }
  // Empty groups (a builder group with no layers) would draw as empty boxes: drop them.
  const live = groups.filter((g) => g.sums.layers > 0);
  live.forEach((g, i) => { g.index = i; g.groups = g.groups.filter((c) => byId.get(c)!.sums.layers > 0); });

  const shapes = new Map(nodes.map((n) => [n.name, n.shape] as const));
  const edges: ViewEdge[] = [];
  for (const n of nodes) {
    for (const src of n.stats.inbound) edges.push({ source: src, target: n.name, shape: shapes.get(src) ?? '' });
  }

  // Containers of thousands of elements are gathered into runs (runs.ts): elkjs cannot lay them out.
  return addRuns({
    model: analysis.model || spec.name,
    format: isModelGraph(spec.model) ? spec.model.format : 'keras',
    input: analysis.input,
    batch: analysis.batch,
    totals: analysis.totals,
    unsupported: analysis.unsupported,
    ...(analysis.unknown.length ? { unknown: analysis.unknown } : {}),
    ...(missingWeightsOf(spec).length ? { missingWeights: missingWeightsOf(spec) } : {}),
    nodes,
    groups: live,
    edges,
  });
}

/** Ancestor group ids of a group or a layer's group, innermost first. */
export function ancestors(graph: ViewGraph, groupId: string | null): string[] {
  const byId = groupIndex(graph);
  const out: string[] = [];
  const seen = new Set<string>();
  for (let g = groupId; g !== null && !seen.has(g); g = byId.get(g)?.parent ?? null) {
    seen.add(g);
    out.push(g);
  }
  return out;
}

const indexCache = new WeakMap<ViewGraph, Map<string, ViewGroup>>();
export function groupIndex(graph: ViewGraph): Map<string, ViewGroup> {
  let m = indexCache.get(graph);
  if (!m) {
    m = new Map(graph.groups.map((g) => [g.id, g] as const));
    indexCache.set(graph, m);
  }
  return m;
}

const missingWeightsOf = (spec: Pick<ModelSpec, 'model' | 'missingWeights'>): string[] =>
  spec.missingWeights ?? (isModelGraph(spec.model) ? spec.model.missingWeights ?? [] : []);

/**
 * The editor's one-line note for a model drawn without its weight files: short enough for a
 * notification (VS Code cuts long ones), the file names clipped, what works and what does not.
 */
export function missingWeightsNote(graph: Pick<ViewGraph, 'model' | 'missingWeights'>, fileName: string): string | undefined {
  const missing = graph.missingWeights ?? [];
  if (!missing.length) return undefined;
  const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 39)}…` : s);
  const files = missing.length === 1 ? `"${clip(missing[0])}" is` : `${missing.length} weight files ("${clip(missing[0])}", ...) are`;
  return `${clip(fileName)} is drawn without its weights: ${files} not beside it. The graph and its counts are complete; profiling needs the file${missing.length === 1 ? '' : 's'}.`;
}
