// Params and MACs of every zoo model for the Models tree and the quick pick, without analysing a
// model in the extension host: read from the figures the build writes beside the first views
// (dist/zoo/figures.json, batch 1), and asked of the model process only for models that file lacks
// (or all of them, when it is missing or damaged).
import { ZOO } from '../core/zoo';
import type { ModelFigures } from '../protocol/modelService';
import type { ModelService } from './modelService';
import { shippedFigures } from './shippedViews';

export class ZooFigures {
  private readonly known = new Map<string, ModelFigures>();
  private shipped: Promise<void> | undefined;
  private asked: Promise<void> | undefined;

  constructor(private readonly distDir: string, private readonly models: () => ModelService) {}

  /** A model's figures if read already. */
  get(name: string): ModelFigures | undefined {
    return this.known.get(name);
  }

  /** Reads the shipped figures (once); never waits for the model process. */
  loadShipped(): Promise<void> {
    this.shipped ??= shippedFigures(this.distDir).then((list) => {
      const names = new Set(ZOO.map((e) => e.name));
      for (const f of list) if (names.has(f.name)) this.known.set(f.name, f);
    });
    return this.shipped;
  }

  /** The zoo models without shipped figures, after loadShipped. */
  missing(): string[] {
    return ZOO.filter((e) => !this.known.has(e.name)).map((e) => e.name);
  }

  /** Every model's figures: the shipped ones, then the rest from the model process (once). */
  async loadAll(): Promise<void> {
    await this.loadShipped();
    const missing = this.missing();
    if (!missing.length) return;
    this.asked ??= this.models().figures(missing).then((list) => {
      for (const f of list) if (missing.includes(f.name)) this.known.set(f.name, f);
    }).finally(() => { this.asked = undefined; });
    await this.asked;
  }
}
