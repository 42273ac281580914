#!/usr/bin/env python3
"""Measures the memory/latency front the budgeted search gives, per network, side by side.

For each network, compiles `layers` and the search's choice at budgets of 1/2, 1/4, 1/8, 1/16,
1/32 (and, with --extra-fractions, more) of the `layers` arena, builds them all the same way, and
times them round-robin in one run. Prints, per budget, the chosen schedule, its declared arena
(and whether it fits), the predicted and measured latency, and the ratio to `layers`; writes
JSON.

  bench/fronts.py [options] [NETWORK[@HxW] ...]

With --primitives A,B (e.g. all,direct) each budget is searched once per primitive set (tessel
compile --primitives), all timed in the same run against the same direct `layers`.

Default networks: yolov2-16@608x608, yolov2-tiny@416x416, vgg16@224x224, resnet18@224x224,
mobilenet-v1@224x224, mobilenet-v2@224x224, mcunet-in4@160x160.
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, output  # noqa: E402
from tessel_bench.timing import time_round_robin  # noqa: E402
from tessel_bench.variant import prepare_all, Variant  # noqa: E402

DEFAULT_NETWORKS = ["yolov2-16@608x608", "yolov2-tiny@416x416", "vgg16@224x224",
                    "resnet18@224x224", "mobilenet-v1@224x224", "mobilenet-v2@224x224",
                    "mcunet-in4@160x160"]
DEFAULT_FRACTIONS = [2, 4, 8, 16, 32]
_ARENA = re.compile(r"^arena: (\d+) bytes", re.MULTILINE)


def network_path(name):
    if name.endswith((".yaml", ".cfg", ".onnx")) or os.sep in name:
        return name
    return os.path.join(driver.REPO_ROOT, "networks", name + ".yaml")


def layers_arena(tessel, network, input_size):
    """The arena `layers` plans, from `tessel info` (its default schedule)."""
    text = driver.run_checked([tessel, "info", *driver.network_args(network, input_size)],
                              "tessel info")
    found = _ARENA.search(text)
    if not found:
        raise driver.BenchError(f"tessel info printed no arena for {network}")
    return int(found.group(1))


def main():
    p = cli.parser(__doc__, "fronts.json", rounds=5, repeat=1)
    p.add_argument("--fractions", default=",".join(str(f) for f in DEFAULT_FRACTIONS),
                   help="budgets as 1/N of the layers arena, comma-separated (default "
                        "%(default)s)")
    p.add_argument("--primitives", default="all",
                   help="primitive sets the search may use, separated by '/', each as tessel "
                        "compile --primitives takes it, e.g. 'all/direct' (default %(default)s)")
    p.add_argument("networks", nargs="*", default=DEFAULT_NETWORKS, metavar="NETWORK[@HxW]")
    args = p.parse_args()
    tessel, work_dir, build_config = cli.setup(args, "fronts")
    fractions = [int(f) for f in args.fractions.split(",")]
    primitive_sets = args.primitives.split("/")

    results, status = [], 0
    for text in args.networks:
        name, _, size = text.partition("@")
        network, input_size = network_path(name), size or None
        base_arena = layers_arena(tessel, network, input_size)
        variants = [Variant(network, input_size, "", label="layers")]
        for primitives in primitive_sets:
            suffix = "" if len(primitive_sets) == 1 else f" {primitives}"
            variants += [Variant(network, input_size, budget=base_arena // n,
                                 label=f"1/{n}{suffix}", primitives=primitives)
                         for n in fractions]
            variants.append(Variant(network, input_size, label=f"unbounded{suffix}",
                                    primitives=primitives))
        ready = prepare_all(variants, tessel, work_dir, build_config)
        for variant, timing in zip(ready, time_round_robin([v.command() for v in ready],
                                                           args.rounds, args.repeat)):
            variant.timing = timing
        base_ms = variants[0].timing.median_ms if variants[0].timing else None
        rows = []
        for variant in variants:
            median_ms = variant.timing.median_ms if variant.timing else None
            ratio = median_ms / base_ms if median_ms and base_ms else None
            fits = (variant.declared_arena is not None and
                    (variant.budget is None or variant.declared_arena <= variant.budget))
            predicted = variant.report.predicted_ms if variant.report else None
            rows.append([text, variant.label, variant.budget or "", variant.chosen_schedule or "",
                         variant.declared_arena, "yes" if fits else "no",
                         output.number(predicted, 1), output.number(median_ms, 1),
                         output.number(ratio, 3)])
            results.append({**variant.to_json(), "budget_fraction": variant.label,
                            "layers_arena_bytes": base_arena, "fits": fits,
                            "ratio_to_layers": ratio})
            for error in (variant.compile_error, variant.build_error,
                          variant.timing and variant.timing.error):
                if error:
                    print(f"{text} {variant.label}: {error}", file=sys.stderr)
                    status = 1
        print(output.format_table(["network", "budget", "bytes", "chosen schedule", "arena",
                                   "fits", "predicted ms", "measured ms", "ratio"], rows),
              flush=True)
    output.write_json(args.json, {"rounds": args.rounds, "repeat": args.repeat,
                                  "fractions": fractions, "build": build_config.describe(),
                                  "machine": output.machine_description(), "results": results})
    return status


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
