// Layer search: the matches of the toolbar's search text (name or class), marked on the graph, and
// stepping through them (Enter, n/N, F3), revealing and centring each.
import { searchMatches } from '../src/core/graph/navigation';
import type { AppApi, SearchApi } from './appApi';
import type { TextFieldHandle } from './ui';

export class Search implements SearchApi {
  private matches: string[] = [];
  private at = -1;

  constructor(private readonly app: AppApi, private readonly field: TextFieldHandle, private readonly count: HTMLElement, private readonly vp: SVGGElement) {}

  /** The text in the search field (saved with the panel state). */
  text(): string { return this.field.value(); }

  focus(): void { this.field.focus(); }

  /** Restores a saved search text and its matches. */
  restore(q: string): void {
    this.field.setValue(q);
    this.run(q);
  }

  /** Clears the field and the matches. */
  clear(): void {
    this.field.setValue('');
    this.run('');
  }

  run(q: string): void {
    const query = q.trim();
    this.matches = searchMatches(this.app.graph.nodes, query);
    this.at = -1;
    this.mark();
    this.count.textContent = query ? (this.matches.length ? `${this.matches.length} found` : 'No results') : '';
    this.app.saveState();
  }

  async next(step: number): Promise<void> {
    if (!this.matches.length) {
      if (this.field.value()) this.run(this.field.value());
      if (!this.matches.length) return;
    }
    this.at = (this.at + step + this.matches.length) % this.matches.length;
    const name = this.matches[this.at];
    this.count.textContent = `${this.at + 1} / ${this.matches.length}`;
    await this.app.selectLayer(name, { reveal: true, center: true, details: false });
    this.mark();
  }

  /** Marks the matches on the drawn graph (again after each render). */
  mark(): void {
    for (const el of Array.from(this.vp.querySelectorAll('.nl-match, .nl-current'))) el.classList.remove('nl-match', 'nl-current');
    for (const [i, name] of this.matches.entries()) {
      const id = this.app.elementFor(name);
      const el = id ? this.app.elementById(id) : undefined;
      el?.classList.add('nl-match');
      if (i === this.at) el?.classList.add('nl-current');
    }
  }
}
