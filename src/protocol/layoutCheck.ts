// The check of a layout before anything keeps or draws it: the model process's answer, a layout
// read back from the disk cache or a shipped zoo view, one posted by a page.
import type { GraphLayout } from '../core/graph/layoutTypes';

const MAX_NAME = 1000;
const MAX_ELEMENTS = 200000;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const ELEMENT_ID = /^[ng]\d{1,7}$/;

/**
 * Checks a layout (posted by the webview, or made from the model process's answer) before the host
 * caches or forwards it. Ids are looked up as own keys only: "toString", "__proto__" or
 * "constructor" are no element ids, whatever a prototype holds.
 */
export function validLayout(v: unknown): v is GraphLayout {
  if (!isObj(v)) return false;
  if (typeof v.key !== 'string' || !/^[0-9a-z-]{1,64}$/.test(v.key)) return false;
  if (!finite(v.width) || !finite(v.height) || v.width < 0 || v.height < 0) return false;
  if (!isObj(v.boxes) || !Array.isArray(v.edges) || !Array.isArray(v.nodes) || !Array.isArray(v.frames)) return false;
  const boxes = Object.entries(v.boxes);
  if (boxes.length > MAX_ELEMENTS || v.edges.length > MAX_ELEMENTS * 4) return false;
  if (v.nodes.length > MAX_ELEMENTS || v.frames.length > MAX_ELEMENTS) return false;
  for (const [id, b] of boxes) {
    if (!ELEMENT_ID.test(id) || !isObj(b) || !finite(b.x) || !finite(b.y) || !finite(b.w) || !finite(b.h)) return false;
  }
  const box = v.boxes;
  const known = (id: unknown): boolean => typeof id === 'string' && ELEMENT_ID.test(id) && Object.hasOwn(box, id);
  if (!v.nodes.every(known) || !v.frames.every(known)) return false;
  for (const e of v.edges) {
    if (!isObj(e) || typeof e.source !== 'string' || typeof e.target !== 'string' || !ELEMENT_ID.test(e.source) || !ELEMENT_ID.test(e.target)) return false;
    if (typeof e.shape !== 'string' || e.shape.length > MAX_NAME) return false;
    if (!Array.isArray(e.points) || e.points.length > 2000 || !e.points.every(finite)) return false;
  }
  return true;
}

