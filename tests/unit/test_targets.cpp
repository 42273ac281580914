// Board profiles (targets/*.yaml): every shipped profile loads, a bad profile
// fails at the line and column of the problem, and the budget counts what
// the profile says.
#include "target/memory_budget.h"
#include "target/target_profile.h"

#include <doctest/doctest.h>

#include "llvm/Support/FileSystem.h"

#include <algorithm>
#include <string>

using tessel::BudgetItem;
using tessel::TargetProfile;

namespace {

constexpr int64_t kKiB = 1024, kMiB = 1024 * kKiB, kGiB = 1024 * kMiB;

// A valid profile; tests replace one line of it to make it invalid.
const std::string kValidProfile = "description: a test board\n" // line 1
                                  "triple: aarch64-linux-gnu\n" // line 2
                                  "cores: 4\n"                  // line 3
                                  "vector_bits: 128\n"          // line 4
                                  "fp32_fma: true\n"            // line 5
                                  "budget_counts: [arena]\n"    // line 6
                                  "default_budget: 2MiB\n"      // line 7
                                  "gflops_per_core: 1.5\n";     // line 8

TargetProfile loadBuiltin(const std::string &name) {
  llvm::Expected<TargetProfile> profile = tessel::loadBuiltinTargetProfile(name);
  REQUIRE_MESSAGE(bool(profile), llvm::toString(profile.takeError()));
  return *profile;
}

// The message parsing `text` as "board.yaml" gives, or "" when it parses.
std::string parseError(const std::string &text) {
  llvm::Expected<TargetProfile> profile = tessel::parseTargetProfile(text, "board.yaml", "board");
  return profile ? std::string() : llvm::toString(profile.takeError());
}

// kValidProfile with line `line` (1-based) replaced by `replacement`.
std::string withLine(int line, const std::string &replacement) {
  std::string text = kValidProfile;
  size_t start = 0;
  for (int i = 1; i < line; ++i)
    start = text.find('\n', start) + 1;
  const size_t end = text.find('\n', start);
  return text.replace(start, end - start, replacement);
}

void checkError(const std::string &text, const std::string &position, const std::string &expected) {
  const std::string message = parseError(text);
  INFO("message: ", message);
  CHECK(message.rfind("board.yaml:" + position + ": ", 0) == 0);
  CHECK(message.find(expected) != std::string::npos);
}

} // namespace

TEST_CASE("every shipped profile loads and names an existing toolchain file") {
  const std::vector<std::string> names = tessel::builtinTargetNames();
  for (const char *expected :
       {"host", "rpi3", "rpi4", "rpi5", "rpi-zero2", "cortex-m33", "cortex-m0plus"})
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());
  for (const std::string &name : names) {
    CAPTURE(name);
    TargetProfile profile = loadBuiltin(name);
    CHECK(profile.name == name);
    CHECK(profile.loc.file == "targets/" + name + ".yaml");
    CHECK(!profile.description.empty());
    CHECK(profile.triple.getArch() != llvm::Triple::UnknownArch);
    CHECK(!profile.budgetCounts.empty());
    CHECK(profile.gflopsPerCore > 0);
    if (profile.toolchain) {
      const std::string file = std::string(TESSEL_SOURCE_DIR) + "/" + profile.toolchain->file;
      CAPTURE(file);
      CHECK(llvm::sys::fs::exists(file));
    }
  }
}

TEST_CASE("the shipped profiles say what they count and their default budgets") {
  TargetProfile host = loadBuiltin("host");
  CHECK(host.budgetCounts == std::vector<BudgetItem>{BudgetItem::Arena});
  CHECK_FALSE(host.defaultBudget.has_value());
  CHECK_FALSE(host.toolchain.has_value());
  CHECK(host.cores >= 1);
  CHECK(host.threads == 1); // generated code must not depend on the machine running tessel
  CHECK(tessel::hasThreads(host));

  TargetProfile rpi4 = loadBuiltin("rpi4");
  CHECK(rpi4.triple.getArch() == llvm::Triple::aarch64);
  CHECK(rpi4.triple.isOSLinux());
  CHECK(rpi4.cpu == "cortex-a72");
  CHECK(rpi4.threads == 4); // the default: one per core
  CHECK(rpi4.budgetCounts == std::vector<BudgetItem>{BudgetItem::Arena, BudgetItem::Weights});
  CHECK(rpi4.defaultBudget == 1 * kGiB);
  REQUIRE(rpi4.toolchain.has_value());
  CHECK(rpi4.toolchain->file == "cmake/toolchains/rpi64.cmake");
  CHECK(rpi4.toolchain->variables ==
        std::vector<std::pair<std::string, std::string>>{{"TESSEL_RPI_MODEL", "pi4"}});

  TargetProfile zero2 = loadBuiltin("rpi-zero2");
  CHECK(zero2.triple.getArch() == llvm::Triple::arm);
  CHECK(zero2.defaultBudget == 256 * kMiB);

  TargetProfile m33 = loadBuiltin("cortex-m33");
  CHECK(m33.triple.getArch() == llvm::Triple::thumb);
  CHECK(m33.fp32Fma);
  CHECK(m33.vectorBits == 0);
  CHECK(m33.budgetCounts == std::vector<BudgetItem>{BudgetItem::Arena});
  CHECK(m33.defaultBudget == 448 * kKiB);
  CHECK(m33.threads == 1);
  CHECK_FALSE(tessel::hasThreads(m33));

  TargetProfile m0plus = loadBuiltin("cortex-m0plus");
  CHECK_FALSE(m0plus.fp32Fma);
  CHECK(m0plus.defaultBudget < m33.defaultBudget);
}

