// The profile results webview: summary, backend chain, bar chart of the slowest layers, sortable
// table, and buttons to export JSON / CSV / Markdown or (re)draw the overlay on the graph.
import * as vscode from 'vscode';
import { newNonce } from '../core/nonce';
import { safeFileStem } from '../core/report/fileName';
import type { ProfileResult } from '../core/profile/result';
import { CHANGE_PREPROCESSING_COMMAND, SHOW_PROFILE_COMMAND } from '../protocol/commands';
import type { ModelRef } from '../protocol/modelRef';
import { profileHtml } from '../core/report/profileHtml';
import { ProfileFormat, renderProfile } from '../core/report/profileReport';
import { parseProfilePageMessage } from '../protocol/profile';
import { diffRuns } from '../core/profile/runDiff';
import type { SessionRun } from '../core/report/rooflineReport';

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

  static show(extensionUri: vscode.Uri, model: ModelRef, result: ProfileResult): ProfilePanel {
    const key = model.arg;
    let p = ProfilePanel.panels.get(key);
    if (!p) {
      p = new ProfilePanel(vscode.Uri.joinPath(extensionUri, 'dist'), model);
      ProfilePanel.panels.set(key, p);
    }
    p.update(result);
    p.panel.reveal(vscode.ViewColumn.Beside, true);
    return p;
  }

  /** Runs kept per model this session (a new run is added, never replaces the last); the page lists them. */
  static readonly MAX_RUNS = 12;
  private readonly panel: vscode.WebviewPanel;
  private result: ProfileResult | undefined;
  private runs: SessionRun[] = [];
  private current = -1;
  /** The run the shown one is compared with, if any. */
  private against: number | undefined;

  private readonly modelArg: string;

  private constructor(private readonly dist: vscode.Uri, private readonly model: ModelRef) {
    this.modelArg = model.arg;
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
        else if (m.type === 'select') await vscode.commands.executeCommand('netlens.revealLayer', this.modelArg, m.layer);
        else if (m.type === 'showRun' || m.type === 'compareRun') {
          if (m.run >= this.runs.length) return;
          if (m.type === 'showRun') { this.current = m.run; this.against = undefined; } else this.against = m.run;
          this.render();
          // The graph shows the run on the page (with its deltas: the graph's "diff" colour mode).
          await vscode.commands.executeCommand(SHOW_PROFILE_COMMAND, this.modelArg, this.result);
        } else await vscode.commands.executeCommand(SHOW_PROFILE_COMMAND, this.modelArg, this.result);
      } catch (e) {
        void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
      }
    });
  }

  update(result: ProfileResult): void {
    this.runs.push({ at: new Date().toISOString(), result });
    if (this.runs.length > ProfilePanel.MAX_RUNS) this.runs.shift();
    this.current = this.runs.length - 1;
    this.against = undefined;
    this.render();
  }

  private render(): void {
    const shown = this.runs[this.current].result;
    const diff = this.against !== undefined && this.against !== this.current ? diffRuns(this.runs[this.against].result, shown) : undefined;
    this.result = diff ? { ...shown, comparedTo: diff } : shown;
    this.panel.title = `Profile: ${shown.model}`;
    const script = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.dist, 'profilePage.js')).toString();
    this.panel.webview.html = profileHtml(this.result, { nonce: newNonce(), hostButtons: true, script: { src: script },
      preprocessingButton: this.model.kind === 'file', runs: this.runs, currentRun: this.current, diff });
  }
}
