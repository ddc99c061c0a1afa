// Messages between the extension host and the graph webview, and their validation. The host
// analyses and lays out (in its model service process); the webview renders the view graph and the
// layouts it is sent. The webview shows model-provided data, so the host treats whatever it posts
// as untrusted input; the webview checks each host message's shape before use.
import type { ProfileResult } from '../core/profile/result';
import type { GraphLayout } from '../core/graph/layout';
import type { ViewGraph } from '../core/graph/viewGraph';
import type { ModelMessage, ShippedView } from '../core/graph/pageData';
import { validViewGraph } from './modelService';
import { validProfileResult } from './worker';
import { validLayout } from './layoutCheck';

export { validLayout };

export type { GraphSettings, ModelMessage, StandaloneData, ShippedView } from '../core/graph/pageData';

export type HostMessage =
  /** The webview asks for layouts (layoutRequest) and the host answers (layout / layoutError). */
  | ModelMessage
  /** The view graph re-analysed at the batch size the webview asked for ('batch'). */
  | { type: 'graph'; graph: ViewGraph }
  | { type: 'layout'; layout: GraphLayout }
  | { type: 'layoutError'; key: string; message: string }
  | { type: 'select'; name: string }
  | { type: 'profile'; result: ProfileResult };

export type ExportFormat = 'svg' | 'png' | 'html';

export type WebviewMessage =
  /** The page started; embedded: it drew from the model message served inside the page. */
  | { type: 'ready'; embedded: boolean }
  | { type: 'selected'; name: string | null }
  /** Asks the host to lay out the graph with these blocks (group ids) collapsed. */
  | { type: 'layoutRequest'; collapsed: string[] }
  | { type: 'export'; format: ExportFormat; data: string; batch: number }
  | { type: 'runProfile' }
  | { type: 'batch'; batch: number };

const MAX_NAME = 1000;
const MAX_EXPORT = 256 * 1024 * 1024;
const MAX_ELEMENTS = 200000;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Returns the message when it is well-formed, else null (and the host ignores it). */
export function parseWebviewMessage(raw: unknown): WebviewMessage | null {
  if (!isObj(raw) || typeof raw.type !== 'string') return null;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready', embedded: raw.embedded === true };
    case 'runProfile':
      return { type: raw.type };
    case 'selected':
      if (raw.name === null) return { type: 'selected', name: null };
      return typeof raw.name === 'string' && raw.name.length <= MAX_NAME ? { type: 'selected', name: raw.name } : null;
    case 'layoutRequest': {
      const c = raw.collapsed;
      if (!Array.isArray(c) || c.length > MAX_ELEMENTS || !c.every((g) => typeof g === 'string' && g.length <= MAX_NAME)) return null;
      return { type: 'layoutRequest', collapsed: c as string[] };
    }
    case 'export': {
      const { format, data, batch } = raw;
      if (format !== 'svg' && format !== 'png' && format !== 'html') return null;
      if (typeof data !== 'string' || data.length > MAX_EXPORT) return null;
      if (format === 'png' && !data.startsWith('data:image/png;base64,')) return null;
      if (format === 'svg' && !/^(<\?xml[^>]*>\s*)?<svg[\s>]/.test(data)) return null;
      if (!validBatch(batch)) return null;
      return { type: 'export', format, data, batch };
    }
    case 'batch':
      return validBatch(raw.batch) ? { type: 'batch', batch: raw.batch } : null;
    default:
      return null;
  }
}

/** The same check the host makes on the model process's graph (typed, bounded, finite), at a batch the page accepts. */
const graphOk = (g: unknown): boolean => validViewGraph(g) && validBatch(g.batch);
const stringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((c) => typeof c === 'string');

/** A shipped first view read back from dist/zoo/ (ours, but a damaged install must not break the host): null when malformed. */
export function parseShippedView(raw: unknown): ShippedView | null {
  return isObj(raw) && validViewGraph(raw.graph) && stringList(raw.collapsed) && validLayout(raw.layout) ? raw as unknown as ShippedView : null;
}

/**
 * Checks a host message's shape before the webview uses it (the host is ours, but the page must
 * not break on a message from another version of it): null when malformed or unknown.
 */
export function parseHostMessage(raw: unknown): HostMessage | null {
  if (!isObj(raw) || typeof raw.type !== 'string') return null;
  switch (raw.type) {
    case 'model':
      return typeof raw.modelArg === 'string' && graphOk(raw.graph) && stringList(raw.collapsed)
        && isObj(raw.settings) && Array.isArray(raw.layouts) && raw.layouts.every(validLayout) && typeof raw.canProfile === 'boolean'
        && (raw.profile === null || raw.profile === undefined || validProfileResult(raw.profile))
        ? raw as unknown as HostMessage : null;
    case 'graph':
      return graphOk(raw.graph) ? raw as unknown as HostMessage : null;
    case 'layout':
      return validLayout(raw.layout) ? raw as unknown as HostMessage : null;
    case 'layoutError':
      return typeof raw.key === 'string' && raw.key.length <= 200 && typeof raw.message === 'string' && raw.message.length <= 10_000 ? raw as unknown as HostMessage : null;
    case 'select':
      return typeof raw.name === 'string' && raw.name.length <= MAX_NAME ? raw as unknown as HostMessage : null;
    case 'profile':
      return validProfileResult(raw.result) ? raw as unknown as HostMessage : null;
    default:
      return null;
  }
}

export const validBatch = (b: unknown): b is number => typeof b === 'number' && Number.isInteger(b) && b >= 1 && b <= 65536;
