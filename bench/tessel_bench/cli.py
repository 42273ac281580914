"""Command line options every harness shares, and the setup they imply."""

import argparse
import os
import sys

from . import driver
from .build import BuildConfig


def parser(description, default_json, native_default=False, rounds=5, repeat=3):
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    build_dir = driver.default_build_dir()
    p.add_argument("--rounds", type=int, default=rounds,
                   help="round-robin rounds: runs of each variant (default %(default)s)")
    # A demo's first run is cold: it faults in the arena's and the weights' pages
    # (mobilenet-v2@224 under `layers`: 45 ms cold, 5.6 ms warm; small arenas fault in less).
    # The median of 3 runs is a warm one, what an application running the network again sees.
    p.add_argument("--repeat", type=int, default=repeat,
                   help="runs inside each demo invocation; their median counts; 1 times the "
                        "cold first run (default %(default)s)")
    p.add_argument("--json", default=os.path.join(build_dir, "bench", default_json),
                   help="output JSON file (default %(default)s)")
    p.add_argument("--native", action=argparse.BooleanOptionalAction, default=native_default,
                   help="build the generated code with -march=native (default %(default)s)")
    p.add_argument("--cxx", default=os.environ.get("CXX"),
                   help="C++ compiler for the generated code, e.g. clang++-14 (default: $CXX, "
                        "else cmake's choice)")
    p.add_argument("--jobs", type=int, default=2, help="parallel build jobs (default %(default)s)")
    p.add_argument("--build-dir", default=build_dir,
                   help="tessel's build folder; the generated code goes to BUILD_DIR/bench "
                        "(default %(default)s)")
    p.add_argument("--tessel", help="use this tessel binary instead of building BUILD_DIR/tessel")
    p.add_argument("--target-file",
                   help="target profile for tessel compile, e.g. one `tessel calibrate` wrote "
                        "with the flags this harness builds with")
    p.add_argument("--search-grid", type=int,
                   help="largest tile grid the search tries (tessel compile --max-grid)")
    return p


def setup(args, work_name):
    """Builds tessel; returns (tessel binary, work folder for the generated code, BuildConfig)."""
    if args.rounds < 1 or args.repeat < 1:
        raise SystemExit("--rounds and --repeat must be at least 1")
    tessel = args.tessel or driver.ensure_tessel(args.build_dir, args.jobs)
    work_dir = os.path.join(args.build_dir, "bench", work_name)
    return tessel, work_dir, BuildConfig(native=args.native, cxx=args.cxx, jobs=args.jobs,
                                         target_file=args.target_file,
                                         search_grid=args.search_grid)


def run_main(main):
    """Runs a harness's main(); a failed step ends it with its message instead of a traceback."""
    try:
        return main()
    except driver.BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
