// The profile writer (target/profile_writer.h): a written profile reads back
// equal to the one written, with the fields spelled as the original wrote them.
#include "support/embedded_files.h"
#include "target/profile_writer.h"
#include "target/target_profile.h"

#include <doctest/doctest.h>

#include <string>

using tessel::TargetProfile;

namespace {

void checkSameKernelCosts(const tessel::LatencyProfile &a, const tessel::LatencyProfile &b) {
  for (size_t i = 0; i < a.kernels.size(); ++i) {
    CAPTURE(i);
    CHECK(a.kernels[i].nsPerWork == doctest::Approx(b.kernels[i].nsPerWork).epsilon(1e-5));
    CHECK(a.kernels[i].nsPerPixel == doctest::Approx(b.kernels[i].nsPerPixel).epsilon(1e-5));
    CHECK(a.kernels[i].nsPerRow == doctest::Approx(b.kernels[i].nsPerRow).epsilon(1e-5));
    CHECK(a.kernels[i].nsPerCall == doctest::Approx(b.kernels[i].nsPerCall).epsilon(1e-5));
  }
  CHECK(a.nsPerForkJoin == doctest::Approx(b.nsPerForkJoin).epsilon(1e-5));
  CHECK(a.parallelEfficiency == doctest::Approx(b.parallelEfficiency).epsilon(1e-5));
  CHECK(a.source == b.source);
}

void checkSameProfile(const TargetProfile &a, const TargetProfile &b) {
  CHECK(a.name == b.name);
  CHECK(a.description == b.description);
  CHECK(a.triple == b.triple);
  CHECK(a.cpu == b.cpu);
  CHECK(a.fpu == b.fpu);
  CHECK(a.cores == b.cores);
  CHECK(a.threads == b.threads);
  CHECK(a.vectorBits == b.vectorBits);
  CHECK(a.fp32Fma == b.fp32Fma);
  CHECK(a.budgetCounts == b.budgetCounts);
  CHECK(a.defaultBudget == b.defaultBudget);
  CHECK(a.gflopsPerCore == b.gflopsPerCore);
  CHECK(a.toolchain.has_value() == b.toolchain.has_value());
  if (a.toolchain && b.toolchain) {
    CHECK(a.toolchain->file == b.toolchain->file);
    CHECK(a.toolchain->variables == b.toolchain->variables);
  }
  checkSameKernelCosts(a.latency, b.latency);
}

TargetProfile parsed(const std::string &text, const std::string &name) {
  llvm::Expected<TargetProfile> profile = tessel::parseTargetProfile(text, name + ".yaml", name);
  REQUIRE_MESSAGE(bool(profile), llvm::toString(profile.takeError()));
  return *profile;
}

} // namespace

TEST_CASE("a written profile reads back equal") {
  const std::string text = "description: a \"quoted\" board\n"
                           "triple: native\n"
                           "cpu: cortex-a72\n"
                           "fpu: neon-fp-armv8\n"
                           "cores: native\n"
                           "threads: 2\n"
                           "vector_bits: 128\n"
                           "fp32_fma: true\n"
                           "budget_counts: [arena, weights]\n"
                           "default_budget: 1GiB\n"
                           "gflops_per_core: 4.0\n"
                           "toolchain: {file: cmake/toolchains/rpi64.cmake, variables: "
                           "{TESSEL_RPI_MODEL: pi4}}\n";
  TargetProfile profile = parsed(text, "board");
  profile.latency.source = "calibrated on a test board";
  profile.latency.calibrated = true;
  profile.latency.cost(tessel::KernelClass::Conv3x3).nsPerWork = 0.0123456;
  profile.latency.cost(tessel::KernelClass::Copy).nsPerCall = 42;

  const tessel::ProfileSpelling spelling = tessel::readProfileSpelling(text);
  CHECK(spelling.triple == "native");
  CHECK(spelling.cores == "native");
  CHECK(spelling.threads == std::optional<std::string>("2"));
  CHECK(spelling.defaultBudget == "1GiB");
  CHECK(spelling.gflopsPerCore == "4.0");

  const std::string written = tessel::formatCalibratedProfile(profile, spelling);
  CHECK(written.find("default_budget: 1GiB\n") != std::string::npos);
  checkSameProfile(parsed(written, "board"), profile);
}

TEST_CASE("every shipped profile, written, reads back equal") {
  int profiles = 0;
  for (const tessel::EmbeddedFile &file : tessel::embeddedFiles()) {
    llvm::StringRef path(file.path.data(), file.path.size());
    if (!path.consume_front("targets/") || !path.consume_back(".yaml"))
      continue;
    CAPTURE(path.str());
    const std::string text(file.text);
    const TargetProfile profile = parsed(text, path.str());
    const std::string written =
        tessel::formatCalibratedProfile(profile, tessel::readProfileSpelling(text));
    checkSameProfile(parsed(written, path.str()), profile);
    ++profiles;
  }
  CHECK(profiles == int(tessel::builtinTargetNames().size()));
}
