// Names and blocks for the layers NetLens adds inside a node: the layers inlined from ONNX function
// calls (each call a block with the call's readable name, labelled with the function, PyTorch's
// module class, inside the block the call node sat in) and the bodies of If/Loop/Scan
// (controlFlow.ts). A layer is named "<block>.<its name in the body>", unique in the model.
import type { onnx } from 'onnx-proto';
import type { LayerGroup } from '../../ir/types';
import { clip } from '../../io/limits';
import { CallBlock, FunctionTable, inlineCall, InlinedNode, OrtInlineNames } from './functions';
import type { Naming } from './names';

export interface InlinedLayer {
  /** The body node as inlined (its own tensors named once `ort.finish()` has run: `ort.resolved`). */
  inlined: InlinedNode;
  op: string;
  /** Readable unique layer name. */
  name: string;
  /** The function it came from. */
  fn: string;
}

export class FunctionBlocks {
  readonly groups: LayerGroup[] = [];
  readonly layerGroup: Record<string, string> = Object.create(null);
  private readonly used: Set<string>;
  private readonly next = new Map<string, number>();
  private readonly groupIds = new Set<string>();
  /** ONNX Runtime's names for what is inlined: finish() once every call is inlined. */
  readonly ort = new OrtInlineNames();

  constructor(private readonly naming: Naming, reserved: string[]) {
    this.used = new Set([...reserved, ...naming.names]);
    for (const g of naming.groups) this.groupIds.add(g.id);
  }

  /** A name not taken yet: base, else base_2, base_3, ... (a counter per base keeps this linear). */
  private unique(base: string, taken: Set<string>): string {
    if (!taken.has(base)) { taken.add(base); return base; }
    let k = this.next.get(base) ?? 2;
    while (taken.has(`${base}_${k}`)) k++;
    this.next.set(base, k + 1);
    const name = `${base}_${k}`;
    taken.add(name);
    return name;
  }

  /** A new block (a control-flow body), inside `parent`, with a unique id from `base`. */
  addBlock(base: string, label: string, parent: string | null): string {
    const id = this.unique(base, this.groupIds);
    this.groups.push({ id, label: `${id} (${label})`, parent });
    return id;
  }

  /** A unique layer name from `base`, drawn inside `block`. */
  addLayer(base: string, block: string): string {
    const name = this.unique(base, this.used);
    this.layerGroup[name] = block;
    return name;
  }

  /** The block a layer of the main graph was put in by its name (PyTorch scopes), or null. */
  groupOf(layer: string): string | null {
    return Object.hasOwn(this.layerGroup, layer) ? this.layerGroup[layer] : Object.hasOwn(this.naming.layerGroup, layer) ? this.naming.layerGroup[layer] : null;
  }

  /** Inlines one call of the main graph named `callName`; returns its body's layers in order. */
  inline(table: FunctionTable, call: onnx.INodeProto, callName: string, budget: number): InlinedLayer[] {
    const calls: CallBlock[] = [];
    const body = inlineCall(table, call, Math.max(0, budget), calls, this.ort);
    // The call's name is free once the call node is gone: its block takes it.
    this.used.delete(callName);
    const blockIds: string[] = [];
    for (const c of calls) {
      const base = c.parent < 0 ? callName : `${blockIds[c.parent]}.${clip(c.source || c.fn, 200)}`;
      const id = this.unique(base, this.groupIds);
      blockIds.push(id);
      const parent = c.parent < 0 ? (Object.hasOwn(this.naming.layerGroup, callName) ? this.naming.layerGroup[callName] : null) : blockIds[c.parent];
      this.groups.push({ id, label: `${id} (${clip(c.fn, 200)})`, parent });
    }
    return body.map((inlined) => {
      const { node, call: c } = inlined;
      const domain = node.domain ?? '';
      const opType = node.opType ?? '';
      const op = !domain || domain === 'ai.onnx' ? opType : `${domain}.${opType}`;
      const name = this.unique(`${blockIds[c]}.${clip(node.name || opType, 200)}`, this.used);
      this.layerGroup[name] = blockIds[c];
      return { inlined, op, name, fn: calls[c].fn };
    });
  }
}
