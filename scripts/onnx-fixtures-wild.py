#!/usr/bin/python3
"""PyTorch exports beyond the plain classifiers, for test/unit/onnx.wild*.test.ts (issue 19).

Debian's torch 1.13 / torchvision 0.14, seeded random weights (no downloads). Each model is committed
as its graph only: initializers moved to <name>.onnx.data, which the tests recreate as zeros of the
recorded size (the analysis reads shapes, never weight values; the profile tests run on zeros).
References in <name>.reference.json:
  params            elements of the floating-point initializers (what the file holds)
  torchParams       sum of p.numel() over module.parameters()
  input             the exported input shape
  outputs           PyTorch's output shapes on the same input
  externalDataBytes size of the weights file
  publishedGmacs    torchvision's documented "GFLOPS" for the model at this input size (multiply-adds,
                    rounded to 2 decimals in its model tables): an independent reference for the MAC count
Also two small transformers with their weights inline (vit-tiny, swin-tiny: every folded shape is
checked against ONNX Runtime's actual shapes in the test), and a graph with a local function that
calls another (nested functions, attribute references).
Run: /usr/bin/python3 scripts/onnx-fixtures-wild.py
"""
import json, os
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
import torchvision
from torchvision.models.vision_transformer import VisionTransformer
from torchvision.models.swin_transformer import SwinTransformer
import onnx
from onnx import helper, numpy_helper, TensorProto

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'onnx-wild')
FLOAT_TYPES = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.DOUBLE}
M = torchvision.models


def dims(t):
    return list(t.shape)


SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'media', 'samples', 'chelsea.png')


def image_top5(model, size):
    """PyTorch's top-5 classes for the bundled cat photo, preprocessed as NetLens's `torch` mode does:
    bilinear resize without corner alignment (tfjs resizeBilinear with half-pixel centres), /255,
    ImageNet mean and std."""
    from PIL import Image
    rgb = torch.tensor(np.asarray(Image.open(SAMPLE).convert('RGB')), dtype=torch.float32).permute(2, 0, 1)[None]
    x = F.interpolate(rgb, size=(size, size), mode='bilinear', align_corners=False)
    mean = torch.tensor([0.485, 0.456, 0.406])[None, :, None, None]
    std = torch.tensor([0.229, 0.224, 0.225])[None, :, None, None]
    with torch.no_grad():
        logits = model.eval()((x / 255 - mean) / std)[0]
    return [int(i) for i in torch.topk(logits, 5).indices]


def randomized(model, seed=7):
    """Every parameter drawn from N(0, 0.2), seeded: distinct class scores, repeatable."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    return model


def export(model, name, shape, published=None, graph_only=True, opset=17, **kw):
    torch.manual_seed(0)
    model.eval()
    x = torch.randn(*shape)
    with torch.no_grad():
        y = model(x)
    outs = [y] if torch.is_tensor(y) else (list(y.values()) if isinstance(y, dict) else [t for t in (y if isinstance(y, (list, tuple)) else [y])])
    flat = []
    for o in outs:
        if isinstance(o, dict):
            flat += list(o.values())
        elif isinstance(o, (list, tuple)):
            flat += [t for d in o for t in (d.values() if isinstance(d, dict) else [d])]
        else:
            flat.append(o)
    tmp = f'/tmp/netlens-wild-{name}.onnx'
    torch.onnx.export(model, x, tmp, opset_version=opset, input_names=['input'], do_constant_folding=True, **kw)
    m = onnx.load(tmp)
    params = sum(int(np.prod(t.dims)) for t in m.graph.initializer if t.data_type in FLOAT_TYPES)
    path = os.path.join(OUT, f'{name}.onnx')
    ref = {
        'model': name, 'input': list(shape), 'params': params,
        'torchParams': sum(p.numel() for p in model.parameters()),
        'outputs': [dims(t) for t in flat if torch.is_tensor(t)],
        'nodes': len(m.graph.node),
    }
    if published is not None:
        ref['publishedGmacs'] = published
    if not graph_only and len(shape) == 4:
        ref['imageTop5'] = image_top5(model, shape[2])
    if graph_only:
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location=f'{name}.onnx.data', size_threshold=1024)
        data = os.path.join(OUT, f'{name}.onnx.data')
        ref['externalDataBytes'] = os.path.getsize(data)
        os.remove(data)
    else:
        onnx.save_model(m, path)
    with open(os.path.join(OUT, f'{name}.reference.json'), 'w') as f:
        json.dump(ref, f, indent=1)
    print(name, os.path.getsize(path), 'bytes,', len(m.graph.node), 'nodes,', params, 'params')


def ref_attr(name, ref):
    """An attribute that takes its value from the calling node's attribute `ref`."""
    a = onnx.AttributeProto()
    a.name, a.ref_attr_name, a.type = name, ref, onnx.AttributeProto.FLOAT
    return a


