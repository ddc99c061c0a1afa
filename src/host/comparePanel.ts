// The Compare webview panel: builds the page with compareHtml, recomputes the totals (batch,
// optimizer) and the memory plan (budget) in the host on validated messages from the page, opens
// the models' graphs side by side and reveals a clicked stage's first layer in each of them.
// Every model, zoo or file, is read and analysed by the model process (never in the extension
// host), which answers its view graph: every layer's figures and the blocks, all that Compare needs
// (core/compare/fromView.ts), asked again for another batch size.
import * as vscode from 'vscode';
import { newNonce } from '../core/nonce';
import type { Optimizer } from '../core/analysis/analyze';
import { AnalysedModel, compareAnalysed, Comparison } from '../core/compare/compare';
import { analysedFromView } from '../core/compare/fromView';
import type { ViewGraph } from '../core/graph/viewGraph';
import { MemoryPlan, parseBytes, planMemoryFromTotals } from '../core/compare/memoryPlan';
import { outermostGroup, StageSpec } from '../core/compare/stages';
import type { CompareRequest } from '../core/compare/presets';
import { parseModelRef } from '../protocol/modelRef';
import { CompareView, compareHtml, memoryResults, totalsTable } from '../core/report/compareHtml';
import { CompareState, CompareUpdate, validateCompareMessage } from '../protocol/compare';
import { sharedModelService } from './sharedModelService';

export const COMPARE_VIEW_TYPE = 'netlens.compare';
const DEFAULT_BUDGET = '8GiB';

/**
 * The first layer (topological order) of a model's stages in an aligned row (a shared stage id or a
 * resolution, comparison.rows), as stageSums counts them; undefined when the model has none there.
 */
export function firstLayerOfStage(spec: StageSpec, comparison: Comparison, stage: string): string | undefined {
  const i = comparison.models.findIndex((x) => x.spec === spec);
  const row = comparison.rows.find((r) => r.id === stage);
  if (i < 0 || !row) return undefined;
  const ids = new Set(row.stages[i]);
  return comparison.models[i].analysis.layers.find((l) => l.category !== 'input' && ids.has(outermostGroup(spec, l.name) ?? 'other'))?.name;
}

export class ComparePanel {
  private static readonly panels = new Map<string, ComparePanel>();

