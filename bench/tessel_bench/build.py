"""Builds generated folders with cmake, all the same way, reusing builds that are up to date."""

import glob
import json
import os
import shutil

from .driver import BenchError, run_checked


class BuildConfig:
    """How every variant is made: -O3, optionally -march=native, optionally another compiler,
    and the target profile `tessel compile` predicts latency with (--target-file)."""

    def __init__(self, native=False, cxx=None, jobs=2, target_file=None, search_grid=None):
        self.native, self.cxx, self.jobs = native, cxx, jobs
        self.target_file, self.search_grid = target_file, search_grid

    @property
    def cxx_flags(self):
        return "-O3 -march=native" if self.native else "-O3"

    def describe(self):
        return {"cxx": self.cxx or "cmake default", "cxx_flags": self.cxx_flags,
                "target_file": self.target_file, "search_grid": self.search_grid}


def build_generated(generated_dir, build_dir, config):
    """cmake configure + build of a generated folder; returns the path of its demo program.

    A build folder remembers the compiler and flags it was made with; a different configuration
    starts it afresh (cmake cannot switch compilers in place). Otherwise make rebuilds only what
    changed, i.e. nothing when the generated folder was left untouched."""
    stamp_path = os.path.join(build_dir, "tessel-bench-build.json")
    stamp = config.describe()
    try:
        with open(stamp_path) as f:
            if json.load(f) != stamp:
                shutil.rmtree(build_dir)
    except (OSError, ValueError):
        shutil.rmtree(build_dir, ignore_errors=True)
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        # The generated CMakeLists.txt builds host code for this machine's CPU unless told not
        # to: the flags here decide, so that --no-native measures the baseline build.
        command = ["cmake", "-S", generated_dir, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                   f"-DCMAKE_CXX_FLAGS={config.cxx_flags}",
                   f"-DTESSEL_NATIVE={'ON' if config.native else 'OFF'}"]
        if config.cxx:
            command.append(f"-DCMAKE_CXX_COMPILER={config.cxx}")
        run_checked(command, f"configuring {generated_dir}")
        with open(stamp_path, "w") as f:
            json.dump(stamp, f)
    run_checked(["cmake", "--build", build_dir, "-j", str(config.jobs)],
                f"building {generated_dir}")
    demos = [path for path in glob.glob(os.path.join(build_dir, "*_demo"))
             if os.access(path, os.X_OK)]
    if len(demos) != 1:
        raise BenchError(f"expected one *_demo program in {build_dir}, found {len(demos)}")
    return installed_copy(demos[0])


def installed_copy(program):
    """The program copied to <its folder>/installed/, as an install would; the copy is timed.

    The linker writes its output in small pieces, and on Linux 6.x the page cache keeps such a
    file in 4 KiB folios, where a copy written in large blocks (or a file read back from disk)
    gets large folios. Weights embedded in the program are read through those pages: on the
    development machine, vgg16's 411 MB fc6 layer ran at 1 GB/s from the freshly linked program
    and at 13-20 GB/s from a copy (docs/kernels.md). Users run installed programs."""
    folder = os.path.join(os.path.dirname(program), "installed")
    copy = os.path.join(folder, os.path.basename(program))
    if not (os.path.exists(copy) and os.path.getmtime(copy) >= os.path.getmtime(program)):
        os.makedirs(folder, exist_ok=True)
        temporary = copy + ".part"
        shutil.copy2(program, temporary)
        os.replace(temporary, copy)
    return copy
