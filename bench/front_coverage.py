#!/usr/bin/env python3
"""Compares the Pareto fronts the search predicts with and without some of its features.

For each network, compiles once with the default search and once per variant (sets of extra
`tessel compile` flags, e.g. "--no-branch-groups --no-channel-splits"), reads each report's
`pareto` list (planned arena, predicted latency) and prints, per variant, how many of its points
the default front matches or beats: a default point with no larger arena and no larger
predicted latency. A feature that only adds candidates should leave no point unmatched. Also
prints each front's smallest arena and each compile's wall time. Nothing is built or timed:
the figures are the compiler's, so they do not depend on how busy the machine is (the compile
times do).

  bench/front_coverage.py [--variants "A/B"] [NETWORK[@HxW] ...]

Default networks: resnet18@224x224, mobilenet-v1@224x224, mobilenet-v2@224x224,
mcunet-in4@160x160; default variant: "--no-branch-groups --no-channel-splits".
"""

import argparse
import json
import os
import shlex
import sys
import time

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, output  # noqa: E402

DEFAULT_NETWORKS = ["resnet18@224x224", "mobilenet-v1@224x224", "mobilenet-v2@224x224",
                    "mcunet-in4@160x160"]
DEFAULT_VARIANTS = "--no-branch-groups --no-channel-splits"


def unmatched(front, other):
    """The points of `other` that no point of `front` matches or beats: none with an arena at
    most theirs and a predicted latency at most theirs. Points are (arena bytes, ms) pairs."""
    return [(arena, ms) for arena, ms in other
            if not any(a <= arena and m <= ms for a, m in front)]


def network_path(name):
    if name.endswith((".yaml", ".cfg", ".onnx")) or os.sep in name:
        return name
    return os.path.join(driver.REPO_ROOT, "networks", name + ".yaml")


def predicted_front(tessel, work_dir, network, size, flags):
    """The front as (arena bytes, predicted ms) pairs, and the compile's wall seconds."""
    start = time.perf_counter()
    result = driver.compile_network(tessel, work_dir, network_path(network), size,
                                    extra_flags=flags)
    seconds = time.perf_counter() - start
    if not result.ok:
        raise driver.BenchError(f"tessel compile {network} {' '.join(flags)}: {result.message}")
    with open(os.path.join(work_dir, "report.json")) as f:
        points = json.load(f)["pareto"]
    return [(p["arena_bytes"], p["predicted_ms"]) for p in points], seconds


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    build_dir = driver.default_build_dir()
    p.add_argument("networks", nargs="*", default=DEFAULT_NETWORKS,
                   help="NETWORK[@HxW], a name in networks/ or a path")
    p.add_argument("--variants", default=DEFAULT_VARIANTS,
                   help="'/'-separated sets of extra tessel compile flags, each compared with "
                        "the default search (default %(default)s)")
    p.add_argument("--build-dir", default=build_dir, help="tessel's build folder")
    p.add_argument("--tessel", help="use this tessel binary instead of building BUILD_DIR/tessel")
    p.add_argument("--jobs", type=int, default=2, help="parallel build jobs for tessel")
    p.add_argument("--json", default=os.path.join(build_dir, "bench", "front_coverage.json"),
                   help="output JSON file (default %(default)s)")
    args = p.parse_args()
    tessel = args.tessel or driver.ensure_tessel(args.build_dir, args.jobs)
    variants = [shlex.split(v) for v in args.variants.split("/") if v.strip()]
    for flags in variants:
        for flag in flags:
            if not driver.supports_compile_option(tessel, flag):
                raise driver.BenchError(f"tessel compile --help does not list {flag}")
    work = os.path.join(args.build_dir, "bench", "front_coverage")
    rows, results = [], []
    for spec in args.networks:
        network, _, size = spec.partition("@")
        slug = spec.replace("@", "-").replace(os.sep, "_")
        default, default_s = predicted_front(tessel, os.path.join(work, slug + "-default"),
                                                network, size or None, [])
        rows.append([spec, "default", len(default), "", min(a for a, _ in default),
                     output.number(default_s, 1)])
        for n, flags in enumerate(variants):
            front, seconds = predicted_front(tessel, os.path.join(work, f"{slug}-v{n}"),
                                                network, size or None, flags)
            missed = unmatched(default, front)
            rows.append([spec, " ".join(flags), len(front), len(missed),
                         min(a for a, _ in front), output.number(seconds, 1)])
            results.append({"network": spec, "variant_flags": flags,
                            "default_points": len(default), "variant_points": len(front),
                            "unmatched": [{"arena_bytes": a, "predicted_ms": m}
                                          for a, m in missed],
                            "default_smallest_arena_bytes": min(a for a, _ in default),
                            "variant_smallest_arena_bytes": min(a for a, _ in front),
                            "default_compile_seconds": default_s,
                            "variant_compile_seconds": seconds})
    print(output.format_table(["network", "search", "front points", "unmatched by default",
                               "smallest arena", "compile s"], rows), flush=True)
    output.write_json(args.json, {"machine": output.machine_description(), "results": results})
    return 1 if any(r["unmatched"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
