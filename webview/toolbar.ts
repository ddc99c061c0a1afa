// The graph toolbar: colour mode, batch size, search with previous/next, collapse/expand all, fit
// and zoom, tensor shapes, the layer table, export and Profile. In a narrow panel the least needed
// tools move into a "More actions" menu so the bar stays one row.
import { COLOR_BY, ColorBy } from '../src/core/graph/nodeStyles';
import type { ExportFormat } from '../src/protocol/graph';
import type { AppApi } from './appApi';
import { h, icon } from './dom';
import { ToolbarOverflow } from './toolbarOverflow';
import { button, divider, select, SelectHandle, setPressed, textField, TextFieldHandle } from './ui';

const FORMATS: [ExportFormat, string][] = [['svg', 'SVG image'], ['png', 'PNG image'], ['html', 'Interactive HTML']];

export class Toolbar {
  readonly el: HTMLElement;
  readonly colorSelect: SelectHandle;
  readonly batchField: TextFieldHandle;
  readonly searchField: TextFieldHandle;
  readonly searchCount: HTMLElement;
  readonly overflow: ToolbarOverflow;
  private readonly shapesButton: HTMLElement;
  private readonly tableButton: HTMLElement;
  private readonly profileButton: HTMLElement;
  private readonly exportMenu: HTMLElement;

