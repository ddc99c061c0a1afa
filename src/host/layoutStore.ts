// Layouts the model service computed, kept so reopening a model draws at once: in memory for this
// session and on disk under the extension's global storage (one small JSON file per model
// structure, a few collapse states each). Layouts read back from disk are checked by validLayout.
import * as vscode from 'vscode';
import type { GraphLayout } from '../core/graph/layout';
import { validLayout } from '../protocol/graph';

const PER_MODEL = 12;
const MAX_MODELS = 64;

export class LayoutStore {
  private readonly memory = new Map<string, GraphLayout[]>();
  /** Structures with a file on disk, listed once a session (later ones are in memory too). */
  private onDisk: Promise<string[]> | undefined;

  constructor(private readonly dir: vscode.Uri | undefined) {}

  private file(structure: string): vscode.Uri | undefined {
    return this.dir ? vscode.Uri.joinPath(this.dir, 'layouts', `${structure}.json`) : undefined;
  }

  /** What this session already holds for the structure, without reading the disk. */
  peek(structure: string): GraphLayout[] {
    return this.memory.get(structure) ?? [];
  }

  /**
   * The structures (core/graph/layout.ts structureHash) this cache holds layouts for, in memory or
   * on disk: the model process makes no first layout for these when it opens a model.
   */
  async structures(): Promise<string[]> {
    this.onDisk ??= this.listDisk();
    return [...new Set([...this.memory.keys(), ...await this.onDisk])];
  }

  private async listDisk(): Promise<string[]> {
    if (!this.dir) return [];
    try {
      const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(this.dir, 'layouts'));
      return entries.map(([name]) => /^([0-9a-z]{1,64})\.json$/.exec(name)?.[1]).filter((s): s is string => !!s).slice(0, MAX_MODELS * 4);
    } catch {
      return [];
    }
  }

  async get(structure: string): Promise<GraphLayout[]> {
    const hit = this.memory.get(structure);
    if (hit) return hit;
    const f = this.file(structure);
    if (!f) return [];
    try {
      const raw = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(f))) as unknown;
      const list = Array.isArray(raw) ? raw.filter((l): l is GraphLayout => validLayout(l) && l.key.startsWith(`${structure}-`)) : [];
      this.remember(structure, list);
      return list;
    } catch {
      return [];
    }
  }

  async put(structure: string, layout: GraphLayout): Promise<void> {
    if (!layout.key.startsWith(`${structure}-`)) return;
    const list = (await this.get(structure)).filter((l) => l.key !== layout.key);
    list.unshift(layout);
    list.length = Math.min(list.length, PER_MODEL);
    this.remember(structure, list);
    const f = this.file(structure);
    if (!f) return;
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(f, '..'));
      await vscode.workspace.fs.writeFile(f, new TextEncoder().encode(JSON.stringify(list)));
    } catch {
      // A cache: failing to persist only costs a layout next time.
    }
  }

  private remember(structure: string, list: GraphLayout[]): void {
    this.memory.delete(structure);
    this.memory.set(structure, list);
    while (this.memory.size > MAX_MODELS) this.memory.delete(this.memory.keys().next().value as string);
  }
}
