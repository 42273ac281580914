// Randomized differential test of the schedule contract: random networks
// (random_network.h), chains in one test case and DAGs (forks, residual
// adds, concats, long skips) in another, each compiled under
// `layers` and 1-3 random schedules, on 1, 2 or 3 threads, with direct,
// im2row or Winograd convolutions (the same in the `layers` reference), built
// together in superbuilds (schedule_variants.h) and compared with `layers` on
// one thread byte for byte. A DAG network's schedules hold the tile and
// stream groups the compiler accepts (schedule.h's rules), mostly groups that
// span a fork and its join.
//
// A case is one schedule compared with `layers`. The run is reproducible:
// network k of a run is drawn from the seed mix(TESSEL_RANDOM_SEED, k) (for
// DAGs, mixed with a constant too), the same seed repeats the same cases, and
// a failure prints the run's seed, the network's YAML and the schedule
// (enough to reproduce it with `tessel`).
//
// A run is cut into batches of 32 cases (24 for DAG networks), one superbuild each. Shards
// split a run between processes that CTest runs in parallel: shard k of n
// builds batches k, k + n, k + 2n, ... Every shard draws every network (that
// takes milliseconds), so a case is the same whatever the shard count.
//
// Environment (for each test case; CTest runs one per process, see
// tests/e2e/CMakeLists.txt):
//   TESSEL_RANDOM_SEED   the run's seed (default 1)
//   TESSEL_RANDOM_CASES  how many cases the whole run has (default 320
//                        chain and 96 DAG cases; the `slow` CTest tests,
//                        registered with -DTESSEL_SLOW_TESTS=ON, run 3000
//                        and 1000)
//   TESSEL_RANDOM_SHARD  "k/n": run only shard k (from 0) of n (default 0/1)
#include "e2e_support.h"
#include "random_network.h"
#include "schedule_variants.h"

#include "frontend/load_network.h"
#include "normalize/normalize.h"
#include "schedule/execution_plan.h"
#include "schedule/schedule.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

constexpr int kMaxDrawsPerNetwork = 100;

// What a test case draws.
struct NetworkKind {
  const char *name;   // in folder names and messages (as std::string: doctest
                      // prints a char pointer's address)
  bool dag;           // randomDagNetwork and randomDagSchedules, else the chain ones
  int defaultCases;   // without TESSEL_RANDOM_CASES
  std::uint64_t salt; // mixed into the network seeds, so each kind has cases of its own
  // Cases built together in one superbuild: DAG networks have more layers
  // to build per case.
  int casesPerBatch;
};

// Chain seeds are unsalted: the same cases as before DAGs were added.
constexpr NetworkKind kChains{"chain", false, 320, 0, 32};
constexpr NetworkKind kDags{"dag", true, 96, 0x5DA6E7B1C3F40A29ull, 24};

