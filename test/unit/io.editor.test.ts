// "Open With... > NetLens Model Graph": the custom editor for .keras / .h5 / model.json hands the
// file to the graph view's netlens.openModelFile command and closes its placeholder tab. Tested
// against a stand-in for the `vscode` module (the real editor runs in test/e2e); the package.json
// contribution is checked against the code.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stubVscode } from './helpers/vscodeStub';

const ROOT = join(__dirname, '..', '..', '..');

interface Provider {
  openCustomDocument(uri: unknown): { uri: unknown; dispose(): void };
  resolveCustomEditor(doc: { uri: unknown }, panel: unknown): Promise<void>;
}

describe('io: "Open With" custom editor for model files', () => {
  const registered = new Map<string, { provider: Provider; options: unknown }>();
  const executed: { id: string; args: unknown[] }[] = [];
  let failCommand = false;
  const fake = {
    window: {
      registerCustomEditorProvider: (viewType: string, provider: Provider, options: unknown) => {
        registered.set(viewType, { provider, options });
        return { dispose() {} };
      },
    },
    commands: {
      executeCommand: async (id: string, ...args: unknown[]) => {
        executed.push({ id, args });
        if (failCommand) throw new Error('command failed');
      },
    },
  };
  let editor: typeof import('../../src/host/modelFileEditor');
  const subscriptions: unknown[] = [];
  let restore = (): void => undefined;

  before(() => {
    restore = stubVscode(fake);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    editor = require('../../src/host/modelFileEditor');
    editor.registerModelFileEditor({ subscriptions } as never);
  });
  after(() => restore());

  function panel() {
    const p = { disposed: false, webview: { html: '' }, dispose() { p.disposed = true; } };
    return p;
  }

  it('registers one read-only provider under the two contributed viewTypes', () => {
    assert.deepEqual([...registered.keys()], [editor.MODEL_FILE_DEFAULT_EDITOR, editor.MODEL_FILE_EDITOR]);
    assert.equal(registered.get(editor.MODEL_FILE_DEFAULT_EDITOR)!.provider, registered.get(editor.MODEL_FILE_EDITOR)!.provider);
    assert.equal(subscriptions.length, 2);
  });

  it('hands the file to netlens.openModelFile and closes its placeholder tab', async () => {
    const { provider } = registered.get(editor.MODEL_FILE_EDITOR)!;
    const uri = { fsPath: '/models/my_cnn.keras', scheme: 'file' };
    const doc = provider.openCustomDocument(uri);
    assert.equal(doc.uri, uri);
    const p = panel();
    await provider.resolveCustomEditor(doc, p);
    assert.deepEqual(executed, [{ id: 'netlens.openModelFile', args: [uri] }]);
    assert.equal(p.disposed, false, 'not while resolving');
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(p.disposed, true);
    assert.ok(!/<script/i.test(p.webview.html), 'the placeholder runs no script');
  });

  it('closes the placeholder even when the command fails', async () => {
    const { provider } = registered.get(editor.MODEL_FILE_EDITOR)!;
    failCommand = true;
    const p = panel();
    await assert.rejects(provider.resolveCustomEditor(provider.openCustomDocument({ fsPath: '/x.h5' }), p));
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(p.disposed, true);
    failCommand = false;
  });

  it('package.json: a double-click opens .keras and .onnx (priority default), .h5 and model.json are offered in Open With (option)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const ce = pkg.contributes.customEditors as { viewType: string; selector: { filenamePattern: string }[]; priority: string }[];
    const patterns = (viewType: string) => ce.find((e) => e.viewType === viewType)?.selector.map((s) => s.filenamePattern).sort();
    const priority = (viewType: string) => ce.find((e) => e.viewType === viewType)?.priority;
    assert.deepEqual(patterns(editor.MODEL_FILE_DEFAULT_EDITOR), ['*.keras', '*.onnx']);
    assert.equal(priority(editor.MODEL_FILE_DEFAULT_EDITOR), 'default', 'opens .keras/.onnx on a double-click');
    assert.deepEqual(patterns(editor.MODEL_FILE_EDITOR), ['*.h5', 'model.json']);
    assert.equal(priority(editor.MODEL_FILE_EDITOR), 'option', 'offered in Open With, never taking over .json or .h5 files');
    assert.deepEqual(ce.map((e) => e.viewType).sort(), [editor.MODEL_FILE_EDITOR, editor.MODEL_FILE_DEFAULT_EDITOR].sort());
    const explorer = (pkg.contributes.menus['explorer/context'] as { command: string; when: string }[])
      .find((m) => m.command === editor.OPEN_MODEL_FILE_COMMAND);
    assert.match(explorer?.when ?? '', /\.onnx/, 'the explorer menu offers .onnx files');
    assert.ok((pkg.contributes.commands as { command: string }[]).some((c) => c.command === editor.OPEN_MODEL_FILE_COMMAND));
  });
});
