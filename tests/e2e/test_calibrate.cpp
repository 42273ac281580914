// `tessel calibrate`: a quick calibration on this machine builds and times
// the probes and writes a profile that `tessel compile --target-file` takes,
// with finite, non-negative figures for every kernel class; tool failures
// are reported with their cause and write nothing. No time is asserted.
#include "e2e_support.h"

#include "target/target_profile.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

e2e::CommandResult runTessel(const std::string &args) {
  return e2e::runCommand(std::string(TESSEL_EXECUTABLE) + " " + args);
}

std::string readText(const std::string &path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("a quick calibration writes a profile that compile accepts") {
  const std::string work = e2e::freshWorkDir("calibrate-quick");
  const std::string profilePath = work + "/host-calibrated.yaml";
  e2e::CommandResult result = runTessel("calibrate --quick --cxx " + e2e::quote(E2E_CXX_COMPILER) +
                                        " -o " + e2e::quote(profilePath));
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  CHECK(result.output.find("conv3x3_c4_layers") != std::string::npos);
  CHECK(result.output.find("mean absolute relative error") != std::string::npos);
  // The fork and join of the thread pool is timed, not taken from the base
  // profile (whose 4000 ns no measurement gives exactly).
  CHECK(result.output.find("a fork and join on ") != std::string::npos);

  // The host profile's `native` entries stay `native`, and its fields stay.
  const std::string text = readText(profilePath);
  CHECK(text.find("\ntriple: native\n") != std::string::npos);
  CHECK(text.find("\ncores: native\n") != std::string::npos);
  CHECK(text.find("\nthreads: 1\n") != std::string::npos); // the host's own thread count

  llvm::Expected<tessel::TargetProfile> profile = tessel::loadTargetProfileFile(profilePath);
  REQUIRE_MESSAGE(bool(profile), llvm::toString(profile.takeError()));
  CHECK(profile->latency.calibrated);
  CHECK(profile->latency.source.rfind("calibrated ", 0) == 0);
  CHECK(profile->latency.source.find(" -O3") != std::string::npos);
  CHECK(std::isfinite(profile->latency.nsPerForkJoin));
  CHECK(profile->latency.nsPerForkJoin >= 0);
  CHECK(profile->latency.nsPerForkJoin != tessel::LatencyProfile{}.nsPerForkJoin);
  CHECK(profile->latency.parallelEfficiency > 0);
  CHECK(profile->latency.parallelEfficiency <= 1);
  for (int kind = 0; kind < tessel::kKernelClassCount; ++kind) {
    const tessel::KernelCost &cost = profile->latency.kernels[size_t(kind)];
    INFO(tessel::kernelClassName(tessel::KernelClass(kind)));
    for (double figure : {cost.nsPerWork, cost.nsPerPixel, cost.nsPerRow, cost.nsPerCall}) {
      CHECK(std::isfinite(figure));
      CHECK(figure >= 0);
    }
    // Every class was measured, so none is free.
    CHECK(cost.nsPerWork + cost.nsPerPixel + cost.nsPerRow + cost.nsPerCall > 0);
  }

  e2e::CommandResult compiled =
      runTessel("compile --quiet " + e2e::quote(e2e::networkPath("tiny-chain.yaml")) + " -o " +
                e2e::quote(work + "/gen") + " --target-file " + e2e::quote(profilePath));
  INFO(compiled.output);
  CHECK(compiled.exitCode == 0);
  CHECK(fs::exists(work + "/gen/tiny_chain.cpp"));
}

TEST_CASE("calibrate reports a missing compiler, a failed build and a board without an OS") {
  const std::string work = e2e::freshWorkDir("calibrate-errors");
  const std::string out = work + "/profile.yaml";

  e2e::CommandResult missing =
      runTessel("calibrate --quick --cxx no-such-compiler-x -o " + e2e::quote(out));
  INFO(missing.output);
  CHECK(missing.exitCode == 2);
  CHECK(missing.output.find("cannot find the C++ compiler 'no-such-compiler-x'") !=
        std::string::npos);

  e2e::CommandResult firmware =
      runTessel("calibrate --quick --target cortex-m33 -o " + e2e::quote(out));
  INFO(firmware.output);
  CHECK(firmware.exitCode == 2);
  CHECK(firmware.output.find("no operating system") != std::string::npos);

  // The flag breaks every compile: the message shows the compiler's own words.
  e2e::CommandResult broken =
      runTessel("calibrate --quick --cxx " + e2e::quote(E2E_CXX_COMPILER) +
                " --cxx-flags -fno-such-flag-for-calibration -o " + e2e::quote(out));
  INFO(broken.output);
  CHECK(broken.exitCode == 3);
  CHECK(broken.output.find("building the timing program failed") != std::string::npos);
  CHECK(broken.output.find("no-such-flag-for-calibration") != std::string::npos);

  CHECK_FALSE(fs::exists(out));
}
