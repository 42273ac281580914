// compileNetwork(), the library behind `tessel compile`: the arena it reports
// is the one its schedule lowers to, a budget is honoured or refused with the
// impossible-request kind, bad options are bad requests, and the files it
// lists are written.
#include "pipeline/compile_network.h"
#include "pipeline/pipeline_error.h"
#include "schedule/schedule.h"
#include "temp_dir.h"

#include <doctest/doctest.h>

#include "llvm/Support/FileSystem.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

using tessel::CompileOptions;
using tessel::CompileResult;
using tessel::FailureKind;

namespace {

CompileOptions tinyChain(const tessel::testing::TempDir &dir) {
  CompileOptions options;
  options.networkPath = TESSEL_SOURCE_DIR "/networks/tiny-chain.yaml";
  options.outputDirectory = dir.path("out");
  return options;
}

CompileResult compiled(const CompileOptions &options) {
  llvm::Expected<CompileResult> result = tessel::compileNetwork(options);
  REQUIRE_MESSAGE(bool(result), llvm::toString(result.takeError()));
  return std::move(*result);
}

// The kind of a failed compile.
FailureKind failureOf(const CompileOptions &options) {
  llvm::Expected<CompileResult> result = tessel::compileNetwork(options);
  REQUIRE_FALSE(bool(result));
  FailureKind kind = FailureKind::InvalidInput;
  llvm::handleAllErrors(result.takeError(),
                        [&](const llvm::ErrorInfoBase &info) { kind = tessel::failureKind(info); });
  return kind;
}

// The arena the planner gives `text` lowered for `result`'s network.
int64_t loweredArena(const CompileResult &result, const std::string &text) {
  tessel::LoweringOptions lowering;
  lowering.threads = result.threads;
  tessel::Network network = tessel::withoutWeights(result.network);
  llvm::Expected<tessel::ExecutionPlan> plan = tessel::planScheduleText(text, network, lowering);
  REQUIRE_MESSAGE(bool(plan), llvm::toString(plan.takeError()));
  return plan->arena.arenaBytes;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("the arena compileNetwork reports is the one its schedule lowers to") {
  tessel::testing::TempDir dir("tessel-compile-network");
  const CompileResult result = compiled(tinyChain(dir));
  CHECK(result.report.searched);
  CHECK(result.arenaBytes > 0);
  CHECK(result.arenaBytes == result.plan.arena.arenaBytes);
  CHECK(result.arenaBytes == loweredArena(result, tessel::formatSchedule(result.plan.schedule)));
  CHECK(result.weightBytes > 0);
  CHECK(result.target.name == "host");
  CHECK(result.symbol == "tiny_chain");
  CHECK_FALSE(result.report.pareto.empty());
  CHECK(result.warnings.empty());
}

TEST_CASE("compileNetwork writes the files it lists") {
  tessel::testing::TempDir dir("tessel-compile-network");
  const CompileResult result = compiled(tinyChain(dir));
  REQUIRE_FALSE(result.files.empty());
  for (const char *expected : {"tiny_chain.h", "report.json", "pareto.svg", "arena.svg"})
    CHECK(std::count(result.files.begin(), result.files.end(), expected) == 1);
  for (const std::string &file : result.files)
    CHECK_MESSAGE(llvm::sys::fs::exists(dir.path("out/" + file)), file);
}

TEST_CASE("compileNetwork holds to a budget below the layer-by-layer arena") {
  tessel::testing::TempDir dir("tessel-compile-network");
  CompileOptions options = tinyChain(dir);
  const CompileResult unbounded = compiled(options);
  const int64_t layersArena = loweredArena(unbounded, "");
  int64_t smallest = layersArena;
  for (const tessel::ParetoPoint &point : unbounded.report.pareto)
    smallest = std::min(smallest, point.arenaBytes);
  REQUIRE(smallest < layersArena);

  options.budgetBytes = smallest;
  const CompileResult bounded = compiled(options);
  CHECK(bounded.arenaBytes <= smallest);
  CHECK(bounded.budget.budget == smallest);
  CHECK(bounded.budget.budgetFromCommandLine);
  CHECK(bounded.budget.fits());
  CHECK(bounded.arenaBytes == loweredArena(bounded, tessel::formatSchedule(bounded.plan.schedule)));
}

TEST_CASE("an impossible budget is an impossible request and writes nothing") {
  tessel::testing::TempDir dir("tessel-compile-network");
  CompileOptions options = tinyChain(dir);
  options.budgetBytes = 1024;
  CHECK(failureOf(options) == FailureKind::Impossible);
  CHECK_FALSE(llvm::sys::fs::exists(options.outputDirectory));
}

TEST_CASE("bad options are bad requests") {
  tessel::testing::TempDir dir("tessel-compile-network");
  CompileOptions options = tinyChain(dir);
  SUBCASE("threads out of range") {
    options.threads = 0;
  }
  SUBCASE("threads on a bare-metal board") {
    options.targetName = "cortex-m33";
    options.threads = 2;
  }
  SUBCASE("both a target name and a file") {
    options.targetName = "rpi4";
    options.targetFile = dir.write("board.yaml", "");
  }
  SUBCASE("an unknown target") {
    options.targetName = "no-such-board";
  }
  SUBCASE("a tile grid out of range") {
    options.maxTileGrid = 0;
  }
  SUBCASE("a schedule that does not parse") {
    options.schedule = "0-3:bogus";
  }
  CHECK(failureOf(options) == FailureKind::BadRequest);
  CHECK_FALSE(llvm::sys::fs::exists(options.outputDirectory));
}

TEST_CASE("a missing network is invalid input") {
  tessel::testing::TempDir dir("tessel-compile-network");
  CompileOptions options = tinyChain(dir);
  options.networkPath = dir.path("missing.yaml");
  CHECK(failureOf(options) == FailureKind::InvalidInput);
}

TEST_CASE("a budget beyond a 32-bit board's address space is lowered, with a warning") {
  tessel::testing::TempDir dir("tessel-compile-network");
  CompileOptions options = tinyChain(dir);
  options.targetName = "cortex-m33";
  options.budgetBytes = int64_t(8) << 30;
  std::vector<std::string> seen;
  options.onWarning = [&](const std::string &warning) { seen.push_back(warning); };
  const CompileResult result = compiled(options);
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings == seen);
  CHECK(result.warnings[0].find("more than cortex-m33 (32-bit") != std::string::npos);
  CHECK(result.budget.budget == tessel::addressableBytes(result.target));
}

// The CPU flags each shipped profile writes into the generated CMakeLists.txt
// (docs/deploy.md): the flags, and the preprocessor test that keeps them from
// a compiler targeting another architecture.
TEST_CASE("the generated CMakeLists.txt builds for the profile's CPU") {
  struct Expected {
    const char *target, *flags, *condition;
  };
  const char *kBareMetalArm = "defined(__arm__) && !defined(__linux__) && "
                              "(!defined(__ARM_ARCH_PROFILE) || __ARM_ARCH_PROFILE == 'M')";
  const Expected boards[] = {
      {"rpi3", "-mcpu=cortex-a53", "defined(__aarch64__)"},
      {"rpi4", "-mcpu=cortex-a72", "defined(__aarch64__)"},
      {"rpi5", "-mcpu=cortex-a76", "defined(__aarch64__)"},
      {"rpi-zero2", "-mcpu=cortex-a53 -mfpu=neon-fp-armv8",
       "defined(__arm__) && __ARM_ARCH_PROFILE == 'A'"},
      {"cortex-m33", "-mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16", kBareMetalArm},
      {"cortex-m0plus", "-mcpu=cortex-m0plus -mthumb", kBareMetalArm},
  };
  for (const Expected &board : boards) {
    CAPTURE(board.target);
    tessel::testing::TempDir dir("tessel-cpu-flags");
    CompileOptions options = tinyChain(dir);
    options.targetName = board.target;
    options.threads = 1;
    options.schedule = "";
    compiled(options);
    const std::string cmake = readFile(dir.path("out") + "/CMakeLists.txt");
    CHECK(cmake.find(std::string("target_compile_options(tiny_chain PRIVATE ") + board.flags +
                     ")\n") != std::string::npos);
    CHECK(cmake.find(std::string("#if !(") + board.condition + ")") != std::string::npos);
    CHECK(cmake.find("option(TESSEL_CPU_FLAGS ") != std::string::npos);
    CHECK(cmake.find("-march=native") == std::string::npos);
  }

  tessel::testing::TempDir dir("tessel-cpu-flags");
  compiled(tinyChain(dir)); // host
  const std::string cmake = readFile(dir.path("out") + "/CMakeLists.txt");
  CHECK(cmake.find("option(TESSEL_NATIVE ") != std::string::npos);
  CHECK(cmake.find("target_compile_options(tiny_chain PRIVATE -march=native)") !=
        std::string::npos);
  CHECK(cmake.find("NOT CMAKE_CROSSCOMPILING") != std::string::npos);
  CHECK(cmake.find("-mcpu=cortex") == std::string::npos);
}
