#!/usr/bin/env python3
"""Static throughput of the hot micro-kernel loops on the Raspberry Pi cores, with llvm-mca.

Compiles yolov2-16 and mobilenet-v2 with tessel, cuts one call of each hot micro-kernel (conv
3x3, conv 1x1, depthwise 3x3) out of the generated code into a translation unit of its own,
cross-compiles it to assembly with GCC 12 and Clang 14 for each Pi core, finds the innermost
loop with the most multiply-adds and runs llvm-mca on it. Prints, per kernel, toolchain and
core: instructions, multiply-adds and cycles per iteration, the fraction of the model's FMA
bound, loads per multiply-add and stores per iteration (a store in a multiply-add loop is an
accumulator spilled to the stack), and writes JSON.

  bench/mca.py [--input-size HxW] [--only gcc|clang] [--json PATH]

Needs aarch64-linux-gnu-g++-12, arm-linux-gnueabihf-g++-12, clang++-14, llvm-mca-14 and, for the
Cortex-A76 stand-in, llvm-mca-16 (Debian: llvm-16); nothing is run on a board.
"""

import argparse
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__ folders

from tessel_bench import cli, driver, output  # noqa: E402
from tessel_bench.asm_loops import hot_loop  # noqa: E402
from tessel_bench.kernel_unit import HOT_KERNELS, first_call, kernel_calls  # noqa: E402
from tessel_bench.llvm_mca import Model  # noqa: E402

NETWORKS = ["yolov2-16", "mobilenet-v2"]

# llvm-mca 14's cortex-a76 is its Cortex-A57 model; LLVM 16's neoverse-n2 (two 128-bit FMA
# pipes, like the A76) stands in for the Pi 5's core when llvm-mca-16 is installed.
A76_STAND_IN = Model("llvm-mca-16", "aarch64-linux-gnu", "neoverse-n2")
A76_FALLBACK = Model("llvm-mca-14", "aarch64-linux-gnu", "cortex-a76")

AARCH64 = {"gcc": ["aarch64-linux-gnu-g++-12"],
           "clang": ["clang++-14", "--target=aarch64-linux-gnu"]}
ARMV7 = {"gcc": ["arm-linux-gnueabihf-g++-12"],
         "clang": ["clang++-14", "--target=armv7a-linux-gnueabihf"]}
ARMV7_FLAGS = ["-mfpu=neon-fp-armv8", "-mfloat-abi=hard"]


class Toolchain:
    """A compiler command for one core and the llvm-mca model that times it."""

    def __init__(self, compiler, isa, cpu, command, model):
        self.compiler, self.isa, self.cpu = compiler, isa, cpu
        self.command, self.model = command, model

    @property
    def name(self):
        return f"{self.compiler} {self.isa}"


def toolchains(compilers):
    a76 = A76_STAND_IN if A76_STAND_IN.available else A76_FALLBACK
    result = []
    for compiler in compilers:
        for cpu, model in [("cortex-a53", Model("llvm-mca-14", "aarch64-linux-gnu", "cortex-a53")),
                           ("cortex-a72", Model("llvm-mca-14", "aarch64-linux-gnu", "cortex-a72")),
                           ("cortex-a76", a76)]:
            result.append(Toolchain(compiler, "aarch64", cpu,
                                    AARCH64[compiler] + [f"-mcpu={cpu}"], model))
        result.append(Toolchain(compiler, "armv7", "cortex-a72",
                                ARMV7[compiler] + ["-mcpu=cortex-a72"] + ARMV7_FLAGS,
                                Model("llvm-mca-14", "armv7a-linux-gnueabihf", "cortex-a72")))
    return result


# How generated code is built (codegen_templates/CMakeLists.txt.in), for assembly.
UNIT_FLAGS = ["-std=c++17", "-O3", "-DNDEBUG", "-fno-exceptions", "-fno-rtti",
              "-ffp-contract=off", "-S"]


def compile_units(tessel, work_dir, input_size):
    """Compiles each network; returns [(kernel label, unit source path, runtime include dir)]."""
    units = []
    for network in NETWORKS:
        gen = os.path.join(work_dir, network, "gen")
        path = os.path.join(driver.REPO_ROOT, "networks", network + ".yaml")
        result = driver.compile_network(tessel, gen, path, input_size=input_size, schedule="")
        if not result.ok:
            raise driver.BenchError(f"tessel compile {network}: {result.message}")
        source_name = network.replace("-", "_") + ".cpp"
        with open(os.path.join(gen, source_name)) as f:
            calls = kernel_calls(f.read())
        for kind in HOT_KERNELS:
            call = first_call(calls, kind)
            if call is None:
                continue
            label = (f"{kind} {network} {call.field('inChannels')}->"
                     f"{call.field('outChannels')}")
            unit = os.path.join(work_dir, network, f"{kind}.cpp")
            with open(unit, "w") as f:
                f.write(call.unit_source())
            units.append((label, unit, os.path.join(gen, "runtime")))
    return units