TEST_CASE("an unknown target name suggests the nearest and lists the shipped ones") {
  llvm::Expected<TargetProfile> profile = tessel::loadBuiltinTargetProfile("rpi44");
  REQUIRE_FALSE(bool(profile));
  const std::string message = llvm::toString(profile.takeError());
  CHECK(message.find("unknown target 'rpi44' (did you mean 'rpi4'?)") != std::string::npos);
  CHECK(message.find("cortex-m33") != std::string::npos);
}

TEST_CASE("a profile file loads, named after the file") {
  llvm::SmallString<128> path;
  REQUIRE_FALSE(bool(llvm::sys::fs::createTemporaryFile("my-board", "yaml", path)));
  {
    std::error_code error;
    llvm::raw_fd_ostream out(path, error);
    REQUIRE_FALSE(bool(error));
    out << kValidProfile;
  }
  llvm::Expected<TargetProfile> profile = tessel::loadTargetProfileFile(path.str().str());
  llvm::sys::fs::remove(path);
  REQUIRE_MESSAGE(bool(profile), llvm::toString(profile.takeError()));
  CHECK(llvm::StringRef(profile->name).startswith("my-board"));
  CHECK(profile->defaultBudget == 2 * kMiB);
  CHECK(profile->cores == 4);
  CHECK(profile->vectorBits == 128);
  CHECK(profile->gflopsPerCore == 1.5);

  llvm::Expected<TargetProfile> missing = tessel::loadTargetProfileFile("no-such-board.yaml");
  REQUIRE_FALSE(bool(missing));
  CHECK(llvm::toString(missing.takeError()) ==
        "no-such-board.yaml: cannot read the target profile: No such file or directory");
}

TEST_CASE("bad profiles fail at the line and column of the problem") {
  CHECK(parseError(kValidProfile).empty());
  checkError(kValidProfile + "vector_width: 128\n", "9:1",
             "unknown attribute 'vector_width' for a target profile (did you mean "
             "'vector_bits'?)");
  checkError(withLine(2, "triple: pdp11-dec-ultrix"), "2:9",
             "'triple' names no known architecture");
  checkError(withLine(3, "cores: 0"), "3:8", "'cores' must be a positive integer, got 0");
  checkError(withLine(4, "vector_bits: 100"), "4:14", "'vector_bits' must be a multiple of 32");
  checkError(withLine(5, "fp32_fma: yes"), "5:11", "'fp32_fma'");
  checkError(withLine(6, "budget_counts: [arena, flash]"), "6:24",
             "'budget_counts' lists 'arena' and 'weights', got 'flash'");
  checkError(withLine(6, "budget_counts: [arena, arena]"), "6:24",
             "'budget_counts' lists 'arena' twice");
  checkError(withLine(6, "budget_counts: []"), "6:16", "'budget_counts' must be a list");
  checkError(withLine(7, "default_budget: 2MB"), "7:17",
             "'default_budget' must be 'none' or a positive size in B, KiB, MiB or GiB");
  checkError(withLine(7, "default_budget: 0"), "7:17", "'default_budget' must be 'none'");
  checkError(withLine(8, "gflops_per_core: -1"), "8:18", "'gflops_per_core' must be positive");
  checkError(withLine(1, "# no description"), "2:1", "missing required attribute 'description'");
  checkError(kValidProfile + "toolchain: {file: rpi64.txt}\n", "9:19",
             "'file' must name a CMake toolchain file");
  checkError(kValidProfile + "toolchain: {file: a.cmake, variables: {MODEL X: pi4}}\n", "9:40",
             "'MODEL X' is not a CMake variable name");
  checkError(withLine(3, "cores: [4"), "4:12", "invalid YAML");
  checkError(kValidProfile + "threads: 0\n", "9:10", "'threads' must be");
  checkError(withLine(2, "triple: thumbv8m.main-none-eabihf") + "threads: 2\n", "9:10",
             "'threads' must be 1 on a board without an OS");
  checkError("", "1:1", "the target profile is empty");
}

