// The graph as the editor of .keras and .onnx files (a double-click opens it: priority "default",
// files no other editor reads) and "Open With... > NetLens Model Graph" for .h5 and model.json
// (priority "option": .h5 and .json files are not only models). One read-only custom
// editor under two viewTypes, one per priority, that hands the file to the graph view's command (netlens.openModelFile, which loads it
// through the importers) and then closes its own placeholder tab, so every way of opening a model
// ends in the one graph view. Nothing is loaded here; errors are the command's to show.
import * as vscode from 'vscode';

export const MODEL_FILE_EDITOR = 'netlens.modelFile';
/** The same editor for the files it opens on a double-click (.keras, .onnx). */
export const MODEL_FILE_DEFAULT_EDITOR = 'netlens.modelFileDefault';
export const OPEN_MODEL_FILE_COMMAND = 'netlens.openModelFile';

class ModelFileDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export function registerModelFileEditor(context: vscode.ExtensionContext): void {
  const provider: vscode.CustomReadonlyEditorProvider<ModelFileDocument> = {
    openCustomDocument: (uri) => new ModelFileDocument(uri),
    resolveCustomEditor: async (doc, panel) => {
      // A static line while the graph view opens (no scripts: enableScripts stays off).
      panel.webview.html = '<!DOCTYPE html><html><body><p>Opening in the NetLens graph view...</p></body></html>';
      try {
        await vscode.commands.executeCommand(OPEN_MODEL_FILE_COMMAND, doc.uri);
      } finally {
        // Closed once resolve has returned, as if the user closed the tab: the editor service is
        // done with the webview by then.
        setTimeout(() => panel.dispose(), 0);
      }
    },
  };
  for (const viewType of [MODEL_FILE_DEFAULT_EDITOR, MODEL_FILE_EDITOR]) {
    context.subscriptions.push(vscode.window.registerCustomEditorProvider(viewType, provider, {
      supportsMultipleEditorsPerDocument: true,
    }));
  }
}
