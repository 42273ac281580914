#!/usr/bin/env python3
"""Times one network's generated code under several schedules, side by side in one run.

Every schedule is compiled and built the same way, then the programs run in turns (round-robin)
so that machine noise hits them alike. Prints a table (median latency, ratio to the first
schedule, declared arena, MACs executed, peak RSS) and writes JSON.

  bench/schedules.py [options] [SCHEDULE ...]

Default schedules: the ones compared for yolov2-16 (layers first).
"""

import os
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, output  # noqa: E402
from tessel_bench.timing import time_round_robin  # noqa: E402
from tessel_bench.variant import prepare_all, Variant  # noqa: E402

DEFAULT_SCHEDULES = ["0-15:layers", "0-15:tile3x3", "0-15:tile5x5", "0-7:tile5x5, 8-15:tile2x2",
                     "0-7:stream8, 8-15:layers"]


def main():
    p = cli.parser(__doc__, "schedules.json", rounds=7)  # --repeat 3: see cli.parser
    p.add_argument("--network",
                   default=os.path.join(driver.REPO_ROOT, "networks", "yolov2-16.yaml"),
                   help="network description (default %(default)s)")
    p.add_argument("--input-size", help="HxW (default: the network's own)")
    p.add_argument("--threads",
                   help="thread counts, e.g. 1,2: every schedule is built for each and passed "
                        "to `tessel compile --threads` (default: not passed)")
    p.add_argument("schedules", nargs="*", default=DEFAULT_SCHEDULES, metavar="SCHEDULE")
    args = p.parse_args()
    tessel, work_dir, build_config = cli.setup(args, "schedules")

    thread_counts = [int(t) for t in args.threads.split(",")] if args.threads else [None]
    variants = [Variant(args.network, args.input_size, schedule, threads=threads,
                        label=schedule if threads is None else f"{schedule} [{threads}t]")
                for schedule in args.schedules for threads in thread_counts]
    ready = prepare_all(variants, tessel, work_dir, build_config)
    commands = [v.command() for v in ready]
    for variant, timing in zip(ready, time_round_robin(commands, args.rounds, args.repeat)):
        variant.timing = timing

    network_macs = driver.info_macs(tessel, args.network, args.input_size)
    base_ms = variants[0].timing.median_ms if variants[0].timing else None
    rows, results = [], []
    for variant in variants:
        median_ms = variant.timing.median_ms if variant.timing else None
        ratio = median_ms / base_ms if median_ms and base_ms else None
        macs = variant.executed_macs(tessel) if variant.ready else None
        extra = (macs / network_macs - 1) * 100 if macs and network_macs else None
        rows.append([variant.label, output.number(median_ms, 3), output.number(ratio, 3),
                     variant.declared_arena, output.number(macs and macs / 1e9, 3),
                     output.number(extra, 2), variant.timing and variant.timing.max_rss_kib])
        results.append({**variant.to_json(), "ratio_to_first": ratio, "macs_executed": macs,
                        "extra_mac_percent": extra})
        for error in (variant.compile_error, variant.build_error,
                      variant.timing and variant.timing.error):
            if error:
                print(f"{variant.label}: {error}", file=sys.stderr)
    print(output.format_table(["schedule", "median ms", "ratio", "arena bytes", "GMAC exec",
                               "extra %", "peak RSS KiB"], rows))
    output.write_json(args.json, {
        "network": os.path.basename(args.network), "input_size": args.input_size or "default",
        "rounds": args.rounds, "repeat": args.repeat, "threads": thread_counts,
        "build": build_config.describe(), "machine": output.machine_description(),
        "results": results})
    return 0 if all(v.ready and not v.timing.error for v in variants) else 1


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
