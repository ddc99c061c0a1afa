// Keras' core layers (keras/src/layers/core): InputLayer, Dense, Identity.
import { elements, fail, formatShape, known, positiveInt } from '../analysis/config';
import { identity } from '../engines/ort/lowering/perm';
import { LayerKind, LayerKinds, one } from './kind';
import { dim, fusedActivation, fusedActivationUnsupported, out, rankOf, useBias } from './lowering';
import { passThrough } from './passThrough';
import { bias, convOps } from './spatial';

const inputLayer: LayerKind = {
  category: 'input',
  shape: (r) => {
    const s = (r.cfg.batch_input_shape ?? r.cfg.batch_shape ??
      (Array.isArray(r.cfg.input_shape) ? [null, ...r.cfg.input_shape] : undefined)) as unknown;
    if (!Array.isArray(s) || s.length < 2) fail(r.name, `needs batch_input_shape like [null, 224, 224, 3], got ${JSON.stringify(s)}`);
    return [null, ...s.slice(1).map((d) => (d === null ? null : positiveInt(r.name, 'input shape', d)))];
  },
  window: () => 'identity',
};

const dense: LayerKind = {
  category: 'dense',
  shape: (r) => {
    const s = one(r);
    if (s.length < 2) fail(r.name, `expects at least a rank-2 input, got ${formatShape(s)}`);
    return [...s.slice(0, -1), positiveInt(r.name, 'units', r.cfg.units)];
  },
  params: (r) => {
    const s = one(r);
    const cin = known(r.name, s[s.length - 1], 'the last input dimension');
    const u = positiveInt(r.name, 'units', r.cfg.units);
    return { trainable: cin * u + (bias(r.cfg) ? u : 0), nonTrainable: 0 };
  },
  macs: (r) => elements(r.name, one(r)) * positiveInt(r.name, 'units', r.cfg.units),
  formula: (r) => {
    const s = one(r);
    const lead = elements(r.name, s.slice(0, -1));
    return `${lead > 1 ? `${lead} x ` : ''}${s[s.length - 1]} x ${r.cfg.units}`;
  },
  ops: convOps,
  window: () => 'identity',
  lowering: {
    weights: (r) => {
      const s = r.inShapes[0];
      const cin = dim(r, s[s.length - 1], 'the last input dimension');
      const u = positiveInt(r.name, 'units', r.cfg.units);
      return [
        { attr: 'kernel', shape: [cin, u], init: 'kernel', fanIn: cin },
        ...(useBias(r.cfg) ? [{ attr: 'bias', shape: [u], init: 'bias' as const }] : []),
      ];
    },
    unsupported: fusedActivationUnsupported,
    // Rank 2: one Gemm. Higher ranks: MatMul over the last Keras axis, then "<layer>/bias" (Add).
    lower: (r) => {
      const rank = rankOf(r);
      const x = r.g.layout(r.inputs[0], identity(rank));
      const s = r.inShapes[0];
      const cin = dim(r, s[s.length - 1], 'the last input dimension');
      const u = positiveInt(r.name, 'units', r.cfg.units);
      const w = r.g.floatTensor(`${r.name}/kernel`, [cin, u], r.weight('kernel'));
      const b = useBias(r.cfg) ? r.g.floatTensor(`${r.name}/bias`, [u], r.weight('bias')) : undefined;
      let y: string;
      if (rank === 2) y = r.g.node(r.name, r.name, 'Gemm', b ? [x.name, w, b] : [x.name, w]);
      else {
        y = r.g.node(r.name, r.name, 'MatMul', [x.name, w]);
        if (b) y = r.g.node(r.name, `${r.name}/bias`, 'Add', [y, b]);
      }
      return fusedActivation(r, out(r, y, identity(rank)));
    },
  },
};

export const CORE_KINDS: LayerKinds = {
  InputLayer: inputLayer,
  Dense: dense,
  Identity: passThrough('reshape', 'Identity'),
};