TEST_CASE("latency figures: defaults from the core's throughput, or the profile's section") {
  const TargetProfile plain = *tessel::parseTargetProfile(kValidProfile, "board.yaml", "board");
  CHECK_FALSE(plain.latency.calibrated);
  // 1.5 GFLOP/s at the default 55% for 3x3 convolutions: 2 flops per MAC.
  CHECK(plain.latency.cost(tessel::KernelClass::Conv3x3).nsPerWork ==
        doctest::Approx(2.0 / (1.5 * 0.55)));

  const std::string section = "latency:\n"                                         // line 9
                              "  source: measured\n"                               // line 10
                              "  conv3x3: {ns_per_work: 0.03, ns_per_call: 90}\n"; // line 11
  const TargetProfile calibrated =
      *tessel::parseTargetProfile(kValidProfile + section, "board.yaml", "board");
  CHECK(calibrated.latency.calibrated);
  CHECK(calibrated.latency.source == "measured");
  const tessel::KernelCost &conv = calibrated.latency.cost(tessel::KernelClass::Conv3x3);
  CHECK(conv.nsPerWork == doctest::Approx(0.03));
  CHECK(conv.nsPerCall == doctest::Approx(90));
  CHECK(conv.nsPerRow == plain.latency.cost(tessel::KernelClass::Conv3x3).nsPerRow); // kept
  CHECK(calibrated.latency.cost(tessel::KernelClass::Pool).nsPerWork ==
        plain.latency.cost(tessel::KernelClass::Pool).nsPerWork);

  // What `tessel calibrate` writes reads back the same.
  const TargetProfile reread = *tessel::parseTargetProfile(
      kValidProfile + tessel::formatLatencyProfile(calibrated.latency), "board.yaml", "board");
  for (int k = 0; k < tessel::kKernelClassCount; ++k) {
    CHECK(reread.latency.kernels[size_t(k)].nsPerWork ==
          doctest::Approx(calibrated.latency.kernels[size_t(k)].nsPerWork));
    CHECK(reread.latency.kernels[size_t(k)].nsPerCall ==
          doctest::Approx(calibrated.latency.kernels[size_t(k)].nsPerCall));
  }

  checkError(kValidProfile + "latency: {conv5x5: {ns_per_work: 1}}\n", "9:11",
             "unknown attribute 'conv5x5'");
  checkError(kValidProfile + "latency: {conv3x3: {ns_per_mac: 1}}\n", "9:21",
             "unknown attribute 'ns_per_mac'");
  checkError(kValidProfile + "latency: {conv3x3: {ns_per_call: -5}}\n", "9:34",
             "'ns_per_call' must be a non-negative number");

  // What threads cost: a fork and join, and their speed side by side.
  const TargetProfile threaded = *tessel::parseTargetProfile(
      kValidProfile + "latency: {fork_join_ns: 25000, parallel_efficiency: 0.5}\n", "board.yaml",
      "board");
  CHECK(threaded.latency.nsPerForkJoin == doctest::Approx(25000));
  CHECK(threaded.latency.parallelEfficiency == doctest::Approx(0.5));
  CHECK(plain.latency.parallelEfficiency == 1); // free cores unless measured otherwise
  checkError(kValidProfile + "latency: {parallel_efficiency: 0}\n", "9:32",
             "'parallel_efficiency' must be a number in (0, 1]");
  checkError(kValidProfile + "latency: {parallel_efficiency: 1.5}\n", "9:32",
             "'parallel_efficiency' must be a number in (0, 1]");
}

TEST_CASE("the budget counts the arena, or the arena and the weights") {
  TargetProfile profile = *tessel::parseTargetProfile(kValidProfile, "board.yaml", "board");
  tessel::BudgetUse arenaOnly = tessel::accountBudget(profile, 3 * kMiB, 5 * kMiB, std::nullopt);
  CHECK(arenaOnly.counted == "arena");
  CHECK(arenaOnly.countedBytes == 3 * kMiB);
  CHECK(arenaOnly.budget == 2 * kMiB); // the profile's default
  CHECK_FALSE(arenaOnly.budgetFromCommandLine);
  CHECK_FALSE(arenaOnly.fits());

  // --budget replaces the default.
  tessel::BudgetUse larger = tessel::accountBudget(profile, 3 * kMiB, 5 * kMiB, 4 * kMiB);
  CHECK(larger.budgetFromCommandLine);
  CHECK(larger.fits());

  profile.budgetCounts = {BudgetItem::Arena, BudgetItem::Weights};
  tessel::BudgetUse both = tessel::accountBudget(profile, 3 * kMiB, 5 * kMiB, 4 * kMiB);
  CHECK(both.counted == "arena + weights");
  CHECK(both.countedBytes == 8 * kMiB);
  CHECK_FALSE(both.fits());
  CHECK(tessel::accountBudget(profile, 3 * kMiB, 5 * kMiB, 8 * kMiB).fits());

  // No default and no --budget: anything fits.
  profile.defaultBudget.reset();
  tessel::BudgetUse unlimited = tessel::accountBudget(profile, 3 * kGiB, 5 * kGiB, std::nullopt);
  CHECK_FALSE(unlimited.budget.has_value());
  CHECK(unlimited.fits());
}
