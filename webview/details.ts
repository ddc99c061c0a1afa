// The details side panel (a layer's card, config, inputs and outputs, its block; a block's card and
// layers) and the card filler the hover card shares. Text reaches the DOM through textContent only.
import { Card, groupCard, layerCard, layersIn } from '../src/core/graph/cards';
import { groupId } from '../src/core/graph/layout';
import { groupIndex } from '../src/core/graph/viewGraph';
import type { AppApi, DetailsApi } from './appApi';
import { clear, h, icon } from './dom';
import { button } from './ui';

/** Link lists stop here; the rest is counted. */
const MAX_LINKS = 200;

export class Details implements DetailsApi {
  constructor(private readonly app: AppApi, readonly el: HTMLElement, private readonly canvas: HTMLElement) {}

  get open(): boolean { return !this.el.hidden; }

  hide(): void { this.el.hidden = true; }

  show(id: string): void {
    const app = this.app;
    const el = app.elementName(id);
    if (!el) return;
    const details = this.el;
    clear(details);
    const close = button({ icon: 'close', title: 'Close details (Escape)', onClick: () => { details.hidden = true; this.canvas.focus(); } });
    const card = el.kind === 'layer' ? layerCard(el.node, app.graph.totals, app.profile, app.batch) : groupCard(app.graph, el.group, app.profile);
    const body = h('div', { class: 'nl-card' });
    fillCard(body, card, null);
    details.append(h('div', { class: 'nl-details-bar' }, h('span', {}, 'Details'), close), body);
    if (el.kind === 'layer') {
      const n = el.node;
      if (n.attrs.length) {
        const dl = h('dl', { class: 'nl-attrs' });
        for (const [k, v] of n.attrs) dl.append(h('dt', {}, k), h('dd', {}, v));
        details.append(h('h3', {}, app.graph.format === 'onnx' ? 'Attributes' : 'Config'), dl);
      }
      if (n.weights?.length) {
        const dl = h('dl', { class: 'nl-attrs nl-weights' });
        for (const [k, v] of n.weights) dl.append(h('dt', { title: k }, k), h('dd', {}, v));
        details.append(h('h3', {}, `Weights (${n.weights.length})`), dl);
      }
      const outs = app.graph.edges.filter((e) => e.source === n.name).map((e) => e.target);
      details.append(this.linkList('Inputs', n.stats.inbound), this.linkList('Outputs', outs));
      if (n.group) {
        const g = groupIndex(app.graph).get(n.group)!;
        const b = h('button', { class: 'nl-link' }, icon('symbol-namespace'), g.label);
        b.addEventListener('click', () => app.selection.element(groupId(g.index), true));
        details.append(h('h3', {}, 'Block'), b);
      }
    } else {
      const g = el.group;
      const collapsed = app.collapsed.has(g.id);
      const toggle = button({ icon: collapsed ? 'unfold' : 'fold', label: collapsed ? 'Expand' : 'Collapse', title: 'Expand or collapse this block', onClick: () => void app.toggleGroup(g.id).then(() => this.show(app.selection.drawn() ?? id)) });
      details.append(toggle, this.linkList('Layers', layersIn(app.graph, g.id)));
    }
    details.hidden = false;
  }

  private linkList(title: string, names: string[]): HTMLElement {
    const ul = h('ul', { class: 'nl-links' });
    for (const name of names.slice(0, MAX_LINKS)) {
      const b = h('button', { class: 'nl-link' }, name);
      b.addEventListener('click', () => void this.app.selectLayer(name, { reveal: true, center: true, details: true }));
      ul.append(h('li', {}, b));
    }
    if (names.length > MAX_LINKS) ul.append(h('li', {}, `… ${names.length - MAX_LINKS} more`));
    return h('section', {}, h('h3', {}, `${title} (${names.length})`), names.length ? ul : h('p', { class: 'nl-muted' }, 'none'));
  }
}

/** Fills a card element from card data; textContent only. */
export function fillCard(el: HTMLElement, card: Card, hint: string | null): void {
  clear(el);
  el.append(h('div', { class: 'nl-card-title' }, card.title), h('div', { class: 'nl-card-sub' }, card.subtitle));
  const grid = h('div', { class: 'nl-card-grid' });
  for (const r of card.rows) {
    grid.append(
      h('span', { class: `nl-card-label${r.kind ? ` nl-${r.kind}` : ''}` }, r.label),
      h('span', { class: `nl-card-value${r.kind ? ` nl-${r.kind}` : ''}` }, r.value, r.detail ? h('span', { class: 'nl-card-detail' }, r.detail) : null),
    );
  }
  el.append(grid);
  if (hint) el.append(h('div', { class: 'nl-card-hint' }, hint));
}