def nested_functions():
    """Outer(x) = Inner(Inner(x, alpha=@scale), alpha=2.0) + x; Inner(x) = LeakyRelu(Conv(x, w), alpha)."""
    act = helper.make_node('LeakyRelu', ['c'], ['y'], name='act')
    act.attribute.append(ref_attr('alpha', 'alpha'))
    inner = helper.make_function(
        'netlens.test', 'Inner', ['x', 'w'], ['y'],
        [helper.make_node('Conv', ['x', 'w'], ['c'], name='conv', pads=[1, 1, 1, 1]), act],
        [helper.make_opsetid('', 17)], attributes=['alpha'])
    outer_call1 = helper.make_node('Inner', ['x', 'w1'], ['a'], domain='netlens.test', name='first')
    outer_call1.attribute.append(ref_attr('alpha', 'scale'))
    outer_call2 = helper.make_node('Inner', ['a', 'w2'], ['b'], domain='netlens.test', name='second', alpha=2.0)
    outer = helper.make_function(
        'netlens.test', 'Outer', ['x', 'w1', 'w2'], ['y'],
        [outer_call1, outer_call2, helper.make_node('Add', ['b', 'x'], ['y'], name='add')],
        [helper.make_opsetid('', 17), helper.make_opsetid('netlens.test', 1)], attributes=['scale'])
    rng = np.random.default_rng(0)
    w = lambda n: numpy_helper.from_array(rng.standard_normal((4, 4, 3, 3)).astype(np.float32), n)
    graph = helper.make_graph(
        [helper.make_node('Conv', ['input', 'stem_w'], ['s'], name='/stem/Conv', pads=[1, 1, 1, 1]),
         helper.make_node('Outer', ['s', 'w1', 'w2'], ['o1'], domain='netlens.test', name='/block1/Outer', scale=0.1),
         helper.make_node('Outer', ['o1', 'w3', 'w4'], ['o2'], domain='netlens.test', name='/block2/Outer', scale=0.2),
         helper.make_node('GlobalAveragePool', ['o2'], ['output'], name='/pool/GlobalAveragePool')],
        'nested', [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info('output', TensorProto.FLOAT, [1, 4, 1, 1])],
        [numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), 'stem_w'), w('w1'), w('w2'), w('w3'), w('w4')])
    model = helper.make_model(graph, functions=[inner, outer], opset_imports=[helper.make_opsetid('', 17), helper.make_opsetid('netlens.test', 1)])
    onnx.checker.check_model(model)
    onnx.save_model(model, os.path.join(OUT, 'nested-functions.onnx'))
    print('nested-functions', len(model.SerializeToString()), 'bytes')


