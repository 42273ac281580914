#!/usr/bin/env python3
"""Per network, schedule and thread count: how fast the generated code runs on this machine, and
how it compares with ONNX Runtime running the same network.

Builds the generated code at -O3 for the host (-march=native unless --no-native), times every
variant round-robin and prints median latency, GFLOP/s (2 x MACs executed / time), the fraction
of this machine's FP32 peak measured by bench/peak_flops.cpp with the same thread count, the
declared arena and the demo's peak RSS. With ONNX Runtime (bench/ort/setup.sh installs it) the
same network, weights and input also run in ONNX Runtime, in the same rounds, once per thread
count; every tessel row then shows ONNX Runtime's median over tessel's (above 1: tessel is
faster) and how far the two outputs lie apart. Writes JSON.

  bench/networks.py [options] [NETWORK[@HxW] ...]

NETWORK is a name from networks/ or a .yaml path. Default: yolov2-16@608x608, vgg16@224x224,
mobilenet-v2@224x224; schedules `layers` plus, for yolov2-16, "0-7:tile5x5, 8-15:tile2x2";
threads 1 and 2 when `tessel compile` has --threads.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, ort, output  # noqa: E402
from tessel_bench.float_files import Difference, read_floats  # noqa: E402
from tessel_bench.peak import measure_peak_gflops  # noqa: E402
from tessel_bench.timing import time_round_robin  # noqa: E402
from tessel_bench.variant import prepare_all, Variant  # noqa: E402

DEFAULT_NETWORKS = ["yolov2-16@608x608", "vgg16@224x224", "mobilenet-v2@224x224"]
DEFAULT_SCHEDULES = ["layers", "yolov2-16=0-7:tile5x5, 8-15:tile2x2"]
LAYERS = "layers"  # an empty --schedule: every layer runs whole
TOLERANCE = 1e-4  # of the largest output, as `tessel compare`: outputs further apart differ


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


def ort_runtime(args):
    """The ONNX Runtime setup to time, or None: off with --no-ort, or not installed (then said,
    unless --ort asked for it, which makes that an error)."""
    if args.ort is False:
        return None
    runtime, missing = ort.find_runtime(args.build_dir)
    if runtime:
        return runtime
    message = (f"ONNX Runtime is not set up (missing {missing}); "
               f"{ort.setup_command(args.build_dir)} installs it")
    if args.ort:
        raise SystemExit(message)
    print(f"{message}. Timing tessel only.", file=sys.stderr)
    return None


def demo_output(work_dir, variant):
    """Where a variant's demo writes its output: beside its generated folder, which must stay
    as the compiler wrote it so that the build is reused."""
    return os.path.join(work_dir, variant.slug + ".output.bin")


def against_ort(variant, tessel_output, ort_variant):
    """(ONNX Runtime median / tessel median, float_files.Difference of the outputs), each None
    when either side has no result."""
    if not (ort_variant and variant.timing and ort_variant.timing):
        return None, None
    tessel_ms, ort_ms = variant.timing.median_ms, ort_variant.timing.median_ms
    ratio = ort_ms / tessel_ms if tessel_ms and ort_ms else None
    if variant.timing.error or ort_variant.timing.error:
        return ratio, None
    return ratio, Difference(read_floats(tessel_output), read_floats(ort_variant.output))


def speed(peaks, macs, median_ms, threads):
    """(GFLOP/s, fraction of the peak with `threads` threads), None where unknown."""
    gflops = 2 * macs / (median_ms * 1e6) if macs and median_ms else None
    peak = peaks.get(threads or 1)
    return gflops, gflops / peak if gflops and peak else None


def tessel_row(variant, tessel, peaks, tessel_output, ort_variant):
    """The table row and JSON entry of a variant, and its float_files.Difference from ONNX
    Runtime's output with as many threads (None without one)."""
    median_ms = variant.timing.median_ms if variant.timing else None
    macs = variant.executed_macs(tessel) if variant.ready else None
    gflops, fraction = speed(peaks, macs, median_ms, variant.threads)
    rss = variant.timing and variant.timing.max_rss_kib
    ratio, difference = against_ort(variant, tessel_output, ort_variant)
    row = [variant.network_name, variant.input_size or "default", variant.label,
           variant.threads or 1, output.number(median_ms, 2), output.number(gflops),
           output.number(fraction and fraction * 100), variant.declared_arena,
           output.number(rss and rss / 1024), output.number(ratio, 2),
           difference and f"{difference.max_abs:.1e}", difference and f"{difference.max_rel:.1e}"]
    result = {**variant.to_json(), "label": variant.label, "macs_executed": macs,
              "gflops": gflops, "peak_gflops": peaks.get(variant.threads or 1),
              "fraction_of_peak": fraction, "ort_ratio": ratio,
              "ort_max_abs_diff": difference and difference.max_abs,
              "ort_max_rel_diff": difference and difference.max_rel}
    return row, result, difference


