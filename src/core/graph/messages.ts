// Messages between the extension host and the graph webview, and their validation. The webview
// runs model-provided data, so the host treats whatever it posts as untrusted input.
import type { ProfileResult } from '../profile/result';
import type { LayerGroup, KerasModel } from '../ir/types';
import type { GraphLayout } from './layout';
import type { ColorBy } from './table';

/** The part of a ModelSpec the webview needs (no weights). */
export interface GraphSpec {
  name: string;
  model: KerasModel;
  groups: LayerGroup[];
  layerGroup: Record<string, string>;
}

export interface GraphSettings {
  collapseThreshold: number;
  colorBy: ColorBy;
  showShapes: boolean;
}

export type HostMessage =
  /** The webview asks for layouts (layoutRequest) and the host answers (layout / layoutError). */
  | { type: 'model'; modelArg: string; spec: GraphSpec; batch: number; settings: GraphSettings; layouts: GraphLayout[]; canProfile: boolean; profile: ProfileResult | null }
  | { type: 'layout'; layout: GraphLayout }
  | { type: 'layoutError'; key: string; message: string }
  | { type: 'select'; name: string }
  | { type: 'profile'; result: ProfileResult };

export type ExportFormat = 'svg' | 'png' | 'html';

export type WebviewMessage =
  | { type: 'ready' }
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
const ELEMENT_ID = /^[ng]\d{1,7}$/;

/** Checks a layout posted by the webview before the host caches it. */
export function validLayout(v: unknown): v is GraphLayout {
  if (!isObj(v)) return false;
  if (typeof v.key !== 'string' || !/^[0-9a-z-]{1,64}$/.test(v.key)) return false;
  if (!finite(v.width) || !finite(v.height) || v.width < 0 || v.height < 0) return false;
  if (!isObj(v.boxes) || !Array.isArray(v.edges) || !Array.isArray(v.nodes) || !Array.isArray(v.frames)) return false;
  const boxes = Object.entries(v.boxes);
  if (boxes.length > MAX_ELEMENTS || v.edges.length > MAX_ELEMENTS * 4) return false;
  for (const [id, b] of boxes) {
    if (!ELEMENT_ID.test(id) || !isObj(b) || !finite(b.x) || !finite(b.y) || !finite(b.w) || !finite(b.h)) return false;
  }
  for (const id of [...v.nodes, ...v.frames]) if (typeof id !== 'string' || !(id in v.boxes)) return false;
  for (const e of v.edges) {
    if (!isObj(e) || typeof e.source !== 'string' || typeof e.target !== 'string' || !ELEMENT_ID.test(e.source) || !ELEMENT_ID.test(e.target)) return false;
    if (typeof e.shape !== 'string' || e.shape.length > MAX_NAME) return false;
    if (!Array.isArray(e.points) || e.points.length > 2000 || !e.points.every(finite)) return false;
  }
  return true;
}

/** Returns the message when it is well-formed, else null (and the host ignores it). */
export function parseWebviewMessage(raw: unknown): WebviewMessage | null {
  if (!isObj(raw) || typeof raw.type !== 'string') return null;
  switch (raw.type) {
    case 'ready':
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

export const validBatch = (b: unknown): b is number => typeof b === 'number' && Number.isInteger(b) && b >= 1 && b <= 65536;
