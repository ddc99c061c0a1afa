// Node colours: by category (the stylesheet's theme variables) or a heat scale of the element's
// metric (params, MACs, memory, measured time), the legend that explains them, and the minimap,
// which draws the same colours on a canvas.
import { elementMetric } from '../src/core/graph/metrics';
import { fusedRunOf } from '../src/core/profile/fusedGroups';
import { graphCss } from '../src/core/graph/svg';
import { BLOCK_STYLE, CATEGORY_TABLE, COLOR_BY, heatColor, NodeCategory } from '../src/core/graph/nodeStyles';
import { bytes, compactNumber, milliseconds } from '../src/core/graph/text';
import type { AppApi } from './appApi';
import { clear, h } from './dom';
import type { Minimap } from './minimap';
import { BOUND_COLOURS, diffColour, efficiencyColour, isRooflineMode, rooflineShade } from '../src/core/graph/rooflineColours';

/** Adds the graph's stylesheet and one legend swatch class per category to the page. */
export function adoptGraphStyles(): void {
  const sheet = new CSSStyleSheet();
  const swatches = (Object.keys(CATEGORY_TABLE) as NodeCategory[])
    .map((k) => `.nl-swatch-${k}{background:var(${CATEGORY_TABLE[k].cssVar}, ${CATEGORY_TABLE[k].fallback});}`).join('\n')
    + `\n.nl-swatch-block{background:var(${BLOCK_STYLE.cssVar}, ${BLOCK_STYLE.fallback});}`;
  sheet.replaceSync(`${graphCss()}\n${swatches}`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

export class Colouring {
  /** Heat colour per drawn element (null: no value); empty under category colouring. */
  private colors = new Map<string, string | null>();
  private legendMax = 0;
  private minimapQueued = false;

  constructor(private readonly app: AppApi, private readonly legend: HTMLElement, private readonly minimap: Minimap, private readonly canvas: HTMLElement) {}

  apply(): void {
    const app = this.app;
    this.colors.clear();
    if (!app.layout) return;
    if (app.colorBy === 'category') {
      for (const id of app.layout.nodes) app.elementById(id)?.style.removeProperty('--nl-c');
    } else if (isRooflineMode(app.colorBy)) {
      // Roofline modes (issue 21): a colour per element from its kernel's place under the roof, or its change against an earlier run.
      const mode = app.colorBy;
      for (const id of app.layout.nodes) {
        const shade = rooflineShade(app.graph, id, mode, app.profile);
        this.colors.set(id, shade.colour);
        const el = app.elementById(id);
        el?.style.setProperty('--nl-c', shade.colour ?? 'var(--vscode-disabledForeground, #80808080)');
        if (shade.label) el?.setAttribute('data-shade', shade.label); else el?.removeAttribute('data-shade');
      }
    } else {
      const values = new Map(app.layout.nodes.map((id) => [id, elementMetric(app.graph, id, app.colorBy, app.profile)] as const));
      const max = Math.max(0, ...values.values());
      for (const [id, v] of values) {
        const c = heatColor(v, max);
        this.colors.set(id, c);
        app.elementById(id)?.style.setProperty('--nl-c', c ?? 'var(--vscode-disabledForeground, #80808080)');
      }
      this.legendMax = max;
    }
    this.markFusedRuns();
    this.renderLegend();
    this.updateMinimap();
  }

  /**
   * Under measured colouring, the layers of a fused kernel (its own layer and those fused into it)
   * share its colour (elementMetric) and are outlined alike (.nl-fused), so a run reads as one.
   */
  private markFusedRuns(): void {
    const app = this.app;
    const measured = app.profile && (app.colorBy === 'time' || app.colorBy === 'memory');
    const runs = measured ? fusedRunOf(app.profile) : new Map<string, string>();
    for (const id of app.layout?.nodes ?? []) {
      const e = app.elementName(id);
      const run = e?.kind === 'layer' ? runs.get(e.node.name) : undefined;
      const el = app.elementById(id);
      el?.classList.toggle('nl-fused', run !== undefined);
      if (run !== undefined) el?.setAttribute('data-kernel', run); else el?.removeAttribute('data-kernel');
    }
  }

  private renderLegend(): void {
    const app = this.app;
    clear(this.legend);
    if (app.colorBy === 'category') {
      const present = new Set<NodeCategory>(app.graph.nodes.map((n) => n.category));
      for (const [k, row] of Object.entries(CATEGORY_TABLE) as [NodeCategory, typeof CATEGORY_TABLE[NodeCategory]][]) {
        if (!present.has(k)) continue;
        const sw = h('span', { class: `nl-swatch nl-swatch-${k}` });
        this.legend.append(h('span', { class: 'nl-legend-item' }, sw, row.label));
      }
      if (app.layout?.nodes.some((id) => id[0] === 'g')) {
        this.legend.append(h('span', { class: 'nl-legend-item' }, h('span', { class: 'nl-swatch nl-swatch-block' }), BLOCK_STYLE.label));
      }
      return;
    }
    if (isRooflineMode(app.colorBy)) {
      const item = (colour: string, label: string): HTMLElement => {
        const sw = h('span', { class: 'nl-swatch' });
        sw.style.background = colour;
        return h('span', { class: 'nl-legend-item' }, sw, label);
      };
      const m = app.profile?.machine;
      if (app.colorBy === 'bound') {
        this.legend.append(item(BOUND_COLOURS.memory, 'memory-bound'), item(BOUND_COLOURS.compute, 'compute-bound'));
        if (m) this.legend.append(h('span', { class: 'nl-legend-item' }, `ridge ${(m.peakGflops / m.bandwidthGBs).toFixed(1)} FLOP/byte`));
      } else if (app.colorBy === 'efficiency') {
        this.legend.append(item(efficiencyColour(0), '0%'), item(efficiencyColour(0.5), '50%'), item(efficiencyColour(1), '100% of its roof'));
      } else {
        this.legend.append(item(diffColour(0.5), '2× faster'), item(diffColour(1), 'same'), item(diffColour(2), '2× slower'));
      }
      const why = app.colorBy === 'diff' ? (app.profile?.comparedTo ? '' : 'no earlier run to compare with: Compare on the results page, or profile --compare-to')
        : (m ? '' : `no roofline: ${app.profile?.rooflineNote ?? 'no profile'}`);
      if (why) this.legend.append(h('span', { class: 'nl-legend-item' }, why));
      return;
    }
    const unit = (v: number): string => app.colorBy === 'time' ? milliseconds(v)
      : app.colorBy === 'memory' ? bytes(v) : compactNumber(v);
    const what = app.colorBy === 'memory' ? (app.profile ? 'measured bytes' : 'weights + activations') : COLOR_BY.find((c) => c.id === app.colorBy)!.label;
    this.legend.append(h('span', { class: 'nl-legend-item' }, what), h('span', { class: 'nl-gradient' }), h('span', { class: 'nl-legend-item' }, `0 … ${unit(this.legendMax)} (log)`));
  }

  /**
   * Redraws the minimap after the next frame is painted: it is an overview, so the graph itself
   * (the first paint above all) never waits for it or for the canvas size it reads.
   */
  updateMinimap(): void {
    if (this.minimapQueued) return;
    this.minimapQueued = true;
    requestAnimationFrame(() => setTimeout(() => {
      this.minimapQueued = false;
      this.drawMinimap();
    }, 0));
  }

  private drawMinimap(): void {
    const app = this.app;
    if (!app.layout) return;
    const colorOf = (id: string): string => {
      const c = this.colors.get(id);
      if (c) return c;
      const e = app.elementName(id);
      return categoryColor(e?.kind === 'layer' ? e.node.category : 'input');
    };
    this.minimap.draw(app.layout, colorOf, this.canvas.getBoundingClientRect());
    this.minimap.setView(app.viewport.visibleRect());
  }
}

const catColors = new Map<string, string>();
/** The resolved theme colour of a category (the minimap draws on a canvas, which needs real colours). */
export function categoryColor(c: NodeCategory): string {
  let v = catColors.get(c);
  if (!v) {
    const row = CATEGORY_TABLE[c];
    v = getComputedStyle(document.body).getPropertyValue(row.cssVar).trim() || row.fallback;
    catColors.set(c, v);
  }
  return v;
}
