#!/usr/bin/python3
"""Writes se-mobilenet.onnx: a small MobileNetV3-style network (inverted
residual blocks with squeeze-and-excitation, hard-swish, ReLU6) in the form
PyTorch's exporter writes it, with seeded random weights. It is tessel's
ONNX example: `tessel compile networks/onnx/se-mobilenet.onnx ...`.

Uses Debian's python3-onnx and python3-numpy (scripts/install-deps.sh).
Run it again to rebuild the model; the output is the same every time.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(2024)
nodes, initializers = [], []


def weight(name, shape, fan_in):
    values = rng.standard_normal(shape).astype(np.float32) * np.float32(np.sqrt(2.0 / fan_in))
    initializers.append(numpy_helper.from_array(values, name))
    return name


def constant(name, values, dtype=np.float32):
    initializers.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
    return name


def node(op, inputs, name, **attributes):
    nodes.append(helper.make_node(op, inputs, [name], name=name, **attributes))
    return name


def conv_bn(x, name, cin, cout, k, stride=1, groups=1, act=None):
    w = weight(name + ".weight", (cout, cin // groups, k, k), cin // groups * k * k)
    y = node("Conv", [x, w], name, kernel_shape=[k, k], strides=[stride, stride],
             pads=[k // 2] * 4, group=groups)
    scale = constant(name + ".bn.scale", rng.uniform(0.5, 1.5, cout))
    bias = constant(name + ".bn.bias", rng.uniform(-0.1, 0.1, cout))
    mean = constant(name + ".bn.mean", rng.uniform(-0.1, 0.1, cout))
    var = constant(name + ".bn.var", rng.uniform(0.5, 1.5, cout))
    y = node("BatchNormalization", [y, scale, bias, mean, var], name + ".bn", epsilon=1e-5)
    if act == "relu6":
        lo, hi = constant(name + ".min", 0.0), constant(name + ".max", 6.0)
        y = node("Clip", [y, lo, hi], name + ".relu6")
    elif act == "hswish":
        y = node("HardSwish", [y], name + ".hswish")
    elif act == "relu":
        y = node("Relu", [y], name + ".relu")
    return y


def squeeze_excite(x, name, channels):
    squeezed = max(channels // 4, 8)
    s = node("GlobalAveragePool", [x], name + ".pool")
    w1 = weight(name + ".fc1.weight", (squeezed, channels, 1, 1), channels)
    b1 = constant(name + ".fc1.bias", np.zeros(squeezed))
    s = node("Conv", [s, w1, b1], name + ".fc1", kernel_shape=[1, 1])
    s = node("Relu", [s], name + ".relu")
    w2 = weight(name + ".fc2.weight", (channels, squeezed, 1, 1), squeezed)
    b2 = constant(name + ".fc2.bias", np.zeros(channels))
    s = node("Conv", [s, w2, b2], name + ".fc2", kernel_shape=[1, 1])
    s = node("HardSigmoid", [s], name + ".gate", alpha=1.0 / 6.0, beta=0.5)
    return node("Mul", [x, s], name + ".scale")


def inverted_residual(x, name, cin, expand, cout, k, stride, se, act):
    y = conv_bn(x, name + ".expand", cin, expand, 1, act=act)
    y = conv_bn(y, name + ".dw", expand, expand, k, stride, groups=expand, act=act)
    if se:
        y = squeeze_excite(y, name + ".se", expand)
    y = conv_bn(y, name + ".project", expand, cout, 1)
    if stride == 1 and cin == cout:
        y = node("Add", [x, y], name + ".add")
    return y


def main(path):
    x = conv_bn("input", "stem", 3, 16, 3, 2, act="hswish")
    x = inverted_residual(x, "block1", 16, 64, 24, 3, 2, False, "relu6")
    x = inverted_residual(x, "block2", 24, 72, 24, 3, 1, False, "relu6")
    x = inverted_residual(x, "block3", 24, 96, 40, 5, 2, True, "hswish")
    x = inverted_residual(x, "block4", 40, 120, 40, 5, 1, True, "hswish")
    x = conv_bn(x, "head", 40, 240, 1, act="hswish")
    x = node("GlobalAveragePool", [x], "pool")
    # The shape computation PyTorch writes for x.view(x.size(0), -1).
    shape = node("Shape", [x], "shape")
    batch = node("Gather", [shape, constant("zero", 0, np.int64)], "batch", axis=0)
    batch = node("Unsqueeze", [batch, constant("axis0", [0], np.int64)], "batch.unsqueeze")
    flat = node("Concat", [batch, constant("minus_one", [-1], np.int64)], "flat.shape", axis=0)
    x = node("Reshape", [x, flat], "flatten")
    w = weight("classifier.weight", (10, 240), 240)
    b = constant("classifier.bias", np.zeros(10))
    x = node("Gemm", [x, w, b], "classifier", transB=1)
    x = node("Softmax", [x], "probabilities", axis=1)

    graph = helper.make_graph(
        nodes, "se-mobilenet",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 96, 96])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 10])],
        initializers)
    model = helper.make_model(graph, producer_name="tessel networks/onnx/make_example.py",
                              opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "se-mobilenet.onnx")
