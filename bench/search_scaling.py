#!/usr/bin/env python3
"""Times the schedule search against network depth: how long `tessel compile` and `tessel info`
take on long chains.

Writes chain networks into a temporary folder: 3x3 convolutions (4 channels, 'same' padding,
relu) on a 4x16x16 input, N layers each, and a chain of stand-alone relu layers for `tessel info`.
Each compile runs with the default budget and with a tight one (`--budget`, default 6KiB: below
layer by layer's arena, which for these chains nothing reaches: the search walks its whole
Pareto front and reports the budget as impossible, exit code 3). Every command runs `--repeat` times in turns;
the table shows the median and best wall time and the median CPU time (user + system, which a busy
machine disturbs less). A run longer than `--timeout` seconds is stopped and shown as `>T`.

  bench/search_scaling.py [--layers 50,100,200,500,1000] [--relu-layers 20000] [--repeat 3]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, output  # noqa: E402


def write_chain(folder, name, layers, layer_text):
    path = os.path.join(folder, f"{name}.yaml")
    with open(path, "w") as f:
        f.write(f"name: {name}\ninput: {{channels: 4, height: 16, width: 16}}\nlayers:\n")
        for i in range(layers):
            f.write(f"  - {{name: l{i}, {layer_text}}}\n")
    return path


def conv_chain(folder, layers):
    return write_chain(folder, f"conv{layers}", layers,
                       "op: conv2d, filters: 4, kernel: 3, padding: same, activation: relu")


def relu_chain(folder, layers):
    return write_chain(folder, f"relu{layers}", layers, "op: relu")


def child_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, timeout, ok_codes=(0,)):
    """(wall, CPU) seconds of one run, None when it exceeded `timeout`; raises on failure.

    CPU time (user + system) is what a busy machine disturbs least."""
    start, cpu_start = time.perf_counter(), child_cpu_seconds()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    seconds = (time.perf_counter() - start, child_cpu_seconds() - cpu_start)
    if proc.returncode not in ok_codes:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-5:])
        raise driver.BenchError(f"{' '.join(command)} failed (exit {proc.returncode}):\n{tail}")
    return seconds


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    build_dir = driver.default_build_dir()
    p.add_argument("--tessel", default=os.path.join(build_dir, "tessel"),
                   help="tessel binary (default %(default)s)")
    p.add_argument("--layers", default="50,100,200,500,1000",
                   help="conv chain lengths (default %(default)s)")
    p.add_argument("--relu-layers", type=int, default=20000,
                   help="relu chain length for `tessel info` (default %(default)s; 0 skips it)")
    p.add_argument("--tight-budget", default="6KiB",
                   help="the tight --budget (default %(default)s)")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs of every command; the median counts (default %(default)s)")
    p.add_argument("--timeout", type=float, default=300,
                   help="seconds after which a run is stopped (default %(default)s)")
    p.add_argument("--json", default=os.path.join(build_dir, "bench", "search_scaling.json"),
                   help="output JSON file (default %(default)s)")
    args = p.parse_args()
    if args.repeat < 1:
        raise SystemExit("--repeat must be at least 1")
    if not os.access(args.tessel, os.X_OK):
        raise SystemExit(f"no tessel binary at {args.tessel} (build it or pass --tessel)")

    with tempfile.TemporaryDirectory(prefix="tessel-search-scaling-") as folder:
        out_dir = os.path.join(folder, "out")
        cases = []  # (label, layers, command, exit codes that mean success)
        for layers in (int(n) for n in args.layers.split(",") if n):
            net = conv_chain(folder, layers)
            compile_command = [args.tessel, "compile", net, "-o", out_dir, "--quiet"]
            cases.append(("compile", layers, compile_command, (0,)))
            cases.append((f"compile --budget {args.tight_budget}", layers,
                          compile_command + ["--budget", args.tight_budget], (0, 3)))
            cases.append(("info", layers, [args.tessel, "info", net], (0,)))
        if args.relu_layers > 0:
            cases.append(("info (relu chain)", args.relu_layers,
                          [args.tessel, "info", relu_chain(folder, args.relu_layers)], (0,)))

        runs = [[] for _ in cases]
        timed_out = [False] * len(cases)
        for _ in range(args.repeat):  # in turns, so that noise hits every case alike
            for i, (_, _, command, ok_codes) in enumerate(cases):
                if timed_out[i]:
                    continue
                seconds = timed(command, args.timeout, ok_codes)
                if seconds is None:
                    timed_out[i] = True
                else:
                    runs[i].append(seconds)

    rows, results = [], []
    for (label, layers, _, _), measured, over in zip(cases, runs, timed_out):
        wall = [w for w, _ in measured]
        cpu = [c for _, c in measured]
        median = None if over else statistics.median(wall)
        median_cpu = None if over else statistics.median(cpu)
        rows.append([label, layers, f">{args.timeout:g}" if over else output.number(median, 3),
                     output.number(min(wall), 3) if wall else None,
                     output.number(median_cpu, 3)])
        results.append({"command": label, "layers": layers, "median_s": median,
                        "median_cpu_s": median_cpu, "runs_s": wall, "runs_cpu_s": cpu,
                        "timed_out": over})
    print(output.format_table(["command", "layers", "median s", "best s", "median CPU s"], rows))
    output.write_json(args.json, {
        "tessel": os.path.abspath(args.tessel), "repeat": args.repeat, "timeout_s": args.timeout,
        "tight_budget": args.tight_budget, "machine": output.machine_description(),
        "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
