"""A tessel network as an ONNX graph that computes what tessel computes, described in plain
Python: nodes, and initializers that either hold their values or point into tessel's weights
file.

The input is `tessel info --json` (the network as loaded: layers in weights-file order, the
`batch_norm: true` shorthand expanded, `padding: same` resolved); docs/network-format.md gives
each op's meaning. Every tensor is NCHW with batch 1, as tessel's input and output are, so the
ONNX output holds the same floats in the same order as a demo's output file.

Kept free of the onnx package so that the harness and its tests run without it:
bench/ort/export_onnx.py turns the description into a model file with python3-onnx.
"""

from dataclasses import dataclass, field

OPSET = 13  # Clip takes min/max as inputs, Resize takes scales, Softmax one axis
INPUT = "input"  # tessel's name for the network input, and the graph input's


class Unsupported(Exception):
    """A layer ONNX cannot express as tessel computes it; the message names the layer."""


@dataclass
class Node:
    op_type: str
    inputs: list
    output: str
    attributes: dict = field(default_factory=dict)


@dataclass
class Initializer:
    name: str
    dims: list
    data_type: str  # "float" or "int64"
    values: list = None  # the values, or None when they are in the weights file
    offset: int = None  # index of the first float in the weights file


@dataclass
class Graph:
    name: str
    input_dims: list  # [1, C, H, W]
    output: str
    output_dims: list
    nodes: list = field(default_factory=list)
    initializers: list = field(default_factory=list)


def describe(network):
    """The Graph for `network` (`tessel info --json`, parsed); raises Unsupported."""
    layers = network["layers"]
    if not layers or layers[0]["op"] != "input":
        raise Unsupported("the network description has no input layer first")
    builder = _Builder(network)
    for layer in layers[1:]:
        builder.add_layer(layer)
    last = layers[-1]
    return Graph(network["name"], [1, *network["input"]], last["name"], [1, *last["output"]],
                 builder.nodes, builder.initializers)


class _Builder:
    def __init__(self, network):
        self.nodes, self.initializers = [], []
        self.shapes = {INPUT: network["input"]}  # [C, H, W] of every layer so far
        self.constants = set()

    def node(self, op_type, inputs, output, **attributes):
        self.nodes.append(Node(op_type, list(inputs), output, attributes))
        return output

    def constant(self, name, data_type, dims, values):
        """An initializer with its values, added once however often it is used."""
        if name not in self.constants:
            self.constants.add(name)
            self.initializers.append(Initializer(name, dims, data_type, values=values))
        return name

    def parameters(self, layer):
        """{role: initializer name} of the layer's tensors in the weights file."""
        names = {}
        for tensor in layer["parameters"]:
            name = f"{layer['name']}:{tensor['role']}"
            self.initializers.append(Initializer(name, tensor["dims"], "float",
                                                 offset=tensor["offset"]))
            names[tensor["role"]] = name
        return names

    def add_layer(self, layer):
        name, op = layer["name"], layer["op"]
        inputs = layer["inputs"]
        for source in inputs:
            if source not in self.shapes:
                raise Unsupported(f"layer '{name}' reads '{source}', not an earlier layer")
        if op == "activation":  # a stand-alone activation is nothing but its epilogue
            _activate(self, layer, inputs[0], name)
        elif op in _OPS:
            activated = layer["activation"]["type"] != "linear"
            result = _OPS[op](self, layer, inputs, f"{name}:pre" if activated else name)
            if activated:
                _activate(self, layer, result, name)
        else:
            raise Unsupported(f"layer '{name}': op '{op}' has no ONNX counterpart here")
        self.shapes[name] = layer["output"]


def _activate(builder, layer, x, output):
    """The layer's activation applied to x."""
    activation = layer["activation"]
    kind = activation["type"]
    if kind == "linear":
        return builder.node("Identity", [x], output)
    if kind == "relu":
        return builder.node("Relu", [x], output)
    if kind == "relu6":
        low = builder.constant("relu6:min", "float", [], [0.0])
        high = builder.constant("relu6:max", "float", [], [6.0])
        return builder.node("Clip", [x, low, high], output)
    if kind == "leaky":  # x > 0 ? x : alpha x, as LeakyRelu
        return builder.node("LeakyRelu", [x], output, alpha=activation["alpha"])
    if kind == "sigmoid":
        return builder.node("Sigmoid", [x], output)
    raise Unsupported(f"layer '{layer['name']}': activation '{kind}' has no ONNX counterpart here")


