// Bad models get one clear NetLensError each; unknown classes are listed, never counted as zero.
import { strict as assert } from 'node:assert';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { ModelBuilder, snake } from '../../src/core/ir/builder';
import { normalizeModel } from '../../src/core/ir/normalize';
import { KerasModel, kerasModelOf, NetLensError } from '../../src/core/ir/types';
import { buildZooModel } from '../../src/core/zoo';

function small(): KerasModel {
  const b = new ModelBuilder('small');
  let x = b.input([16, 16, 3], 'in');
  x = b.conv2d(x, 8, { kernelSize: 3, name: 'conv' });
  x = b.flatten(x, 'flat');
  x = b.dense(x, 4, { name: 'out' });
  return kerasModelOf(b.build([x]));
}

function mutate(fn: (m: KerasModel) => void): KerasModel {
  const m = JSON.parse(JSON.stringify(small())) as KerasModel;
  fn(m);
  return m;
}

const layer = (m: KerasModel, name: string) => m.config.layers.find((l) => l.name === name)!;

function rejects(m: KerasModel, pattern: RegExp): void {
  assert.throws(() => analyzeModel(m), (e: unknown) => {
    assert.ok(e instanceof NetLensError, `expected NetLensError, got ${e}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

describe('IR validation and bad input', () => {
  it('rejects a cycle', () => rejects(mutate((m) => { layer(m, 'conv').inbound_nodes = [[['out', 0, 0, {}]]]; }), /cycle/));
  it('rejects a dangling inbound name', () => rejects(mutate((m) => { layer(m, 'flat').inbound_nodes = [[['nope', 0, 0, {}]]]; }), /unknown layer "nope"/));
  it('rejects duplicate names', () => rejects(mutate((m) => { layer(m, 'flat').name = 'conv'; }), /duplicate layer name "conv"/));
  it('rejects zero and negative dimensions', () => {
    rejects(mutate((m) => { layer(m, 'in').config.batch_input_shape = [null, 0, 16, 3]; }), /positive integer/);
    rejects(mutate((m) => { layer(m, 'conv').config.filters = -8; }), /filters must be a positive integer/);
    rejects(mutate((m) => { layer(m, 'conv').config.kernel_size = [3, 0]; }), /kernel_size/);
  });
  it('rejects a kernel larger than its input', () => rejects(mutate((m) => { layer(m, 'conv').config.kernel_size = [17, 17]; }), /smaller than the 17-wide window/));
  it('rejects a shape that overflows', () => rejects(mutate((m) => { layer(m, 'in').config.batch_input_shape = [null, 1e9, 1e9, 3]; }), /overflows/));
  it('rejects shared layers explicitly', () => rejects(mutate((m) => { layer(m, 'conv').inbound_nodes.push([['in', 0, 0, {}]]); }), /shared layers/));
  it('rejects a merge of incompatible shapes', () => {
    const b = new ModelBuilder('bad_add');
    const x = b.input([8, 8, 3]);
    const y = b.conv2d(x, 4, { kernelSize: 1 });
    rejects(kerasModelOf(b.build([b.add([x, y], 'sum')])), /cannot merge/);
  });
  it('rejects a non-model', () => {
    assert.throws(() => normalizeModel({ hello: 1 }), /not a Keras\/tfjs model/);
    assert.throws(() => normalizeModel([1, 2]), NetLensError);
  });
  it('rejects a bad batch', () => assert.throws(() => analyzeModel(small(), { batch: 0 }), /batch must be a positive integer/));

  it('lists an unknown layer class as unsupported and keeps analysing after it', () => {
    const m = mutate((mm) => {
      const flat = layer(mm, 'flat');
      mm.config.layers.splice(2, 0, { class_name: 'MyCustomBlock', name: 'custom', config: { name: 'custom' }, inbound_nodes: [[['conv', 0, 0, {}]]] });
      flat.inbound_nodes = [[['custom', 0, 0, {}]]];
    });
    const a = analyzeModel(m);
    assert.deepEqual(a.unsupported, [{ name: 'custom', className: 'MyCustomBlock' }]);
    assert.equal(a.layers.find((l) => l.name === 'custom')!.category, 'unsupported');
    assert.equal(a.layers.find((l) => l.name === 'out')!.params, 14 * 14 * 8 * 4 + 4);
  });

  it('Sequential configs become a functional chain', () => {
    const seq = {
      class_name: 'Sequential',
      config: { name: 'seq', layers: [
        { class_name: 'Dense', config: { name: 'd1', units: 5, batch_input_shape: [null, 3] } },
        { class_name: 'Dense', config: { name: 'd2', units: 2 } },
      ] },
    };
    const a = analyzeModel(normalizeModel(seq));
    assert.deepEqual(a.layers.map((l) => l.name), ['d1_input', 'd1', 'd2']);
    assert.equal(a.totals.params, 3 * 5 + 5 + 5 * 2 + 2);
  });

  it('reads tfjs model.json and Keras 3 inbound formats', () => {
    const spec = buildZooModel('lenet5');
    assert.equal(analyzeModel(normalizeModel({ modelTopology: spec.model, weightsManifest: [] })).totals.params, 61_706);
    const k3 = JSON.parse(JSON.stringify(spec.model));
    for (const l of k3.config.layers) {
      l.inbound_nodes = l.inbound_nodes.map((node: [string, number, number][]) => ({
        args: node.map(([n, i, t]) => ({ class_name: '__keras_tensor__', config: { keras_history: [n, i, t] } })), kwargs: {},
      }));
    }
    k3.class_name = 'Functional';
    assert.equal(analyzeModel(normalizeModel(k3)).totals.params, 61_706);
  });

  it('names anonymous layers the way Keras does', () => {
    assert.equal(snake('Conv2D'), 'conv2d');
    assert.equal(snake('MaxPooling2D'), 'max_pooling2d');
    assert.equal(snake('BatchNormalization'), 'batch_normalization');
    assert.equal(snake('GlobalAveragePooling2D'), 'global_average_pooling2d');
    const names = kerasModelOf(buildZooModel('xception')).config.layers.map((l) => l.name);
    assert.ok(names.includes('conv2d_3') && names.includes('batch_normalization_3') && names.includes('add_11'));
  });
});
