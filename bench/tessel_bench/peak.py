"""The machine's FP32 peak, measured by bench/peak_flops.cpp built like the generated code."""

import os
import re

from .driver import BenchError, run_checked

PEAK_SOURCE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "peak_flops.cpp")
_LINE = re.compile(r"^(\d+) threads?: ([0-9.]+) GFLOP/s", re.MULTILINE)
_VECTOR = re.compile(r"^vector: (.*), (\d+) bits", re.MULTILINE)


def measure_peak_gflops(build_config, work_dir, threads=1, seconds=1.0):
    """({thread count: GFLOP/s}, vector) for 1 thread and, if threads > 1, `threads` threads at
    once; `vector` names the widest vector ISA the flags enable, which the peak is measured with
    ("AVX-512, 512 bits").

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
    vector = _VECTOR.search(output)
    return peaks, f"{vector.group(1)}, {vector.group(2)} bits" if vector else "unknown"
