// What the graph commands do, loaded on first use: open panels (zoo name or file), the zoo quick
// pick, the Layers tree kept on the active panel, and the profiler's overlay.
import * as vscode from 'vscode';
import type { ProfileResult } from '../core/profile/result';
import { ZOO } from '../core/zoo';
import { fileRef, ModelRef, parseModelRef } from '../protocol/modelRef';
import { grouped } from '../core/graph/text';
import { GraphPanel, PanelEvents, PanelServices } from './graphPanel';
import { sharedModelService } from './sharedModelService';
import { LayoutStore } from './layoutStore';
import { setActiveGraph } from './activeGraph';
import { LayerItem, LayersProvider } from './modelTree';
import type { ZooFigures } from './zooFigures';
import { readSettings } from './graphPanel';

export class GraphRuntime {
  private readonly services: PanelServices;
  private readonly events: PanelEvents;
  /** Set while the tree reveals a selection that came from the graph, so it is not echoed back. */
  private echo = false;

  constructor(private readonly ctx: vscode.ExtensionContext, private readonly layers: LayersProvider, private readonly view: vscode.TreeView<LayerItem>, private readonly figures: ZooFigures) {
    // Shared with the profiler command (sharedModelService.ts): one capped process reads model files.
    const models = sharedModelService(ctx);
    this.services = { store: new LayoutStore(ctx.globalStorageUri), models };
    this.events = {
      onActive: (p) => {
        setActiveGraph(p ? { modelArg: p.modelArg, name: p.graph.model } : null);
        this.layers.setGraph(p?.modelArg ?? null, p?.graph ?? null);
      },
      onSelected: (p, name) => {
        if (this.layers.modelArg !== p.modelArg || !name) return;
        const item = this.layers.item(name);
        if (item && this.view.visible) {
          this.echo = true;
          void Promise.resolve(this.view.reveal(item, { select: true, focus: false, expand: true })).finally(() => { this.echo = false; });
        }
      },
    };
  }

  show(model: ModelRef, column?: vscode.ViewColumn): Promise<GraphPanel> {
    return GraphPanel.show(this.ctx, this.services, this.events, model, column);
  }

  revive(panel: vscode.WebviewPanel, model: ModelRef): Promise<void> {
    return GraphPanel.revive(this.ctx, this.services, this.events, panel, model);
  }

  async pickAndShow(model?: ModelRef, column?: vscode.ViewColumn): Promise<void> {
    if (model) { await this.show(model, column); return; }
    // Figures shipped with the extension; any missing are asked of the model process (the host analyses nothing).
    await this.figures.loadAll().catch(() => undefined);
    const items = ZOO.map((e) => {
      const f = this.figures.get(e.name);
      const figures = f ? `${grouped(f.params)} params · ${grouped(f.macs)} MACs — ` : '';
      return { label: e.title, description: e.name, detail: `${figures}${e.description}`, name: e.name };
    });
    const pick = await vscode.window.showQuickPick(items, { title: 'NetLens: Show Model Graph', placeHolder: 'Pick a model from the zoo', matchOnDescription: true, matchOnDetail: true });
    if (pick) await this.show(parseModelRef(pick.name));
  }

  async openFile(uri?: vscode.Uri): Promise<void> {
    let target = uri;
    if (!target) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false, openLabel: 'Show Graph', title: 'NetLens: Show Model Graph from File',
        filters: { 'Model files': ['json', 'keras', 'h5', 'onnx'] },
      });
      target = picked?.[0];
    }
    if (!target) return;
    if (target.scheme !== 'file') throw new Error(`only local files can be opened, not ${target.scheme}: URIs`);
    await this.show(fileRef(target.fsPath));
  }

  private prewarmed = false;

  /**
   * Starts the model service and lays out a small model once, unseen, so elkjs is loaded and
   * partly optimised before the first real graph (that first layout is otherwise the slowest).
   */
  async prewarm(): Promise<void> {
    if (this.prewarmed) return;
    this.prewarmed = true;
    await this.services.models.openView('resnet18', { threshold: readSettings().collapseThreshold, known: [] });
  }

  revealLayer(model: ModelRef, name: string): void {
    if (this.echo) return;
    GraphPanel.forModel(model)?.select(name);
  }

  async showProfile(model: ModelRef, result: ProfileResult): Promise<void> {
    const panel = await this.show(model);
    panel.showProfile(result);
  }
}
