#!/usr/bin/env python3
"""Checks the compiler's latency predictor, memory predictor and budgeted search against
measurements of the generated code.

For each input size of yolov2-16, builds and times (round-robin) a sample of schedules over
layers 0-15:
  - `layers`, every single-group tiling 0-15:tileRxC (R, C in 1..--max-grid) and stream
    0-15:streamH (H in --streams), and every two-group schedule 0-k:A, k+1-15:B (A, B each
    `layers`, tileNxN with N in 1..--max-grid, or streamH), sampled deterministically
    (--sample, --seed; --sample 0 takes the whole sweep);
  - the search's choice at budgets of 1/2, 1/4, 1/8, 1/16 of the `layers` arena
    (`tessel compile --budget BYTES`, no schedule).
Schedules the compiler rejects are recorded with its message and skipped.

Prints, per size: the Spearman rank correlation between predicted latency (report.json) and
measured latency; per budget the search's choice, its measured latency, the best measured
schedule whose declared arena fits the budget, the gap (choice / best - 1) and the choice's
latency relative to `layers`; and every schedule whose predicted arena (report.json) differs
from the arena its header declares (the exit status is then 1). Writes JSON.

  bench/search_validation.py [options]
"""

import os
import random
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, output  # noqa: E402
from tessel_bench.stats import spearman  # noqa: E402
from tessel_bench.timing import time_round_robin  # noqa: E402
from tessel_bench.variant import prepare_all, Variant  # noqa: E402

FULL_SIZE = "608x608"
FULL_SIZE_SAMPLE = 40  # each 608x608 schedule takes seconds to build and run
REDUCED_SIZE_SAMPLE = 120


def span(first, last):
    return str(first) if first == last else f"{first}-{last}"


def sweep_schedules(last_layer, max_grid, stream_heights):
    """Every single-group tiling and stream of 0..last_layer and every two-group schedule, in
    a fixed order, without `layers` itself (two `layers` groups are the same schedule)."""
    grids = range(1, max_grid + 1)
    streams = [f"stream{h}" for h in stream_heights]
    schedules = [f"0-{last_layer}:tile{r}x{c}" for r in grids for c in grids]
    schedules += [f"0-{last_layer}:{stream}" for stream in streams]
    kinds = ["layers"] + [f"tile{n}x{n}" for n in grids] + streams
    for split in range(last_layer):
        for first_kind in kinds:
            for second_kind in kinds:
                if first_kind == second_kind == "layers":
                    continue
                schedules.append(f"{span(0, split)}:{first_kind}, "
                                 f"{span(split + 1, last_layer)}:{second_kind}")
    return schedules


def sample_schedules(schedules, count, seed):
    """`count` schedules chosen at random with a fixed seed (all of them when count is 0 or
    at least their number), kept in sweep order."""
    if count <= 0 or count >= len(schedules):
        return list(schedules)
    chosen = set(random.Random(seed).sample(range(len(schedules)), count))
    return [s for i, s in enumerate(schedules) if i in chosen]


def median_of(variant):
    return variant.timing.median_ms if variant.timing else None


