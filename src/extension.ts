// VS Code entry point. Activation only registers commands and views; everything heavy (elkjs,
// tfjs, the profiler worker) loads on first use.
import * as vscode from 'vscode';
import { registerGraphView } from './host/graphView';
import { registerModelFileEditor } from './host/modelFileEditor';
import { registerProfiler } from './host/profile';
import { registerCompare } from './host/compare';

export function activate(context: vscode.ExtensionContext): void {
  registerGraphView(context);
  registerModelFileEditor(context);
  registerProfiler(context);
  registerCompare(context);
}

export function deactivate(): void {
  // Views and the worker dispose through context.subscriptions.
}
