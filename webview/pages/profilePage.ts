// The profile results page's script (built to dist/profilePage.js): the export and overlay buttons
// post typed messages to the host; clicking a column header sorts the layer table by it.
import type { ProfilePageMessage } from '../../src/protocol/profile';
import { parseProfilePageMessage } from '../../src/protocol/profile';
import { vscodeApi } from './vscodeApi';

const vscode = vscodeApi();

for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-cmd]'))) {
  b.addEventListener('click', () => {
    const m: ProfilePageMessage | null = parseProfilePageMessage({ type: b.dataset.cmd, format: b.dataset.format, run: b.dataset.run === undefined ? undefined : Number(b.dataset.run) });
    if (m) vscode?.postMessage(m);
  });
}

const table = document.getElementById('layers') as HTMLTableElement | null;
if (table) {
  const descending = new Map<number, boolean>();
  Array.from(table.querySelectorAll('th')).forEach((th, col) => {
    th.addEventListener('click', () => {
      const body = table.tBodies[0];
      const desc = !descending.get(col);
      descending.set(col, desc);
      const rows = Array.from(body.rows).sort((a, b) => {
        const x = a.cells[col].dataset.v ?? '';
        const y = b.cells[col].dataset.v ?? '';
        const nx = Number(x);
        const ny = Number(y);
        const c = x === '' || y === '' || Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
        return desc ? -c : c;
      });
      for (const r of rows) body.appendChild(r);
    });
  });
}

// Roofline chart dots and "where the time goes" / diff rows: select the layer on the graph, mark its dot.
function selectLayer(name: string): void {
  for (const d of Array.from(document.querySelectorAll<SVGCircleElement>('circle.rl-dot'))) d.classList.toggle('rl-selected', d.dataset.layer === name);
  const m = parseProfilePageMessage({ type: 'select', layer: name });
  if (m) vscode?.postMessage(m);
}
document.addEventListener('click', (e) => {
  const t = (e.target as Element | null)?.closest?.('[data-layer]') as (HTMLElement | SVGElement) | null;
  if (!t || !t.dataset.layer) return;
  e.preventDefault();
  selectLayer(t.dataset.layer);
});
