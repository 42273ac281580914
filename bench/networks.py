#!/usr/bin/env python3
"""Per network, schedule and thread count: how fast the generated code runs on this machine.

Builds the generated code at -O3 for the host (-march=native unless --no-native), times every
variant round-robin and prints median latency, GFLOP/s (2 x MACs executed / time), the fraction
of this machine's FP32 peak measured by bench/peak_flops.cpp with the same thread count, the
declared arena and the demo's peak RSS. Writes JSON.

  bench/networks.py [options] [NETWORK[@HxW] ...]

NETWORK is a name from networks/ or a .yaml path. Default: yolov2-16@608x608, vgg16@224x224,
mobilenet-v2@224x224; schedules `layers` plus, for yolov2-16, "0-7:tile5x5, 8-15:tile2x2";
threads 1 and 2 when `tessel compile` has --threads.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, output  # noqa: E402
from tessel_bench.peak import measure_peak_gflops  # noqa: E402
from tessel_bench.timing import time_round_robin  # noqa: E402
from tessel_bench.variant import prepare_all, Variant  # noqa: E402

DEFAULT_NETWORKS = ["yolov2-16@608x608", "vgg16@224x224", "mobilenet-v2@224x224"]
DEFAULT_SCHEDULES = ["layers", "yolov2-16=0-7:tile5x5, 8-15:tile2x2"]
LAYERS = "layers"  # an empty --schedule: every layer runs whole


def network_path(name):
    if name.endswith(".yaml") or os.sep in name:
        return name
    return os.path.join(driver.REPO_ROOT, "networks", name + ".yaml")


def parse_network(text):
    """"NAME[@HxW]" -> (path, size or None)."""
    name, _, size = text.partition("@")
    return network_path(name), size or None


def schedules_for(network_name, schedule_args):
    """The schedules of `--schedule [NET=]SCHEDULE` that apply to a network, in order."""
    chosen = []
    for text in schedule_args:
        prefix, sep, rest = text.partition("=")
        if sep and ":" not in prefix:
            if prefix == network_name:
                chosen.append(rest.strip())
        else:
            chosen.append(text.strip())
    return chosen


def main():
    p = cli.parser(__doc__, "networks.json", native_default=True)
    p.add_argument("networks", nargs="*", default=DEFAULT_NETWORKS, metavar="NETWORK[@HxW]")
    p.add_argument("--schedule", action="append", metavar="[NET=]SCHEDULE",
                   help="a schedule to time, for every network or only NET; 'layers' is the "
                        "default schedule; repeatable (default: %s)" % "; ".join(DEFAULT_SCHEDULES))
    p.add_argument("--threads", help="comma-separated thread counts for `tessel compile "
                                     "--threads` (default: 1,2 when supported, else not passed)")
    p.add_argument("--peak-seconds", type=float, default=1.0,
                   help="time peak_flops spends per measurement (default %(default)s)")
    args = p.parse_args()
    tessel, work_dir, build_config = cli.setup(args, "networks")

    has_threads = driver.supports_compile_option(tessel, "--threads")
    if args.threads:
        if not has_threads:
            raise SystemExit("this tessel has no `compile --threads`; leave out --threads")
        thread_counts = [int(t) for t in args.threads.split(",")]
    else:
        thread_counts = [1, 2] if has_threads else [None]

    variants = []
    for text in args.networks:
        network, size = parse_network(text)
        name = os.path.splitext(os.path.basename(network))[0]
        for schedule in schedules_for(name, args.schedule or DEFAULT_SCHEDULES):
            for threads in thread_counts:
                variants.append(Variant(network, size, "" if schedule == LAYERS else schedule,
                                        threads=threads, label=schedule))
    ready = prepare_all(variants, tessel, work_dir, build_config)

    most_threads = max(t or 1 for t in thread_counts)
    peaks, vector = measure_peak_gflops(build_config, work_dir, most_threads, args.peak_seconds)
    print(f"peak ({vector}): " +
          ", ".join(f"{n} thread(s) {g:.1f} GFLOP/s" for n, g in sorted(peaks.items())),
          file=sys.stderr)
    commands = [v.command() for v in ready]
    for variant, timing in zip(ready, time_round_robin(commands, args.rounds, args.repeat)):
        variant.timing = timing

    rows, results = [], []
    for variant in variants:
        median_ms = variant.timing.median_ms if variant.timing else None
        macs = variant.executed_macs(tessel) if variant.ready else None
        gflops = 2 * macs / (median_ms * 1e6) if macs and median_ms else None
        peak = peaks.get(variant.threads or 1)
        fraction = gflops / peak if gflops and peak else None
        rss = variant.timing and variant.timing.max_rss_kib
        rows.append([variant.network_name, variant.input_size or "default", variant.label,
                     variant.threads or 1, output.number(median_ms, 2), output.number(gflops),
                     output.number(fraction and fraction * 100), variant.declared_arena,
                     output.number(rss and rss / 1024)])
        results.append({**variant.to_json(), "label": variant.label, "macs_executed": macs,
                        "gflops": gflops, "peak_gflops": peak, "fraction_of_peak": fraction})
        for error in (variant.compile_error, variant.build_error,
                      variant.timing and variant.timing.error):
            if error:
                print(f"{variant.slug}: {error}", file=sys.stderr)
    print(output.format_table(["network", "input", "schedule", "threads", "median ms", "GFLOP/s",
                               "% peak", "arena bytes", "peak RSS MiB"], rows))
    output.write_json(args.json, {
        "rounds": args.rounds, "repeat": args.repeat, "threads_supported": has_threads,
        "build": build_config.describe(), "machine": output.machine_description(),
        "peak_gflops": {str(n): g for n, g in sorted(peaks.items())}, "peak_vector": vector,
        "results": results})
    return 0 if all(v.ready and not v.timing.error for v in variants) else 1


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