def ort_row(ort_variant, tessel, peaks):
    """The table row and JSON entry of ONNX Runtime on one network and thread count."""
    median_ms = ort_variant.timing.median_ms
    # The network's MACs layer by layer: what ONNX Runtime computes.
    macs = driver.info_macs(tessel, ort_variant.network, ort_variant.input_size, "")
    gflops, fraction = speed(peaks, macs, median_ms, ort_variant.threads)
    rss = ort_variant.timing.max_rss_kib
    row = [ort_variant.network_name, ort_variant.input_size or "default", ort.LABEL,
           ort_variant.threads, output.number(median_ms, 2), output.number(gflops),
           output.number(fraction and fraction * 100), None, output.number(rss and rss / 1024),
           None, None, None]
    result = {**ort_variant.to_json(), "macs": macs, "gflops": gflops,
              "peak_gflops": peaks.get(ort_variant.threads), "fraction_of_peak": fraction}
    return row, result


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
    p.add_argument("--ort", action=argparse.BooleanOptionalAction, default=None,
                   help="also run ONNX Runtime on the same network, weights and input (default: "
                        f"when {ort.SETUP} has installed it)")
    args = p.parse_args()
    tessel, work_dir, build_config = cli.setup(args, "networks")
    runtime = ort_runtime(args)

    has_threads = driver.supports_compile_option(tessel, "--threads")
    if args.threads:
        if not has_threads:
            raise SystemExit("this tessel has no `compile --threads`; leave out --threads")
        thread_counts = [int(t) for t in args.threads.split(",")]
    else:
        thread_counts = [1, 2] if has_threads else [None]

    networks = [parse_network(text) for text in args.networks]
    variants = []
    for network, size in networks:
        name = os.path.splitext(os.path.basename(network))[0]
        for schedule in schedules_for(name, args.schedule or DEFAULT_SCHEDULES):
            for threads in thread_counts:
                variants.append(Variant(network, size, "" if schedule == LAYERS else schedule,
                                        threads=threads, label=schedule))
    ready = prepare_all(variants, tessel, work_dir, build_config)
    ort_variants, export_errors = [], {}
    if runtime:
        ort_variants, export_errors = ort.prepare_all(
            runtime, tessel, os.path.join(work_dir, "onnxruntime"), networks,
            [t or 1 for t in thread_counts])

    most_threads = max(t or 1 for t in thread_counts)
    peaks, vector = measure_peak_gflops(build_config, work_dir, most_threads, args.peak_seconds)
    print(f"peak ({vector}): " +
          ", ".join(f"{n} thread(s) {g:.1f} GFLOP/s" for n, g in sorted(peaks.items())),
          file=sys.stderr)
    commands = ([v.command(demo_output(work_dir, v)) for v in ready] +
                [v.command() for v in ort_variants])
    for timed, timing in zip(ready + ort_variants,
                             time_round_robin(commands, args.rounds, args.repeat)):
        timed.timing = timing

    ort_at = {(v.network, v.input_size, v.threads): v for v in ort_variants}
    rows, results, ort_results, differing = [], [], [], []
    for network, size in networks:  # each network's tessel rows, then its ONNX Runtime rows
        key = (network, size)
        for variant in [v for v in variants if (v.network, v.input_size) == key]:
            row, result, difference = tessel_row(
                variant, tessel, peaks, demo_output(work_dir, variant),
                ort_at.get((*key, variant.threads or 1)))
            rows.append(row)
            results.append(result)
            if difference and not difference.max_rel <= TOLERANCE:  # NaN counts as differing
                differing.append(variant.slug)
            for error in (variant.compile_error, variant.build_error,
                          variant.timing and variant.timing.error):
                if error:
                    print(f"{variant.slug}: {error}", file=sys.stderr)
        for ort_variant in [v for v in ort_variants if (v.network, v.input_size) == key]:
            row, result = ort_row(ort_variant, tessel, peaks)
            rows.append(row)
            ort_results.append(result)
            if ort_variant.timing.error:
                print(f"{ort.LABEL} {ort_variant.network_name} t{ort_variant.threads}: "
                      f"{ort_variant.timing.error}", file=sys.stderr)
    for name, error in export_errors.items():
        print(f"{ort.LABEL} skipped for {name}: {error}", file=sys.stderr)
    for slug in differing:
        print(f"OUTPUTS DIFFER: {slug} and {ort.LABEL} beyond {TOLERANCE:g} of the largest "
              "output", file=sys.stderr)

    print(output.format_table(["network", "input", "schedule", "threads", "median ms", "GFLOP/s",
                               "% peak", "arena bytes", "peak RSS MiB", "ORT/tessel",
                               "max |diff|", "rel diff"], rows))
    output.write_json(args.json, {
        "rounds": args.rounds, "repeat": args.repeat, "threads_supported": has_threads,
        "build": build_config.describe(), "machine": output.machine_description(),
        "peak_gflops": {str(n): g for n, g in sorted(peaks.items())}, "peak_vector": vector,
        "results": results,
        "onnxruntime": runtime and {"version": runtime.version, "results": ort_results,
                                    "export_errors": export_errors}})
    ok = all(v.ready and not v.timing.error for v in variants)
    ort_ok = all(not v.timing.error for v in ort_variants) and not differing
    return 0 if ok and ort_ok else 1


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
