#!/usr/bin/env python3
"""Measures the memory/latency front the budgeted search gives, per network, side by side.

For each network, compiles `layers` and the search's choice at budgets of 1/2, 1/4, 1/8, 1/16,
1/32 (--fractions) of the `layers` arena and without a budget, builds them all the same way, and
times them round-robin in one run. Prints, per budget, the chosen schedule, its declared arena
(and whether it fits; when nothing fits, the smallest arena the search reaches and its schedule),
the predicted and measured latency, and the ratio to `layers`; writes JSON.

  bench/fronts.py [options] [NETWORK[@HxW] ...]

With --primitives A/B (e.g. all/direct) each budget is searched once per primitive set (tessel
compile --primitives); with --variants A/B (e.g. "default/--no-branch-groups") once per set of
extra tessel compile flags ('default': none). Every combination is timed in the same run against
the same `layers`, each budget's side by side.

Default networks: yolov2-16@608x608, yolov2-tiny@416x416, vgg16@224x224, resnet18@224x224,
mobilenet-v1@224x224, mobilenet-v2@224x224, mcunet-in4@160x160.
"""

import os
import re
import shlex
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


DEFAULT_VARIANT = "default"  # the --variants entry that adds no flags


class SearchSetting:
    """One way of running the search: a primitive set (tessel compile --primitives) and extra
    tessel compile flags, with the name the table and the JSON give it."""

    def __init__(self, name, primitives, flags):
        self.name, self.primitives, self.flags = name, primitives, flags


def search_settings(primitives_text, variants_text):
    """Every primitive set of --primitives with every flag set of --variants ('/'-separated).
    A setting is named by what tells it apart from the defaults (all primitives, no flags): its
    primitive set and its flags as written, each when there are several or it is not the
    default."""
    primitive_sets = primitives_text.split("/")
    flag_sets = [text.strip() or DEFAULT_VARIANT for text in variants_text.split("/")]
    settings = []
    for primitives in primitive_sets:
        for flags in flag_sets:
            parts = [primitives] if len(primitive_sets) > 1 or primitives != "all" else []
            if len(flag_sets) > 1 or flags != DEFAULT_VARIANT:
                parts.append(flags)
            settings.append(SearchSetting(" ".join(parts) or DEFAULT_VARIANT, primitives,
                                          [] if flags == DEFAULT_VARIANT else shlex.split(flags)))
    return settings


def check_flags(tessel, settings):
    """Stops before compiling anything when tessel compile lacks a flag --variants names."""
    options = {flag.split("=")[0] for s in settings for flag in s.flags if flag.startswith("-")}
    for option in sorted(options):
        if not driver.supports_compile_option(tessel, option):
            raise driver.BenchError(f"--variants: tessel compile has no option {option} "
                                    f"(see {tessel} compile --help)")


def layers_arena(tessel, network, input_size):
    """The arena `layers` plans, from `tessel info` (its default schedule)."""
    text = driver.run_checked([tessel, "info", *driver.network_args(network, input_size)],
                              "tessel info")
    found = _ARENA.search(text)
    if not found:
        raise driver.BenchError(f"tessel info printed no arena for {network}")
    return int(found.group(1))


def main():
    p = cli.parser(__doc__, "fronts.json", rounds=5)  # --repeat 3: see cli.parser
    p.add_argument("--fractions", default=",".join(str(f) for f in DEFAULT_FRACTIONS),
                   help="budgets as 1/N of the layers arena, comma-separated (default "
                        "%(default)s)")
    p.add_argument("--primitives", default="all",
                   help="primitive sets the search may use, separated by '/', each as tessel "
                        "compile --primitives takes it, e.g. 'all/direct' (default %(default)s)")
    p.add_argument("--variants", default=DEFAULT_VARIANT,
                   help="sets of extra tessel compile flags for the searched schedules, "
                        "separated by '/', 'default' for none, e.g. "
                        "'default/--no-branch-groups' (default %(default)s)")
    p.add_argument("networks", nargs="*", default=DEFAULT_NETWORKS, metavar="NETWORK[@HxW]")
    args = p.parse_args()
    tessel, work_dir, build_config = cli.setup(args, "fronts")
    fractions = [int(f) for f in args.fractions.split(",")]
    settings = search_settings(args.primitives, args.variants)
    check_flags(tessel, settings)

    results, status = [], 0
    for text in args.networks:
        name, _, size = text.partition("@")
        network, input_size = network_path(name), size or None
        base_arena = layers_arena(tessel, network, input_size)
        budgets = [(f"1/{n}", base_arena // n) for n in fractions] + [("unbounded", None)]
        # (setting, variant): `layers` first, the reference of every ratio, then per budget
        # every setting, side by side.
        runs = [(None, Variant(network, input_size, "", label="layers"))]
        runs += [(setting, Variant(network, input_size, budget=budget, label=label,
                                   primitives=setting.primitives, compile_flags=setting.flags))
                 for label, budget in budgets for setting in settings]
        variants = [variant for _, variant in runs]
        ready = prepare_all(variants, tessel, work_dir, build_config)
        for variant, timing in zip(ready, time_round_robin([v.command() for v in ready],
                                                           args.rounds, args.repeat)):
            variant.timing = timing
        base_ms = variants[0].timing.median_ms if variants[0].timing else None
        rows = []
        for setting, variant in runs:
            median_ms = variant.timing.median_ms if variant.timing else None
            ratio = median_ms / base_ms if median_ms and base_ms else None
            fits = (variant.declared_arena is not None and
                    (variant.budget is None or variant.declared_arena <= variant.budget))
            predicted = variant.report.predicted_ms if variant.report else None
            variant_name = setting.name if setting else None
            # A budget nothing fits: the smallest arena the search reaches, and its schedule.
            smallest_arena, smallest_schedule = driver.parse_smallest_arena(
                variant.compile_error)
            rows.append([text, variant.label, variant_name, variant.budget or "",
                         variant.chosen_schedule or smallest_schedule or "",
                         variant.declared_arena or smallest_arena, "yes" if fits else "no",
                         output.number(predicted, 1), output.number(median_ms, 1),
                         output.number(ratio, 3)])
            results.append({**variant.to_json(), "budget_fraction": variant.label,
                            "variant": variant_name, "layers_arena_bytes": base_arena,
                            "fits": fits, "ratio_to_layers": ratio,
                            "smallest_arena_bytes": smallest_arena,
                            "smallest_schedule": smallest_schedule})
            for error in (variant.compile_error, variant.build_error,
                          variant.timing and variant.timing.error):
                if error:
                    where = " ".join(filter(None, [text, variant.label, variant_name]))
                    print(f"{where}: {error}", file=sys.stderr)
                    # A budget no schedule fits is a finding of the sweep, not a failure.
                    if not (error is variant.compile_error and smallest_arena is not None):
                        status = 1
        print(output.format_table(["network", "budget", "variant", "bytes", "chosen schedule",
                                   "arena", "fits", "predicted ms", "measured ms", "ratio"],
                                  rows), flush=True)
    output.write_json(args.json, {"rounds": args.rounds, "repeat": args.repeat,
                                  "fractions": fractions,
                                  "variants": [{"name": s.name, "primitives": s.primitives,
                                                "compile_flags": s.flags} for s in settings],
                                  "build": build_config.describe(),
                                  "machine": output.machine_description(), "results": results})
    return status


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
