// VS Code entry point. Activation only registers commands and views; everything heavy (elkjs,
// tfjs, the profiler worker) loads on first use. It happens once the window has started
// (onStartupFinished), not at the first command: loading this bundle and activating took 30-50 ms
// that the first "Show ... graph" waited for (BENCHMARKS.md "Editor (real VS Code)").
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
