// The selection, shared by graph, details panel, table and host: a layer (by name) or a block (by
// id). It is drawn on the element that shows it (a layer hidden in a collapsed block: the block),
// announced to screen readers, and reported to the host (the profile page follows it).
import { groupsHiding } from '../src/core/graph/collapse';
import { groupId, layerId } from '../src/core/graph/layout';
import { grouped } from '../src/core/graph/text';
import { groupIndex } from '../src/core/graph/viewGraph';
import type { AppApi, SelectionApi, SelectOptions } from './appApi';

export class Selection implements SelectionApi {
  /** A layer name or a block id, and which. */
  current: { kind: 'layer' | 'group'; id: string } | null = null;

  constructor(private readonly app: AppApi, private readonly vp: SVGGElement, private readonly announcer: HTMLElement) {}

  /** Selects a layer; `reveal` opens the blocks that hide it, else the block is selected. */
  async layer(name: string, o: SelectOptions): Promise<void> {
    const app = this.app;
    const n = app.nodeByName(name);
    if (!n) return;
    if (o.reveal) {
      const hiding = groupsHiding(app.graph, n.group, app.collapsed);
      if (hiding.length) {
        const next = new Set(app.collapsed);
        for (const g of hiding) next.delete(g);
        await app.setCollapsed(next);
      }
    }
    this.current = { kind: 'layer', id: name };
    this.apply();
    const id = app.elementFor(name);
    if (id && o.center) app.viewport.ensureVisible(id);
    if (o.details) app.details.show(id ?? layerId(n.index));
    else if (app.details.open && id) app.details.show(id);
    app.layerSelected(name, o.notify !== false);
    app.saveState();
  }

  /** Selects a drawn element (arrow keys, the details panel's block link). */
  element(id: string, details = false): void {
    const app = this.app;
    const el = app.elementName(id);
    if (!el) return;
    if (el.kind === 'layer') {
      void this.layer(el.node.name, { reveal: false, center: true, details });
    } else {
      this.current = { kind: 'group', id: el.group.id };
      this.apply();
      app.viewport.ensureVisible(id);
      if (details || app.details.open) app.details.show(id);
      app.saveState();
    }
  }

  /** The drawn element of the selection (a selected layer inside a collapsed block: the block). */
  drawn(): string | null {
    const app = this.app;
    if (!this.current) return null;
    if (this.current.kind === 'layer') return app.elementFor(this.current.id);
    const g = groupIndex(app.graph).get(this.current.id);
    if (!g) return null;
    const hiding = groupsHiding(app.graph, g.parent, app.collapsed);
    const top = hiding.length ? groupIndex(app.graph).get(hiding[hiding.length - 1])! : g;
    return groupId(top.index);
  }

  /** Marks the selection on the drawn graph (again after each render) and announces it. */
  apply(): void {
    const app = this.app;
    for (const el of Array.from(this.vp.querySelectorAll('.nl-selected'))) el.classList.remove('nl-selected');
    const id = this.drawn();
    if (id) app.elementById(id)?.classList.add('nl-selected');
    // Screen readers hear the selection (the SVG itself is one focusable region).
    const e = id ? app.elementName(id) : null;
    const text = !e ? '' : e.kind === 'layer'
      ? `${e.node.name}, ${e.node.className}, output ${e.node.shape}, ${grouped(e.node.stats.params)} parameters, ${grouped(e.node.stats.macs)} MACs`
      : `${e.group.label}, ${app.collapsed.has(e.group.id) ? 'collapsed ' : ''}block of ${e.group.sums.layers} layers`;
    if (this.announcer.textContent !== text) this.announcer.textContent = text;
  }
}
