#!/usr/bin/python3
"""ONNX fixtures for test/unit/onnx.import*.test.ts, with reference figures from PyTorch and onnx.

Exports torchvision models with seeded random weights (no downloads) through torch.onnx.export,
and a small net of its own that exercises the ops torchvision's CNNs do not (shape chains,
LayerNormalization, ConvTranspose, Resize, Split, Slice, MatMul, Erf...). Large models are committed
as their graph only, with the initializers moved to external data that the tests recreate as zeros
(the analysis never reads weight values, only shapes and dtypes). References per model, in
<name>.reference.json beside it:
  params         elements of the floating-point initializers (what the file holds)
  torchParams    sum of p.numel() over module.parameters()
  foldedBnChannels  channels of the BatchNorms the eval export folded into convolutions
  nodes          per ONNX node: output shapes from onnx.shape_inference (symbolic -> null), MACs
                 computed here from those shapes (Conv, ConvTranspose, Gemm, MatMul)
  moduleMacs     MACs of each nn.Conv2d / nn.ConvTranspose2d / nn.Linear measured with forward hooks
Run: /usr/bin/python3 scripts/onnx-fixtures.py          (the fixtures)
     /usr/bin/python3 scripts/onnx-fixtures.py --bench F (only ResNet-50 to F, for bench/onnx.bench.ts)
"""
import json, os, sys
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
import torchvision
import onnx
from onnx import numpy_helper, shape_inference

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'onnx')
FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16, onnx.TensorProto.DOUBLE}


class OpsNet(nn.Module):
    """A small net with the ops torchvision CNNs do not export: a shape chain, LayerNorm, GELU (Erf), ..."""

    def __init__(self, chain=False):
        super().__init__()
        # chain: reshape by x.size(0) (Shape -> Gather -> Unsqueeze -> Concat -> Reshape in the
        # export, which onnx's shape inference cannot size); otherwise by -1 (static targets).
        self.chain = chain
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.dw = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8)
        self.pool = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.up = nn.ConvTranspose2d(4, 4, 2, stride=2)
        self.avg = nn.AvgPool2d(2)
        self.norm = nn.LayerNorm(16)
        self.proj = nn.Linear(16, 16)
        self.head = nn.Linear(4 * 16, 10)

    def forward(self, x):
        x = self.stem(x)                       # 8 x 16 x 16
        x = self.dw(x) + x
        x = self.pool(x)                       # 8 x 8 x 8 (ceil mode)
        x = F.interpolate(x, scale_factor=2.0, mode='nearest')   # Resize: 8 x 16 x 16
        a, b = torch.split(x, 4, dim=1)
        x = torch.sigmoid(a) * b
        x = F.pad(x, (1, 1, 1, 1))             # 4 x 18 x 18
        x = x[:, :, 1:17, 1:17]                # Slice: 4 x 16 x 16
        x = self.up(x)                         # 4 x 32 x 32
        x = self.avg(x)                        # 4 x 16 x 16
        n = x.size(0) if self.chain else -1
        t = x.reshape(n, 4, 256).transpose(1, 2)         # n x 256 x 4
        t = t.reshape(n, 16, 16, 4).mean(dim=3)           # n x 16 x 16
        t = self.norm(t)
        att = torch.softmax(torch.matmul(t, t.transpose(1, 2)) / torch.sqrt(torch.tensor(16.0)), dim=-1)
        t = torch.matmul(att, t)
        t = F.gelu(self.proj(t)) + torch.pow(t, 2)
        t = t[:, :4, :]
        return self.head(t.reshape(t.size(0) if self.chain else -1, 64))


def folded_bn_channels(model):
    return sum(m.num_features for m in model.modules() if isinstance(m, nn.BatchNorm2d))


