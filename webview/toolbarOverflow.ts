// Keeps the graph toolbar on one row in a narrow panel: when the row does not fit, items leave it
// from the end of the list (least needed first) and are offered in a "More actions" menu; they come
// back when the panel widens. Items without an action (labels) just hide.
import { button } from './ui';
import { h, icon } from './dom';

export interface OverflowItem {
  el: HTMLElement;
  /** Menu entry; absent for items that only hide (labels). */
  label?: string;
  icon?: string;
  run?: () => void;
  /** False while the item is not offered at all (e.g. Profile without the profiler). */
  available?: () => boolean;
}

export class ToolbarOverflow {
  readonly el: HTMLElement;
  private readonly menu: HTMLElement;

  /** `items`: most needed first. */
  constructor(private readonly bar: HTMLElement, private readonly items: OverflowItem[]) {
    this.menu = h('div', { class: 'nl-menu nl-menu-right', role: 'menu', id: 'nl-more-menu', hidden: '' });
    const more = button({ icon: 'ellipsis', title: 'More actions', id: 'nl-more', onClick: () => this.toggle() });
    this.el = h('div', { class: 'nl-export-wrap nl-more-wrap', hidden: '' }, more, this.menu);
    document.addEventListener('pointerdown', (e) => {
      if (!this.menu.hidden && !(e.target as Element).closest('.nl-more-wrap')) this.menu.hidden = true;
    });
  }

  /** Lays the row out again for the current width. */
  fit(): void {
    for (const it of this.items) it.el.hidden = !(it.available?.() ?? true);
    this.el.hidden = true;
    this.menu.hidden = true;
    if (!this.overflows()) return;
    this.el.hidden = false;
    const moved: OverflowItem[] = [];
    for (let i = this.items.length - 1; i >= 0 && this.overflows(); i--) {
      const it = this.items[i];
      if (it.el.hidden) continue;
      it.el.hidden = true;
      if (it.run) moved.unshift(it);
    }
    this.menu.replaceChildren(...moved.map((it) => {
      const item = h('button', { class: 'nl-menu-item', role: 'menuitem' }, icon(it.icon ?? 'blank'), it.label ?? '');
      item.addEventListener('click', () => { this.menu.hidden = true; it.run!(); });
      return item;
    }));
    if (!moved.length) this.el.hidden = true;
  }

  private overflows(): boolean {
    return this.bar.scrollWidth > this.bar.clientWidth + 1;
  }

  private toggle(): void {
    this.menu.hidden = !this.menu.hidden;
    if (!this.menu.hidden) (this.menu.querySelector('button') as HTMLElement | null)?.focus();
  }
}
