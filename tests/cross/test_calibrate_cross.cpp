// `tessel calibrate` for a cross board: the timing program is cross-built
// with the profile's toolchain file and run through --runner (qemu-user
// here; ssh on a real board). The times are the emulator's, so only the
// result's form is checked: a profile for the board that compile accepts.
#include "cross_support.h"

#include "target/target_profile.h"

#include <doctest/doctest.h>

#include <cmath>

TEST_CASE("calibrate --target rpi4 through qemu writes an rpi4 profile") {
  const cross::LinuxToolchain &toolchain = cross::aarch64Gcc();
  cross::requireTools(toolchain.tools);
  const std::string work = e2e::freshWorkDir("calibrate-rpi4");
  const std::string profilePath = work + "/rpi4-calibrated.yaml";
  const std::string runner = toolchain.qemu + " -L " + toolchain.crossRoot;
  const std::string output =
      cross::require(std::string(TESSEL_EXECUTABLE) + " calibrate --quick --target rpi4 --runner " +
                         e2e::quote(runner) + " -o " + e2e::quote(profilePath),
                     "calibrate for rpi4");
  CHECK(output.find("mean absolute relative error") != std::string::npos);

  llvm::Expected<tessel::TargetProfile> profile = tessel::loadTargetProfileFile(profilePath);
  REQUIRE_MESSAGE(bool(profile), llvm::toString(profile.takeError()));
  CHECK(profile->triple.getArch() == llvm::Triple::aarch64);
  CHECK(profile->cpu == "cortex-a72");
  REQUIRE(profile->toolchain.has_value());
  CHECK(profile->toolchain->file == "cmake/toolchains/rpi64.cmake");
  CHECK(profile->latency.calibrated);
  CHECK(profile->latency.source.find("aarch64") != std::string::npos);
  CHECK(profile->latency.source.find("qemu-aarch64") != std::string::npos);
  for (const tessel::KernelCost &cost : profile->latency.kernels)
    for (double figure : {cost.nsPerWork, cost.nsPerPixel, cost.nsPerRow, cost.nsPerCall}) {
      CHECK(std::isfinite(figure));
      CHECK(figure >= 0);
    }
  cross::require(std::string(TESSEL_EXECUTABLE) + " compile --quiet " +
                     e2e::quote(e2e::networkPath("tiny-chain.yaml")) + " -o " +
                     e2e::quote(work + "/gen") + " --target-file " + e2e::quote(profilePath),
                 "compile with the calibrated profile");
}