std::uint64_t environmentNumber(const char *name, std::uint64_t fallback) {
  const char *text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

std::uint64_t networkSeed(std::uint64_t runSeed, int network, const NetworkKind &kind) {
  e2e::Random mix(runSeed ^ kind.salt ^ (std::uint64_t(network) * 0xD1B54A32D192ED03ull));
  return mix.next();
}

struct Shard {
  int index = 0;
  int count = 1;
};

Shard environmentShard() {
  const char *text = std::getenv("TESSEL_RANDOM_SHARD");
  Shard shard;
  if (text == nullptr || *text == '\0')
    return shard;
  char slash = 0;
  std::istringstream in(text);
  in >> shard.index >> slash >> shard.count;
  REQUIRE_MESSAGE(
      (in && slash == '/' && shard.count >= 1 && shard.index >= 0 && shard.index < shard.count),
      "TESSEL_RANDOM_SHARD must be k/n with 0 <= k < n, got '" << text << "'");
  return shard;
}

// The schedule with each channel split run as its tiles ("channels3" as
// "tile1x1").
std::string withoutChannelSplits(const std::string &schedule) {
  static const std::regex inTiles(R"((tile\d+x\d+)\+channels\d+)"), alone(R"(channels\d+)");
  return std::regex_replace(std::regex_replace(schedule, inTiles, "$1"), alone, "tile1x1");
}

// One random network that the loader accepted, with its schedules.
struct RandomCase {
  std::uint64_t seed = 0;
  std::string yaml;
  e2e::NetworkVariants variants;
};

struct DrawCounts {
  int accepted = 0;
  int rejected = 0;             // networks the loader rejected, drawn again
  e2e::FusedGroupCounts groups; // in DAG networks' schedules
  // Of their tile groups, those running their layers out of layer order
  // (chooseMemberOrder), with the default convolution primitives.
  int reordered = 0;
};

// How many of the schedule's groups run their layers out of layer order.
int groupsOutOfLayerOrder(tessel::Network normalized, const tessel::NetworkSchedule &schedule,
                          int threads) {
  tessel::applyPrimitives(normalized, schedule);
  tessel::LoweringOptions options;
  options.threads = threads;
  llvm::Expected<tessel::ExecutionPlan> plan = tessel::lowerSchedule(normalized, schedule, options);
  REQUIRE_MESSAGE(bool(plan), (plan ? "" : llvm::toString(plan.takeError())));
  return int(std::count_if(plan->memberOrders.begin(), plan->memberOrders.end(),
                           [](const tessel::MemberOrder &order) { return !order.isLayerOrder(); }));
}

// Draws network `index` of the run into `folder`: a network the loader
// accepts and 1-3 random schedules, each checked by the schedule parser (a
// chain's groups are always valid and a DAG's were validated when drawn, so
// a rejection is a finding).
RandomCase drawCase(const NetworkKind &kind, std::uint64_t runSeed, int index,
                    const std::string &folder, DrawCounts &counts) {
  RandomCase drawn;
  drawn.seed = networkSeed(runSeed, index, kind);
  e2e::Random random(drawn.seed);
  const std::string name =
      std::string("random-") + (kind.dag ? "dag-" : "") + std::to_string(index);
  const std::string path = folder + "/" + name + ".yaml";
  for (int attempt = 1;; ++attempt) {
    drawn.yaml =
        kind.dag ? e2e::randomDagNetwork(random, name) : e2e::randomChainNetwork(random, name);
    std::ofstream(path) << drawn.yaml;
    llvm::Expected<tessel::Network> loaded = tessel::loadNetwork(path);
    if (!loaded) {
      const std::string error = llvm::toString(loaded.takeError());
      ++counts.rejected;
      REQUIRE_MESSAGE(attempt < kMaxDrawsPerNetwork,
                      "the loader rejected " << attempt << " networks in a row, the last:\n"
                                             << drawn.yaml << error);
      continue;
    }
    ++counts.accepted;
    const tessel::Network normalized = tessel::normalize(*loaded);
    const int wanted = random.uniform(0, 9) < 2 ? 1 : random.uniform(2, 3);
    drawn.variants = {name, path, "",
                      kind.dag ? e2e::randomDagSchedules(random, normalized, wanted, counts.groups)
                               : e2e::randomSchedules(random, normalized, wanted)};
    // A third of the networks run on 2 threads and a third on 3 (their groups
    // in parts), from the seed, so the draws stay those of earlier runs.
    drawn.variants.threads = 1 + int(drawn.seed % 3);
    if (drawn.variants.threads > 1)
      drawn.variants.label += " on " + std::to_string(drawn.variants.threads) + " threads";
    // A quarter compute every 3x3 stride-1 convolution with Winograd F(4x4),
    // a quarter with F(2x2), a quarter every convolution but the depthwise
    // ones with im2row, the `layers` reference too (from other bits of the
    // seed, likewise).
    const char *const primitives[] = {"", "winograd4: all", "winograd2: all", "im2row: all"};
    drawn.variants.primitives = primitives[(drawn.seed >> 8) % 4];
    if (!drawn.variants.primitives.empty()) {
      drawn.variants.label += " (" + drawn.variants.primitives + ")";
      // A channel split's convolutions compute with `direct`: its tiles
      // alone here.
      for (std::string &schedule : drawn.variants.schedules)
        schedule = withoutChannelSplits(schedule);
    }
    for (const std::string &schedule : drawn.variants.schedules) {
      llvm::Expected<tessel::NetworkSchedule> parsed = tessel::parseSchedule(schedule, normalized);
      INFO("seed " << drawn.seed << ", schedule '" << schedule << "', network:\n" << drawn.yaml);
      CHECK_MESSAGE(bool(parsed), (parsed ? "" : llvm::toString(parsed.takeError())));
      if (parsed && kind.dag)
        counts.reordered += groupsOutOfLayerOrder(normalized, *parsed, drawn.variants.threads);
    }
    return drawn;
  }
}

// Runs this process's shard of a run of `kind` networks.
void runRandomCases(const NetworkKind &kind) {
  const std::uint64_t runSeed = environmentNumber("TESSEL_RANDOM_SEED", 1);
  const int wantedCases = int(environmentNumber("TESSEL_RANDOM_CASES", kind.defaultCases));
  const Shard shard = environmentShard();
  // -O2 vectorizes (as users' -O3 builds do) at half the build time; each
  // network's variants share one translation unit for the same reason. The
  // shipped networks are checked at -O3 in test_schedules.cpp.
  e2e::VariantsBuildOptions options;
  options.optimization = "-O2";
  options.oneUnitPerNetwork = true;
  // test_schedules.cpp checks the declared arena against `tessel info`.
  options.checkInfoArena = false;

  // Folders named by kind and run size: CTest may run shards of other runs
  // (chain and DAG, default and slow) at the same time.
  const std::string kindName = kind.name;
  const std::string prefix = "random-" + kindName + "-" + std::to_string(wantedCases) + "-";
  const auto start = std::chrono::steady_clock::now();
  DrawCounts counts;
  int cases = 0, casesRun = 0, failures = 0, networks = 0, batches = 0;
  for (int batchIndex = 0; cases < wantedCases; ++batchIndex) {
    // Another shard's batch is drawn (to know where the next one starts)
    // into a scratch folder, and not built.
    const bool ours = batchIndex % shard.count == shard.index;
    const std::string work =
        e2e::freshWorkDir(ours ? prefix + "batch-" + std::to_string(batchIndex)
                               : prefix + "draws-shard-" + std::to_string(shard.index));
    const std::string folder = work + "/networks";
    std::filesystem::create_directories(folder);
    std::vector<RandomCase> drawn;
    std::vector<e2e::NetworkVariants> batch;
    int batchCases = 0;
    while (batchCases < kind.casesPerBatch && cases + batchCases < wantedCases) {
      drawn.push_back(drawCase(kind, runSeed, networks++, folder, counts));
      batch.push_back(drawn.back().variants);
      batchCases += int(batch.back().schedules.size());
    }
    cases += batchCases;
    if (!ours)
      continue;
    const e2e::VariantsResult result = e2e::runScheduleVariants(work, batch, options);
    MESSAGE("batch " << batchIndex << ": " << batchCases << " cases, " << result.timings);
    for (const e2e::VariantFailure &failure : result.failures) {
      const RandomCase &c = drawn[size_t(failure.network)];
      FAIL_CHECK("TESSEL_RANDOM_SEED=" << runSeed << ", " << kindName << " network "
                                       << c.variants.label << " (seed " << c.seed << "), schedule '"
                                       << c.variants.schedules[size_t(failure.schedule)]
                                       << "': " << failure.message << "\nnetwork:\n"
                                       << c.yaml);
    }
    if (!result.batchError.empty())
      FAIL_CHECK("TESSEL_RANDOM_SEED=" << runSeed << ", " << kindName << " batch " << batchIndex
                                       << ": " << result.batchError << "\n"
                                       << result.log);
    failures += int(result.failures.size());
    casesRun += batchCases;
    ++batches;
  }
  REQUIRE_MESSAGE(batches > 0, "shard " << shard.index << "/" << shard.count << " of " << cases
                                        << " cases has no batch: use fewer shards");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE(kindName << " shard " << shard.index << "/" << shard.count << ": " << casesRun << " of "
                   << cases << " cases in " << batches << " batches, " << counts.accepted
                   << " networks drawn, " << failures << " failed, " << counts.rejected
                   << " drawn networks rejected by the loader, " << int(seconds) << " s");
  // The generators keep layers inside the size rules, so the loader should
  // reject few networks; many rejections would mean it tests too little.
  CHECK(counts.rejected * 10 < counts.accepted);
  if (kind.dag) {
    // The point of DAG networks: tile and stream groups across branches.
    // (Counted over the whole run's draws: every shard draws every network.)
    MESSAGE(counts.groups.fused << " tile and stream groups, " << counts.groups.spanning
                                << " spanning a fork and its join, " << counts.reordered
                                << " running their layers out of layer order");
    if (counts.groups.fused >= 50) {
      CHECK(counts.groups.spanning * 3 >= counts.groups.fused);
      CHECK(counts.reordered > 0); // branch order is exercised too
    }
  }
}

} // namespace

TEST_CASE("random chain networks under random schedules match layers bit for bit") {
  runRandomCases(kChains);
}

TEST_CASE("random DAG networks under random schedules match layers bit for bit") {
  runRandomCases(kDags);
}
