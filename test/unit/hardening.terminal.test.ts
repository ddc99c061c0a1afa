// Issue 13, finding 6: names from model files reach the terminal. A model or layer name holding
// ESC/BEL sequences (window title, clear screen), C1 controls or bidi overrides must print as
// visible escapes in every CLI output, text and JSON, on stdout and stderr.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInProcess } from './helpers/cliInProcess';
import { printable, printableJson, printableText } from '../../src/core/text/format';
import { removeDir, tempDir } from '../fixtures/writers';

/** Any character a terminal would act on, line breaks excepted. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const MODEL = `evil${TITLE}`;
const LAYER = `dense${CLEAR}\u009b31m\u202eright`;

const cli = cliInProcess;

describe('hardening: control characters in names never reach the terminal raw (issue 13, finding 6)', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  let unsupported: string;
  before(() => {
    dir = tempDir();
    const cfg = (cls: string) => JSON.stringify({
      class_name: 'Sequential',
      config: { name: MODEL, layers: [
        { class_name: 'InputLayer', config: { name: `in${TITLE}`, batch_input_shape: [null, 8] } },
        { class_name: cls, config: { name: LAYER, units: 4 } },
      ] },
    });
    file = join(dir, 'evil.json');
    writeFileSync(file, cfg('Dense'));
    unsupported = join(dir, 'evil-unsupported.json');
    writeFileSync(unsupported, cfg(`Weird${CLEAR}`));
  });
  after(() => removeDir(dir));

  it('printable shows every control character as a visible escape', () => {
    assert.equal(printable('a\u001bb\u0007c\nd\u009be\u202ef\u007f'), 'a\\x1bb\\x07c\\nd\\x9be\\u202ef\\x7f');
    assert.equal(printableText('row 1\nrow\u001b2\tx'), 'row 1\nrow\\x1b2\tx', 'line breaks and tabs kept in whole texts');
    assert.equal(printable('plain ascii, ü, 日本'), 'plain ascii, ü, 日本', 'printable text unchanged');
    const json = JSON.stringify({ n: LAYER });
    assert.ok(RAW_CONTROL.test(json), 'JSON.stringify leaves C1 and bidi raw');
    assert.deepEqual(JSON.parse(printableJson(json)), { n: LAYER }, 'escaped JSON parses back to the same strings');
    assert.ok(!RAW_CONTROL.test(printableJson(json)));
  });

  it('summary (table): names escaped visibly', async () => {
    const r = await cli(['summary', file]);
    assert.equal(r.code, 0, r.err);
    assert.ok(!RAW_CONTROL.test(r.out), JSON.stringify(r.out.slice(0, 300)));
    assert.ok(r.out.includes('evil\\x1b]0;pwned\\x07'), 'model name shown with escapes');
    assert.ok(r.out.includes('dense\\x1b[2J\\x1b[H\\x9b31m\\u202eright'), 'layer name shown with escapes');
  });

  it('summary --json: valid JSON with the exact names, no raw controls', async () => {
    const r = await cli(['summary', file, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.ok(!RAW_CONTROL.test(r.out));
    const j = JSON.parse(r.out);
    assert.equal(j.model, MODEL);
    assert.ok(j.layers.some((l: { name: string }) => l.name === LAYER));
  });

  it('unsupported layers listed on stderr: escaped', async () => {
    const r = await cli(['summary', unsupported]);
    assert.equal(r.code, 3);
    assert.ok(!RAW_CONTROL.test(r.out) && !RAW_CONTROL.test(r.err), JSON.stringify(r.err));
    assert.match(r.err, /Weird\\x1b\[2J/);
  });

  it('compare and memory (text and JSON): escaped', async () => {
    for (const argv of [['compare', file, 'lenet5'], ['compare', file, 'lenet5', '--json'], ['memory', file], ['memory', file, '--json']]) {
      const r = await cli(argv);
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.err}`);
      assert.ok(!RAW_CONTROL.test(r.out), `${argv.join(' ')}: ${JSON.stringify(r.out.slice(0, 200))}`);
    }
  });

  it('errors naming argv or file content: escaped', async () => {
    for (const argv of [[`\u001b]0;x\u0007`], ['summary', `${dir}/no\u001b[2Jfile.json`], ['summary', file, '--batch', `\u001b[31m`]]) {
      const r = await cli(argv);
      assert.equal(r.code, 1);
      assert.ok(r.err.length > 0 && !RAW_CONTROL.test(r.err), JSON.stringify(r.err));
      // Escaped visibly, or (file errors go through clip()) replaced by a space.
      assert.match(r.err, /\\x1b|no \[2Jfile/);
    }
  });
});
