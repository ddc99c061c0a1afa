// "NetLens: Compare Models..." (netlens.compareModels). Activation only registers the command;
// the zoo, the analyser and the panel load on first use.
//
// Arguments: none (quick pick of the presets plus "Choose models...": zoo models and the user's own
// files, any format NetLens opens), a preset id string, or an array of two or more zoo names or
// model file paths.
import * as vscode from 'vscode';
import type { CompareRequest } from '../core/compare/presets';

export const COMPARE_COMMAND = 'netlens.compareModels';

async function pick(): Promise<CompareRequest | undefined> {
  const { COMPARE_PRESETS } = await import('../core/compare/presets');
  const { ZOO } = await import('../core/zoo');
  const items: (vscode.QuickPickItem & { id?: string })[] = [
    ...COMPARE_PRESETS.map((p) => ({ label: p.title, description: p.models.join(', '), detail: p.story, id: p.id })),
    { label: '$(checklist) Choose models...', detail: 'Pick two or more models: the zoo, or your own .keras / .h5 / .onnx / model.json files' },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'NetLens: Compare Models', placeHolder: 'A comparison from the papers, or your own', matchOnDetail: true });
  if (!choice) return undefined;
  const preset = COMPARE_PRESETS.find((p) => p.id === choice.id);
  if (preset) return { title: preset.title, story: preset.story, models: preset.models };
  for (;;) {
    type Item = vscode.QuickPickItem & { name?: string };
    const files: Item = { label: '$(folder-opened) Model files...', detail: 'Your own .keras, .h5, .onnx or model.json files (chosen next), with or beside zoo models', alwaysShow: true };
    const picked = await vscode.window.showQuickPick<Item>(
      [files, ...ZOO.map((z) => ({ label: z.title, description: z.name, detail: z.description, name: z.name }))],
      { title: 'NetLens: Compare which models? (two or more)', canPickMany: true, matchOnDescription: true },
    );
    if (!picked) return undefined;
    const chosen = picked.filter((p) => p.name).map((p) => ({ label: p.label, arg: p.name! }));
    if (picked.includes(files)) {
      const uris = await vscode.window.showOpenDialog({
        canSelectMany: true, openLabel: 'Compare', title: 'NetLens: model files to compare',
        filters: { 'Models (Keras, tfjs, ONNX)': ['keras', 'h5', 'hdf5', 'onnx', 'json'] },
      });
      if (!uris) return undefined;
      for (const u of uris) chosen.push({ label: u.path.replace(/^.*\//, ''), arg: u.fsPath });
    }
    if (chosen.length >= 2) return { title: chosen.map((p) => p.label).join(' vs '), models: chosen.map((p) => p.arg) };
    const again = await vscode.window.showWarningMessage('NetLens: pick at least two models to compare.', 'Pick again');
    if (again !== 'Pick again') return undefined;
  }
}

async function fromArgument(arg: unknown): Promise<CompareRequest | undefined> {
  const { COMPARE_PRESETS } = await import('../core/compare/presets');
  if (typeof arg === 'string') {
    const p = COMPARE_PRESETS.find((x) => x.id === arg);
    if (!p) throw new Error(`unknown comparison preset "${arg}"; presets: ${COMPARE_PRESETS.map((x) => x.id).join(', ')}`);
    return { title: p.title, story: p.story, models: p.models };
  }
  if (Array.isArray(arg) && arg.length >= 2 && arg.every((a) => typeof a === 'string')) return { title: arg.join(' vs '), models: arg as string[] };
  return undefined;
}

export function registerCompare(context: vscode.ExtensionContext): void {
  // A Compare page open when the window reloads comes back (its state names the comparison).
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer('netlens.compare', {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      const { parseCompareState } = await import('../protocol/compare');
      const restored = parseCompareState(state);
      if (!restored) { panel.dispose(); return; }
      try {
        const { ComparePanel } = await import('./comparePanel');
        await ComparePanel.revive(context, panel, restored.request);
      } catch (e) {
        panel.dispose();
        void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
      }
    },
  }));
  context.subscriptions.push(vscode.commands.registerCommand(COMPARE_COMMAND, async (arg?: unknown) => {
    try {
      const request = (await fromArgument(arg)) ?? await pick();
      if (!request) return;
      const { ComparePanel } = await import('./comparePanel');
      await ComparePanel.show(context, request);
    } catch (e) {
      void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
    }
  }));
}
