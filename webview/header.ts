// The header: model name and its totals as chips, a warning chip for layers not analysed, and the
// measured end-to-end time once a profile is in.
import { totalsRows } from '../src/core/graph/cards';
import { milliseconds } from '../src/core/graph/text';
import type { ViewGraph } from '../src/core/graph/viewGraph';
import type { ProfileResult } from '../src/core/profile/result';
import { clear, h, icon } from './dom';

export function renderHeader(header: HTMLElement, graph: ViewGraph, profile: ProfileResult | null): void {
  clear(header);
  const title = h('div', { class: 'nl-title', title: graph.model }, icon('type-hierarchy'), h('span', { class: 'nl-model' }, graph.model));
  const chips = h('div', { class: 'nl-totals', id: 'nl-totals' });
  for (const r of totalsRows(graph)) {
    chips.append(h('span', { class: 'nl-chip', title: r.detail ?? r.value }, h('span', { class: 'nl-chip-label' }, r.label), h('span', { class: 'nl-chip-value' }, r.value)));
  }
  if (graph.unsupported.length) {
    const names = graph.unsupported.map((u) => `${u.name} (${u.className})`).join(', ');
    chips.append(h('span', { class: 'nl-chip nl-warn', title: `Not analysed: ${names}` }, icon('warning'), `${graph.unsupported.length} unsupported`));
  }
  const unknown = graph.unknown ?? [];
  if (unknown.length) {
    const names = unknown.slice(0, 40).map((u) => u.name).join(', ');
    chips.append(h('span', { class: 'nl-chip nl-warn', title: `Sizes depend on data, not counted: ${names}${unknown.length > 40 ? ', ...' : ''}. First cause: ${unknown[0].reason}` },
      icon('question'), `${unknown.length} depend on data`));
  }
  if (profile) {
    const p = profile;
    // First, so a narrow header keeps it; a long backend label is cut, in full in the tooltip.
    chips.prepend(h('span', { class: 'nl-chip nl-measured', id: 'nl-measured', title: `${p.backendLabel ?? p.backend}: ${milliseconds(p.endToEndMs.median)} end to end, median of ${p.runs} runs after ${p.warmup} warm-up, ${p.weights} weights, image ${p.image}` },
      icon('pulse'), h('span', { class: 'nl-chip-label' }, p.backendLabel ?? p.backend), h('span', { class: 'nl-chip-value' }, milliseconds(p.endToEndMs.median))));
  }
  header.append(title, chips);
}
