// If, Loop and Scan: their bodies (GraphProto attributes) become layers of the graph, drawn as
// nested blocks ("<node>.then", "<node>.body") and counted where it can be known how often they run:
// an If branch when its condition folds (the branch not taken counts nothing), a Loop body times
// its trip count when that folds and the body cannot stop early, a Scan body times its sequence
// length. Otherwise the body's layers say their figures depend on data. The body's own tensors are
// renamed per body; names from the enclosing graphs are left as they are. Bodies nest at most
// MAX_SUBGRAPH_DEPTH deep, and every node they add counts against the model's node cap.
import type { onnx } from 'onnx-proto';
import type { GraphNode, RunScope } from '../../ir/graph';
import { NetLensError } from '../../ir/types';
import { clip } from '../../io/limits';
import type { FunctionBlocks } from './functionBlocks';

/** Subgraphs inside subgraphs are refused past this depth. */
export const MAX_SUBGRAPH_DEPTH = 64;

/** The body entry ops NetLens adds: they make a Loop's or Scan's body inputs (not ONNX ops). */
export const LOOP_BODY = 'netlens.LoopBody';
export const SCAN_BODY = 'netlens.ScanBody';

export interface ControlFlowContext {
  /** A GraphNode from an ONNX node (attributes read, alias names resolved). */
  toNode(n: onnx.INodeProto, op: string, source: string, name: string): GraphNode;
  /** Keeps a body's initializer or Constant (weights and folded values) under its new name. */
  keepTensor(name: string, t: onnx.ITensorProto): void;
  keepConstant(n: onnx.INodeProto): void;
  blocks: FunctionBlocks;
  /** Counts one more node against the model's node cap; throws past it. */
  spend: () => void;
}

const opOf = (n: onnx.INodeProto): string => (!n.domain || n.domain === 'ai.onnx' ? n.opType ?? '' : `${n.domain}.${n.opType ?? ''}`);
const subgraph = (n: onnx.INodeProto, key: string): onnx.IGraphProto | undefined => (n.attribute ?? []).find((a) => a.name === key && a.g)?.g ?? undefined;

/** Whether a node holds bodies NetLens expands. */
export const hasBodies = (n: onnx.INodeProto): boolean =>
  ['If', 'Loop', 'Scan'].includes(opOf(n)) && (n.attribute ?? []).some((a) => a.g);

/**
 * Expands one If/Loop/Scan node named `name` (already drawn in block `group`): returns its body
 * layers and the node itself, in an order where every layer comes after what it reads.
 */
export function expandControlFlow(ctx: ControlFlowContext, n: onnx.INodeProto, name: string, group: string | null,
  scopes: RunScope[] = [], outer: (t: string) => string = (t) => t, depth = 0): GraphNode[] {
  if (depth >= MAX_SUBGRAPH_DEPTH) throw new NetLensError(`control flow nests more than ${MAX_SUBGRAPH_DEPTH} deep (at node ${clip(name)})`);
  const op = opOf(n);
  const inputs = (n.input ?? []).map(outer);
  const self = ctx.toNode({ ...n, input: inputs, attribute: (n.attribute ?? []).filter((a) => !a.g) }, op, n.name ?? '', name);
  if (scopes.length) self.runs = scopes;
  const body = (key: string, label: string, inner: RunScope[], formals?: { op: string; inputs: string[]; trips: string }): { nodes: GraphNode[]; outputs: string[] } => {
    const g = subgraph(n, key);
    if (!g) return { nodes: [], outputs: [] };
    const block = ctx.blocks.addBlock(`${name}.${key === 'then_branch' ? 'then' : key === 'else_branch' ? 'else' : 'body'}`, label, group);
    const prefix = `${block}/`;
    const local = new Set<string>([...(g.input ?? []).map((v) => v.name ?? ''), ...(g.initializer ?? []).map((t) => t.name ?? ''),
      ...(g.node ?? []).flatMap((b) => b.output ?? [])].filter(Boolean));
    const rename = (t: string): string => (t === '' ? '' : local.has(t) ? prefix + t : outer(t));
    for (const t of g.initializer ?? []) ctx.keepTensor(rename(t.name ?? ''), t);
    const nodes: GraphNode[] = [];
    if (formals) {
      const entry = ctx.toNode({ input: formals.inputs, output: (g.input ?? []).map((v) => rename(v.name ?? '')).concat(formals.trips) }, formals.op, '', ctx.blocks.addLayer(`${block}.inputs`, block));
      entry.attrs = { ...self.attrs, bodyCond: bodyCondPassesThrough(g) ? 1 : 0 };
      if (scopes.length) entry.runs = scopes;
      nodes.push(entry);
    }
    for (const b of g.node ?? []) {
      ctx.spend();
      const bop = opOf(b);
      const renamed: onnx.INodeProto = { ...b, input: (b.input ?? []).map(rename), output: (b.output ?? []).map(rename) };
      if (bop === 'Constant') {
        ctx.keepConstant(renamed);
        continue;
      }
      const layer = ctx.blocks.addLayer(`${block}.${clip(b.name || bop, 200)}`, block);
      if (hasBodies(b)) {
        nodes.push(...expandControlFlow(ctx, { ...b, output: renamed.output }, layer, block, inner, rename, depth + 1));
        continue;
      }
      const node = ctx.toNode(renamed, bop, '', layer);
      node.runs = inner;
      nodes.push(node);
    }
    return { nodes, outputs: (g.output ?? []).map((v) => rename(v.name ?? '')) };
  };

  if (op === 'If') {
    const cond = inputs[0] ?? '';
    const then = body('then_branch', 'then', [...scopes, { kind: 'if', cond, when: true, owner: name }]);
    const other = body('else_branch', 'else', [...scopes, { kind: 'if', cond, when: false, owner: name }]);
    // The If reads both branches' outputs and gives the taken one's (its rule, onnx/dataRules.ts).
    self.inputs = [cond, ...then.outputs, ...other.outputs];
    self.attrs = { ...self.attrs, thenOutputs: then.outputs.length };
    return [...then.nodes, ...other.nodes, self];
  }
  // The body entry also gives the trip count, a folded scalar the body's layers multiply by.
  const tripsTensor = `netlens:trips:${name}`;
  const entryOp = op === 'Loop' ? LOOP_BODY : SCAN_BODY;
  const loop = body('body', op === 'Loop' ? 'loop body' : 'scan body', [...scopes, { kind: 'loop', trips: tripsTensor, owner: name }],
    { op: entryOp, inputs, trips: tripsTensor });
  // The Loop/Scan reads its body's outputs and the trip count, and stacks them (its rule, onnx/dataRules.ts).
  if (loop.nodes.length) {
    self.inputs = [...inputs, tripsTensor, ...loop.outputs];
    self.attrs = { ...self.attrs, bodyOutputs: loop.outputs.length };
  }
  return [...loop.nodes, self];
}

/** A Loop body whose condition output is its condition input passed through (or a constant true) runs exactly M times. */
function bodyCondPassesThrough(g: onnx.IGraphProto): boolean {
  const condIn = g.input?.[1]?.name;
  const condOut = g.output?.[0]?.name;
  if (!condIn || !condOut) return false;
  if (condIn === condOut) return true;
  const maker = (g.node ?? []).find((b) => (b.output ?? []).includes(condOut));
  return Boolean(maker && maker.opType === 'Identity' && maker.input?.[0] === condIn);
}
