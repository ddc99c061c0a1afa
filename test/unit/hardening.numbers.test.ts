// Issue 13, finding 9: figures above 2^53 (a double no longer holds every integer there) must
// never print invented digits: they print as approximate and say so.
import * as assert from 'node:assert/strict';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { parseModelJson } from './helpers/modelJson';
import { grouped, si } from '../../src/core/text/format';
import { summaryTable } from '../../src/core/report/summaryTable';

describe('hardening: totals above 2^53 (issue 13, finding 9)', () => {
  it('exact up to 2^53 - 1, approximate and labelled above', () => {
    assert.equal(grouped(Number.MAX_SAFE_INTEGER), '9,007,199,254,740,991');
    assert.equal(grouped(25_636_712), '25,636,712');
    assert.equal(grouped(2 ** 53 + 2), '~9.007e+15 (approx.)');
    // The review's figure, and why digits lie there: 2^53 + 1 sums to 2^53 and prints as such.
    assert.equal(grouped(1.001e21), '~1.001e+21 (approx.)');
    assert.equal((2 ** 53 + 1).toLocaleString('en-US'), '9,007,199,254,740,992', 'toLocaleString prints a wrong last digit');
    assert.equal(grouped(2 ** 53 + 1), '~9.007e+15 (approx.)');
    assert.equal(si(2 ** 60), '1.15 E');
  });

  it('a model whose MACs pass 2^53 prints them approximate in the summary', () => {
    const cfg = JSON.stringify({ class_name: 'Sequential', config: { name: 'wide', layers: [
      { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 2 ** 20, 2 ** 20] } },
      { class_name: 'Dense', config: { name: 'd', units: 2 ** 20, use_bias: false } },
    ] } });
    const a = analyzeModel(parseModelJson(cfg, 'wide').model);
    assert.equal(a.totals.macs, 2 ** 60, 'leading dims x in x units');
    const text = summaryTable(a);
    assert.match(text, /MACs: ~1\.153e\+18 \(approx\.\) \(1\.15 E\)/);
    // Every grouped figure left in the table is exact.
    for (const m of text.matchAll(/\d{1,3}(?:,\d{3})+/g)) {
      assert.ok(Number(m[0].replace(/,/g, '')) <= Number.MAX_SAFE_INTEGER, `${m[0]} printed with digits`);
    }
  });
});
