// The Compare page's script (built to dist/comparePage.js): posts the user's actions to the host
// as typed messages and applies the host's updates (markup the host built and escaped).
import { CompareMessage, parseCompareState, parseCompareUpdate, validCompareBatch } from '../../src/protocol/compare';
import { vscodeApi } from './vscodeApi';

const vscode = vscodeApi();
const post = (m: CompareMessage): void => vscode?.postMessage(m);

// Kept by VS Code so the panel comes back after a window reload (the host's serializer reads it).
const state = parseCompareState(JSON.parse(document.body.dataset.state ?? 'null'));
if (state) vscode?.setState?.(state);
const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

byId('open-graphs')?.addEventListener('click', () => post({ type: 'openGraphs' }));
for (const g of Array.from(document.querySelectorAll('g.stage'))) {
  const go = (): void => post({ type: 'revealStage', stage: g.getAttribute('data-stage') ?? '' });
  g.addEventListener('click', go);
  g.addEventListener('keydown', (e) => {
    const k = (e as KeyboardEvent).key;
    if (k === 'Enter' || k === ' ') { e.preventDefault(); go(); }
  });
}
const budget = byId<HTMLInputElement>('budget');
budget.addEventListener('change', () => post({ type: 'budget', text: budget.value }));
const optimizer = byId<HTMLSelectElement>('optimizer');
optimizer.addEventListener('change', () => {
  const o = optimizer.value;
  if (o === 'sgd' || o === 'momentum' || o === 'adam') post({ type: 'optimizer', optimizer: o });
});
const batch = byId<HTMLInputElement>('batch');
batch.addEventListener('change', () => {
  const b = Number(batch.value);
  if (validCompareBatch(b)) post({ type: 'batch', batch: b });
});

window.addEventListener('message', (e: MessageEvent) => {
  const m = parseCompareUpdate(e.data);
  if (!m) return;
  // The host built this markup from escaped names (compareHtml's totalsTable / memoryResults).
  if (m.totals !== undefined) byId('totals').innerHTML = m.totals;
  if (m.memory !== undefined) byId('memory').innerHTML = m.memory;
  if (m.budgetError !== undefined) {
    byId('budget-error').textContent = m.budgetError;
    budget.classList.toggle('bad', m.budgetError !== '');
  }
});
