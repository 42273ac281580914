#!/usr/bin/env python3
"""Writes a tessel network as an ONNX model (python3-onnx), for ONNX Runtime to run beside the
generated code.

  export_onnx.py NETWORK.json WEIGHTS.bin MODEL.onnx

NETWORK.json comes from `tessel info NET --json`, WEIGHTS.bin from `tessel info NET
--write-weights WEIGHTS.bin`; bench/tessel_bench/onnx_graph.py decides the graph. Exit status 3,
with the reason, for a network that has a layer ONNX cannot express as tessel computes it.
"""

import json
import os
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import onnx  # noqa: E402
from onnx import TensorProto, helper  # noqa: E402

from tessel_bench import onnx_graph  # noqa: E402

_TYPES = {"float": TensorProto.FLOAT, "int64": TensorProto.INT64}


def initializer(init, weights):
    """A TensorProto: the values given, or the float32 slice of the weights file (already
    little-endian, as ONNX's raw data is)."""
    if init.values is not None:
        return helper.make_tensor(init.name, _TYPES[init.data_type], init.dims, init.values)
    count = 1
    for dim in init.dims:
        count *= dim
    raw = weights[4 * init.offset:4 * (init.offset + count)]
    if len(raw) != 4 * count:
        raise SystemExit(f"the weights file ends before {init.name}")
    return helper.make_tensor(init.name, TensorProto.FLOAT, init.dims, raw, raw=True)


def model(graph, weights):
    nodes = [helper.make_node(n.op_type, n.inputs, [n.output], name=n.output, **n.attributes)
             for n in graph.nodes]
    body = helper.make_graph(
        nodes, graph.name,
        [helper.make_tensor_value_info(onnx_graph.INPUT, TensorProto.FLOAT, graph.input_dims)],
        [helper.make_tensor_value_info(graph.output, TensorProto.FLOAT, graph.output_dims)],
        [initializer(i, weights) for i in graph.initializers])
    return helper.make_model(body, producer_name="tessel bench",
                             opset_imports=[helper.make_opsetid("", onnx_graph.OPSET)])


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__.strip())
    network_path, weights_path, model_path = sys.argv[1:]
    with open(network_path) as f:
        network = json.load(f)
    try:
        graph = onnx_graph.describe(network)
    except onnx_graph.Unsupported as reason:
        print(f"cannot express {network['name']} in ONNX: {reason}", file=sys.stderr)
        return 3
    with open(weights_path, "rb") as f:
        weights = f.read()
    result = model(graph, weights)
    onnx.checker.check_model(result)
    onnx.save(result, model_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
