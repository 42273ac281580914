// The program `tessel calibrate` times: every calibration probe
// (search/calibration_probes.h) generated under each of its schedules, one
// C++ project that builds them with the board's compiler into one program,
// and that program's run, which prints each probe's time.
#pragma once

#include "codegen/build_flags.h"
#include "codegen/file_writer.h"
#include "ir/network.h"
#include "schedule/execution_plan.h"
#include "search/calibration_fit.h"
#include "target/target_profile.h"

#include "llvm/Support/Error.h"

#include <map>
#include <string>
#include <vector>

namespace tessel {

struct ProbeVariant {
  std::string symbol; // the generated code's name: "conv3x3_c4_tile8x8"
  Network net;        // normalized
  ExecutionPlan plan;
  PlanFeatures features{};
};

// How to build and run the program.
struct TimingSettings {
  bool quick = false;        // fewer probes, shorter samples
  std::string cmake;         // the cmake program
  std::string compiler;      // for boards without a toolchain file
  std::string compilerFlags; // CMAKE_CXX_FLAGS_RELEASE
  std::string runner;        // command prefix that runs the program; "": here
  bool kept = false;         // the work folder stays (messages point to its logs)
};

// Generates every probe under every schedule into `files` (one folder per
// variant under probes/), each built with `flags` as `tessel compile` would
// build it; the descriptions go to <work>/descriptions.
llvm::Expected<std::vector<ProbeVariant>> generateProbes(const std::string &work, bool quick,
                                                         const BuildFlags &flags,
                                                         std::vector<GeneratedFile> &files);

// The timing program (codegen_templates/calibrate_main.cpp.in) and the
// CMakeLists.txt that builds it with every probe's library. With
// `forkJoinThreads` above 1 it also times a fork and join of the runtime's
// thread pool on that many threads.
llvm::Error addTimingProgram(const std::vector<ProbeVariant> &variants, int forkJoinThreads,
                             std::vector<GeneratedFile> &files);

// Configures and builds <work>/build; returns the program's path.
llvm::Expected<std::string> buildTimingProgram(const std::string &work, const TargetProfile &target,
                                               const TimingSettings &settings);

struct Timings {
  std::string compilerVersion;
  std::map<std::string, double> seconds; // per probe variant
  int forkJoinThreads = 0;               // 0: not measured
  double forkJoinSeconds = 0;            // what a fork and join adds to parts on the threads
  double parallelEfficiency = 1;         // the threads' speed side by side against one alone
};

llvm::Expected<Timings> runTimingProgram(const std::string &work, const std::string &program,
                                         size_t probeCount, const TimingSettings &settings);

} // namespace tessel
