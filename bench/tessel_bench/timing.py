"""Runs timed programs and measures them: latency from the program's own timer, peak RSS from
the kernel's accounting of the child process (os.wait4).

A timed program is a command line that accepts `--repeat K`, runs its work K times and prints
"median X ms": a generated demo (Variant.command) or the ONNX Runtime runner (ort.OrtVariant)."""

import os
import re
import subprocess
import sys

from .stats import median

_MEDIAN = re.compile(r"median\s+([0-9.]+)\s*ms")


class RunResult:
    def __init__(self, median_ms=None, max_rss_kib=None, error=None):
        self.median_ms, self.max_rss_kib, self.error = median_ms, max_rss_kib, error


def run_timed(command, repeat):
    """One `COMMAND --repeat K`: the median of its K runs in ms and the child's peak RSS in KiB."""
    proc = subprocess.Popen([*command, "--repeat", str(repeat)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    proc.stdout.close()
    # wait4 instead of proc.wait(): it also returns the child's resource usage.
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        return RunResult(error=f"exit {proc.returncode}: {output.strip()[-500:]}")
    match = _MEDIAN.search(output)
    if not match:
        return RunResult(error=f"no 'median X ms' in the output: {output.strip()[-500:]}")
    return RunResult(float(match.group(1)), usage.ru_maxrss)  # ru_maxrss is in KiB on Linux


class Timing:
    """All runs of one variant: per-run medians, largest RSS, first error if any."""

    def __init__(self):
        self.times_ms, self.max_rss_kib, self.error = [], None, None

    @property
    def median_ms(self):
        return median(self.times_ms) if self.times_ms else None

    def add(self, result):
        if result.error:
            self.error = result.error
            return
        self.times_ms.append(result.median_ms)
        self.max_rss_kib = max(self.max_rss_kib or 0, result.max_rss_kib)


def timing_json(timing):
    """A Timing's numbers for a JSON result (None: never run)."""
    return {
        "run_error": timing.error if timing else None,
        "median_ms": timing.median_ms if timing else None,
        "times_ms": timing.times_ms if timing else [],
        "peak_rss_kib": timing.max_rss_kib if timing else None,
    }


def time_round_robin(commands, rounds, repeat, log=sys.stderr):
    """Runs every command once per round, in turns, so that machine noise (other processes,
    clock changes) hits all of them alike. Returns one Timing per command; a command that fails
    once is not run again."""
    timings = [Timing() for _ in commands]
    for round_index in range(rounds):
        print(f"round {round_index + 1}/{rounds}", file=log, flush=True)
        for command, timing in zip(commands, timings):
            if timing.error is None:
                timing.add(run_timed(command, repeat))
    return timings