  constructor(private readonly app: AppApi, standalone: boolean) {
    const toolbar = this.el = h('div', { class: 'nl-toolbar', role: 'toolbar', 'aria-label': 'Graph tools' });
    this.colorSelect = select({
      title: 'Colour nodes by', id: 'nl-color-by', value: 'category',
      options: COLOR_BY.map((c) => ({ value: c.id, label: c.label, disabled: c.needsProfile })),
      onChange: (v) => app.setColorBy(v as ColorBy),
    });
    this.batchField = textField({
      placeholder: 'batch', title: 'Batch size (activation memory scales with it)', id: 'nl-batch', value: '1', size: 4,
      onChange: (v) => app.setBatch(v),
      onKey: (e) => { if (e.key === 'Enter') app.setBatch(this.batchField.value()); },
    });
    this.searchField = textField({
      placeholder: 'Search layers (name or class)', title: 'Search layers by name or class', id: 'nl-search', icon: 'search',
      onInput: (v) => app.search.run(v),
      onKey: (e) => {
        if (e.key === 'Enter') { e.preventDefault(); void app.search.next(e.shiftKey ? -1 : 1); }
        if (e.key === 'Escape') { app.search.clear(); app.focusCanvas(); }
      },
    });
    this.searchCount = h('span', { class: 'nl-search-count', 'aria-live': 'polite', id: 'nl-search-count' });
    this.shapesButton = button({ icon: 'tag', title: 'Show tensor shapes on edges', id: 'nl-shapes', onClick: () => app.toggleShapes() });
    this.tableButton = button({ icon: 'table', title: 'Show the layer table', id: 'nl-table-toggle', onClick: () => app.toggleTable() });
    this.profileButton = button({ icon: 'pulse', label: 'Profile', title: 'Profile this model on a sample image', id: 'nl-profile', onClick: () => app.runProfile() });
    this.profileButton.hidden = true;
    const exportButton = button({ icon: 'export', title: 'Export the graph (SVG, PNG, HTML)', id: 'nl-export', onClick: () => this.toggleExportMenu() });
    this.exportMenu = h('div', { class: 'nl-menu', role: 'menu', hidden: '' });
    // A standalone page cannot export itself again as HTML (it has no host to build one).
    const formats = FORMATS.filter(([f]) => !(f === 'html' && standalone));
    for (const [f, label] of formats) {
      const item = h('button', { class: 'nl-menu-item', role: 'menuitem', 'data-format': f }, icon(f === 'png' ? 'file-media' : f === 'html' ? 'globe' : 'file-code'), label);
      item.addEventListener('click', () => { this.exportMenu.hidden = true; void app.export(f); });
      this.exportMenu.append(item);
    }
    const exportWrap = h('div', { class: 'nl-export-wrap' }, exportButton, this.exportMenu);

    const colourLabel = h('label', { class: 'nl-label', for: 'nl-color-by' }, 'Colour');
    const batchLabel = h('label', { class: 'nl-label', for: 'nl-batch' }, 'Batch');
    const tool = (icon: string, title: string, id: string, run: () => void): { el: HTMLElement; label: string; icon: string; run: () => void } =>
      ({ el: button({ icon, title, id, onClick: run }), label: title, icon, run });
    const prev = tool('arrow-up', 'Previous match (Shift+Enter)', 'nl-search-prev', () => void app.search.next(-1));
    const next = tool('arrow-down', 'Next match (Enter)', 'nl-search-next', () => void app.search.next(1));
    const collapseAll = tool('collapse-all', 'Collapse all blocks', 'nl-collapse-all', () => void app.setCollapsed(new Set(app.graph.groups.map((g) => g.id))));
    const expandAll = tool('expand-all', 'Expand all blocks', 'nl-expand-all', () => void app.setCollapsed(new Set()));
    const fit = tool('screen-full', 'Fit to view (0)', 'nl-fit', () => app.fit());
    const zoomOut = tool('zoom-out', 'Zoom out (-)', 'nl-zoom-out', () => app.zoomBy(1 / 1.25));
    const zoomIn = tool('zoom-in', 'Zoom in (+)', 'nl-zoom-in', () => app.zoomBy(1.25));
    const dividers = [divider(), divider()];
    toolbar.append(
      colourLabel, this.colorSelect.el, batchLabel, this.batchField.el,
      dividers[0],
      this.searchField.el, prev.el, next.el, this.searchCount,
      dividers[1],
      collapseAll.el, expandAll.el, fit.el, zoomOut.el, zoomIn.el,
      this.shapesButton, this.tableButton, exportWrap,
      h('span', { class: 'nl-spacer' }),
      this.profileButton,
    );
    // One row in a narrow panel: the least needed tools (last here) move into "More actions" first.
    const exportItems = formats.map(([f, label]) => ({ el: h('span'), label: `Export ${label}`, icon: 'export', run: () => void app.export(f) }));
    this.overflow = new ToolbarOverflow(toolbar, [
      { el: this.profileButton, label: 'Profile', icon: 'pulse', run: () => app.runProfile(), available: () => app.canProfile },
      { el: exportWrap }, ...exportItems,
      { el: this.tableButton, label: 'Layer table', icon: 'table', run: () => app.toggleTable() },
      fit, collapseAll, expandAll,
      { el: this.shapesButton, label: 'Tensor shapes on edges', icon: 'tag', run: () => app.toggleShapes() },
      prev, next, zoomOut, zoomIn,
      { el: dividers[1] }, { el: dividers[0] }, { el: batchLabel }, { el: colourLabel },
    ]);
    toolbar.append(this.overflow.el);
    document.addEventListener('pointerdown', (e) => {
      if (!this.exportMenu.hidden && !(e.target as Element).closest('.nl-export-wrap')) this.exportMenu.hidden = true;
    });
  }

  /** Shows a model's settings (a standalone page's batch size is the exported one: no host to re-analyse). */
  show(o: { batch: number; standalone: boolean; canProfile: boolean; profiled: boolean; colorBy: ColorBy; showShapes: boolean }): void {
    this.batchField.setValue(String(o.batch));
    this.batchField.setDisabled(o.standalone, `Batch size ${o.batch}, as exported`);
    this.setProfileAvailable(o.canProfile);
    for (const c of COLOR_BY) if (c.needsProfile) this.colorSelect.setDisabled(c.id, !o.profiled);
    this.colorSelect.setValue(o.colorBy);
    this.setShapes(o.showShapes);
  }

  setShapes(on: boolean): void { setPressed(this.shapesButton, on); }

  setTable(open: boolean): void { setPressed(this.tableButton, open); }

  setProfileAvailable(on: boolean): void {
    this.profileButton.hidden = !on;
    requestAnimationFrame(() => this.overflow.fit());
  }

  private toggleExportMenu(): void {
    this.exportMenu.hidden = !this.exportMenu.hidden;
    if (!this.exportMenu.hidden) (this.exportMenu.querySelector('button') as HTMLElement | null)?.focus();
  }
}
