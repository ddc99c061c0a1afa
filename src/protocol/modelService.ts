// Messages between the extension host and the model service process (child_process IPC). The
// service reads untrusted model files, analyses them and lays graphs out; the host receives only
// the view graph (no weights, no model config) and ELK's answer, and checks both on receipt.
import type { ElkInputNode, ElkOutputNode } from '../core/graph/layout';
import type { ViewGraph } from '../core/graph/viewGraph';

export type HostToService =
  /** Reads the model (zoo name or file path) afresh and answers its view graph at this batch size. */
  | { type: 'open'; id: number; arg: string; batch: number }
  /** The view graph of a model opened before, at another batch size (re-read if the service restarted). */
  | { type: 'analyse'; id: number; arg: string; batch: number }
  /** Lays out an ELK graph the host built from a view graph. */
  | { type: 'layout'; id: number; elk: ElkInputNode };

export type ServiceToHost =
  | { type: 'graph'; id: number; graph: ViewGraph }
  | { type: 'layout'; id: number; out: ElkOutputNode }
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

/** Checks a service message's envelope; the payload is checked by the caller that expects it. */
export function parseServiceMessage(raw: unknown): ServiceToHost | null {
  if (!isObj(raw) || !finite(raw.id)) return null;
  switch (raw.type) {
    case 'graph': return validViewGraph(raw.graph) ? raw as ServiceToHost : null;
    case 'layout': return isObj(raw.out) ? raw as ServiceToHost : null;
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
    case 'analyse':
      return str(raw.arg) && raw.arg.length <= 4096 && batchOk(raw.batch) ? raw as HostToService : null;
    case 'layout':
      return isObj(raw.elk) ? raw as HostToService : null;
    default:
      return null;
  }
}
