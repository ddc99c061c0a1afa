// The host's layout cache (src/host/layoutStore.ts) with a stand-in for the vscode module's file
// system: layouts persist per model structure, and what is read back from disk is validated.
import { strict as assert } from 'node:assert';
import { stubVscode } from './helpers/vscodeStub';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import type { GraphLayout } from '../../src/core/graph/layout';

type Uri = { fsPath: string };
const fakeVscode = {
  Uri: { joinPath: (u: Uri, ...p: string[]): Uri => ({ fsPath: join(u.fsPath, ...p) }) },
  workspace: {
    fs: {
      readFile: async (u: Uri) => new Uint8Array(readFileSync(u.fsPath)),
      writeFile: async (u: Uri, b: Uint8Array) => { writeFileSync(u.fsPath, b); },
      createDirectory: async (u: Uri) => { mkdirSync(u.fsPath, { recursive: true }); },
    },
  },
};

function loadStore(): typeof import('../../src/host/layoutStore') {
  const restore = stubVscode(fakeVscode);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../../src/host/layoutStore') as typeof import('../../src/host/layoutStore');
  } finally {
    restore();
  }
}

const layout = (key: string): GraphLayout => ({
  key, width: 100, height: 80, boxes: { n0: { x: 1, y: 2, w: 30, h: 40 } }, edges: [], nodes: ['n0'], frames: [],
});

describe('graph view: host layout cache', () => {
  const { LayoutStore } = loadStore();

  it('persists layouts per model structure and reads them back in a new session', async () => {
    const dir = { fsPath: mkdtempSync(join(tmpdir(), 'netlens-store-')) };
    const a = new LayoutStore(dir as never);
    await a.put('abc', layout('abc-1'));
    await a.put('abc', layout('abc-2'));
    await a.put('other', layout('other-1'));
    const b = new LayoutStore(dir as never);
    assert.deepEqual((await b.get('abc')).map((l) => l.key), ['abc-2', 'abc-1']);
    assert.deepEqual((await b.get('other')).map((l) => l.key), ['other-1']);
    assert.deepEqual(await b.get('none'), []);
  });

  it('peeks at what this session holds without reading the disk (a page served with its first layout)', async () => {
    const dir = { fsPath: mkdtempSync(join(tmpdir(), 'netlens-store-')) };
    await new LayoutStore(dir as never).put('abc', layout('abc-1'));
    const s = new LayoutStore(dir as never);
    assert.deepEqual(s.peek('abc'), [], 'on disk, not yet read this session');
    await s.get('abc');
    assert.deepEqual(s.peek('abc').map((l) => l.key), ['abc-1']);
    await s.put('abc', layout('abc-2'));
    assert.deepEqual(s.peek('abc').map((l) => l.key), ['abc-2', 'abc-1']);
  });

  it('refuses layouts filed under another model, and drops invalid ones read from disk', async () => {
    const dir = { fsPath: mkdtempSync(join(tmpdir(), 'netlens-store-')) };
    const s = new LayoutStore(dir as never);
    await s.put('abc', layout('xyz-1'));
    assert.deepEqual(await s.get('abc'), []);
    const file = join(dir.fsPath, 'layouts', 'abc.json');
    mkdirSync(dirname(file), { recursive: true });
    const bad = { ...layout('abc-3'), width: 'wide' };
    const foreign = layout('zzz-1');
    writeFileSync(file, JSON.stringify([layout('abc-1'), bad, foreign, { key: 'abc-4', boxes: { '<img>': {} } }]));
    assert.deepEqual((await new LayoutStore(dir as never).get('abc')).map((l) => l.key), ['abc-1']);
    writeFileSync(file, '{ not json');
    assert.deepEqual(await new LayoutStore(dir as never).get('abc'), []);
  });

  it('works without storage (memory only)', async () => {
    const s = new LayoutStore(undefined);
    await s.put('abc', layout('abc-1'));
    assert.deepEqual((await s.get('abc')).map((l) => l.key), ['abc-1']);
  });
});