def measure(unit, include_dir, toolchain, bounds):
    """Assembles `unit` with `toolchain` and times its hot loop; a dict of the figures."""
    asm_path = os.path.splitext(unit)[0] + f".{toolchain.compiler}-{toolchain.isa}-" \
                                           f"{toolchain.cpu}.s"
    command = toolchain.command + UNIT_FLAGS + ["-I", include_dir, unit, "-o", asm_path]
    driver.run_checked(command, f"compiling {os.path.basename(unit)} for {toolchain.cpu}")
    with open(asm_path) as f:
        loop = hot_loop(f.read())
    if loop is None:
        raise driver.BenchError(f"no multiply-add loop in {asm_path}")
    model = toolchain.model
    if model.describe() not in bounds:
        bounds[model.describe()] = round(model.fma_per_cycle() * 4) / 4
    fma_per_cycle = bounds[model.describe()]
    instructions, cycles = model.run(loop.mca_input())
    return {"assembly": asm_path, "compile": " ".join(command), "mca": model.describe(),
            "instructions": instructions, "fma": loop.fmas, "cycles": cycles,
            "fma_per_cycle_bound": fma_per_cycle,
            "percent_of_fma_bound": 100 * loop.fmas / fma_per_cycle / cycles,
            "loads": loop.loads, "stores": loop.stores,
            "loads_per_fma": loop.loads / loop.fmas}


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    build_dir = driver.default_build_dir()
    p.add_argument("--input-size", default="64x64",
                   help="input size of both networks: the loops do not depend on it "
                        "(default %(default)s)")
    p.add_argument("--only", choices=["gcc", "clang"], help="one compiler instead of both")
    p.add_argument("--json", default=os.path.join(build_dir, "bench", "mca.json"),
                   help="output JSON file (default %(default)s)")
    p.add_argument("--build-dir", default=build_dir, help="tessel's build folder; the units go "
                                                          "to BUILD_DIR/bench/mca")
    p.add_argument("--tessel", help="use this tessel binary instead of building BUILD_DIR/tessel")
    p.add_argument("--jobs", type=int, default=2, help="jobs for building tessel")
    p.add_argument("--runtime-include",
                   help="compile the units against this folder of runtime headers (holding "
                        "tessel/) instead of the generated folder's copy, e.g. an older tree's "
                        "runtime/include to compare kernels")
    args = p.parse_args()

    chains = toolchains([args.only] if args.only else ["gcc", "clang"])
    missing = sorted({t.command[0] for t in chains if not shutil.which(t.command[0])} |
                     {t.model.mca for t in chains if not t.model.available})
    if missing:
        raise driver.BenchError(f"not installed: {', '.join(missing)}")
    if not A76_STAND_IN.available:
        print(f"note: {A76_STAND_IN.mca} is not installed (Debian: llvm-16); the cortex-a76 "
              f"column uses {A76_FALLBACK.describe()}, which is llvm-mca 14's Cortex-A57 model",
              file=sys.stderr)

    tessel = args.tessel or driver.ensure_tessel(args.build_dir, args.jobs)
    work_dir = os.path.join(args.build_dir, "bench", "mca")
    units = compile_units(tessel, work_dir, args.input_size)

    rows, results, bounds = [], [], {}
    for label, unit, include_dir in units:
        include_dir = args.runtime_include or include_dir
        for chain in chains:
            figures = measure(unit, include_dir, chain, bounds)
            model = f"{chain.model.mca.replace('llvm-mca-', 'mca')} {chain.model.cpu}"
            rows.append([label, chain.name, chain.cpu, model,
                         output.number(figures["instructions"], 0), figures["fma"],
                         output.number(figures["cycles"], 1),
                         output.number(figures["percent_of_fma_bound"], 0),
                         output.number(figures["loads_per_fma"], 2), figures["stores"]])
            results.append({"kernel": label, "compiler": chain.compiler, "isa": chain.isa,
                            "cpu": chain.cpu, **figures})
    print(output.format_table(["kernel", "toolchain", "cpu", "model", "instr/iter", "FMA/iter",
                               "cycles/iter", "% FMA bound", "loads/FMA", "stores/iter"], rows))
    print("FMA bound (q-register multiply-adds per cycle, measured on each model): " +
          ", ".join(f"{name}: {value:g}" for name, value in bounds.items()))
    output.write_json(args.json, {"input_size": args.input_size, "fma_bounds": bounds,
                                  "runtime_include": args.runtime_include,
                                  "compilers": {c: _version(c) for c in
                                                sorted({t.command[0] for t in chains})},
                                  "results": results})
    return 0


def _version(program):
    proc = subprocess.run([program, "--version"], capture_output=True, text=True)
    return proc.stdout.splitlines()[0] if proc.returncode == 0 and proc.stdout else None


if __name__ == "__main__":
    sys.exit(cli.run_main(main))
