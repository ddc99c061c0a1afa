// Readable layer names and collapsible blocks from the node names PyTorch's exporter writes:
// "/layer1/layer1.0/conv1/Conv" is the Conv of module layer1.0.conv1, inside blocks layer1 and
// layer1.0. A module called once gives its node its dotted name (layer1.0.conv1); a module with
// several nodes names each by its op ("layer1.0.Add", "features.0.0.Relu_1"). A block is a module
// holding two or more layers; top-level layers before the first block form the "stem".
//
// Files are untrusted: a scope 480 modules deep on each of 8,000 nodes, if every module prefix of
// every node were kept as its own string, is 1.8 GB. Scopes go into one tree of modules (a path
// shared by many nodes is stored once), dotted names are made only for the modules that name a
// layer or a block, blocks nest at most MAX_BLOCK_DEPTH deep, and their names have a budget.
import type { LayerGroup } from '../../ir/types';
import { NetLensError } from '../../ir/types';
import { UniqueNames } from '../../io/uniqueNames';

export interface NamedNode {
  /** The node's name in the file ('' when it has none). */
  source: string;
  op: string;
}

export interface Naming {
  /** Readable unique name of each node, in the same order. */
  names: string[];
  groups: LayerGroup[];
  layerGroup: Record<string, string>;
}

/** Deeper modules are drawn inside their ancestor at this depth (torchvision nests 4-6 deep). */
export const MAX_BLOCK_DEPTH = 16;
/** Characters of all block names together (ResNet-18: 150; 16M is a wide margin). */
export const MAX_BLOCK_NAME_CHARS = 16 * 1024 * 1024;

/** The module tree of all scopes: one entry per distinct path, parent before child. */
class ModuleTree {
  readonly parent: number[] = [];
  readonly seg: string[] = [];
  readonly depth: number[] = [];
  /** Nodes inside the module (its own and its descendants'). */
  readonly members: number[] = [];
  /** Nodes whose innermost module this is. */
  readonly own: number[] = [];
  readonly hasChild: boolean[] = [];
  private readonly index = new Map<string, number>();
  private readonly dotted = new Map<number, string>();

  /** Adds one node's module path; returns its innermost module, or -1 for none. */
  add(segs: string[]): number {
    let id = -1;
    for (const seg of segs) {
      const key = `${id}/${seg}`;
      let c = this.index.get(key);
      if (c === undefined) {
        c = this.seg.length;
        this.index.set(key, c);
        this.parent.push(id);
        this.seg.push(seg);
        this.depth.push(id < 0 ? 0 : this.depth[id] + 1);
        this.members.push(0);
        this.own.push(0);
        this.hasChild.push(false);
        if (id >= 0) this.hasChild[id] = true;
      }
      this.members[c]++;
      id = c;
    }
    if (id >= 0) this.own[id]++;
    return id;
  }

  /**
   * Full dotted name. Torch writes a child by its attribute name (conv1), and a Sequential's child
   * by the Sequential's segment and its index (layer1 > layer1.0, downsample > downsample.0).
   * Built from the segments in one pass (no name of every prefix), remembered per module.
   */
  name(id: number): string {
    const known = this.dotted.get(id);
    if (known !== undefined) return known;
    const path: number[] = [];
    for (let m = id; m >= 0 && !this.dotted.has(m); m = this.parent[m]) path.push(m);
    const top = path[path.length - 1];
    let name = this.parent[top] >= 0 ? this.dotted.get(this.parent[top])! : '';
    for (let k = path.length - 1; k >= 0; k--) {
      const m = path[k];
      const p = this.parent[m];
      const s = this.seg[m];
      name = p < 0 ? s : s.startsWith(`${this.seg[p]}.`) ? name + s.slice(this.seg[p].length) : `${name}.${s}`;
    }
    this.dotted.set(id, name);
    return name;
  }
}

/** Module path segments and op part of a PyTorch scope name, or null when it is not one. */
function splitScope(name: string): { segs: string[]; leaf: string } | null {
  if (!name.startsWith('/')) return null;
  const parts = name.split('/');
  parts.shift();
  if (parts.length === 0 || parts.includes('')) return null;
  const leaf = parts.pop()!;
  return { segs: parts, leaf };
}

export function pytorchNaming(nodes: NamedNode[], reserved: Set<string>): Naming {
  const tree = new ModuleTree();
  const leafOf: string[] = [];
  // Innermost module of each node: -1 for "/Relu" (no module), -2 for a name that is no scope.
  const moduleOf = nodes.map((n, i) => {
    const s = splitScope(n.source);
    if (!s) return -2;
    leafOf[i] = s.leaf;
    return tree.add(s.segs);
  });

  // A leaf module (no child module) with one node names it: layer1.0.conv1. Nodes a module's own
  // forward makes beside its children are named by op: layer1.0.Add.
  const unique = new UniqueNames(reserved);
  const names = nodes.map((n, i) => {
    const m = moduleOf[i];
    if (m === -2) return unique.take(n.source || `${n.op}_${i}`);
    if (m === -1) return unique.take(leafOf[i]);
    const dotted = tree.name(m);
    return unique.take(tree.own[m] === 1 && !tree.hasChild[m] ? dotted : `${dotted}.${leafOf[i]}`);
  });

  // Blocks: every module that holds at least two layers (its own and its children's), down to
  // MAX_BLOCK_DEPTH. Two paths with one dotted name (/a/b.c and /a.b/c) are one block.
  const isBlock = (m: number): boolean => tree.members[m] >= 2 && tree.depth[m] < MAX_BLOCK_DEPTH;
  const blockId = new Map<number, string>();
  const ids = new Set<string>();
  const groups: LayerGroup[] = [];
  let chars = 0;
  for (let m = 0; m < tree.seg.length; m++) {
    if (!isBlock(m)) continue;
    const id = tree.name(m);
    blockId.set(m, id);
    if (ids.has(id)) continue;
    chars += id.length;
    if (chars > MAX_BLOCK_NAME_CHARS) {
      throw new NetLensError(`the node names describe more module blocks than NetLens draws (over ${MAX_BLOCK_NAME_CHARS} characters of block names)`);
    }
    ids.add(id);
    let p = tree.parent[m];
    while (p >= 0 && !isBlock(p)) p = tree.parent[p];
    groups.push({ id, label: id, parent: p >= 0 ? blockId.get(p)! : null });
  }
  const layerGroup: Record<string, string> = Object.create(null);
  moduleOf.forEach((m0, i) => {
    let m = m0;
    while (m >= 0 && !isBlock(m)) m = tree.parent[m];
    if (m >= 0) layerGroup[names[i]] = blockId.get(m)!;
  });

  // The stem: top-level layers before the first block (PyTorch's conv1, bn1, relu, maxpool).
  const firstGrouped = names.findIndex((n) => Object.hasOwn(layerGroup, n));
  if (firstGrouped > 0) {
    const stem = names.slice(0, firstGrouped).filter((_, i) => nodes[i].op !== 'Input');
    const stemModule = tree.seg.some((s, m) => tree.parent[m] < 0 && s === 'stem');
    if (stem.length >= 2 && !stemModule) {
      groups.unshift({ id: 'stem', label: 'stem', parent: null });
      for (const n of stem) layerGroup[n] = 'stem';
    }
  }
  return { names, groups, layerGroup };
}
