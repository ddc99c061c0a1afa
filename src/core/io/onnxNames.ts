// Readable layer names and collapsible blocks from the node names PyTorch's exporter writes:
// "/layer1/layer1.0/conv1/Conv" is the Conv of module layer1.0.conv1, inside blocks layer1 and
// layer1.0. A module called once gives its node its dotted name (layer1.0.conv1); a module with
// several nodes names each by its op ("layer1.0.Add", "features.0.0.Relu_1"). A block is a module
// holding two or more layers; top-level layers before the first block form the "stem".
import type { LayerGroup } from '../ir/types';

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

/** Module path (full dotted names, outermost first) and op part of a PyTorch scope name, or null. */
export function parseScope(name: string): { modules: string[]; leaf: string } | null {
  if (!name.startsWith('/')) return null;
  const parts = name.split('/').slice(1);
  if (parts.length === 0 || parts.some((p) => p === '')) return null;
  const modules: string[] = [];
  const segs = parts.slice(0, -1);
  segs.forEach((seg, i) => {
    const prev = modules[i - 1];
    // Torch writes a child by its attribute name (conv1), and a Sequential's child by the
    // Sequential's segment and its index (layer1 > layer1.0, downsample > downsample.0).
    if (prev === undefined) modules.push(seg);
    else if (seg.startsWith(`${segs[i - 1]}.`)) modules.push(prev + seg.slice(segs[i - 1].length));
    else modules.push(`${prev}.${seg}`);
  });
  return { modules, leaf: parts[parts.length - 1] };
}

export function pytorchNaming(nodes: NamedNode[], reserved: Set<string>): Naming {
  const scopes = nodes.map((n) => parseScope(n.source));
  // A leaf module (no child module) with one node names it: layer1.0.conv1. Nodes a module's own
  // forward makes beside its children are named by op: layer1.0.Add.
  const perModule = new Map<string, number>();
  const parents = new Set<string>();
  for (const s of scopes) if (s && s.modules.length) {
    const m = s.modules[s.modules.length - 1];
    perModule.set(m, (perModule.get(m) ?? 0) + 1);
    s.modules.slice(0, -1).forEach((p) => parents.add(p));
  }
  const taken = new Set(reserved);
  const unique = (base: string): string => {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const names = nodes.map((n, i) => {
    const s = scopes[i];
    if (!s) return unique(n.source || `${n.op}_${i}`);
    const m = s.modules[s.modules.length - 1];
    if (m === undefined) return unique(s.leaf);
    return unique(perModule.get(m) === 1 && !parents.has(m) ? m : `${m}.${s.leaf}`);
  });

  // Blocks: every module prefix that holds at least two layers (its own and its children's).
  const members = new Map<string, number>();
  const parentOf = new Map<string, string | null>();
  scopes.forEach((s) => {
    if (!s) return;
    s.modules.forEach((m, depth) => {
      members.set(m, (members.get(m) ?? 0) + 1);
      if (!parentOf.has(m)) parentOf.set(m, depth === 0 ? null : s.modules[depth - 1]);
    });
  });
  const isBlock = (m: string): boolean => (members.get(m) ?? 0) >= 2;
  const groups: LayerGroup[] = [];
  for (const m of members.keys()) {
    if (!isBlock(m)) continue;
    let p = parentOf.get(m) ?? null;
    while (p !== null && !isBlock(p)) p = parentOf.get(p) ?? null;
    groups.push({ id: m, label: m, parent: p });
  }
  const layerGroup: Record<string, string> = Object.create(null);
  scopes.forEach((s, i) => {
    const inner = s?.modules.filter(isBlock).pop();
    if (inner !== undefined) layerGroup[names[i]] = inner;
  });

  // The stem: top-level layers before the first block (PyTorch's conv1, bn1, relu, maxpool).
  const firstGrouped = names.findIndex((n) => Object.hasOwn(layerGroup, n));
  if (firstGrouped > 0) {
    const stem = names.slice(0, firstGrouped).filter((_, i) => nodes[i].op !== 'Input');
    if (stem.length >= 2 && !members.has('stem')) {
      groups.unshift({ id: 'stem', label: 'stem', parent: null });
      for (const n of stem) layerGroup[n] = 'stem';
    }
  }
  return { names, groups, layerGroup };
}
