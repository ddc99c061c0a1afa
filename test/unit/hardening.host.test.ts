// Issue 13, finding 10: the smaller ones. The profile export's suggested file name is sanitised
// (one sanitiser shared with the graph export), the layer tree builds its group index once per
// graph, and a read-back (dataSync) that throws does not leak the layer's output tensor.
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { safeFileStem } from '../../src/core/report/fileName';
import { executeProfile } from '../../src/core/engines/tfjs/executor';
import type { ViewGraph } from '../../src/core/graph/viewGraph';
import { cpuBackend } from './helpers/tfjs';
import { stubVscode } from './helpers/vscodeStub';

/** The parts of the vscode API the host modules below touch. */
function fakeVscode(saved: { defaultUri?: { path: string } }[]) {
  class EventEmitter { event = () => ({ dispose() {} }); fire() {} }
  class TreeItem { constructor(public label: string, public collapsibleState?: number) {} }
  class ThemeIcon { constructor(public id: string) {} }
  class MarkdownString { value = ''; appendMarkdown(s: string) { this.value += s; return this; } appendText(s: string) { this.value += s; return this; } }
  const Uri = {
    file: (p: string) => ({ path: p, fsPath: p }),
    joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/'), fsPath: [base.path, ...parts].join('/') }),
  };
  return {
    EventEmitter, TreeItem, ThemeIcon, MarkdownString, Uri,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ViewColumn: { Beside: -2 },
    workspace: { workspaceFolders: [{ uri: Uri.file('/ws') }], fs: { writeFile: async () => undefined }, asRelativePath: (u: { path: string }) => u.path },
    window: {
      showSaveDialog: async (o: { defaultUri?: { path: string } }) => { saved.push(o); return undefined; },
      showInformationMessage: () => undefined,
    },
    commands: { executeCommand: async () => undefined },
  };
}

describe('hardening: the smaller findings (issue 13, finding 10)', function () {
  this.timeout(60_000);

  it('safeFileStem keeps suggested file names plain', () => {
    const cases: [string, string][] = [
      ['resnet50', 'resnet50'],
      ['../../.bashrc', 'bashrc'],
      ['/etc/passwd', 'etc_passwd'],
      ['C:\\Windows\\win.ini', 'C_Windows_win.ini'],
      ['evil\u001b]0;title\u0007', 'evil_0_title'],
      ['CON', 'model'],
      ['...', 'model'],
      ['', 'model'],
    ];
    for (const [name, want] of cases) assert.equal(safeFileStem(name), want, JSON.stringify(name));
    assert.equal(safeFileStem('x'.repeat(10_000)).length, 100);
  });

  describe('host modules (with a stand-in for vscode)', () => {
    const saved: { defaultUri?: { path: string } }[] = [];
    let restore: () => void;
    before(() => { restore = stubVscode(fakeVscode(saved)); });
    after(() => {
      restore();
      // Host modules loaded here hold the stand-in: drop them so other tests load their own.
      for (const k of Object.keys(require.cache)) if (/[\\/]src[\\/]host[\\/]/.test(k)) delete require.cache[k];
    });

    it("the profile export suggests a sanitised file name inside the workspace", async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { exportProfile } = require('../../src/host/profilePanel') as typeof import('../../src/host/profilePanel');
      await exportProfile({ model: '../../../home/user/.bashrc\u001b[2J' } as never, 'json');
      assert.equal(saved.length, 1);
      assert.equal(saved[0].defaultUri?.path, '/ws/home_user_.bashrc_2J.profile.json');
    });

    it('the layer tree indexes groups once per graph, not once per layer', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { LayersProvider } = require('../../src/host/modelTree') as typeof import('../../src/host/modelTree');
      // 200 blocks of 5 layers, each block inside one of 10 stages.
      const groups = [
        ...Array.from({ length: 10 }, (_, s) => ({ id: `s${s}`, label: `s${s}`, parent: null })),
        ...Array.from({ length: 200 }, (_, b) => ({ id: `s${b % 10}/b${b}`, label: `b${b}`, parent: `s${b % 10}` })),
      ].map((g) => ({ ...g, groups: [], layers: [], sums: { layers: 0, params: 0, macs: 0, flops: 0, weightBytes: 0 } }));
      const nodes = Array.from({ length: 1000 }, (_, i) => ({ name: `l${i}`, group: `s${Math.floor(i / 5) % 10}/b${Math.floor(i / 5)}` }));
      let maps = 0;
      const counted = Object.assign([...groups], { map(...a: Parameters<typeof Array.prototype.map>) { maps++; return Array.prototype.map.apply(this, a); } });
      const p = new LayersProvider();
      p.setGraph('m', { nodes, groups: counted } as unknown as ViewGraph);
      const afterSet = maps;
      const top = p.getChildren();
      assert.equal(top.length, 10, 'the ten stages');
      let layers = 0;
      for (const stage of top) for (const block of p.getChildren(stage)) layers += p.getChildren(block).length;
      assert.equal(layers, 1000);
      assert.equal(maps, afterSet, 'getChildren builds no group map');
    });
  });

  it('a layer whose read-back throws does not leak its output tensor', async () => {
    await cpuBackend();
    const input = tfl.input({ shape: [8, 8, 1] });
    const y = tfl.layers.dense({ units: 2 }).apply(tfl.layers.flatten().apply(tfl.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(input))) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: y });
    const x = tf.zeros([1, 8, 8, 1]);
    const base = tf.memory().numTensors;
    const original = tf.Tensor.prototype.dataSync;
    let calls = 0;
    for (const failAt of [1, 3]) { // the first and the last timed layer
      calls = 0;
      tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
        if (++calls === failAt) throw new Error('device lost');
        return original.call(this);
      } as typeof original;
      try {
        await assert.rejects(executeProfile(model, x, { runs: 1, warmup: 0, syncEachLayer: true }), /device lost/);
      } finally {
        tf.Tensor.prototype.dataSync = original;
      }
      assert.equal(tf.memory().numTensors, base, `no tensor left behind (read-back ${failAt} failed)`);
    }
    // The end-to-end predict's read-back failing (the last dataSync of a run) leaks nothing either.
    calls = 0;
    let total = 0;
    tf.Tensor.prototype.dataSync = function (this: tf.Tensor) { total++; return original.call(this); } as typeof original;
    try {
      await executeProfile(model, x, { runs: 1, warmup: 0, syncEachLayer: true });
    } finally {
      tf.Tensor.prototype.dataSync = original;
    }
    tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
      if (++calls === total) throw new Error('device lost in predict');
      return original.call(this);
    } as typeof original;
    try {
      await assert.rejects(executeProfile(model, x, { runs: 1, warmup: 0, syncEachLayer: true }), /device lost in predict/);
    } finally {
      tf.Tensor.prototype.dataSync = original;
    }
    assert.equal(tf.memory().numTensors, base, 'no tensor left behind (predict read-back failed)');
    x.dispose();
  });
});
