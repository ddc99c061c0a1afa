// Issue 13, finding 5: names from files and argv used as object keys. Every Object.prototype
// member name (constructor, hasOwnProperty, __proto__, toString, valueOf, ...) goes through each
// lookup a file or the command line can reach: layer class, activation, dtype, layer name (group
// tables), ONNX lowering rules, zoo names, CLI commands, and "__proto__" keys in JSON configs.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { loadModel } from '../../src/core/io/loadModel';
import { parseModelJson } from './helpers/modelJson';
import { parseLabels } from '../../src/core/io/labels';
import { unzipKeras } from '../../src/core/formats/keras/archive';
import { readKerasArchive } from '../../src/core/formats/keras/archive';
import { zooEntry } from '../../src/core/zoo';
import { onnxUnsupported } from '../../src/core/engines/ort/lowering';
import { buildViewGraph } from '../../src/core/graph/viewGraph';
import { stageSums } from '../../src/core/compare/stages';
import { NetLensError } from '../../src/core/ir/types';
import { lookup, parseJsonSafely } from '../../src/core/safeLookup';
import { cliInProcess } from './helpers/cliInProcess';
import { removeDir, tempDir } from '../fixtures/writers';
import { zipSync } from 'fflate';
import { modelBytes, smallCnn } from '../fixtures/onnx/files';

const NAMES = Object.getOwnPropertyNames(Object.prototype);

/** A small functional model: input -> Dense(4) named/typed as asked. */
function config(dense: Record<string, unknown>, className = 'Dense', layerName = 'd'): string {
  return JSON.stringify({
    class_name: 'Functional',
    config: {
      name: 'm',
      layers: [
        { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 8] }, inbound_nodes: [] },
        { class_name: className, name: layerName, config: { name: layerName, units: 4, ...dense }, inbound_nodes: [[['in', 0, 0, {}]]] },
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [[layerName, 0, 0]],
    },
  });
}

