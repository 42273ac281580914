"""Checks of the ONNX Runtime comparison that need neither onnx, Node.js nor a compiler:
    python3 -m unittest discover -s bench/tests
"""

import math
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tessel_bench import ort  # noqa: E402
from tessel_bench.deterministic_input import deterministic_input  # noqa: E402
from tessel_bench.float_files import Difference, read_floats, write_floats  # noqa: E402
from tessel_bench.onnx_graph import Unsupported, describe  # noqa: E402


# Layers as `tessel info --json` writes them (driver/network_json.h).
def layer(name, op, inputs, output, activation="linear", attributes=None, parameters=()):
    kind = {"type": activation} if isinstance(activation, str) else activation
    return {"name": name, "op": op, "inputs": inputs, "output": output, "activation": kind,
            "attributes": attributes or {}, "parameters": list(parameters)}


def conv(name, inputs, output, kernel, stride, padding, groups=1, dilation=(1, 1),
         in_channels=3, bias=True, offset=0, **extra):
    weight = {"role": "weight", "dims": [output[0], in_channels // groups, *kernel],
              "offset": offset}
    count = output[0] * in_channels // groups * kernel[0] * kernel[1]
    tensors = [weight] + ([{"role": "bias", "dims": [output[0]], "offset": offset + count}]
                          if bias else [])
    return layer(name, "conv2d", inputs, output, parameters=tensors, attributes={
        "filters": output[0], "kernel": list(kernel), "stride": list(stride),
        "padding": list(padding), "dilation": list(dilation), "groups": groups, "bias": bias},
        **extra)


def pool(name, op, inputs, output, kernel, stride, padding, ceil_mode=False,
         count_include_pad=False):
    return layer(name, op, inputs, output, attributes={
        "kernel": list(kernel), "stride": list(stride), "padding": list(padding),
        "ceil_mode": ceil_mode, "count_include_pad": count_include_pad})


def network(input_shape, *layers):
    return {"name": "net", "input": input_shape, "parameters": 0,
            "layers": [layer("input", "input", [], input_shape), *layers]}


def nodes_by_output(graph):
    return {node.output: node for node in graph.nodes}


class OnnxGraphTest(unittest.TestCase):
    def test_conv_batch_norm_and_leaky(self):
        bn = layer("c.bn", "batch_norm", ["c"], [8, 5, 6], {"type": "leaky", "alpha": 0.25},
                   {"epsilon": 1e-3},
                   [{"role": r, "dims": [8], "offset": 216 + 8 * i}
                    for i, r in enumerate(["gamma", "beta", "mean", "variance"])])
        graph = describe(network([3, 9, 11], conv("c", ["input"], [8, 5, 6], (3, 3), (2, 2),
                                                  (0, 1, 1, 0), bias=False), bn))
        self.assertEqual((graph.input_dims, graph.output, graph.output_dims),
                         ([1, 3, 9, 11], "c.bn", [1, 8, 5, 6]))
        nodes = nodes_by_output(graph)
        self.assertEqual(nodes["c"].op_type, "Conv")
        self.assertEqual(nodes["c"].inputs, ["input", "c:weight"])
        self.assertEqual(nodes["c"].attributes, {
            "kernel_shape": [3, 3], "strides": [2, 2], "pads": [0, 1, 1, 0],
            "dilations": [1, 1], "group": 1})
        self.assertEqual(nodes["c.bn:pre"].op_type, "BatchNormalization")
        self.assertEqual(nodes["c.bn:pre"].inputs,
                         ["c", "c.bn:gamma", "c.bn:beta", "c.bn:mean", "c.bn:variance"])
        self.assertEqual(nodes["c.bn:pre"].attributes, {"epsilon": 1e-3})
        self.assertEqual((nodes["c.bn"].op_type, nodes["c.bn"].inputs, nodes["c.bn"].attributes),
                         ("LeakyRelu", ["c.bn:pre"], {"alpha": 0.25}))
        offsets = {i.name: (i.dims, i.offset) for i in graph.initializers}
        self.assertEqual(offsets["c:weight"], ([8, 3, 3, 3], 0))
        self.assertEqual(offsets["c.bn:variance"], ([8], 240))

    def test_grouped_dilated_conv_with_bias(self):
        graph = describe(network([4, 8, 8], conv("g", ["input"], [6, 8, 8], (3, 3), (1, 1),
                                                 (2, 2, 2, 2), groups=2, dilation=(2, 2),
                                                 in_channels=4, activation="relu")))
        nodes = nodes_by_output(graph)
        self.assertEqual(nodes["g:pre"].inputs, ["input", "g:weight", "g:bias"])
        self.assertEqual(nodes["g:pre"].attributes["group"], 2)
        self.assertEqual(nodes["g:pre"].attributes["dilations"], [2, 2])
        self.assertEqual(nodes["g"].op_type, "Relu")
        self.assertEqual([(i.dims, i.offset) for i in graph.initializers],
                         [([6, 2, 3, 3], 0), ([6], 108)])

    def test_relu6_is_clip_with_shared_bounds(self):
        graph = describe(network([2, 4, 4],
                                 layer("a", "activation", ["input"], [2, 4, 4], "relu6"),
                                 layer("b", "activation", ["a"], [2, 4, 4], "relu6"),
                                 layer("c", "activation", ["b"], [2, 4, 4], "linear")))
        nodes = nodes_by_output(graph)
        self.assertEqual(nodes["b"].op_type, "Clip")
        self.assertEqual(nodes["b"].inputs, ["a", "relu6:min", "relu6:max"])
        self.assertEqual(nodes["c"].op_type, "Identity")
        self.assertEqual([(i.name, i.dims, i.values) for i in graph.initializers],
                         [("relu6:min", [], [0.0]), ("relu6:max", [], [6.0])])

    def test_ceil_mode_becomes_padding_at_the_end(self):
        # 11 rows, kernel 2, stride 2 with ceil_mode: 6 outputs, the last window on rows 10
        # and 11, one past the input.
        graph = describe(network([4, 11, 11], pool("p", "maxpool", ["input"], [4, 6, 6],
                                                   (2, 2), (2, 2), (0, 0, 0, 0), True)))
        node = nodes_by_output(graph)["p"]
        self.assertEqual(node.op_type, "MaxPool")
        self.assertEqual(node.attributes,
                         {"kernel_shape": [2, 2], "strides": [2, 2], "pads": [0, 0, 1, 1]})
        # With padding 1 the same 6 windows fit the padded 13 rows (tiny-chain's pool3: the
        # seventh would start in the padding, which ceil_mode does not allow).
        graph = describe(network([4, 11, 11], pool("p", "maxpool", ["input"], [4, 6, 6],
                                                   (2, 2), (2, 2), (1, 1, 1, 1), True)))
        self.assertEqual(nodes_by_output(graph)["p"].attributes["pads"], [1, 1, 1, 1])

    def test_avgpool_counting_padding(self):
        graph = describe(network([4, 10, 10], pool("p", "avgpool", ["input"], [4, 5, 5], (3, 3),
                                                   (2, 2), (1, 1, 1, 1), False, True)))
        node = nodes_by_output(graph)["p"]
        self.assertEqual(node.op_type, "AveragePool")
        self.assertEqual(node.attributes["count_include_pad"], 1)
        self.assertEqual(node.attributes["pads"], [1, 1, 1, 1])
        # With ceil_mode the last window would count cells past the padding in ONNX, not in tessel.
        overhang = pool("q", "avgpool", ["input"], [4, 4, 4], (2, 2), (2, 2), (0, 0, 0, 0),
                        True, True)
        with self.assertRaisesRegex(Unsupported, "layer 'q': avgpool with count_include_pad"):
            describe(network([4, 7, 7], overhang))

    def test_fully_connected_and_softmax_keep_nchw_maps(self):
        fc = layer("fc", "fully_connected", ["input"], [10, 1, 1], attributes={"units": 10,
                                                                              "bias": True},
                   parameters=[{"role": "weight", "dims": [10, 48], "offset": 0},
                               {"role": "bias", "dims": [10], "offset": 480}])
        graph = describe(network([3, 4, 4], fc, layer("prob", "softmax", ["fc"], [10, 1, 1])))
        self.assertEqual([(n.op_type, n.inputs, n.output) for n in graph.nodes], [
            ("Flatten", ["input"], "fc:flat"),
            ("Gemm", ["fc:flat", "fc:weight", "fc:bias"], "fc:gemm"),
            ("Reshape", ["fc:gemm", "fc:shape"], "fc"),
            ("Flatten", ["fc"], "prob:flat"),
            ("Softmax", ["prob:flat"], "prob:softmax"),
            ("Reshape", ["prob:softmax", "prob:shape"], "prob")])
        self.assertEqual(graph.nodes[1].attributes, {"transB": 1})
        self.assertEqual(graph.nodes[4].attributes, {"axis": 1})
        shapes = {i.name: (i.data_type, i.values) for i in graph.initializers}
        self.assertEqual(shapes["prob:shape"], ("int64", [1, 10, 1, 1]))

    def test_add_concat_upsample_and_pooling(self):
        graph = describe(network(
            [2, 4, 4],
            layer("a", "add", ["input", "input"], [2, 4, 4]),
            layer("s", "add", ["input", "a", "a"], [2, 4, 4], "sigmoid"),
            layer("cat", "concat", ["s", "input"], [4, 4, 4]),
            layer("up", "upsample", ["cat"], [4, 8, 4], attributes={"scale": [2, 1]}),
            layer("gap", "global_avgpool", ["up"], [4, 1, 1])))
        nodes = nodes_by_output(graph)
        self.assertEqual(nodes["a"].op_type, "Add")
        self.assertEqual((nodes["s:pre"].op_type, nodes["s"].op_type), ("Sum", "Sigmoid"))
        self.assertEqual(nodes["cat"].attributes, {"axis": 1})
        self.assertEqual(nodes["up"].inputs, ["cat", "", "up:scales"])
        self.assertEqual(nodes["up"].attributes, {
            "mode": "nearest", "coordinate_transformation_mode": "asymmetric",
            "nearest_mode": "floor"})
        self.assertEqual(graph.initializers[0].values, [1.0, 1.0, 2.0, 1.0])
        self.assertEqual(nodes["gap"].op_type, "GlobalAveragePool")

    def test_unknown_op_or_activation(self):
        with self.assertRaisesRegex(Unsupported, "layer 'x': op 'rotate'"):
            describe(network([1, 2, 2], layer("x", "rotate", ["input"], [1, 2, 2])))
        with self.assertRaisesRegex(Unsupported, "layer 'y': activation 'swish'"):
            describe(network([1, 2, 2], layer("y", "activation", ["input"], [1, 2, 2], "swish")))


class ExportTest(unittest.TestCase):
    """bench/ort/export_onnx.py, where this Python has onnx (Debian's python3-onnx)."""

    def test_model_holds_the_weights_file_slices(self):
        try:
            import onnx
            from onnx import numpy_helper
        except ImportError:
            self.skipTest("no onnx in this Python")
        sys.path.insert(0, ort.ORT_DIR)
        import export_onnx
        net = network([3, 4, 4], conv("c", ["input"], [2, 4, 4], (1, 1), (1, 1), (0, 0, 0, 0),
                                      activation="relu6"))
        weights = b"".join(bytes([i, 0, 0x80, 0x3f]) for i in range(8))  # 8 floats just above 1
        model = export_onnx.model(describe(net), weights)
        onnx.checker.check_model(model)
        tensors = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
        self.assertEqual(tensors["c:weight"].shape, (2, 3, 1, 1))
        self.assertEqual(tensors["c:weight"].tobytes(), weights[:24])
        self.assertEqual(tensors["c:bias"].tobytes(), weights[24:])
        self.assertEqual(float(tensors["relu6:max"]), 6.0)
        self.assertEqual([n.op_type for n in model.graph.node], ["Conv", "Clip"])
        self.assertEqual(model.opset_import[0].version, 13)


class InputAndOutputFilesTest(unittest.TestCase):
    def test_deterministic_input_starts_as_documented(self):
        # compiler/reference/deterministic_input.h: seed 1 starts 9505325, 12512141, 16290722
        # (over 2^24).
        values = deterministic_input(4, 1)
        self.assertEqual([v * 2 ** 24 for v in values[:3]], [9505325, 12512141, 16290722])
        self.assertTrue(all(0 <= v < 1 for v in values))
        self.assertNotEqual(list(deterministic_input(4, 2)), list(values))

    def test_float_file_round_trip(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "x.bin")
            write_floats(path, [0.5, -2.0, 3.25])
            with open(path, "rb") as f:
                self.assertEqual(f.read(), bytes.fromhex("0000003f000000c000005040"))
            self.assertEqual(list(read_floats(path)), [0.5, -2.0, 3.25])

    def test_difference(self):
        d = Difference([1.0, -3.5, 2.0], [1.0, -4.0, 2.25])
        self.assertEqual((d.max_abs, d.max_expected, d.max_rel), (0.5, 4.0, 0.125))
        self.assertTrue(math.isnan(Difference([1.0, math.nan], [1.0, 2.0]).max_rel))
        self.assertEqual(Difference([0.0], [0.0]).max_rel, 0.0)
        self.assertEqual(Difference([1.0], [0.0]).max_rel, math.inf)
        with self.assertRaises(ValueError):
            Difference([1.0], [1.0, 2.0])


class RuntimeTest(unittest.TestCase):
    def test_runtime_not_set_up(self):
        with tempfile.TemporaryDirectory() as build_dir:
            runtime, missing = ort.find_runtime(build_dir)
        self.assertIsNone(runtime)
        self.assertIn("onnxruntime-node in " + build_dir, missing)
        self.assertEqual(ort.setup_command(build_dir),
                         "bench/ort/setup.sh " + os.path.join(build_dir, "bench", "ort"))

    def test_ort_command(self):
        runtime = ort.Runtime("/usr/bin/node", "/x/onnxruntime-node", "1.30.0", "/usr/bin/python3")
        model = ort.Model("/w/net-default", [1, 3, 8, 8])
        command = ort.OrtVariant(runtime, "net.yaml", None, 2, model).command()
        self.assertEqual(command[0], "/usr/bin/node")
        self.assertTrue(command[1].endswith(os.path.join("bench", "ort", "run_session.js")))
        options = dict(zip(command[2::2], command[3::2]))
        self.assertEqual(options, {
            "--runtime": "/x/onnxruntime-node", "--model": "/w/net-default/model.onnx",
            "--input": "/w/net-default/input.bin", "--shape": "1,3,8,8", "--threads": "2",
            "--warmup": "1", "--output": "/w/net-default/output-t2.bin"})


if __name__ == "__main__":
    unittest.main()