def control_flow():
    """If with a condition that folds (then: 3x3 conv 4->8; else: 1x1 conv 4->2), a Loop of 3
    iterations (x @ W per iteration), a Scan over 5 steps (state + slice @ W), and an If whose
    condition depends on data. MACs by hand in the test."""
    rng = np.random.default_rng(1)
    f32 = lambda shape: rng.standard_normal(shape).astype(np.float32)
    init = lambda name, arr: numpy_helper.from_array(arr, name)
    i64 = lambda name, v: numpy_helper.from_array(np.array(v, dtype=np.int64), name)
    then_g = helper.make_graph([helper.make_node('Conv', ['s', 'wt'], ['t_out'], name='conv', pads=[1, 1, 1, 1])], 'then', [],
                               [helper.make_tensor_value_info('t_out', TensorProto.FLOAT, None)], [init('wt', f32((8, 4, 3, 3)))])
    else_g = helper.make_graph([helper.make_node('Conv', ['s', 'we'], ['e_out'], name='conv')], 'else', [],
                               [helper.make_tensor_value_info('e_out', TensorProto.FLOAT, None)], [init('we', f32((2, 4, 1, 1)))])
    body = helper.make_graph(
        [helper.make_node('Identity', ['cond_in'], ['cond_out'], name='keep'),
         helper.make_node('MatMul', ['v', 'wl'], ['m'], name='matmul'),
         helper.make_node('Relu', ['m'], ['v_out'], name='relu')],
        'loop_body', [helper.make_tensor_value_info('i', TensorProto.INT64, []), helper.make_tensor_value_info('cond_in', TensorProto.BOOL, []),
                      helper.make_tensor_value_info('v', TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info('cond_out', TensorProto.BOOL, []), helper.make_tensor_value_info('v_out', TensorProto.FLOAT, [1, 4])],
        [init('wl', f32((4, 4)))])
    scan_body = helper.make_graph(
        [helper.make_node('MatMul', ['x_t', 'ws'], ['p'], name='matmul'), helper.make_node('Add', ['state', 'p'], ['state_out'], name='add'),
         helper.make_node('Identity', ['state_out'], ['y_t'], name='emit')],
        'scan_body', [helper.make_tensor_value_info('state', TensorProto.FLOAT, [4]), helper.make_tensor_value_info('x_t', TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info('state_out', TensorProto.FLOAT, [4]), helper.make_tensor_value_info('y_t', TensorProto.FLOAT, [4])],
        [init('ws', f32((4, 4)))])
    dd_then = helper.make_graph([helper.make_node('Relu', ['s'], ['dt'], name='relu')], 'dd_then', [], [helper.make_tensor_value_info('dt', TensorProto.FLOAT, None)])
    dd_else = helper.make_graph([helper.make_node('Neg', ['s'], ['de'], name='neg')], 'dd_else', [], [helper.make_tensor_value_info('de', TensorProto.FLOAT, None)])
    nodes = [
        helper.make_node('Conv', ['input', 'w0'], ['s'], name='/stem/Conv', pads=[1, 1, 1, 1]),
        helper.make_node('Shape', ['s'], ['shape'], name='/Shape'),
        helper.make_node('Gather', ['shape', 'one'], ['channels'], name='/Gather', axis=0),
        helper.make_node('Equal', ['channels', 'four'], ['is4'], name='/Equal'),
        helper.make_node('If', ['is4'], ['branch_out'], name='/choose/If', then_branch=then_g, else_branch=else_g),
        helper.make_node('ReduceMean', ['branch_out'], ['pooled'], name='/pool/ReduceMean', axes=[2, 3], keepdims=0),
        helper.make_node('Slice', ['pooled', 'zero1', 'four1', 'one1'], ['v0'], name='/Slice'),
        helper.make_node('Loop', ['trips', 'true', 'v0'], ['v_final'], name='/repeat/Loop', body=body),
        helper.make_node('Reshape', ['v_final', 'seq_shape'], ['v_row'], name='/Reshape'),
        helper.make_node('Expand', ['v_row', 'seq_dims'], ['seq'], name='/Expand'),
        helper.make_node('Scan', ['state0', 'seq'], ['state_final', 'ys'], name='/walk/Scan', body=scan_body, num_scan_inputs=1),
        helper.make_node('ReduceSum', ['input'], ['total'], name='/ReduceSum', keepdims=0),
        helper.make_node('Greater', ['total', 'zero_f'], ['positive'], name='/Greater'),
        helper.make_node('If', ['positive'], ['dd_out'], name='/data/If', then_branch=dd_then, else_branch=dd_else),
    ]
    graph = helper.make_graph(
        nodes, 'control-flow', [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info('ys', TensorProto.FLOAT, [5, 4]), helper.make_tensor_value_info('state_final', TensorProto.FLOAT, [4]),
         helper.make_tensor_value_info('dd_out', TensorProto.FLOAT, [1, 4, 8, 8])],
        [init('w0', f32((4, 3, 3, 3))), i64('one', 1), i64('four', 4), i64('trips', 3), numpy_helper.from_array(np.array(True), 'true'),
         i64('zero1', [0]), i64('four1', [4]), i64('one1', [1]), i64('seq_shape', [1, 4]), i64('seq_dims', [5, 4]),
         numpy_helper.from_array(np.zeros(4, dtype=np.float32), 'state0'), numpy_helper.from_array(np.array(0, dtype=np.float32), 'zero_f')])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save_model(model, os.path.join(OUT, 'control-flow.onnx'))
    print('control-flow', len(model.SerializeToString()), 'bytes')


def main():
    os.makedirs(OUT, exist_ok=True)
    # torchvision's published multiply-adds (its model tables' GFLOPS) at these input sizes.
    export(M.vit_b_16(), 'vit_b_16', (1, 3, 224, 224), 17.56)
    export(M.swin_t(), 'swin_t', (1, 3, 224, 224), 4.49)
    export(M.detection.ssdlite320_mobilenet_v3_large(weights_backbone=None), 'ssdlite320', (1, 3, 320, 320), 0.58)
    export(M.segmentation.lraspp_mobilenet_v3_large(weights_backbone=None), 'lraspp', (1, 3, 520, 520), 2.09)
    export(M.video.r3d_18(), 'r3d_18', (1, 3, 16, 112, 112), 40.70)
    export(M.resnet18(), 'resnet18-functions', (1, 3, 224, 224), 1.81,
           export_modules_as_functions={torchvision.models.resnet.BasicBlock})
    # Small transformers with their weights: ONNX Runtime runs them in the tests to size every tensor,
    # and their top-5 on the cat photo is checked against PyTorch's (every weight drawn at random:
    # torchvision zero-initialises the heads, which would make all classes tie).
    export(randomized(VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32, num_classes=10)),
           'vit-tiny', (1, 3, 32, 32), graph_only=False)
    # 40x40 with 4x4 patches and 4x4 windows: 10 tokens a side, padded to 12 (Swin's computed Pad).
    export(randomized(SwinTransformer(patch_size=[4, 4], embed_dim=8, depths=[2, 2], num_heads=[2, 2], window_size=[4, 4], num_classes=10)),
           'swin-tiny', (1, 3, 40, 40), graph_only=False)
    nested_functions()
    control_flow()


if __name__ == '__main__':
    main()
