// The editor's preprocessing question (src/host/preprocessingChoice.ts) with a stand-in vscode:
// asked once per model file and remembered, never asked for zoo models, 'auto' leaves the model's
// own default, dismissing the pick cancels the profile, and a changed answer replaces the old one.
// A file the model process says rescales itself is not asked about.
import { strict as assert } from 'node:assert';
import { stubVscode } from './helpers/vscodeStub';
import { fileRef, parseModelRef } from '../../src/protocol/modelRef';

type Item = { label: string; value: string; picked?: boolean };

describe('editor: preprocessing asked once per model file', () => {
  let restore: () => void;
  let answers: (string | undefined)[];
  let asked: Item[][];
  let host: typeof import('../../src/host/preprocessingChoice');
  const state = new Map<string, unknown>();
  const memento = {
    get: <T>(k: string): T | undefined => state.get(k) as T | undefined,
    update: async (k: string, v: unknown): Promise<void> => { state.set(k, v); },
    keys: () => [...state.keys()],
  };

  before(() => {
    restore = stubVscode({
      window: {
        showQuickPick: async (items: Item[]) => {
          asked.push(items);
          const want = answers.shift();
          return items.find((i) => i.value === want);
        },
      },
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    host = require('../../src/host/preprocessingChoice');
  });
  after(() => {
    restore();
    // Host modules loaded here hold this stand-in: drop them so later tests load their own.
    for (const k of Object.keys(require.cache)) if (/[\\/]src[\\/]host[\\/]/.test(k)) delete require.cache[k];
  });
  beforeEach(() => { answers = []; asked = []; state.clear(); });

  it('asks for a file the first time, then remembers the answer for that file only', async () => {
    answers = ['torch'];
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('/m/a.keras')), 'torch');
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0].map((i) => i.value), ['auto', 'caffe', 'tf', 'torch', 'grayscale01', 'none']);
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('/m/a.keras')), 'torch');
    assert.equal(asked.length, 1, 'not asked again');
    answers = ['caffe'];
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('/m/b.h5')), 'caffe');
    assert.equal(asked.length, 2);
  });

  it('highlights (lists first, so Enter takes it) torch for an ONNX file, auto for a Keras file, the current answer once there is one', async () => {
    answers = [undefined];
    await host.pickPreprocessing(memento as never, fileRef('/m/net.ONNX'));
    assert.deepEqual(asked[0].map((i) => i.value), ['torch', 'auto', 'caffe', 'tf', 'grayscale01', 'none']);
    assert.equal(host.defaultPreprocessing(fileRef('/m/net.onnx')), 'torch');
    assert.equal(host.defaultPreprocessing(fileRef('/m/net.keras')), 'auto');
    // What Enter does in VS Code's quick pick: it takes the first (active) item.
    answers = ['torch'];
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('/m/net2.onnx')), 'torch');
    assert.equal(asked[1][0].value, 'torch');
    answers = [undefined];
    await host.pickPreprocessing(memento as never, fileRef('/m/net.h5'));
    assert.equal(asked[2][0].value, 'auto');
    answers = [undefined];
    state.set('netlens.preprocessingByModel', { '/m/net3.onnx': 'caffe' });
    await host.pickPreprocessing(memento as never, fileRef('/m/net3.onnx'));
    assert.deepEqual(asked[3].map((i) => i.value), ['caffe', 'auto', 'tf', 'torch', 'grayscale01', 'none']);
  });

  it("never asks for a zoo model (its family's mode stands)", async () => {
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('resnet50')), undefined);
    assert.equal(asked.length, 0);
  });

  it("'auto' leaves the model's own default; dismissing cancels the profile and remembers nothing", async () => {
    answers = ['auto'];
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('/m/c.keras')), undefined);
    answers = [undefined];
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('/m/d.keras')), null);
    assert.equal(host.rememberedPreprocessing(memento as never, fileRef('/m/d.keras')), undefined);
  });

  it('changing it (the profile page) marks the current answer and replaces it', async () => {
    answers = ['tf'];
    await host.preprocessingForRequest(memento as never, parseModelRef('/m/e.keras'));
    answers = ['none'];
    assert.equal(await host.pickPreprocessing(memento as never, fileRef('/m/e.keras')), 'none');
    assert.equal(asked[1].find((i) => i.picked)?.value, 'tf');
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('/m/e.keras')), 'none');
  });

  it("a file the model process says rescales itself is not asked about; a stored choice still wins; 'no', 'unknown' or a failure asks", async () => {
    const seen: string[] = [];
    const says = (answer: 'yes' | 'no' | 'unknown' | Error) => async (model: { path: string }) => {
      seen.push(model.path);
      if (answer instanceof Error) throw answer;
      return answer;
    };
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('/m/g.keras'), says('yes')), undefined);
    assert.deepEqual([asked.length, seen], [0, ['/m/g.keras']]);
    assert.equal(host.rememberedPreprocessing(memento as never, fileRef('/m/g.keras')), undefined, 'not stored as the user\'s choice');
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('efficientnetb0'), says('yes')), undefined);
    assert.equal(seen.length, 1, 'zoo models are not read');
    answers = ['tf'];
    assert.equal(await host.pickPreprocessing(memento as never, fileRef('/m/g.keras')), 'tf');
    assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef('/m/g.keras'), says('yes')), 'tf');
    assert.equal(seen.length, 1, 'a stored choice needs no reading');
    for (const [file, answer] of [['/m/h.keras', 'no'], ['/m/i.onnx', 'unknown'], ['/m/j.h5', new Error('the model process ran out of memory')]] as const) {
      answers = ['caffe'];
      const before = asked.length;
      assert.equal(await host.preprocessingForRequest(memento as never, parseModelRef(file), says(answer)), 'caffe', file);
      assert.equal(asked.length, before + 1, file);
    }
  });

  it('ignores stored junk and prototype names as file keys', async () => {
    state.set('netlens.preprocessingByModel', { '/m/f.keras': 'imagenet' });
    assert.equal(host.rememberedPreprocessing(memento as never, fileRef('/m/f.keras')), undefined);
    assert.equal(host.rememberedPreprocessing(memento as never, fileRef('constructor')), undefined);
  });
});
