// The NetLens activity-bar views: "Models" (the zoo, each with its params and MACs, read from the
// shipped first views or asked of the model process: zooFigures.ts) and "Layers" (the active
// graph's layers grouped by block, each with a native tooltip). Selecting a layer selects it in
// the graph; selecting in the graph reveals it here.
import * as vscode from 'vscode';
import { ZOO, ZooEntry } from '../core/zoo';
import type { ZooFigures } from './zooFigures';
import type { ViewGraph, ViewGroup, ViewNode } from '../core/graph/viewGraph';
import { CATEGORY_TABLE } from '../core/graph/nodeStyles';
import { compactNumber, grouped, bytes } from '../core/graph/text';
import { macsText } from '../core/graph/cards';

export class ModelsProvider implements vscode.TreeDataProvider<ZooEntry> {
  private readonly changed = new vscode.EventEmitter<ZooEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly figures: ZooFigures) {}

  getTreeItem(e: ZooEntry): vscode.TreeItem {
    const f = this.figures.get(e.name);
    const item = new vscode.TreeItem(e.title, vscode.TreeItemCollapsibleState.None);
    item.description = f ? `${compactNumber(f.params)} params · ${compactNumber(f.macs)} MACs` : '';
    const figures = f ? `\n\n- Params: ${grouped(f.params)}\n- MACs: ${grouped(f.macs)}` : '';
    item.tooltip = new vscode.MarkdownString(`**${e.title}** (\`${e.name}\`)\n\n${e.description}${figures}`);
    item.iconPath = new vscode.ThemeIcon('type-hierarchy');
    item.command = { command: 'netlens.showModelGraph', title: 'Show graph', arguments: [e.name] };
    item.contextValue = 'netlens.zooModel';
    return item;
  }

  /** The zoo once the shipped figures are read (a few files, never the model process); figures not shipped follow when the process answers. */
  async getChildren(e?: ZooEntry): Promise<ZooEntry[]> {
    if (e) return [];
    await this.figures.loadShipped();
    if (this.figures.missing().length) void this.figures.loadAll().then(() => this.changed.fire(undefined), () => undefined);
    return ZOO;
  }
}

export type LayerItem = { kind: 'group'; group: ViewGroup } | { kind: 'layer'; node: ViewNode };

export class LayersProvider implements vscode.TreeDataProvider<LayerItem> {
  private readonly changed = new vscode.EventEmitter<LayerItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private graph: ViewGraph | null = null;
  modelArg: string | null = null;
  private items = new Map<string, LayerItem>();
  private groupItems = new Map<string, LayerItem>();
  /** Groups by id, built once per graph (not once per layer: layers x groups on big models). */
  private groupById = new Map<string, ViewGroup>();

  setGraph(modelArg: string | null, graph: ViewGraph | null): void {
    this.graph = graph;
    this.modelArg = modelArg;
    this.items = new Map((graph?.nodes ?? []).map((n) => [n.name, { kind: 'layer', node: n } as LayerItem]));
    this.groupItems = new Map((graph?.groups ?? []).map((g) => [g.id, { kind: 'group', group: g } as LayerItem]));
    this.groupById = new Map((graph?.groups ?? []).map((g) => [g.id, g] as const));
    this.changed.fire(undefined);
  }

  item(name: string): LayerItem | undefined {
    return this.items.get(name);
  }

  getTreeItem(it: LayerItem): vscode.TreeItem {
    if (it.kind === 'group') {
      const g = it.group;
      const t = new vscode.TreeItem(g.label, vscode.TreeItemCollapsibleState.Collapsed);
      t.id = `g:${g.id}`;
      t.description = `${g.sums.layers} layers · ${compactNumber(g.sums.params)} params · ${compactNumber(g.sums.macs)} MACs`;
      t.tooltip = new vscode.MarkdownString().appendMarkdown('**').appendText(g.label).appendMarkdown('**\n\n')
        .appendText(`Layers: ${g.sums.layers}\nParams: ${grouped(g.sums.params)}\nMACs: ${grouped(g.sums.macs)}\nFLOPs: ${grouped(g.sums.flops)}\nWeights: ${bytes(g.sums.weightBytes)}`);
      t.iconPath = new vscode.ThemeIcon('symbol-namespace');
      t.contextValue = 'netlens.block';
      return t;
    }
    const n = it.node;
    const s = n.stats;
    const t = new vscode.TreeItem(n.name, vscode.TreeItemCollapsibleState.None);
    t.id = `n:${n.name}`;
    t.description = `${n.className} · ${n.shape}`;
    // appendText escapes: layer names from files never become Markdown or HTML.
    t.tooltip = new vscode.MarkdownString().appendMarkdown('**').appendText(n.name).appendMarkdown('** ').appendText(`(${n.className})\n\n`)
      .appendText(`Output: (${s.outputShape.map((d) => (d === null ? 'None' : d)).join(', ')})\nParams: ${grouped(s.params)}\nMACs: ${macsText(s.macs, s.macsFormula)}\nActivations: ${bytes(s.activationBytes)}`);
    t.iconPath = new vscode.ThemeIcon(CATEGORY_TABLE[n.category].icon);
    t.command = { command: 'netlens.revealLayer', title: 'Reveal in graph', arguments: [this.modelArg, n.name] };
    t.contextValue = 'netlens.layer';
    return t;
  }

  getChildren(it?: LayerItem): LayerItem[] {
    const g = this.graph;
    if (!g) return [];
    if (!it) {
      const top: LayerItem[] = [];
      const seen = new Set<string>();
      // Model order: a top-level layer, or the top-level block it starts.
      for (const n of g.nodes) {
        let gid = n.group;
        if (gid === null) { top.push(this.items.get(n.name)!); continue; }
        const byId = this.groupById;
        while (byId.get(gid)?.parent) gid = byId.get(gid)!.parent!;
        if (!seen.has(gid)) { seen.add(gid); const gi = this.groupItems.get(gid); if (gi) top.push(gi); }
      }
      return top;
    }
    if (it.kind === 'layer') return [];
    const grp = it.group;
    const out: LayerItem[] = [];
    const seen = new Set<string>();
    const byId = this.groupById;
    for (const n of g.nodes) {
      if (n.group === grp.id) { out.push(this.items.get(n.name)!); continue; }
      // A layer in a child block: list the child block once, where it starts.
      let gid = n.group;
      while (gid !== null && byId.get(gid)?.parent !== grp.id) gid = byId.get(gid)?.parent ?? null;
      if (gid !== null && !seen.has(gid)) { seen.add(gid); out.push(this.groupItems.get(gid)!); }
    }
    return out;
  }

  getParent(it: LayerItem): LayerItem | undefined {
    const parent = it.kind === 'layer' ? it.node.group : it.group.parent;
    return parent ? this.groupItems.get(parent) : undefined;
  }
}
