#!/usr/bin/env python3
"""Which convolution primitive the search chooses for each layer, per network and target.

For each network and each target profile, runs the search without a budget beyond the
target's default (`tessel compile`, every primitive allowed) and prints, per convolution, the
primitive chosen on each target next to the layer's shape; writes JSON. Nothing is built or
timed: the choices follow from each profile's latency figures (a Pi profile's are its own, not
this machine's).

  bench/primitive_choices.py [--targets host,rpi4] [NETWORK[@HxW] ...]

Default networks: yolov2-16@608x608, vgg16@224x224, resnet18@224x224.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, output  # noqa: E402
from tessel_bench.generated import read_report  # noqa: E402

DEFAULT_NETWORKS = ["yolov2-16@608x608", "vgg16@224x224", "resnet18@224x224"]


def shape_text(values):
    return "x".join(str(v) for v in values or [])


def main():
    p = cli.parser(__doc__, "primitive_choices.json", rounds=1, repeat=1)
    p.add_argument("--targets", default="host,rpi4",
                   help="target profiles, comma-separated (default %(default)s)")
    p.add_argument("networks", nargs="*", default=DEFAULT_NETWORKS, metavar="NETWORK[@HxW]")
    args = p.parse_args()
    tessel, work_dir, _ = cli.setup(args, "primitive_choices")
    targets = args.targets.split(",")

    results, status = [], 0
    for text in args.networks:
        name, _, size = text.partition("@")
        network = os.path.join(driver.REPO_ROOT, "networks", name + ".yaml")
        input_size = size or None
        convolutions = {}  # layer -> the report's entry (the first target's)
        chosen = {}  # target -> {layer: primitive}
        summaries = {}
        for target in targets:
            out_dir = os.path.join(work_dir, f"{name}-{size or 'default'}-{target}")
            command = [tessel, "compile", *driver.network_args(network, input_size), "-o",
                       out_dir, "--target", target, "--quiet", "--force"]
            driver.run_checked(command, "tessel compile")
            report = read_report(out_dir)
            entries = report.get("convolutions") or []
            chosen[target] = {c["layer"]: c["primitive"] for c in entries}
            for c in entries:
                convolutions.setdefault(c["layer"], c)
            summaries[target] = {"schedule": report.schedule,
                                 "predicted_ms": report.predicted_ms,
                                 "arena_bytes": report.arena_bytes}
        rows = []
        for layer in sorted(convolutions):
            c = convolutions[layer]
            rows.append([text, layer, c["name"], shape_text(c["kernel"]), shape_text(c["stride"]),
                         shape_text(c["input"]), shape_text(c["output"]),
                         *[chosen[t].get(layer, "") for t in targets]])
            results.append({"network": text, **c,
                            "primitives": {t: chosen[t].get(layer) for t in targets}})
        print(output.format_table(["network", "#", "layer", "kernel", "stride", "input",
                                   "output", *targets], rows), flush=True)
        for target in targets:
            s = summaries[target]
            print(f"{text} on {target}: {s['schedule']} (predicted "
                  f"{output.number(s['predicted_ms'], 1)} ms, arena {s['arena_bytes']})")
        print(flush=True)
    output.write_json(args.json, {"targets": targets, "machine": output.machine_description(),
                                  "results": results})
    return status


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
