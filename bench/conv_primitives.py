#!/usr/bin/env python3
"""Times the convolution primitives of the runtime against each other, single thread.

Builds bench/kernels/conv_primitives.cpp with the system compiler (-O3 -march=native
-ffp-contract=off, as generated code is built, and -I runtime/include), runs it, prints a table
and writes JSON. Per layer (yolov2-16's 3x3 layers at 608x608, 3->32@608 ... 1024->1024@19;
resnet18's 7x7 stride-2 first layer and a 3x3 stride-2 at 224x224; three 1x1 layers; pad
kernel / 2, leaky, bias) it times the direct conv2d, im2row + GEMM (tessel/im2row.h) and, on the
3x3 stride-1 layers, Winograd F(2x2, 3x3) and F(4x4, 3x3) (tessel/winograd.h): the median and
fastest of --runs runs (thread CPU time, the primitives taking turns), the speedup of the median
over direct's, the largest difference from direct's output relative to its largest |output|,
the workspace and the weights each reads (Winograd's are transformed ahead of time, not
timed).

  bench/conv_primitives.py [--scale S] [--runs N] [--chunk-tiles T] [--layer I ...]
"""

import argparse
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, output  # noqa: E402

SOURCE = os.path.join(driver.REPO_ROOT, "bench", "kernels", "conv_primitives.cpp")
RUNTIME_INCLUDE = os.path.join(driver.REPO_ROOT, "runtime", "include")
LAYERS = ["3->32@608", "32->64@304", "64->128@152", "128->256@76", "256->512@38",
          "512->1024@19", "1024->1024@19", "3->64@224 7x7/2", "64->128@56 3x3/2",
          "256->128@76 1x1", "512->256@38 1x1", "1024->125@19 1x1"]
COLUMNS = ["inC", "outC", "h", "w", "k", "s", "primitive", "median_ms", "best_ms", "speedup", "rel_err",
           "GFLOP/s", "workspace_B", "weights_B"]


def build(cxx, flags, work_dir):
    """Compiles the benchmark into work_dir; returns the program's path."""
    os.makedirs(work_dir, exist_ok=True)
    binary = os.path.join(work_dir, "conv_primitives")
    driver.run_checked([cxx, "-std=c++17", *flags, "-I", RUNTIME_INCLUDE, SOURCE, "-o", binary],
                       "building conv_primitives")
    return binary


def parse(text):
    """The benchmark's rows as dicts (COLUMNS), skipping its header and comments."""
    rows = []
    for line in text.splitlines():
        fields = line.split()
        if not fields or line.startswith("#") or fields[0] == "inC":
            continue
        if len(fields) != len(COLUMNS):
            raise driver.BenchError(f"unexpected line from conv_primitives: {line!r}")
        row = dict(zip(COLUMNS, fields))
        for key in ("inC", "outC", "h", "w", "k", "s", "workspace_B", "weights_B"):
            row[key] = int(row[key])
        for key in ("median_ms", "best_ms", "speedup", "rel_err", "GFLOP/s"):
            row[key] = float(row[key])
        rows.append(row)
    return rows


def compiler_version(cxx):
    try:
        return subprocess.run([cxx, "--version"], capture_output=True,
                              text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return None


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    build_dir = driver.default_build_dir()
    p.add_argument("--scale", type=float, default=1.0,
                   help="map sizes relative to yolov2-16's at 608x608, e.g. 0.25 for a quick "
                        "run (default %(default)s)")
    p.add_argument("--runs", type=int, default=7,
                   help="timed runs per primitive and layer (default %(default)s)")
    p.add_argument("--chunk-tiles", type=int,
                   help="Winograd tiles transformed per chunk (default: the header's, "
                        "kWinogradChunkTiles)")
    p.add_argument("--layer", type=int, action="append", choices=range(len(LAYERS)),
                   metavar="I",
                   help=f"only layer I (0-{len(LAYERS) - 1}: " + ", ".join(LAYERS) +
                        "); repeatable")
    p.add_argument("--cxx", default=os.environ.get("CXX", "c++"),
                   help="C++ compiler (default: $CXX, else c++)")
    p.add_argument("--native", action=argparse.BooleanOptionalAction, default=True,
                   help="build with -march=native (default %(default)s)")
    p.add_argument("--json", default=os.path.join(build_dir, "bench", "conv_primitives.json"),
                   help="output JSON file (default %(default)s)")
    p.add_argument("--build-dir", default=build_dir,
                   help="tessel's build folder; the program goes to "
                        "BUILD_DIR/bench/conv_primitives (default %(default)s)")
    args = p.parse_args()
    if args.runs < 1 or args.scale <= 0 or (args.chunk_tiles is not None and args.chunk_tiles < 1):
        raise SystemExit("--runs and --chunk-tiles must be at least 1, --scale positive")
    if not shutil.which(args.cxx):
        raise driver.BenchError(f"no C++ compiler {args.cxx!r} (--cxx)")

    flags = ["-O3", *(["-march=native"] if args.native else []), "-ffp-contract=off"]
    binary = build(args.cxx, flags, os.path.join(args.build_dir, "bench", "conv_primitives"))
    command = [binary, "--scale", str(args.scale), "--runs", str(args.runs)]
    if args.chunk_tiles:
        command += ["--chunk-tiles", str(args.chunk_tiles)]
    for layer in args.layer or []:
        command += ["--layer", str(layer)]
    text = driver.run_checked(command, "conv_primitives")
    header = next((line[1:].strip() for line in text.splitlines() if line.startswith("#")), "")
    results = parse(text)

    def label(r):
        return f"{r['inC']}->{r['outC']}@{r['h']}x{r['w']} {r['k']}x{r['k']}/{r['s']}"

    table, best = [], {}
    for r in results:
        layer = label(r)
        table.append([layer, r["primitive"], output.number(r["median_ms"], 3),
                      output.number(r["best_ms"], 3), output.number(r["speedup"], 2),
                      f"{r['rel_err']:.1e}", output.number(r["GFLOP/s"], 1),
                      output.number(r["workspace_B"] / 1024, 0),
                      output.number(r["weights_B"] / 2**20, 2)])
        if layer not in best or r["median_ms"] < best[layer]["median_ms"]:
            best[layer] = r
    print(f"single thread, {' '.join(flags)}; {header}")
    print(output.format_table(["layer", "primitive", "median ms", "best ms", "speedup",
                               "rel err", "GFLOP/s", "workspace KiB", "weights MiB"], table))
    print("GFLOP/s counts the direct convolution's 2 x k^2 x inC x outC x outH x outW FLOP for "
          "every primitive; speedup = direct's median / the primitive's; rel err = max |out - "
          "direct| / max |direct|.")
    print("fastest: " + ", ".join(f"{layer} {r['primitive']}" for layer, r in best.items()))
    output.write_json(args.json, {
        "scale": args.scale, "runs": args.runs, "benchmark": header,
        "build": {"cxx": args.cxx, "version": compiler_version(args.cxx), "flags": flags},
        "machine": output.machine_description(),
        "results": [{**r, "layer": label(r)} for r in results],
        "fastest": {layer: r["primitive"] for layer, r in best.items()}})
    return 0


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
