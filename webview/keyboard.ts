// Keys on the graph canvas: arrows move the selection along the graph (Shift+arrows pan), + - 0
// zoom and fit, Enter opens details or expands a block, Backspace/c collapses the block around the
// selection, Escape clears it, / and Ctrl+F search, n/N/F3 step through the matches.
import { ARROW_DIRECTIONS, neighbour } from '../src/core/graph/navigation';
import type { AppApi } from './appApi';

/** Pixels one Shift+arrow pans. */
const PAN_STEP = 60;
const ZOOM_STEP = 1.25;

export function onGraphKey(app: AppApi, e: KeyboardEvent): void {
  const sel = app.selection.drawn();
  const dir = ARROW_DIRECTIONS[e.key];
  if (dir) {
    e.preventDefault();
    if (e.shiftKey || !app.layout) {
      app.viewport.panBy(dir === 'left' ? PAN_STEP : dir === 'right' ? -PAN_STEP : 0, dir === 'up' ? PAN_STEP : dir === 'down' ? -PAN_STEP : 0);
      return;
    }
    const next = sel ? neighbour(app.layout, sel, dir) : app.layout.nodes[0];
    if (next) app.selection.element(next);
    return;
  }
  switch (e.key) {
    case '+': case '=': app.viewport.zoomBy(ZOOM_STEP); break;
    case '-': case '_': app.viewport.zoomBy(1 / ZOOM_STEP); break;
    case '0': app.viewport.fit(); break;
    case 'Enter': case ' ': {
      if (!sel) break;
      e.preventDefault();
      const el = app.elementName(sel);
      if (el?.kind === 'group' && app.collapsed.has(el.group.id)) void app.toggleGroup(el.group.id);
      else app.details.show(sel);
      break;
    }
    case 'Backspace': case 'c': {
      // Collapse the innermost block around the selection.
      const el = sel ? app.elementName(sel) : null;
      const g = el?.kind === 'layer' ? el.node.group : el?.kind === 'group' ? el.group.parent : null;
      if (g) { app.selection.current = { kind: 'group', id: g }; void app.toggleGroup(g); }
      break;
    }
    case 'Escape':
      app.clearSelection();
      break;
    case '/':
      e.preventDefault();
      app.search.focus();
      break;
    case 'n': void app.search.next(1); break;
    case 'N': void app.search.next(-1); break;
    case 'F3': e.preventDefault(); void app.search.next(e.shiftKey ? -1 : 1); break;
    default:
      if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); app.search.focus(); }
  }
}