def _conv2d(builder, layer, inputs, output):
    a = layer["attributes"]
    p = builder.parameters(layer)
    operands = [inputs[0], p["weight"]] + ([p["bias"]] if "bias" in p else [])
    # ONNX pads are [begin of H, begin of W, end of H, end of W]: tessel's [top, left, bottom,
    # right].
    return builder.node("Conv", operands, output, kernel_shape=a["kernel"], strides=a["stride"],
                        pads=a["padding"], dilations=a["dilation"], group=a["groups"])


def _batch_norm(builder, layer, inputs, output):
    p = builder.parameters(layer)
    return builder.node("BatchNormalization",
                        [inputs[0], p["gamma"], p["beta"], p["mean"], p["variance"]], output,
                        epsilon=layer["attributes"]["epsilon"])


def _pooling(builder, layer, inputs, output):
    """ceil_mode becomes extra padding at the bottom and right: ONNX's own ceil_mode rule for
    a last window starting in the padding varies between versions, tessel's is PyTorch's."""
    a = layer["attributes"]
    _, height, width = builder.shapes[inputs[0]]
    _, out_h, out_w = layer["output"]
    top, left, bottom, right = a["padding"]
    extra_h = _overhang(height, out_h, a["kernel"][0], a["stride"][0], top, bottom)
    extra_w = _overhang(width, out_w, a["kernel"][1], a["stride"][1], left, right)
    attributes = dict(kernel_shape=a["kernel"], strides=a["stride"],
                      pads=[top, left, bottom + extra_h, right + extra_w])
    if layer["op"] == "maxpool":  # padded cells never win, in tessel as in ONNX
        return builder.node("MaxPool", [inputs[0]], output, **attributes)
    if a["count_include_pad"] and (extra_h or extra_w):
        raise Unsupported(f"layer '{layer['name']}': avgpool with count_include_pad and a "
                          "ceil_mode window past the padding (tessel does not count the "
                          "overhang, ONNX would)")
    return builder.node("AveragePool", [inputs[0]], output,
                        count_include_pad=int(a["count_include_pad"]), **attributes)


def _overhang(size, out, kernel, stride, pad_before, pad_after):
    """Cells the last of `out` windows reaches past the padded input (ceil_mode), 0 if none.
    With them as padding, ONNX's rule floor((padded - kernel) / stride) + 1 gives `out`."""
    return max(0, (out - 1) * stride + kernel - (size + pad_before + pad_after))


def _global_avgpool(builder, layer, inputs, output):
    return builder.node("GlobalAveragePool", [inputs[0]], output)


def _as_map(builder, layer, x, output):
    """Reshapes a [1, N] result back to the layer's [1, C, H, W]."""
    shape = builder.constant(f"{layer['name']}:shape", "int64", [4], [1, *layer["output"]])
    return builder.node("Reshape", [x, shape], output)


def _fully_connected(builder, layer, inputs, output):
    # Flatten keeps NCHW order, the order tessel's weight rows read their input in.
    name = layer["name"]
    p = builder.parameters(layer)
    flat = builder.node("Flatten", [inputs[0]], f"{name}:flat", axis=1)
    operands = [flat, p["weight"]] + ([p["bias"]] if "bias" in p else [])
    product = builder.node("Gemm", operands, f"{name}:gemm", transB=1)
    return _as_map(builder, layer, product, output)


def _add(builder, layer, inputs, output):
    return builder.node("Add" if len(inputs) == 2 else "Sum", inputs, output)


def _concat(builder, layer, inputs, output):
    return builder.node("Concat", inputs, output, axis=1)


def _softmax(builder, layer, inputs, output):
    # Over all elements of the map, not along one axis.
    name = layer["name"]
    flat = builder.node("Flatten", [inputs[0]], f"{name}:flat", axis=1)
    probabilities = builder.node("Softmax", [flat], f"{name}:softmax", axis=1)
    return _as_map(builder, layer, probabilities, output)


def _upsample(builder, layer, inputs, output):
    # Output cell y reads input cell floor(y / scale): asymmetric coordinates, rounded down
    # (docs/network-format.md, "upsample").
    scale_h, scale_w = layer["attributes"]["scale"]
    scales = builder.constant(f"{layer['name']}:scales", "float", [4],
                              [1.0, 1.0, float(scale_h), float(scale_w)])
    return builder.node("Resize", [inputs[0], "", scales], output, mode="nearest",
                        coordinate_transformation_mode="asymmetric", nearest_mode="floor")


_OPS = {
    "conv2d": _conv2d,
    "batch_norm": _batch_norm,
    "maxpool": _pooling,
    "avgpool": _pooling,
    "global_avgpool": _global_avgpool,
    "fully_connected": _fully_connected,
    "add": _add,
    "concat": _concat,
    "softmax": _softmax,
    "upsample": _upsample,
}
