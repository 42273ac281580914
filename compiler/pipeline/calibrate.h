// `tessel calibrate` as library calls: time the calibration probes on a
// board (timing_program.h), fit its latency figures
// (search/calibration_fit.h), and write the board profile with them
// (target/profile_writer.h). docs/latency-model.md explains the model.
// Failures carry their FailureKind (pipeline_error.h).
#pragma once

#include "target/profile_writer.h"
#include "target/target_profile.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tessel {

struct CalibrateOptions {
  std::optional<std::string> targetName; // none: kDefaultTargetName unless targetFile is given
  std::string targetFile;                // a profile file instead of a shipped one
  std::string outputFile;                // "": <board>-calibrated.yaml
  std::string compiler;                  // "": c++, for boards without a toolchain file
  std::string compilerFlags = "-O3";
  std::string runner;        // command prefix that runs the timing program; "": here
  bool quick = false;        // fewer probes and shorter samples
  std::string keepDirectory; // build here and keep it; "": a temporary folder
  std::function<void(const std::string &)> onProgress; // each step as it starts
};

struct ProbeTime {
  std::string probe;
  double measuredSeconds = 0;
  double predictedSeconds = 0; // by the fitted figures
};

struct Calibration {
  TargetProfile profile; // the board's, with the fitted latency figures
  ProfileSpelling spelling;
  std::vector<ProbeTime> probes;
  double meanRelativeError = 0; // of the predicted times, absolute
  // The threads the fork and join (fork_join_ns) and their speed side by
  // side (parallel_efficiency) were timed on; 0: not timed.
  int forkJoinThreads = 0;
  std::string outputFile; // where writeCalibration() writes the profile
};

llvm::Expected<Calibration> calibrateTarget(const CalibrateOptions &options);

// Writes the calibrated profile to calibration.outputFile, once it reads back.
llvm::Error writeCalibration(const Calibration &calibration);

} // namespace tessel
