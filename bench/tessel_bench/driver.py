"""Runs the `tessel` binary: builds it if needed, compiles variants, reads `tessel info`."""

import filecmp
import os
import re
import shutil
import subprocess

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class BenchError(Exception):
    """A step the benchmark cannot continue without failed (message says which and why)."""


def default_build_dir():
    return os.environ.get("TESSEL_BUILD_DIR", os.path.join(REPO_ROOT, "build"))


def run_checked(command, what, cwd=None):
    """Runs `command`; returns its stdout, or raises BenchError with the output's tail."""
    try:
        proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    except OSError as error:
        raise BenchError(f"{what}: cannot run {command[0]}: {error.strerror}") from error
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
        raise BenchError(f"{what} failed (exit {proc.returncode}): {' '.join(command)}\n{tail}")
    return proc.stdout


def ensure_tessel(build_dir, jobs):
    """Configures (first time only) and builds the `tessel` target; returns the binary's path."""
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        run_checked(["cmake", "-S", REPO_ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"],
                    "configuring tessel")
    run_checked(["cmake", "--build", build_dir, "-j", str(jobs), "--target", "tessel"],
                "building tessel")
    return os.path.join(build_dir, "tessel")


def supports_compile_option(tessel, option):
    """True when `tessel compile --help` lists `option` (e.g. "--threads")."""
    help_text = run_checked([tessel, "compile", "--help"], "tessel compile --help")
    return re.search(r"^\s*" + re.escape(option) + r"\b", help_text, re.MULTILINE) is not None


def network_args(network, input_size=None, schedule=None):
    """`schedule` None lets `tessel compile` search; "" runs every layer whole."""
    args = [network]
    if input_size:
        args += ["--input-size", input_size]
    if schedule is not None:
        args += ["--schedule", schedule]
    return args


class CompileResult:
    """Outcome of one `tessel compile`: ok, or the compiler's message when it refused."""

    def __init__(self, ok, message="", exit_code=0):
        self.ok, self.message, self.exit_code = ok, message, exit_code


def compile_network(tessel, out_dir, network, input_size=None, schedule=None, budget=None,
                    threads=None, target_file=None, search_grid=None, primitives=None,
                    extra_flags=()):
    """`tessel compile` into out_dir, leaving out_dir untouched when the output is unchanged.
    `extra_flags` go on the command line as given (e.g. ["--no-branch-groups"]).

    The compiler rewrites every file, which would make cmake rebuild everything; compiling into
    a staging folder first and keeping the old folder when both are identical lets the build be
    reused."""
    staging = out_dir + ".new"
    shutil.rmtree(staging, ignore_errors=True)
    command = [tessel, "compile", *network_args(network, input_size, schedule), "-o", staging]
    if budget is not None:
        command += ["--budget", str(budget)]
    if threads is not None:
        command += ["--threads", str(threads)]
    if target_file is not None:
        command += ["--target-file", target_file]
    if search_grid is not None and schedule is None:
        command += ["--max-grid", str(search_grid)]
    if primitives is not None and schedule is None:
        command += ["--primitives", primitives]
    command += [*extra_flags, "--quiet"]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        message = (proc.stderr.strip() or proc.stdout.strip()).replace("tessel: error: ", "")
        return CompileResult(False, message, proc.returncode)
    if os.path.isdir(out_dir) and same_tree(staging, out_dir):
        shutil.rmtree(staging)
    else:
        shutil.rmtree(out_dir, ignore_errors=True)
        os.rename(staging, out_dir)
    return CompileResult(True)


# `tessel compile --budget B` when no schedule fits: "no schedule fits the budget of ... bytes
# (...): the smallest tessel reaches is an arena of N bytes (...), with the schedule 'S' (...)".
_SMALLEST = re.compile(r"smallest tessel reaches is an arena of (\d+) bytes.*?"
                       r"with the schedule '([^']*)'", re.DOTALL)


def parse_smallest_arena(message):
    """(arena bytes, schedule) of the smallest arena a refused budget's message names, else
    (None, None)."""
    found = _SMALLEST.search(message or "")
    return (int(found.group(1)), found.group(2)) if found else (None, None)


def same_tree(a, b):
    """True when folders a and b hold the same files with the same bytes."""

    def files(root):
        return sorted(os.path.relpath(os.path.join(folder, name), root)
                      for folder, _, names in os.walk(root) for name in names)

    names = files(a)
    return names == files(b) and all(
        filecmp.cmp(os.path.join(a, n), os.path.join(b, n), shallow=False) for n in names)


# `tessel info` prints one table row per layer ("  3  pool3  maxpool  64x40x40  409600 ...",
# the MACs right after the output shape), then "total: X GMAC" and
# "executed: Y GMAC (+Z% over layer by layer)" for the schedule.
_LAYER_ROW = re.compile(r"^\s*(?:\d+|in)\s+\S+\s+\S+\s+\d+(?:x\d+)*\s+(\d+)\s", re.MULTILINE)
_TOTAL = re.compile(r"^total:\s*([0-9.]+)\s*GMAC", re.MULTILINE)
_EXECUTED = re.compile(r"^executed:\s*([0-9.]+)\s*GMAC(?:\s*\(([-+]?[0-9.]+)%)?", re.MULTILINE)


def parse_info_macs(text):
    """MACs executed under the schedule `tessel info` printed, or None if it cannot tell.

    The per-layer column is exact; the percentage of extra work (halos) scales it. Falls back to
    the rounded GMAC figures when the table does not add up to the printed total."""
    executed = _EXECUTED.search(text)
    total = _TOTAL.search(text)
    layer_macs = sum(int(m) for m in _LAYER_ROW.findall(text))
    if total and layer_macs and abs(layer_macs / 1e9 - float(total.group(1))) <= 0.0015:
        if executed and executed.group(2) is not None:
            return round(layer_macs * (1 + float(executed.group(2)) / 100))
        if not executed:
            return layer_macs
    if executed:
        return round(float(executed.group(1)) * 1e9)
    if total:
        return round(float(total.group(1)) * 1e9)
    return None


def info_macs(tessel, network, input_size=None, schedule=None):
    """MACs executed by `network` under `schedule`, from `tessel info` (None if unparsable)."""
    text = run_checked([tessel, "info", *network_args(network, input_size, schedule)],
                       "tessel info")
    return parse_info_macs(text)