def module_macs(model, x):
    macs = {}
    def hook(name):
        def f(m, inp, out):
            if isinstance(m, nn.Conv2d):
                k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
                macs[name] = int(out[0].numel() * k)
            elif isinstance(m, nn.ConvTranspose2d):
                macs[name] = int(inp[0][0].numel() * m.kernel_size[0] * m.kernel_size[1] * m.out_channels // m.groups)
            elif isinstance(m, nn.Linear):
                macs[name] = int(out[0].numel() * m.in_features)
        return f
    hs = [m.register_forward_hook(hook(n)) for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    with torch.no_grad():
        model(x[:1])
    for h in hs:
        h.remove()
    return macs


def dims(vi):
    return [d.dim_value if d.HasField('dim_value') else None for d in vi.type.tensor_type.shape.dim]


def onnx_reference(path):
    m = onnx.load(path)
    inferred = shape_inference.infer_shapes(m, data_prop=True)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input):
        shapes[vi.name] = dims(vi)
    inits = {t.name: t for t in m.graph.initializer}
    for t in inits.values():
        shapes.setdefault(t.name, list(t.dims))
    for n in m.graph.node:
        if n.op_type == 'Constant':
            shapes[n.output[0]] = list(numpy_helper.to_array(n.attribute[0].t).shape)
    params = sum(int(np.prod(t.dims)) for t in inits.values() if t.data_type in FLOAT_TYPES)
    nodes = []
    for n in m.graph.node:
        if n.op_type == 'Constant':
            continue
        out = shapes.get(n.output[0])
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        per = lambda s: int(np.prod([d for d in s if d is not None]))   # batch (symbolic) left out
        macs = 0
        # onnx's inference cannot size what follows a computed Pad or Reshape target: such nodes
        # are left out of the per-node reference (the tests count how many they compare).
        known = lambda s: s is not None and all(d is not None for d in s[1:])
        if not known(out) or not all(known(shapes.get(i)) for i in n.input[:2] if i):
            nodes.append({'name': n.name, 'op': n.op_type, 'output': None, 'macs': None})
            continue
        if n.op_type == 'Conv':
            w = shapes[n.input[1]]
            macs = per(out) * int(np.prod(w[1:]))
        elif n.op_type == 'ConvTranspose':
            w = shapes[n.input[1]]
            macs = per(shapes[n.input[0]]) * int(np.prod(w[1:]))
        elif n.op_type == 'Gemm':
            b = shapes[n.input[1]]
            macs = per(out) * (b[1] if attrs.get('transB', 0) else b[0])
        elif n.op_type == 'MatMul':
            a = shapes[n.input[0]]
            macs = per(out) * a[-1]
        nodes.append({'name': n.name, 'op': n.op_type, 'output': out, 'macs': macs})
    opset = next(o.version for o in m.opset_import if o.domain in ('', 'ai.onnx'))
    return {'opset': opset, 'params': params, 'nodes': nodes}


def randomize_folds(model):
    # Fresh BatchNorms fold to identical zero biases, which the exporter deduplicates into one
    # initializer: random statistics keep each fold its own tensor (and the count relation exact).
    # (torchvision also initialises conv and linear biases to zeros: randomised for the same reason.)
    for name, p in model.named_parameters():
        if name.endswith('bias'):
            with torch.no_grad():
                p.uniform_(-0.1, 0.1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5); m.bias.uniform_(-0.5, 0.5)
                m.running_mean.uniform_(-0.5, 0.5); m.running_var.uniform_(0.5, 1.5)


def export(model, name, opset, size=224, dynamic=False, external=False, reference=True):
    torch.manual_seed(0)
    randomize_folds(model)
    model.eval()
    x = torch.randn(1, 3, size, size)
    path = os.path.join(OUT, f'{name}.onnx')
    tmp = f'/tmp/netlens-fixture-{name}.onnx'
    torch.onnx.export(model, x, tmp, opset_version=opset, input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}} if dynamic else None,
                      do_constant_folding=True)
    if not reference:
        onnx.save_model(onnx.load(tmp), os.path.join(OUT, f'{name}.onnx'))
        print(f'{name}: graph only')
        return None
    ref = onnx_reference(tmp)
    ref.update({
        'model': name, 'input': [None if dynamic else 1, 3, size, size],
        'torchParams': sum(p.numel() for p in model.parameters()),
        'foldedBnChannels': folded_bn_channels(model),
        'moduleMacs': module_macs(model, x),
    })
    # Total MACs: the PyTorch modules' (forward hooks) plus the functional matmuls at the top level
    # (torch.matmul in forward, no module); where onnx sizes every node, its per-node sum agrees.
    functional = sum(n['macs'] for n in ref['nodes'] if n['op'] == 'MatMul' and n['name'].count('/') == 1)
    ref['macs'] = sum(ref['moduleMacs'].values()) + functional
    if all(n['macs'] is not None for n in ref['nodes']):
        assert ref['macs'] == sum(n['macs'] for n in ref['nodes']), (ref['macs'], sum(n['macs'] for n in ref['nodes']))
    # The eval export folds each BatchNorm into the conv before it: parameters() counts the BN's
    # weight and bias (2 per channel), the file the folded conv bias (1 per channel).
    assert ref['params'] == ref['torchParams'] - ref['foldedBnChannels'], (ref['params'], ref['torchParams'], ref['foldedBnChannels'])
    m = onnx.load(tmp)
    if external:
        # The graph only; initializers go to <name>.onnx.data, which the tests write as zeros.
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=f'{name}.onnx.data', size_threshold=1024)
        data = os.path.join(OUT, f'{name}.onnx.data')
        ref['externalDataBytes'] = os.path.getsize(data)
        os.remove(data)
    else:
        onnx.save_model(m, path)
    with open(os.path.join(OUT, f'{name}.reference.json'), 'w') as f:
        json.dump(ref, f, indent=1)
    print(f'{name}: opset {ref["opset"]}, {len(ref["nodes"])} nodes, params {ref["params"]} (torch {ref["torchParams"]}, '
          f'folded BN channels {ref["foldedBnChannels"]}), MACs {ref["macs"]}')
    return ref


def main():
    if '--bench' in sys.argv:
        # Only the bench model: torchvision ResNet-50 (random weights, ~100 MB) where the bench asks.
        target = sys.argv[sys.argv.index('--bench') + 1]
        torch.manual_seed(0)
        torch.onnx.export(torchvision.models.resnet50().eval(), torch.randn(1, 3, 224, 224), target, opset_version=17,
                          input_names=['input'], output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
        print(f'resnet50: {os.path.getsize(target)} bytes at {target}')
        return
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    export(torchvision.models.resnet18(), 'resnet18-op13', 13, external=True)
    torch.manual_seed(0)
    export(torchvision.models.resnet18(), 'resnet18-op17', 17, dynamic=True, external=True)
    torch.manual_seed(0)
    export(torchvision.models.mobilenet_v3_small(), 'mobilenetv3small-op13', 13, external=True)
    torch.manual_seed(0)
    export(torchvision.models.mobilenet_v3_small(), 'mobilenetv3small-op17', 17, dynamic=True, external=True)
    for opset in (11, 17):
        torch.manual_seed(0)
        export(OpsNet(), f'opsnet-op{opset}', opset, size=32)
    # With a symbolic batch the exporter keeps the Shape -> Gather -> Unsqueeze -> Concat -> Reshape
    # chains, which onnx's own shape inference cannot size: its totals and per-sample shapes are the
    # static export's (checked by the tests), so only the graph is written.
    torch.manual_seed(0)
    export(OpsNet(chain=True), 'opsnet-dynamic-op17', 17, size=32, dynamic=True, reference=False)


if __name__ == '__main__':
    main()
