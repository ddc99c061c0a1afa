// Registers the graph view's commands, its two tree views and panel restore. Activation does only
// this: panels and the webview page load when a command first runs, and model files are read,
// analysed and laid out in the model service process (never in the extension host).
import * as vscode from 'vscode';
import { SHOW_PROFILE_COMMAND } from '../protocol/commands';
import type { ProfileResult } from '../core/profile/result';
import { LayersProvider, LayerItem, ModelsProvider } from './modelTree';
import { ZooFigures } from './zooFigures';
import { sharedModelService } from './sharedModelService';
import { modelRefOf } from '../protocol/modelRef';

type RuntimeModule = typeof import('./graphRuntime');
type Runtime = InstanceType<RuntimeModule['GraphRuntime']>;

export function registerGraphView(context: vscode.ExtensionContext): void {
  const layers = new LayersProvider();
  const layersView = vscode.window.createTreeView<LayerItem>('netlens.layers', { treeDataProvider: layers, showCollapseAll: true });
  let runtime: Promise<Runtime> | undefined;
  const rt = (): Promise<Runtime> => (runtime ??= import('./graphRuntime').then((m) => new m.GraphRuntime(context, layers, layersView, figures)));
  const guarded = <A extends unknown[]>(f: (...a: A) => Promise<unknown>) => async (...a: A): Promise<void> => {
    try {
      await f(...a);
    } catch (e) {
      // One notification, one line: loader errors are written for people.
      void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
    }
  };

  // Zoo figures for the tree and the quick pick: shipped with the extension, else from the model process.
  const figures = new ZooFigures(vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath, () => sharedModelService(context));
  const modelsView = vscode.window.createTreeView('netlens.models', { treeDataProvider: new ModelsProvider(figures) });
  context.subscriptions.push(
    layersView,
    modelsView,
    // Someone looking at the model list is about to open a graph: get the layout thread going.
    modelsView.onDidChangeVisibility((e) => { if (e.visible) void rt().then((r) => r.prewarm()).catch(() => undefined); }),
    vscode.commands.registerCommand('netlens.showResNet50Graph', guarded(async () => (await rt()).show(modelRefOf('resnet50')!))),
    // (name?, column?): Compare passes ViewColumn.One, Two, ... to open graphs side by side. Each
    // command parses its model argument once into a ModelRef (protocol/modelRef.ts).
    vscode.commands.registerCommand('netlens.showModelGraph', guarded(async (name?: unknown, column?: unknown) => (await rt()).pickAndShow(
      typeof name === 'string' ? modelRefOf(name) : undefined,
      typeof column === 'number' && Number.isInteger(column) && column >= 1 && column <= 9 ? column : undefined))),
    vscode.commands.registerCommand('netlens.openModelFile', guarded(async (uri?: unknown) => (await rt()).openFile(uri instanceof vscode.Uri ? uri : undefined))),
    vscode.commands.registerCommand('netlens.revealLayer', guarded(async (modelArg?: unknown, name?: unknown) => {
      const model = typeof modelArg === 'string' ? modelRefOf(modelArg) : undefined;
      if (model && typeof name === 'string') (await rt()).revealLayer(model, name);
    })),
    vscode.commands.registerCommand(SHOW_PROFILE_COMMAND, guarded(async (modelArg?: unknown, result?: unknown) => {
      const model = typeof modelArg === 'string' ? modelRefOf(modelArg) : undefined;
      if (!model || !isProfileResult(result)) throw new Error(`${SHOW_PROFILE_COMMAND} expects (modelArg: string, result: ProfileResult)`);
      await (await rt()).showProfile(model, result);
    })),
    vscode.window.registerWebviewPanelSerializer('netlens.graph', {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const saved = state && typeof state === 'object' ? (state as { model?: unknown }).model : undefined;
        const model = typeof saved === 'string' ? modelRefOf(saved) : undefined;
        if (!model) { panel.dispose(); return; }
        await (await rt()).revive(panel, model);
      },
    }),
  );
  // Activated by opening the NetLens view: warm up after activation returns, not during it.
  if (modelsView.visible) setTimeout(() => void rt().then((r) => r.prewarm()).catch(() => undefined), 0);
}

export function isProfileResult(v: unknown): v is ProfileResult {
  if (!v || typeof v !== 'object') return false;
  const p = v as ProfileResult;
  return typeof p.model === 'string' && typeof p.backend === 'string' && Array.isArray(p.layers)
    && p.layers.every((l) => !!l && typeof l.name === 'string' && !!l.ms && Number.isFinite(l.ms.median) && Number.isFinite(l.bytes))
    && !!p.endToEndMs && Number.isFinite(p.endToEndMs.median);
}
