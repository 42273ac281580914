// `tessel calibrate [--target BOARD | --target-file F] [-o profile.yaml]`:
// measures a board's latency figures (target/latency_profile.h). It generates
// the probe networks (search/calibration_probes.h) under several schedules,
// builds them into one timing program with the board's compiler, runs it
// (through --runner for another machine), fits the figures to the times
// (search/calibration_fit.h) and writes the board profile with its
// `latency:` section. docs/latency-model.md explains the model. The work is
// calibrateTarget() (pipeline/calibrate.h); this file reads the options and
// prints.
#include "driver/options.h"
#include "pipeline/calibrate.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace cl = llvm::cl;

namespace tessel::driver {

static cl::opt<std::string>
    TargetName("target", cl::init(kDefaultTargetName), cl::value_desc("board"),
               cl::desc("Board profile from targets/ to calibrate (default: host)"),
               cl::sub(calibrateCommand()));
static cl::opt<std::string> TargetFile("target-file", cl::value_desc("profile.yaml"),
                                       cl::desc("Calibrate the board profile in this file"),
                                       cl::sub(calibrateCommand()));
static cl::opt<std::string>
    OutputFile("o", cl::value_desc("profile.yaml"),
               cl::desc("Where to write the calibrated profile (default: <board>-calibrated.yaml)"),
               cl::sub(calibrateCommand()));
static cl::opt<std::string> Compiler(
    "cxx", cl::value_desc("compiler"),
    cl::desc("C++ compiler for boards without a toolchain in their profile (default: c++)"),
    cl::sub(calibrateCommand()));
static cl::opt<std::string> CompilerFlags(
    "cxx-flags", cl::init("-O3"), cl::value_desc("flags"),
    cl::desc("Optimization flags: those you build the generated code with, e.g. \"-O3 "
             "-march=native\" (default: -O3)"),
    cl::sub(calibrateCommand()));
static cl::opt<std::string>
    Runner("runner", cl::value_desc("command prefix"),
           cl::desc("Runs the timing program, e.g. \"qemu-aarch64 -L /usr/aarch64-linux-gnu\" or a "
                    "script that copies it to the board (default: run it here)"),
           cl::sub(calibrateCommand()));
static cl::opt<bool> Quick("quick",
                           cl::desc("Fewer probes and shorter samples: a first look, for tests"),
                           cl::sub(calibrateCommand()));
static cl::opt<std::string>
    KeepDirectory("keep", cl::value_desc("dir"),
                  cl::desc("Build the timing program in this folder and keep it"),
                  cl::sub(calibrateCommand()));

namespace {

CalibrateOptions calibrateOptions() {
  CalibrateOptions options;
  if (TargetName.getNumOccurrences() > 0)
    options.targetName = TargetName;
  options.targetFile = TargetFile;
  options.outputFile = OutputFile;
  options.compiler = Compiler;
  options.compilerFlags = CompilerFlags;
  options.runner = Runner;
  options.quick = Quick;
  options.keepDirectory = KeepDirectory;
  options.onProgress = [](const std::string &step) {
    llvm::errs() << "tessel calibrate: " << step << "\n";
  };
  return options;
}

// The measured against predicted times, and their mean error.
void printFitTable(const Calibration &calibration) {
  llvm::outs() << fmt::format("{:<34} {:>12} {:>12} {:>8}\n", "probe", "measured us",
                              "predicted us", "error");
  for (const ProbeTime &time : calibration.probes)
    llvm::outs() << fmt::format("{:<34} {:>12.2f} {:>12.2f} {:>7.1f}%\n", time.probe,
                                time.measuredSeconds * 1e6, time.predictedSeconds * 1e6,
                                (time.predictedSeconds - time.measuredSeconds) /
                                    time.measuredSeconds * 100);
  llvm::outs() << fmt::format("mean absolute relative error: {:.1f}% over {} probes\n",
                              calibration.meanRelativeError * 100, calibration.probes.size());
  if (calibration.forkJoinThreads > 0)
    llvm::outs() << fmt::format("a fork and join on {} threads: {:.2f} us; the threads side by "
                                "side run at {:.2f} of one thread's speed\n",
                                calibration.forkJoinThreads,
                                calibration.profile.latency.nsPerForkJoin * 1e-3,
                                calibration.profile.latency.parallelEfficiency);
}

} // namespace

int runCalibrateCommand() {
  llvm::Expected<Calibration> calibration = calibrateTarget(calibrateOptions());
  if (!calibration)
    return reportFailure(calibration.takeError());
  printFitTable(*calibration);
  if (llvm::Error error = writeCalibration(*calibration))
    return reportFailure(std::move(error));
  llvm::outs() << formatLatencyProfile(calibration->profile.latency);
  llvm::outs() << fmt::format("wrote {}\n", calibration->outputFile);
  return kExitOk;
}

} // namespace tessel::driver
