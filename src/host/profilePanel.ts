// The profile results webview: summary, backend chain, bar chart of the slowest layers, sortable
// table, and buttons to export JSON / CSV / Markdown or (re)draw the overlay on the graph.
import * as vscode from 'vscode';
import { newNonce } from '../core/nonce';
import { safeFileStem } from '../core/report/fileName';
import type { ProfileResult } from '../core/profile/result';
import { CHANGE_PREPROCESSING_COMMAND, SHOW_PROFILE_COMMAND } from '../protocol/commands';
import { ZOO } from '../core/zoo';
import { profileHtml } from '../core/report/profileHtml';
import { ProfileFormat, renderProfile } from '../core/report/profileReport';
import { parseProfilePageMessage } from '../protocol/profile';

const FILTERS: Record<ProfileFormat, Record<string, string[]>> = {
  json: { JSON: ['json'] },
  csv: { CSV: ['csv'] },
  md: { Markdown: ['md'] },
};

export async function exportProfile(result: ProfileResult, format: ProfileFormat): Promise<vscode.Uri | undefined> {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  // Model names come from files: the suggested name is sanitised like the graph export's.
  const name = `${safeFileStem(result.model)}.profile.${format}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
    filters: FILTERS[format],
    title: `Export profile of ${result.model} as ${format.toUpperCase()}`,
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, Buffer.from(renderProfile(result, format), 'utf8'));
  void vscode.window.showInformationMessage(`NetLens: wrote ${vscode.workspace.asRelativePath(target)}`);
  return target;
}

export class ProfilePanel {
  private static panels = new Map<string, ProfilePanel>();

  static show(extensionUri: vscode.Uri, modelArg: string, result: ProfileResult): ProfilePanel {
    const key = `${modelArg}`;
    let p = ProfilePanel.panels.get(key);
    if (!p) {
      p = new ProfilePanel(vscode.Uri.joinPath(extensionUri, 'dist'), modelArg);
      ProfilePanel.panels.set(key, p);
    }
    p.update(result);
    p.panel.reveal(vscode.ViewColumn.Beside, true);
    return p;
  }

  private readonly panel: vscode.WebviewPanel;
  private result: ProfileResult | undefined;

  private constructor(private readonly dist: vscode.Uri, private readonly modelArg: string) {
    this.panel = vscode.window.createWebviewPanel('netlens.profile', 'Profile', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true, localResourceRoots: [dist],
    });
    this.panel.onDidDispose(() => ProfilePanel.panels.delete(this.modelArg));
    this.panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      const m = parseProfilePageMessage(raw);
      if (!this.result || !m) return;
      try {
        if (m.type === 'export') await exportProfile(this.result, m.format);
        else if (m.type === 'preprocessing') await vscode.commands.executeCommand(CHANGE_PREPROCESSING_COMMAND, this.modelArg, this.result.image);
        else await vscode.commands.executeCommand(SHOW_PROFILE_COMMAND, this.modelArg, this.result);
      } catch (e) {
        void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
      }
    });
  }

  update(result: ProfileResult): void {
    this.result = result;
    this.panel.title = `Profile: ${result.model}`;
    const script = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.dist, 'profilePage.js')).toString();
    this.panel.webview.html = profileHtml(result, { nonce: newNonce(), hostButtons: true, script: { src: script },
      preprocessingButton: !ZOO.some((z) => z.name === this.modelArg) });
  }
}
