"""ONNX Runtime beside tessel: the same network, weights and input, timed in the same rounds.

Three parts, set up by bench/ort/setup.sh:
  - Node.js with the npm package onnxruntime-node, in BUILD_DIR/bench/ort (git ignores it);
  - a Python with the onnx package (Debian's python3-onnx), which writes the models;
  - bench/ort/run_session.js, which times a model the way a demo times a network.

A network goes to ONNX in two steps: `tessel info --json --write-weights` hands over its layers
and weights, bench/ort/export_onnx.py writes the model (tessel_bench/onnx_graph.py decides the
graph). An ONNX model (networks/onnx/) goes to ONNX Runtime as it is, the file tessel imports. The runner is fed the input the demos make from --seed (deterministic_input.py).
"""

import json
import os
import shutil
import subprocess
import sys

from . import driver
from .deterministic_input import deterministic_input
from .float_files import write_floats
from .timing import timing_json
from .variant import INPUT_SEED

ORT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ort")
SETUP = "bench/ort/setup.sh"
LABEL = "onnxruntime"  # the schedule column of its rows


class Runtime:
    """Where the parts are: the node binary, the onnxruntime-node package folder and its
    version, and the Python that has onnx."""

    def __init__(self, node, package, version, python):
        self.node, self.package, self.version, self.python = node, package, version, python


def setup_command(build_dir):
    """The command that installs the runtime where find_runtime(build_dir) looks for it."""
    if os.path.abspath(build_dir) == os.path.abspath(driver.default_build_dir()):
        return SETUP
    return f"{SETUP} {os.path.join(build_dir, 'bench', 'ort')}"


def find_runtime(build_dir):
    """(Runtime, None) when everything is installed, else (None, what is missing)."""
    package = os.path.join(build_dir, "bench", "ort", "node_modules", "onnxruntime-node")
    missing = []
    node = shutil.which("node")
    if not node:
        missing.append("node")
    try:
        with open(os.path.join(package, "package.json")) as f:
            version = json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        version = None
        missing.append(f"onnxruntime-node in {package}")
    python = python_with_onnx()
    if not python:
        missing.append("python3-onnx")
    if missing:
        return None, ", ".join(missing)
    return Runtime(node, package, version, python), None


def python_with_onnx():
    """This Python if it has onnx, else Debian's (where apt puts python3-onnx), else None."""
    for python in dict.fromkeys([sys.executable, "/usr/bin/python3"]):  # each once, in order
        if python and os.access(python, os.X_OK) and subprocess.run(
                [python, "-c", "import onnx"], capture_output=True).returncode == 0:
            return python
    return None


class Model:
    """One network (at one input size) as an ONNX model, with the input file to feed it."""

    def __init__(self, folder, input_dims):
        self.folder, self.input_dims = folder, input_dims
        self.path = os.path.join(folder, "model.onnx")
        self.input = os.path.join(folder, "input.bin")


class ExportError(Exception):
    """The network could not be written as ONNX; the message says why (e.g. an op ONNX cannot
    express as tessel computes it)."""


def export_model(tessel, runtime, network, input_size, folder):
    """Writes FOLDER/model.onnx and FOLDER/input.bin for `network`; returns the Model."""
    os.makedirs(folder, exist_ok=True)
    if network.endswith(".onnx") and not input_size:
        return imported_model(tessel, network, folder)
    description = os.path.join(folder, "network.json")
    weights = os.path.join(folder, "weights.bin")
    text = driver.run_checked([tessel, "info", *driver.network_args(network, input_size),
                               "--json", "--write-weights", weights], "tessel info --json")
    with open(description, "w") as f:
        f.write(text)
    model = Model(folder, [1, *json.loads(text)["input"]])
    proc = subprocess.run([runtime.python, os.path.join(ORT_DIR, "export_onnx.py"), description,
                           weights, model.path], capture_output=True, text=True)
    os.remove(weights)  # the model holds them now (vgg16: 0.5 GB)
    if proc.returncode != 0:
        raise ExportError((proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1])
    count = model.input_dims[1] * model.input_dims[2] * model.input_dims[3]
    write_floats(model.input, deterministic_input(count, INPUT_SEED))
    return model


def imported_model(tessel, network, folder):
    """An ONNX model tessel imports runs in ONNX Runtime as it is: the same file on both sides."""
    text = driver.run_checked([tessel, "info", network, "--json"], "tessel info --json")
    model = Model(folder, [1, *json.loads(text)["input"]])
    shutil.copyfile(network, model.path)
    count = model.input_dims[1] * model.input_dims[2] * model.input_dims[3]
    write_floats(model.input, deterministic_input(count, INPUT_SEED))
    return model


class OrtVariant:
    """ONNX Runtime on one model with one thread count: a timed command, like a Variant."""

    def __init__(self, runtime, network, input_size, threads, model):
        self.runtime, self.network, self.input_size = runtime, network, input_size
        self.threads, self.model = threads, model
        self.output = os.path.join(model.folder, f"output-t{threads}.bin")
        self.timing = None  # timing.Timing

    @property
    def network_name(self):
        return os.path.splitext(os.path.basename(self.network))[0]

    def command(self):
        """The runner's command line (time_round_robin adds --repeat); one warm-up run."""
        return [self.runtime.node, os.path.join(ORT_DIR, "run_session.js"),
                "--runtime", self.runtime.package, "--model", self.model.path,
                "--input", self.model.input, "--shape", ",".join(map(str, self.model.input_dims)),
                "--threads", str(self.threads), "--warmup", "1", "--output", self.output]

    def to_json(self):
        return {"network": self.network_name, "input_size": self.input_size,
                "threads": self.threads, "model": self.model.path, **timing_json(self.timing)}


def prepare_all(runtime, tessel, work_dir, networks, thread_counts, log=sys.stderr):
    """Exports each (network, input size) once and makes a variant per thread count. Returns
    (variants, {network name: why it has none}) for networks ONNX cannot take."""
    variants, export_errors = [], {}
    for network, input_size in networks:
        name = os.path.splitext(os.path.basename(network))[0]
        slug = f"{name}-{input_size or 'default'}"
        print(f"export {slug} to ONNX", file=log, flush=True)
        try:
            model = export_model(tessel, runtime, network, input_size,
                                 os.path.join(work_dir, slug))
        except ExportError as error:
            print(f"  no {LABEL} for it: {error}", file=log, flush=True)
            export_errors[slug] = str(error)
            continue
        variants += [OrtVariant(runtime, network, input_size, threads, model)
                     for threads in thread_counts]
    return variants, export_errors
