// The extension's one model service (modelService.ts): the graph views (graphRuntime.ts) and the
// profiler command (profile.ts, to learn whether a model file rescales itself) share it, so a
// model file is read in one capped process and the recent models it keeps serve both. Created on
// first use; its heap follows netlens.modelProcessMemoryMb (a change restarts it once it is free),
// a request's time limit netlens.modelService.timeoutSeconds; disposed with the extension.
import * as vscode from 'vscode';
import { DEFAULT_SERVICE_HEAP_MB, DEFAULT_SERVICE_TIMEOUT_S, ModelService } from './modelService';

let shared: ModelService | undefined;

/** The model service, started on first use. */
export function sharedModelService(ctx: vscode.ExtensionContext): ModelService {
  if (shared) return shared;
  const models = new ModelService({
    script: vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'modelService.js').fsPath,
    heapMb: () => {
      const mb = vscode.workspace.getConfiguration('netlens').get<number>('modelProcessMemoryMb', DEFAULT_SERVICE_HEAP_MB);
      return Number.isInteger(mb) && mb >= 64 ? mb : DEFAULT_SERVICE_HEAP_MB;
    },
    // Read at each request: a changed limit applies to the next one.
    timeoutSeconds: () => {
      const s = vscode.workspace.getConfiguration('netlens').get<number>('modelService.timeoutSeconds', DEFAULT_SERVICE_TIMEOUT_S);
      return typeof s === 'number' && Number.isFinite(s) && s >= 1 ? s : DEFAULT_SERVICE_TIMEOUT_S;
    },
  });
  shared = models;
  ctx.subscriptions.push(
    { dispose: () => { models.dispose(); if (shared === models) shared = undefined; } },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('netlens.modelProcessMemoryMb')) models.restart();
    }),
  );
  return models;
}