/** Runs `fn`; it may throw only a NetLensError (never TypeError & co). */
function onlyClearErrors<T>(what: string, fn: () => T): T | NetLensError {
  try {
    return fn();
  } catch (e) {
    assert.ok(e instanceof NetLensError, `${what}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
    return e;
  }
}

const cli = cliInProcess;

describe('hardening: Object.prototype names as keys from files and argv (issue 13, finding 5)', function () {
  this.timeout(60_000);

  it('the list covers what the review found', () => {
    for (const n of ['constructor', 'hasOwnProperty', '__proto__', 'toString', 'valueOf']) assert.ok(NAMES.includes(n));
  });

  it('the lookup helper never returns inherited members', () => {
    const table = { relu: 1 };
    for (const n of NAMES) assert.equal(lookup(table, n), undefined, n);
    assert.equal(lookup(table, 'relu'), 1);
  });

  for (const n of NAMES) {
    describe(`"${n}"`, () => {
      it('as a layer class: reported unsupported by name, never a TypeError', () => {
        const spec = onlyClearErrors('load', () => parseModelJson(config({}, n), 'm'));
        if (spec instanceof NetLensError) return;
        const a = analyzeModel(spec.model);
        assert.deepEqual(a.unsupported.map((u) => u.className), [n]);
        const why = onlyClearErrors('onnx', () => onnxUnsupported(spec));
        if (!(why instanceof NetLensError)) assert.deepEqual(why.map((u) => u.className), [n], 'not lowerable to ONNX either');
      });

      it('as an activation: FLOPs stay finite, or one clear error', () => {
        const spec = onlyClearErrors('load', () => parseModelJson(config({ activation: n }), 'm'));
        if (spec instanceof NetLensError) return;
        const a = onlyClearErrors('analyze', () => analyzeModel(spec.model));
        if (a instanceof NetLensError) return;
        assert.ok(Number.isFinite(a.totals.flops), `FLOPs ${a.totals.flops}`);
        assert.ok(a.totals.flops >= 2 * 8 * 4, 'at least the MACs');
      });

      it('as a dtype: bytes stay finite, or one clear error', () => {
        const spec = onlyClearErrors('load', () => parseModelJson(config({ dtype: n }), 'm'));
        if (spec instanceof NetLensError) return;
        const a = onlyClearErrors('analyze', () => analyzeModel(spec.model));
        if (a instanceof NetLensError) return;
        assert.ok(Number.isFinite(a.totals.weightBytes) && Number.isFinite(a.totals.activationBytes));
      });

      it('as a layer name: analysed and drawn like any other name', () => {
        const spec = onlyClearErrors('load', () => parseModelJson(config({}, 'Dense', n), 'm'));
        if (spec instanceof NetLensError) return;
        const a = analyzeModel(spec.model);
        assert.equal(a.totals.params, 8 * 4 + 4);
        assert.deepEqual(stageSums(spec, a).map((st) => st.stage), ['other'], 'compare stages: outside any group');
        const g = buildViewGraph(spec, a);
        assert.equal(g.nodes.filter((x) => x.group !== null).length, 0, 'no layer is put in a group it is not in');
      });

      it('as a zoo name or model argument: not a model', async () => {
        assert.equal(zooEntry(n), undefined);
        await assert.rejects(loadModel(n), NetLensError);
      });

      it('as a CLI command: "unknown command", exit 1', async () => {
        const r = await cli([n]);
        assert.equal(r.code, 1, `exit code for "${n}"`);
        assert.match(r.err, /unknown command/);
      });

      it('as an --optimizer value (summary, memory): refused, exit 1', async () => {
        for (const cmd of ['summary', 'memory']) {
          const r = await cli([cmd, 'lenet5', '--optimizer', n]);
          assert.equal(r.code, 1, `${cmd} --optimizer ${n}`);
          assert.match(r.err, /--optimizer must be one of/);
        }
      });

      it('as a tfjs weightsManifest dtype: "unsupported dtype"', async () => {
        const dir = tempDir();
        try {
          const topology = JSON.parse(config({}));
          writeFileSync(join(dir, 'w.bin'), new Uint8Array(4 * (8 * 4 + 4)));
          writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: ['w.bin'], weights: [
            { name: 'd/kernel', shape: [8, 4], dtype: n }, { name: 'd/bias', shape: [4], dtype: 'float32' }] }] }));
          await assert.rejects(loadModel(join(dir, 'model.json')), /unsupported dtype/);
        } finally {
          removeDir(dir);
        }
      });

      it('as an ONNX op type and node name: unsupported by name, or one clear error', async () => {
        const g = smallCnn();
        g.nodes = g.nodes.map((x) => (x.opType === 'Relu' ? { ...x, opType: n, name: n } : x));
        const dir = tempDir();
        try {
          writeFileSync(join(dir, 'm.onnx'), modelBytes(g));
          const spec = await loadModel(join(dir, 'm.onnx')).catch((e: unknown) => {
            assert.ok(e instanceof NetLensError, `${(e as Error)?.name}: ${(e as Error)?.message}`);
            return undefined;
          });
          if (!spec) return;
          const a = onlyClearErrors('analyze', () => analyzeModel(spec.model));
          if (!(a instanceof NetLensError)) assert.ok(a.unsupported.some((u) => u.className === n), JSON.stringify(a.unsupported));
        } finally {
          removeDir(dir);
        }
      });

      it('as a labels.json entry: taken as a label', () => {
        assert.deepEqual(parseLabels(JSON.stringify([n, 'b']), true, 'labels.json'), [n, 'b']);
      });
    });
  }

  describe('"__proto__" keys in JSON from files are refused', () => {
    it('in a layer config (it lent Dense its units)', () => {
      const text = config({}).replace('"units":4', '"__proto__":{"units":3}');
      assert.ok(text.includes('"__proto__"'));
      assert.throws(() => parseModelJson(text, 'm'), /has a "__proto__" key/);
    });
    it('in a .keras config.json', () => {
      const z = zipSync({ 'config.json': new TextEncoder().encode('{"class_name":"Sequential","__proto__":{"x":1},"config":{}}') });
      assert.ok(Object.keys(unzipKeras(z)).includes('config.json'));
      assert.throws(() => readKerasArchive(z), /config.json in the archive has a "__proto__" key/);
    });
    it('in a model file on disk', async () => {
      const dir = tempDir();
      try {
        const f = join(dir, 'proto.json');
        writeFileSync(f, config({}).replace('"name":"m"', '"name":"m","__proto__":{"layers":[]}'));
        await assert.rejects(loadModel(f), /has a "__proto__" key/);
      } finally {
        removeDir(dir);
      }
    });
    it('parseJsonSafely keeps every other key, including other prototype names', () => {
      const o = parseJsonSafely('{"constructor":1,"toString":"x","a":{"hasOwnProperty":2}}', 't') as Record<string, unknown>;
      assert.equal(o.constructor, 1);
      assert.deepEqual(o.a, { hasOwnProperty: 2 });
    });
  });
});
