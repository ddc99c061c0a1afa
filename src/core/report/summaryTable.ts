// A Keras-style summary table: one row per layer, then the totals.
import { ModelAnalysis } from '../analysis/analyze';
import { bytes, grouped, maxLength, printable, shape, si } from '../text/format';

interface Column { title: string; width: number; right?: boolean }

export function summaryTable(a: ModelAnalysis): string {
  const rows = a.layers.map((l) => [
    `${printable(l.name)} (${printable(l.className)})`, shape(l.outputShape), grouped(l.params),
    l.unknown !== undefined ? 'depends on data' : l.macs ? grouped(l.macs) : '0', l.unknown !== undefined ? '?' : bytes(l.activationBytes),
  ]);
  const cols: Column[] = [
    { title: 'Layer (type)', width: 0 }, { title: 'Output Shape', width: 0 }, { title: 'Param #', width: 0, right: true },
    { title: 'MACs', width: 0, right: true }, { title: 'Activations', width: 0, right: true },
  ];
  cols.forEach((c, i) => { c.width = maxLength(c.title, rows, i); });
  const line = (cells: string[]): string =>
    cells.map((s, i) => (cols[i].right ? s.padStart(cols[i].width) : s.padEnd(cols[i].width))).join('  ').trimEnd();
  const width = cols.reduce((w, c) => w + c.width + 2, -2);
  const t = a.totals;
  const out = [
    `Model: "${printable(a.model)}"   input ${shape(a.input)}   batch ${a.batch}`,
    '_'.repeat(width),
    line(cols.map((c) => c.title)),
    '='.repeat(width),
    ...rows.map(line),
    '='.repeat(width),
    `Total params: ${grouped(t.params)} (${bytes(t.weightBytes)})`,
    `Trainable params: ${grouped(t.trainableParams)}`,
    `Non-trainable params: ${grouped(t.nonTrainableParams)}`,
    `MACs: ${grouped(t.macs)} (${si(t.macs)})   FLOPs: ${si(t.flops)}`,
    `Activations: ${bytes(t.activationBytes)}   Peak inference memory: ${bytes(t.peakInferenceBytes)}`,
    `Training memory (${a.optimizer}: weights + gradients + optimizer state + activations): ${bytes(t.trainingBytes)}`,
  ];
  if (a.unsupported.length) {
    out.push(`Unsupported layers (not counted): ${a.unsupported.map((u) => `${printable(u.name)} (${printable(u.className)})`).join(', ')}`);
  }
  if (a.unknown.length) {
    out.push(`Not counted, sizes depend on data (${a.unknown.length} layers): ${a.unknown.slice(0, 20).map((u) => printable(u.name)).join(', ')}${a.unknown.length > 20 ? ', ...' : ''}`);
    out.push(`  first cause: ${printable(a.unknown[0].reason)}`);
  }
  return out.join('\n');
}
