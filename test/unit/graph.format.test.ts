// The one shape formatter module (src/core/text/format.ts) and its users: the graph's output
// shapes, Keras' summary notation (model.summary() prints "(None, 112, 112, 64)") and the error text.
import { strict as assert } from 'node:assert';
import { dims, msText, shape, shapeList } from '../../src/core/text/format';
import { milliseconds } from '../../src/core/graph/text';
import { formatDims } from '../../src/core/graph/viewGraph';
import { formatShape } from '../../src/core/analysis/config';

describe('shape formatters', () => {
  it('writes the three notations from one module', () => {
    assert.equal(shape([null, 112, 112, 64]), '(None, 112, 112, 64)');
    assert.equal(dims([112, 112, 64]), '112×112×64');
    assert.equal(dims([224, 224, 3], 'x'), '224x224x3');
    assert.equal(dims([null, 7]), '?×7');
    assert.equal(dims([]), 'scalar');
    assert.equal(shapeList([null, 112, 64]), '[null, 112, 64]');
  });

  it('the graph drops the batch dimension; analysis errors list every dimension', () => {
    assert.equal(formatDims([null, 112, 112, 64]), '112×112×64');
    assert.equal(formatDims([null]), 'scalar');
    assert.equal(formatShape([null, 2048]), '[null, 2048]');
  });

  it('times: one digit rule for the profile page, its text report and the graph view', () => {
    assert.equal(msText(0.175), '0.175');
    assert.equal(msText(12.3456), '12.35');
    assert.equal(msText(123.46), '123.5');
    assert.equal(milliseconds(0.175), '0.175 ms');
    assert.equal(milliseconds(1234.5), '1,235 ms');
  });
});
