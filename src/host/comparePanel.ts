// The Compare webview panel: builds the page with compareHtml, recomputes the totals (batch,
// optimizer) and the memory plan (budget) in the host on validated messages from the page, opens
// the models' graphs side by side and reveals a clicked stage's first layer in each of them.
import * as vscode from 'vscode';
import { newNonce } from '../core/nonce';
import type { Optimizer } from '../core/analysis/analyze';
import { compareModels, Comparison } from '../core/compare/compare';
import { MemoryPlan, parseBytes, planMemory } from '../core/compare/memoryPlan';
import { outermostGroup } from '../core/compare/stages';
import { ModelSpec, NetLensError } from '../core/ir/types';
import { buildZooModel, zooEntry } from '../core/zoo';
import { CompareView, compareHtml, memoryResults, totalsTable } from '../core/report/compareHtml';
import { CompareState, CompareUpdate, validateCompareMessage } from '../protocol/compare';
import type { CompareRequest } from './compare';

export const COMPARE_VIEW_TYPE = 'netlens.compare';
const DEFAULT_BUDGET = '8GiB';

/** The first layer (topological order) of a stage, as stageSums counts it; undefined when the model has no such stage. */
export function firstLayerOfStage(spec: ModelSpec, comparison: Comparison, stage: string): string | undefined {
  const m = comparison.models.find((x) => x.spec === spec);
  return m?.analysis.layers.find((l) => l.category !== 'input' && (outermostGroup(spec, l.name) ?? 'other') === stage)?.name;
}

export class ComparePanel {
  private static readonly panels = new Map<string, ComparePanel>();

  static async show(context: vscode.ExtensionContext, request: CompareRequest): Promise<ComparePanel> {
    const names = request.models.map((m) => zooEntry(m)?.name ?? m);
    const key = names.join('\n');
    const existing = ComparePanel.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const specs = zooSpecs(names);
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, `Compare: ${request.title}`, vscode.ViewColumn.Active, ComparePanel.options(context));
    const p = new ComparePanel(context, panel, key, names, specs, request);
    ComparePanel.panels.set(key, p);
    return p;
  }

  /** Restores a page VS Code kept across a window reload (its state names the comparison). */
  static revive(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, request: CompareRequest): void {
    panel.webview.options = ComparePanel.options(context);
    const names = request.models.map((m) => zooEntry(m)?.name ?? m);
    const key = names.join('\n');
    ComparePanel.panels.get(key)?.panel.dispose();
    ComparePanel.panels.set(key, new ComparePanel(context, panel, key, names, zooSpecs(names), request));
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
    context: vscode.ExtensionContext,
    readonly panel: vscode.WebviewPanel,
    private readonly key: string,
    /** Zoo names or file paths, as netlens.showModelGraph and netlens.revealLayer take them. */
    readonly modelArgs: string[],
    private readonly specs: ModelSpec[],
    private readonly request: CompareRequest,
  ) {
    this.comparison = this.analyse();
    this.plans = this.plan();
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'netlens.svg');
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'comparePage.js')).toString();
    const state: CompareState = { request: { title: request.title, ...(request.story ? { story: request.story } : {}), models: modelArgs } };
    panel.webview.html = compareHtml(this.view(), { nonce: newNonce(), hostButtons: true, script: { src: script }, state });
    panel.onDidDispose(() => ComparePanel.panels.delete(this.key));
    panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw));
  }

  private analyse(): Comparison {
    return compareModels(this.specs, { batch: this.batch, optimizer: this.optimizer });
  }

  private plan(): MemoryPlan[] {
    return this.specs.map((s) => ({ ...planMemory(s.model, { optimizer: this.optimizer, budgetBytes: this.budgetBytes }), model: s.name }));
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
          this.comparison = this.analyse();
          await this.post({ totals: totalsTable(this.view()) });
          break;
        case 'optimizer':
          this.optimizer = m.optimizer;
          this.comparison = this.analyse();
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
    for (let i = 0; i < this.specs.length; i++) {
      const layer = firstLayerOfStage(this.specs[i], this.comparison, stage);
      if (layer) await vscode.commands.executeCommand('netlens.revealLayer', this.modelArgs[i], layer);
    }
  }
}

/**
 * Zoo models only: built from code, no file is read in the extension host (files are read in the
 * model service process, which sends view graphs, not the configs Compare analyses).
 */
function zooSpecs(names: string[]): ModelSpec[] {
  const stranger = names.find((n) => !zooEntry(n));
  if (stranger !== undefined) throw new NetLensError(`Compare takes zoo models; "${stranger.slice(0, 200)}" is not one`);
  return names.map((n) => buildZooModel(n));
}
