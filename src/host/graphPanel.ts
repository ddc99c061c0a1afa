// One webview panel per model: serves the graph page (strict CSP, nonce'd script, resources only
// from dist/ and media/), answers its messages after validating them, saves exports, and relays
// selection to the Layers tree and profile results from the profiler. The model is read, analysed
// and laid out in the model process; a panel holds the view graph only (no weights). A zoo model's
// first view ships with the extension (dist/zoo/); a file's comes from the model process with its
// graph in one answer (or from the layout cache), so the page is served with its model message
// inside and draws without a round trip.
import * as vscode from 'vscode';
import { newNonce } from '../core/nonce';
import { safeFileStem } from '../core/report/fileName';
import { homedir } from 'node:os';
import type { ProfileResult } from '../core/profile/result';
import { missingWeightsNote, type ViewGraph } from '../core/graph/viewGraph';
import { GraphLayout, layoutKey, structureHash } from '../core/graph/layout';
import type { ModelRef } from '../protocol/modelRef';
import { DEFAULT_COLLAPSE_THRESHOLD, initialCollapsed } from '../core/graph/collapse';
import { PageAssets, webviewHtml } from '../core/graph/html';
import { readPageAssets } from '../core/graph/node/pageAssets';
import { shippedView } from './shippedViews';
import { HostMessage, ModelMessage, parseWebviewMessage, WebviewMessage, GraphSettings } from '../protocol/graph';
import { COLOR_BY, ColorBy } from '../core/graph/nodeStyles';
import { standalonePage } from '../core/graph/node/standalone';
import { LayoutStore } from './layoutStore';
import type { ModelService } from './modelService';

export const GRAPH_VIEW_TYPE = 'netlens.graph';
/** A page draws within about this long of its 'ready' on a 2-CPU machine. */
const WARM_AFTER_READY_MS = 1500;
/**
 * A page served with its model message has already put the graph in the DOM when it says 'ready'
 * (only the browser's paint is left, about 0.1 s): the model process may start sooner, so that a
 * block collapsed in the first seconds finds elkjs warm.
 */
const WARM_AFTER_EMBEDDED_READY_MS = 500;

/** What every panel shares: the layout cache and the model service process. */
export interface PanelServices {
  store: LayoutStore;
  models: ModelService;
}

export interface PanelEvents {
  onSelected(panel: GraphPanel, name: string | null): void;
  onActive(panel: GraphPanel | null): void;
}

export function readSettings(): GraphSettings {
  const c = vscode.workspace.getConfiguration('netlens.graph');
  const colorBy = c.get<string>('colorBy', 'category');
  const threshold = c.get<number>('collapseThreshold', DEFAULT_COLLAPSE_THRESHOLD);
  return {
    collapseThreshold: Number.isFinite(threshold) && threshold >= 0 ? threshold : DEFAULT_COLLAPSE_THRESHOLD,
    colorBy: (COLOR_BY.some((o) => o.id === colorBy && !o.needsProfile) ? colorBy : 'category') as ColorBy,
    showShapes: c.get<boolean>('showEdgeShapes', false),
  };
}

export class GraphPanel {
  private static readonly panels = new Map<string, GraphPanel>();
  /** Models being read, so a second command for the same model while it loads gets the same panel. */
  private static readonly opening = new Map<string, Promise<GraphPanel>>();
  static active: GraphPanel | null = null;

