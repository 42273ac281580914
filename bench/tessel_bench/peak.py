"""The machine's FP32 peak, measured by bench/peak_flops.cpp built like the generated code."""

import os
import re

from .driver import BenchError, run_checked

PEAK_SOURCE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "peak_flops.cpp")
_LINE = re.compile(r"^(\d+) threads?: ([0-9.]+) GFLOP/s", re.MULTILINE)


def measure_peak_gflops(build_config, work_dir, threads=1, seconds=1.0):
    """{thread count: GFLOP/s} for 1 thread and, if threads > 1, `threads` threads at once.

    Same compiler and flags as the generated code, plus -ffp-contract=fast so that the
    program's multiply-adds become FMA instructions."""
    os.makedirs(work_dir, exist_ok=True)
    binary = os.path.join(work_dir, "peak_flops")
    cxx = build_config.cxx or os.environ.get("CXX", "c++")
    run_checked([cxx, *build_config.cxx_flags.split(), "-ffp-contract=fast", "-pthread",
                 PEAK_SOURCE, "-o", binary], "building peak_flops")
    output = run_checked([binary, "--threads", str(threads), "--seconds", str(seconds)],
                         "peak_flops")
    peaks = {int(count): float(gflops) for count, gflops in _LINE.findall(output)}
    if 1 not in peaks:
        raise BenchError(f"peak_flops printed no '1 thread: X GFLOP/s':\n{output}")
    return peaks