  static async show(context: vscode.ExtensionContext, request: CompareRequest): Promise<ComparePanel> {
    const names = request.models.map((m) => parseModelRef(m).arg);
    const key = names.join('\n');
    const existing = ComparePanel.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const entries = await loadEntries(context, names);
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, `Compare: ${request.title}`, vscode.ViewColumn.Active, ComparePanel.options(context));
    const p = new ComparePanel(context, panel, key, names, entries, request);
    ComparePanel.panels.set(key, p);
    return p;
  }

  /** Restores a page VS Code kept across a window reload (its state names the comparison). */
  static async revive(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, request: CompareRequest): Promise<void> {
    panel.webview.options = ComparePanel.options(context);
    const names = request.models.map((m) => parseModelRef(m).arg);
    const key = names.join('\n');
    const entries = await loadEntries(context, names);
    ComparePanel.panels.get(key)?.panel.dispose();
    ComparePanel.panels.set(key, new ComparePanel(context, panel, key, names, entries, request));
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media'), vscode.Uri.joinPath(context.extensionUri, 'dist')],
    };
  }

  private batch = 1;
  private optimizer: Optimizer = 'adam';
  private budgetText = DEFAULT_BUDGET;
  private budgetBytes = parseBytes(DEFAULT_BUDGET);
  private comparison: Comparison;
  private plans: MemoryPlan[];
  private graphsOpen = false;

  private constructor(
    private readonly context: vscode.ExtensionContext,
    readonly panel: vscode.WebviewPanel,
    private readonly key: string,
    /** Zoo names or file paths, as netlens.showModelGraph and netlens.revealLayer take them. */
    readonly modelArgs: string[],
    private readonly entries: CompareEntry[],
    private readonly request: CompareRequest,
  ) {
    this.comparison = compareAnalysed(entries.map((e) => analysedFromView(e.view)));
    this.plans = this.plan();
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'netlens.svg');
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'comparePage.js')).toString();
    const state: CompareState = { request: { title: request.title, ...(request.story ? { story: request.story } : {}), models: modelArgs } };
    panel.webview.html = compareHtml(this.view(), { nonce: newNonce(), hostButtons: true, script: { src: script }, state });
    panel.onDidDispose(() => ComparePanel.panels.delete(this.key));
    panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw));
  }

  private async analyse(): Promise<Comparison> {
    const list: AnalysedModel[] = [];
    for (const e of this.entries) {
      list.push(analysedFromView(this.batch === e.view.batch ? e.view : await modelViews.open(this.context, e.arg, this.batch), this.optimizer));
    }
    return compareAnalysed(list);
  }

  private plan(): MemoryPlan[] {
    const options = { optimizer: this.optimizer, budgetBytes: this.budgetBytes };
    return this.entries.map((e) => planMemoryFromTotals(e.view.model, e.view.totals, options));
  }

  view(budgetError?: string): CompareView {
    return {
      comparison: this.comparison, plans: this.plans, title: this.request.title, story: this.request.story,
      batch: this.batch, optimizer: this.optimizer, budgetText: this.budgetText, budgetError,
    };
  }

  /** Handles one message from the page; malformed ones are dropped. Resolves when its effects are done. */
  async onMessage(raw: unknown): Promise<void> {
    const m = validateCompareMessage(raw, this.comparison.stageOrder);
    if (!m) return;
    try {
      switch (m.type) {
        case 'batch':
          this.batch = m.batch;
          this.comparison = await this.analyse();
          await this.post({ totals: totalsTable(this.view()) });
          break;
        case 'optimizer':
          this.optimizer = m.optimizer;
          this.comparison = await this.analyse();
          this.plans = this.plan();
          await this.post({ totals: totalsTable(this.view()), memory: memoryResults(this.view()) });
          break;
        case 'budget': {
          let bytes: number;
          try {
            bytes = parseBytes(m.text);
            if (!(bytes > 0)) throw new Error(`the memory budget must be positive, got "${m.text.trim()}"`);
          } catch (e) {
            await this.post({ budgetError: (e as Error).message });
            return;
          }
          this.budgetText = m.text.trim();
          this.budgetBytes = bytes;
          this.plans = this.plan();
          await this.post({ memory: memoryResults(this.view()), budgetError: '' });
          break;
        }
        case 'openGraphs':
          await this.openGraphs();
          break;
        case 'revealStage':
          await this.revealStage(m.stage);
          break;
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
    }
  }

  private post(u: Omit<CompareUpdate, 'type'>): Thenable<boolean> {
    return this.panel.webview.postMessage({ type: 'update', ...u } satisfies CompareUpdate);
  }

  /** Graphs in columns One and Two (more models open as tabs there); this page moves to Three. */
  async openGraphs(): Promise<void> {
    for (let i = 0; i < this.modelArgs.length; i++) {
      await vscode.commands.executeCommand('netlens.showModelGraph', this.modelArgs[i], (i % 2) + 1);
    }
    this.graphsOpen = true;
    this.panel.reveal(vscode.ViewColumn.Three, true);
  }

  /** Synced navigation: the stage's first layer selected in every model's graph. */
  async revealStage(stage: string): Promise<void> {
    if (!this.graphsOpen) await this.openGraphs();
    for (let i = 0; i < this.comparison.models.length; i++) {
      const layer = firstLayerOfStage(this.comparison.models[i].spec, this.comparison, stage);
      if (layer) await vscode.commands.executeCommand('netlens.revealLayer', this.modelArgs[i], layer);
    }
  }
}

/** One model of a comparison: its view graph at batch 1 from the model process. */
export interface CompareEntry {
  /** The zoo model's canonical name or the file's path (protocol/modelRef.ts). */
  arg: string;
  view: ViewGraph;
}

/** Where a model's view graph comes from: the shared model process (replaced by tests). */
export const modelViews = {
  open: (context: vscode.ExtensionContext, arg: string, batch: number): Promise<ViewGraph> =>
    batch === 1 ? sharedModelService(context).open(arg, 1) : sharedModelService(context).analyse(arg, batch),
};

/** Zoo models and files (any format NetLens opens) through the model process, one line naming the file if it cannot be read. */
async function loadEntries(context: vscode.ExtensionContext, names: string[]): Promise<CompareEntry[]> {
  const out: CompareEntry[] = [];
  for (const arg of names) out.push({ arg, view: await modelViews.open(context, arg, 1) });
  return out;
}