  graph: ViewGraph;
  /** Blocks collapsed in the first view. */
  private readonly initial: Set<string>;
  private ready = false;
  /** The batch size the webview asked for last. */
  private wantedBatch = 1;
  private readonly queue: HostMessage[] = [];
  private profile: ProfileResult | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens (or reveals) the graph of a zoo model or a model file. */
  static async show(ctx: vscode.ExtensionContext, store: PanelServices, events: PanelEvents, model: ModelRef, column?: vscode.ViewColumn): Promise<GraphPanel> {
    // One panel per model: the ref's arg is the zoo model's canonical name or the path.
    const modelArg = model.arg;
    const existing = GraphPanel.panels.get(modelArg) ?? await GraphPanel.opening.get(modelArg)?.catch(() => undefined);
    if (existing) {
      existing.panel.reveal(column);
      return existing;
    }
    const opening = GraphPanel.read(ctx, store, model).then(({ graph, first }) => {
      // A model file drawn without its weight files (ONNX external data): say so once, briefly.
      const note = missingWeightsNote(graph, modelArg.replace(/^.*[/\\]/, ''));
      if (note) void vscode.window.showWarningMessage(`NetLens: ${note}`);
      // The active column unless told (Compare opens graphs side by side in columns One, Two, ...).
      const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, `${graph.model} graph`, column ?? vscode.ViewColumn.Active, GraphPanel.options(ctx));
      return new GraphPanel(ctx, store, events, panel, modelArg, graph, first);
    });
    GraphPanel.opening.set(modelArg, opening);
    try {
      return await opening;
    } finally {
      GraphPanel.opening.delete(modelArg);
    }
  }

  /** Restores a panel VS Code kept across a reload (its state names the model). */
  static async revive(ctx: vscode.ExtensionContext, store: PanelServices, events: PanelEvents, panel: vscode.WebviewPanel, model: ModelRef): Promise<void> {
    panel.webview.options = GraphPanel.options(ctx);
    try {
      const { graph, first } = await GraphPanel.read(ctx, store, model);
      new GraphPanel(ctx, store, events, panel, model.arg, graph, first);
    } catch (e) {
      panel.dispose();
      void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
    }
  }

  /**
   * A zoo model's shipped first view (graph and layout), else the model process's answer: the
   * graph with its first view's layout in one message, unless the layout cache holds this
   * structure's layouts (then the layout comes from the cache, not from a second layout).
   */
  private static async read(ctx: vscode.ExtensionContext, services: PanelServices, model: ModelRef): Promise<{ graph: ViewGraph; first?: GraphLayout }> {
    const view = await shippedView(vscode.Uri.joinPath(ctx.extensionUri, 'dist').fsPath, model);
    if (view) return { graph: view.graph, first: view.layout };
    const opened = await services.models.openView(model.arg, { threshold: readSettings().collapseThreshold, known: await services.store.structures() });
    const structure = structureHash(opened.graph);
    if (opened.layout) {
      // Kept for next time (memory, then disk) while the page draws it.
      void services.store.put(structure, opened.layout).catch(() => undefined);
      return { graph: opened.graph, first: opened.layout };
    }
    const key = layoutKey(opened.graph, new Set(opened.collapsed));
    return { graph: opened.graph, first: (await services.store.get(structure)).find((l) => l.key === key) };
  }

  static forModel(model: ModelRef): GraphPanel | undefined {
    return GraphPanel.panels.get(model.arg);
  }

  private static options(ctx: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(ctx.extensionUri, 'media'), vscode.Uri.joinPath(ctx.extensionUri, 'dist')],
    };
  }

  private constructor(
    private readonly ctx: vscode.ExtensionContext,
    private readonly services: PanelServices,
    private readonly events: PanelEvents,
    readonly panel: vscode.WebviewPanel,
    readonly modelArg: string,
    graph: ViewGraph,
    /** The first view's layout at hand when the panel opens: shipped (zoo models at batch 1), answered with the graph, or cached. */
    private readonly firstLayout?: GraphLayout,
  ) {
    this.graph = graph;
    GraphPanel.panels.set(modelArg, this);
    this.initial = initialCollapsed(graph, { threshold: readSettings().collapseThreshold });
    const first = this.layoutAtHand(this.initial);
    // Without the first view's layout at hand, lay it out now while the webview boots; it arrives
    // with the model message or as a 'layout' message.
    if (!first) void this.layout(this.initial).catch(() => undefined);
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'netlens.svg');
    panel.webview.html = this.html(first ? this.modelMessage([first, ...this.cachedLayouts().filter((l) => l.key !== first.key)]) : undefined);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.onMessage(raw)),
      panel.onDidChangeViewState(() => {
        if (panel.active) { GraphPanel.active = this; events.onActive(this); }
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    GraphPanel.active = this;
    events.onActive(this);
  }

  /** The first message; canProfile: the profiler refuses to run in an untrusted workspace. */
  private modelMessage(layouts: GraphLayout[]): ModelMessage {
    return {
      type: 'model', modelArg: this.modelArg, graph: this.graph, collapsed: [...this.initial], settings: readSettings(),
      layouts, canProfile: vscode.workspace.isTrusted, profile: this.profile,
    };
  }

  private html(model?: ModelMessage): string {
    const w = this.panel.webview;
    return webviewHtml({
      cspSource: w.cspSource,
      nonce: newNonce(),
      assets: GraphPanel.assets(this.ctx, w),
      title: `${this.graph.model} graph`,
      model,
    });
  }

  private static pageAssets: { fontUrl: string; assets: PageAssets } | undefined;

  /** The page's script and stylesheets, read from the extension's own dist/ and media/ once a session. */
  private static assets(ctx: vscode.ExtensionContext, w: vscode.Webview): PageAssets {
    const fontUrl = w.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'codicons', 'codicon.ttf')).toString();
    if (GraphPanel.pageAssets?.fontUrl !== fontUrl) {
      const dir = (d: string): string => vscode.Uri.joinPath(ctx.extensionUri, d).fsPath;
      GraphPanel.pageAssets = { fontUrl, assets: readPageAssets({ dist: dir('dist'), media: dir('media') }, fontUrl) };
    }
    return GraphPanel.pageAssets.assets;
  }

  private post(m: HostMessage): void {
    if (!this.ready && m.type !== 'model') { this.queue.push(m); return; }
    void this.panel.webview.postMessage(m);
  }

  /** Layouts of this graph the store holds in memory. */
  private cachedLayouts(): GraphLayout[] {
    return this.services.store.peek(structureHash(this.graph));
  }

  /** The layout shipped or held in memory for these collapsed blocks, without waiting. */
  private layoutAtHand(collapsed: ReadonlySet<string>): GraphLayout | undefined {
    const key = layoutKey(this.graph, collapsed);
    return this.firstLayout?.key === key ? this.firstLayout : this.cachedLayouts().find((l) => l.key === key);
  }

  /** A layout shipped or from the disk cache, or computed in the model process (and then cached). */
  private async layout(collapsed: ReadonlySet<string>): Promise<GraphLayout> {
    const structure = structureHash(this.graph);
    const key = layoutKey(this.graph, collapsed);
    const hit = this.layoutAtHand(collapsed) ?? (await this.services.store.get(structure)).find((l) => l.key === key);
    if (hit) return hit;
    const l = await this.services.models.layout(this.graph, collapsed);
    // Kept for next time (memory, then disk) while the page draws it: the page does not wait for the disk.
    void this.services.store.put(structure, l).catch(() => undefined);
    return l;
  }

  select(name: string): void {
    this.post({ type: 'select', name });
  }

  showProfile(result: ProfileResult): void {
    this.profile = result;
    this.post({ type: 'profile', result });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m: WebviewMessage | null = parseWebviewMessage(raw);
    if (!m) return; // malformed or unknown: ignored
    switch (m.type) {
      case 'ready': {
        if (!m.embedded) {
          const stored = await this.services.store.get(structureHash(this.graph));
          void this.panel.webview.postMessage(this.modelMessage(this.firstLayout ? [this.firstLayout, ...stored.filter((l) => l.key !== this.firstLayout!.key)] : stored));
        } else if (this.profile && !this.queue.some((q) => q.type === 'profile')) {
          // The page drew from the model message it was served with, written before this profile.
          void this.panel.webview.postMessage({ type: 'profile', result: this.profile } satisfies HostMessage);
        }
        this.ready = true;
        for (const q of this.queue.splice(0)) void this.panel.webview.postMessage(q);
        // The next request (a batch size, a block opened) needs the model process: start it once
        // the page has drawn, not while it competes with the page for the CPU.
        // With this graph: a few layouts of it warm elkjs, so the first block collapsed is not laid
        // out by cold code (ResNet-50 in code-server: 0.38 s before, 0.13 s; ModelService.warm).
        setTimeout(() => this.services.models.warm(this.graph, this.initial), m.embedded ? WARM_AFTER_EMBEDDED_READY_MS : WARM_AFTER_READY_MS);
        break;
      }
      case 'selected':
        if (m.name === null || this.graph.nodes.some((n) => n.name === m.name)) this.events.onSelected(this, m.name);
        break;
      case 'layoutRequest': {
        const known = new Set(this.graph.groups.map((g) => g.id));
        if (!m.collapsed.every((g) => known.has(g))) return;
        const collapsed = new Set(m.collapsed);
        try {
          const layout = await this.layout(collapsed);
          this.post({ type: 'layout', layout });
        } catch (e) {
          this.post({ type: 'layoutError', key: layoutKey(this.graph, collapsed), message: (e as Error).message });
        }
        break;
      }
      case 'batch': {
        this.wantedBatch = m.batch;
        try {
          const graph = await this.services.models.analyse(this.modelArg, m.batch);
          if (this.wantedBatch !== m.batch) break; // a newer batch size was asked for meanwhile
          this.graph = graph;
          this.post({ type: 'graph', graph });
          this.events.onActive(this);
        } catch (e) {
          void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
        }
        break;
      }
      case 'runProfile':
        await vscode.commands.executeCommand('netlens.profileModel', this.modelArg);
        break;
      case 'export':
        await this.save(m.format, m.data, m.batch);
        break;
    }
  }

  private async save(format: 'svg' | 'png' | 'html', data: string, batch: number): Promise<void> {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const name = this.graph.model;
    const target = await vscode.window.showSaveDialog({
      // Model names come from files: keep the suggested file name to plain characters.
      defaultUri: vscode.Uri.joinPath(base, `${safeFileStem(name)}.graph.${format}`),
      filters: { [format.toUpperCase()]: [format] },
      title: `Export the ${name} graph as ${format.toUpperCase()}`,
    });
    if (!target) return;
    let bytes: Uint8Array;
    try {
      if (format === 'png') bytes = Buffer.from(data.slice('data:image/png;base64,'.length), 'base64');
      else if (format === 'svg') bytes = new TextEncoder().encode(data);
      else bytes = new TextEncoder().encode(await this.standalone(batch));
    } catch (e) {
      void vscode.window.showErrorMessage(`NetLens: could not export the ${name} graph: ${(e as Error).message}`);
      return;
    }
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
      void vscode.window.showInformationMessage(`NetLens: wrote ${vscode.workspace.asRelativePath(target)}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`NetLens: could not write ${target.fsPath}: ${(e as Error).message}`);
    }
  }

  /** The standalone page: the view graph at that batch size with its first view's layout. */
  private async standalone(batch: number): Promise<string> {
    const graph = batch === this.graph.batch ? this.graph : await this.services.models.analyse(this.modelArg, batch);
    const settings = readSettings();
    const collapsed = initialCollapsed(graph, { threshold: settings.collapseThreshold });
    const layout = await this.layout(collapsed);
    const dist = vscode.Uri.joinPath(this.ctx.extensionUri, 'dist').fsPath;
    const media = vscode.Uri.joinPath(this.ctx.extensionUri, 'media').fsPath;
    return standalonePage({ graph, collapsed: [...collapsed], layouts: [layout], settings }, { dist, media });
  }

  private dispose(): void {
    GraphPanel.panels.delete(this.modelArg);
    if (GraphPanel.active === this) {
      GraphPanel.active = null;
      this.events.onActive(null);
    }
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
