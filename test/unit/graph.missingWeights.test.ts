// A model drawn without its weight files (an ONNX model whose external data is not beside it):
// the view graph the model process answers says which files are missing, and the editor's note is
// one short line (VS Code cuts long notifications: the old error ended in "initializer ...").
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { buildViewGraph, missingWeightsNote } from '../../src/core/graph/viewGraph';
import { isModelGraph } from '../../src/core/ir/graph';
import { loadModel } from '../../src/core/io/loadModel';
import { buildZooModel } from '../../src/core/zoo';
import { validViewGraph } from '../../src/protocol/modelService';

const ROOT = join(__dirname, '..', '..', '..');

describe('graph: a model drawn without its weights', () => {
  it('the view graph carries the missing files; the note is one short line naming them', async () => {
    const lenet = buildZooModel('lenet5');
    const complete = buildViewGraph(lenet, analyzeModel(lenet.model));
    assert.equal(complete.missingWeights, undefined, 'a complete model has none');
    assert.equal(missingWeightsNote(complete, 'lenet5'), undefined);
    // The ONNX fixtures are stored without their external data file: the case itself.
    const spec = await loadModel(join(ROOT, 'test', 'fixtures', 'onnx', 'resnet18-op13.onnx'));
    assert.ok(isModelGraph(spec.model));
    const g = buildViewGraph(spec, analyzeModel(spec.model));
    assert.deepEqual(g.missingWeights, ['resnet18-op13.onnx.data']);
    assert.ok(g.totals.params > 11e6, 'it draws and counts');
    assert.ok(validViewGraph(JSON.parse(JSON.stringify(g))), 'passes the host\'s check of service answers');
    const note = missingWeightsNote(g, 'resnet18-op13.onnx')!;
    assert.equal(note, 'resnet18-op13.onnx is drawn without its weights: "resnet18-op13.onnx.data" is not beside it. The graph and its counts are complete; profiling needs the file.');
    const many = missingWeightsNote({ model: 'x', missingWeights: ['a'.repeat(300), 'b.bin', 'c.bin'] }, `${'m'.repeat(200)}.onnx`)!;
    assert.ok(many.length <= 230, `${many.length} characters: names are clipped to 40`);
    assert.match(many, /3 weight files \("a{39}…", \.\.\.\) are not beside it/);
  });
});