def validate_size(args, tessel, work_dir, build_config, size):
    """Compiles, builds and times one input size; returns its JSON section and whether every
    predicted arena matched the declared one."""
    layers = Variant(args.network, size, "", label="layers")  # every layer whole
    if not prepare_all([layers], tessel, work_dir, build_config) or layers.declared_arena is None:
        raise driver.BenchError(f"the `layers` schedule at {size} does not build: "
                                f"{layers.compile_error or layers.build_error}")
    count = args.sample if args.sample is not None else (
        FULL_SIZE_SAMPLE if size == FULL_SIZE else REDUCED_SIZE_SAMPLE)
    all_schedules = sweep_schedules(args.last_layer, args.max_grid, args.streams)
    sweep = [layers] + [Variant(args.network, size, s)
                        for s in sample_schedules(all_schedules, count, args.seed)]
    budgets = [layers.declared_arena // fraction for fraction in args.budget_fractions]
    choices = [Variant(args.network, size, None, budget=b, label=f"budget {b}") for b in budgets]
    print(f"{size}: {len(sweep) - 1} of {len(all_schedules)} schedules plus `layers`, "
          f"{len(choices)} budgets", file=sys.stderr)
    prepare_all(sweep[1:] + choices, tessel, work_dir, build_config)
    ready = [v for v in sweep + choices if v.ready]
    commands = [v.command() for v in ready]
    for variant, timing in zip(ready, time_round_robin(commands, args.rounds, args.repeat)):
        variant.timing = timing

    print(f"\n== {os.path.basename(args.network)} at {size}: "
          f"`layers` arena {layers.declared_arena} bytes, "
          f"{output.number(median_of(layers), 2)} ms")
    measured = sorted((v for v in sweep if median_of(v) is not None), key=median_of)
    print(output.format_table(
        ["schedule", "median ms", "predicted ms", "declared arena", "predicted arena",
         "peak RSS KiB"],
        [[v.label, output.number(median_of(v), 2), output.number(v.report.predicted_ms, 2),
          v.declared_arena, v.report.arena_bytes, v.timing.max_rss_kib] for v in measured]))
    rejected = [v for v in sweep + choices if v.compile_error]
    for v in rejected:
        print(f"rejected: {v.label}: {v.compile_error}")
    for v in sweep + choices:
        if v.build_error or (v.timing and v.timing.error):
            print(f"failed: {v.label}: {v.build_error or v.timing.error}")

    # The search's choices are configurations too: they count for the correlation and as
    # candidates for "best fitting" under every budget they fit.
    everything = sorted(measured + [v for v in choices if median_of(v) is not None],
                        key=median_of)
    predicted = [v for v in everything if v.report and v.report.predicted_ms is not None]
    rho = spearman([v.report.predicted_ms for v in predicted], [median_of(v) for v in predicted])
    print(f"Spearman rank correlation, predicted vs measured latency: "
          f"{output.number(rho, 3) or 'n/a'} over {len(predicted)} schedules"
          + ("" if predicted else " (no report.json predictions)"))

    budget_rows, budget_results = [], []
    for fraction, budget, choice in zip(args.budget_fractions, budgets, choices):
        fitting = [v for v in everything if v.declared_arena <= budget]  # fastest first
        best = fitting[0] if fitting else None
        best_ms = median_of(best) if best else None
        chosen_ms = median_of(choice)
        gap = (chosen_ms / best_ms - 1) * 100 if chosen_ms and best_ms else None
        to_layers = chosen_ms / median_of(layers) if chosen_ms and median_of(layers) else None
        chosen = choice.chosen_schedule or ("(rejected)" if choice.compile_error else "?")
        best_label = best and (best.chosen_schedule if best in choices else best.label)
        budget_rows.append([f"1/{fraction}", budget, chosen, choice.declared_arena,
                            output.number(chosen_ms, 2), best_label,
                            output.number(best_ms, 2), output.number(gap, 1),
                            output.number(to_layers, 3)])
        budget_results.append({**choice.to_json(), "fraction_of_layers_arena": 1 / fraction,
                               "best_fitting_schedule": best_label,
                               "best_fitting_median_ms": best_ms, "gap_percent": gap,
                               "ratio_to_layers": to_layers})
        if choice.declared_arena is not None and choice.declared_arena > budget:
            print(f"OVER BUDGET: the search's choice at {budget} bytes declares "
                  f"{choice.declared_arena}")
    print(output.format_table(["budget", "bytes", "search's choice", "its arena", "ms",
                               "best fitting", "best ms", "gap %", "x layers"], budget_rows))

    mismatches = [v for v in sweep + choices if v.report and v.report.arena_bytes is not None
                  and v.declared_arena is not None and v.report.arena_bytes != v.declared_arena]
    for v in mismatches:
        print(f"ARENA MISMATCH: {v.label}: report.json predicts {v.report.arena_bytes} bytes, "
              f"the header declares {v.declared_arena}")
    checked = sum(1 for v in sweep + choices if v.report and v.report.arena_bytes is not None)
    if not checked:
        print("no report.json predicts an arena: predicted == declared not checked")
    elif not mismatches:
        print(f"predicted arena == declared arena for all {checked} schedules with a report")
    return {
        "input_size": size, "layers_arena_bytes": layers.declared_arena,
        "schedules_in_sweep": len(all_schedules), "sampled": len(sweep) - 1,
        "spearman": rho, "spearman_pairs": len(predicted),
        "configs": [v.to_json() for v in sweep], "budgets": budget_results,
        "arena_mismatches": [v.label for v in mismatches],
    }, not mismatches


def main():
    p = cli.parser(__doc__, "search_validation.json", native_default=True)
    p.add_argument("--network", default=os.path.join(driver.REPO_ROOT, "networks",
                                                      "yolov2-16.yaml"),
                   help="network description (default %(default)s)")
    p.add_argument("--sizes", default=f"{FULL_SIZE},224x224",
                   help="comma-separated input sizes HxW (default %(default)s)")
    p.add_argument("--last-layer", type=int, default=15,
                   help="schedules cover layers 0..N (default %(default)s)")
    p.add_argument("--max-grid", type=int, default=5,
                   help="largest tile grid side R, C, N (default %(default)s)")
    p.add_argument("--sample", type=int,
                   help=f"schedules per size besides `layers`, 0 for all (default "
                        f"{FULL_SIZE_SAMPLE} at {FULL_SIZE}, {REDUCED_SIZE_SAMPLE} at others)")
    p.add_argument("--streams", default="1,2,4,8",
                   help="stripe heights H of the streamH groups in the sweep, comma-separated, "
                        "empty for none (default %(default)s)")
    p.add_argument("--seed", type=int, default=1, help="sampling seed (default %(default)s)")
    p.add_argument("--budget-fractions", default="2,4,8,16",
                   help="budgets are the `layers` arena divided by these (default %(default)s)")
    args = p.parse_args()
    args.budget_fractions = [int(f) for f in args.budget_fractions.split(",") if f]
    args.streams = [int(h) for h in args.streams.split(",") if h]
    tessel, work_dir, build_config = cli.setup(args, "search_validation")

    sections, all_match = [], True
    for size in args.sizes.split(","):
        section, match = validate_size(args, tessel, work_dir, build_config, size.strip())
        sections.append(section)
        all_match = all_match and match
    output.write_json(args.json, {
        "network": os.path.basename(args.network), "rounds": args.rounds, "repeat": args.repeat,
        "seed": args.seed, "max_grid": args.max_grid, "streams": args.streams, "build": build_config.describe(),
        "machine": output.machine_description(), "sizes": sections})
    return 0 if all_match else 1


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
