// The budgeted search: its memory figures are the planner's, its dynamic
// program finds what brute force finds, and it beats one- and two-group
// schedules where more groups pay.
#include "codegen/network_emitter.h"
#include "frontend/load_network.h"
#include "frontend/splitmix64.h"
#include "normalize/normalize.h"
#include "ops/conv_primitives.h"
#include "schedule/thread_split.h"
#include "search/latency_model.h"
#include "search/schedule_search.h"
#include "shipped_network.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

using namespace tessel;
using tessel::testing::loadShipped;

namespace {

// A latency profile whose figures differ per class, so that the search has
// real trade-offs to make.
LatencyProfile testProfile() {
  LatencyProfile profile = defaultLatencyProfile(10.0);
  profile.cost(KernelClass::Conv3x3).nsPerCall = 2000;
  profile.cost(KernelClass::Pool).nsPerRow = 150;
  return profile;
}

// The network computing with the schedule's convolution primitives.
Network assigned(const Network &net, const NetworkSchedule &schedule) {
  Network copy = net;
  applyPrimitives(copy, schedule);
  return copy;
}

// The plan the search reasons with on `threads` threads (and the one code
// is generated from).
ExecutionPlan lower(const Network &net, const NetworkSchedule &schedule, int threads = 1) {
  llvm::Expected<ExecutionPlan> plan =
      lowerSchedule(assigned(net, schedule), schedule, threadedLowering(threads, testProfile()));
  if (!plan)
    FAIL(formatSchedule(schedule), ": ", llvm::toString(plan.takeError()));
  return std::move(*plan);
}

// The fused ways the brute force tries, as the search's options allow: on
// several threads each in parts and `/split`.
std::vector<GroupSchedule> fusedKinds(const Network &net, int first, int last, int maxGrid,
                                      const std::vector<int> &stripes, int threads = 1) {
  std::vector<GroupSchedule> kinds;
  const Shape &out = net.layers[size_t(last)].output;
  for (int r = 1; r <= maxGrid; ++r)
    for (int c = 1; c <= maxGrid; ++c)
      if (r * c > 1 && r <= out.h && c <= out.w) {
        kinds.push_back(GroupSchedule{first, last, TileGrid{r, c, ThreadUse::Parts}});
        if (threads > 1)
          kinds.push_back(GroupSchedule{first, last, TileGrid{r, c, ThreadUse::Split}});
      }
  for (int h : stripes)
    if (h < out.h) {
      kinds.push_back(GroupSchedule{first, last, Stripes{h, ThreadUse::Parts}});
      if (threads > 1 && out.w > 1)
        kinds.push_back(GroupSchedule{first, last, Stripes{h, ThreadUse::Split}});
    }
  return kinds;
}

// The network a description gives, normalized; no layers when the loader
// rejects it.
Network networkFromYaml(const std::string &yaml) {
  static int written = 0;
  const std::string path =
      fmt::format("{}/tessel_search_{}_{}.yaml", std::filesystem::temp_directory_path().string(),
                  ::getpid(), written++);
  { std::ofstream(path) << yaml; }
  llvm::Expected<Network> net = loadNetwork(path, LoadOptions{});
  std::filesystem::remove(path);
  if (!net) {
    llvm::consumeError(net.takeError());
    return Network{};
  }
  return normalize(*net);
}

// The channel splits the search tries on layers first..last with
// SearchOptions::channelSlices = {2} and channelGrids = {1, 2}.
std::vector<GroupSchedule> channelKinds(const Network &net, int first, int last) {
  int widest = 0;
  for (const SlicedRun &run : slicedRuns(net, first, last))
    widest = std::max(widest, net.layers[size_t(run.first)].output.c);
  std::vector<GroupSchedule> kinds;
  const Shape &out = net.layers[size_t(last)].output;
  for (int side : {1, 2})
    if (widest >= 16 && side <= out.h && side <= out.w)
      kinds.push_back(GroupSchedule{first, last, ChannelSplit{2, side, side}});
  return kinds;
}

// Whether a fused group of layers first..last may be part of a schedule:
// valid, and a chain unless groups may span branches.
bool mayFuse(const Network &net, const GroupSchedule &group, bool branchGroups) {
  NetworkSchedule alone;
  for (int layer = 1; layer < int(net.layers.size()); ++layer)
    if (layer == group.first) {
      alone.groups.push_back(group);
      layer = group.last;
    } else {
      alone.groups.push_back(GroupSchedule{layer, layer, LayerByLayer{}});
    }
  if (llvm::Error error = validateSchedule(alone, net)) {
    llvm::consumeError(std::move(error));
    return false;
  }
  for (int i = group.first; !branchGroups && i < group.last; ++i)
    if (net.layers[size_t(i + 1)].inputs != std::vector<int>{i} ||
        net.consumersOf(i) != std::vector<int>{i + 1})
      return false;
  return true;
}

// Every valid schedule of the network under those kinds (and the channel
// splits channelKinds gives, with `channels`).
std::vector<NetworkSchedule> allSchedules(const Network &net, int maxGrid,
                                          const std::vector<int> &stripes, int threads = 1,
                                          bool branchGroups = true, bool channels = false) {
  std::vector<NetworkSchedule> found;
  NetworkSchedule partial;
  const int layerCount = int(net.layers.size());
  std::function<void(int)> extend = [&](int first) {
    if (first == layerCount) {
      if (llvm::Error error = validateSchedule(partial, net))
        llvm::consumeError(std::move(error));
      else
        found.push_back(partial);
      return;
    }
    partial.groups.push_back(GroupSchedule{first, first, LayerByLayer{}});
    extend(first + 1);
    partial.groups.pop_back();
    for (int last = first + 1; last < layerCount; ++last) {
      std::vector<GroupSchedule> kinds = fusedKinds(net, first, last, maxGrid, stripes, threads);
      if (channels)
        for (const GroupSchedule &split : channelKinds(net, first, last))
          kinds.push_back(split);
      for (const GroupSchedule &g : kinds) {
        if (!mayFuse(net, g, branchGroups))
          continue;
        partial.groups.push_back(g);
        extend(last + 1);
        partial.groups.pop_back();
      }
    }
  };
  extend(1);
  return found;
}

// Each schedule with every choice of primitive per group the search makes:
// `direct`, or one other primitive for every convolution of the group it
// applies to (a group without one, or a channel split, keeps `direct`).
std::vector<NetworkSchedule> withPrimitiveChoices(const Network &net,
                                                  const std::vector<NetworkSchedule> &schedules) {
  std::vector<NetworkSchedule> found;
  for (const NetworkSchedule &schedule : schedules) {
    std::function<void(size_t, NetworkSchedule &)> choose = [&](size_t g,
                                                                NetworkSchedule &partial) {
      if (g == partial.groups.size()) {
        found.push_back(partial);
        return;
      }
      choose(g + 1, partial);
      const GroupSchedule &group = partial.groups[g];
      if (std::holds_alternative<ChannelSplit>(group.way))
        return; // its convolutions compute with `direct`
      for (ConvPrimitive primitive :
           {ConvPrimitive::Im2row, ConvPrimitive::Winograd2, ConvPrimitive::Winograd4}) {
        std::vector<int> layers;
        for (int layer = group.first; layer <= group.last; ++layer)
          if (primitiveApplies(OpSite(net, layer), primitive))
            layers.push_back(layer);
        if (layers.empty())
          continue;
        for (int layer : layers)
          partial.primitives[layer] = primitive;
        choose(g + 1, partial);
        for (int layer : layers)
          partial.primitives.erase(layer);
      }
    };
    NetworkSchedule partial = schedule;
    choose(0, partial);
  }
  return found;
}

std::string arenaLine(const std::string &header) {
  const size_t at = header.find("_ARENA_BYTES ");
  return at == std::string::npos ? "" : header.substr(at, header.find('\n', at) - at);
}

} // namespace

namespace {

struct ShippedCase {
  const char *network;
  std::optional<int> size;
};

// The search's figures for the schedules of its Pareto front and for random
// ones are those of the plans lowered on `threads` threads: its peak is the
// planner's lower bound, its front's arenas the planned ones, and the header
// the generated code compiles against declares that arena.
void checkPeaksAreArenas(const ShippedCase &c, int threads) {
  CAPTURE(c.network);
  CAPTURE(threads);
  const LatencyProfile profile = testProfile();
  SearchOptions options;
  options.maxTileGrid = 4;
  options.threads = threads;
  const Network net = loadShipped(c.network, c.size);
  llvm::Expected<ScheduleSearch> search = ScheduleSearch::prepare(net, profile, options);
  REQUIRE(static_cast<bool>(search));
  llvm::Expected<std::vector<ParetoPoint>> front = search->paretoFront();
  REQUIRE(static_cast<bool>(front));
  REQUIRE(!front->empty());

  // Schedules to check: the whole Pareto front and random ones.
  std::vector<NetworkSchedule> schedules;
  for (const ParetoPoint &point : *front)
    schedules.push_back(point.choice.schedule);
  SplitMix64 random(0x5EA4C4 + uint64_t(net.layers.size()));
  const int layerCount = int(net.layers.size());
  for (int attempt = 0; attempt < 60; ++attempt) {
    NetworkSchedule schedule;
    for (int first = 1; first < layerCount;) {
      const int last = std::min(layerCount - 1, first + int(random.next() % 4));
      std::vector<GroupSchedule> kinds = fusedKinds(net, first, last, 4, {1, 2, 4, 8}, threads);
      if (last == first || kinds.empty() || random.next() % 3 == 0) {
        schedule.groups.push_back(GroupSchedule{first, first, LayerByLayer{}});
        ++first;
        continue;
      }
      schedule.groups.push_back(kinds[random.next() % kinds.size()]);
      first = last + 1;
    }
    if (llvm::Error error = validateSchedule(schedule, net))
      llvm::consumeError(std::move(error));
    else
      schedules.push_back(schedule);
  }

  for (size_t i = 0; i < schedules.size(); ++i) {
    CAPTURE(formatSchedule(schedules[i]));
    const Network scheduled = assigned(net, schedules[i]);
    const ExecutionPlan plan = lower(net, schedules[i], threads);
    const ScheduleChoice described = describeSchedule(scheduled, plan, profile);
    CHECK(described.peakBytes == plan.arena.lowerBoundBytes);
    CHECK(described.seconds == doctest::Approx(predictPlanSeconds(scheduled, plan, profile)));
    if (i < front->size()) {
      CHECK((*front)[i].arenaBytes == plan.arena.arenaBytes);
      CHECK((*front)[i].choice.peakBytes == plan.arena.lowerBoundBytes);
      CHECK((*front)[i].choice.seconds == doctest::Approx(described.seconds));
    }
    if (i % 8 == 0) { // the header the generated code compiles against
      const int64_t arena = plan.arena.arenaBytes;
      llvm::Expected<GeneratedNetwork> generated = emitNetwork(scheduled, plan, CodegenOptions{});
      REQUIRE(static_cast<bool>(generated));
      CHECK(arenaLine(generated->files.front().contents) == fmt::format("_ARENA_BYTES {}u", arena));
    }
  }
}

} // namespace

// In three shards, each well under two minutes with every primitive variant.
TEST_CASE("the peak the search reasons with is the arena the generated code declares: shard 1 "
          "of 3") {
  const ShippedCase cases[] = {
      {"tiny-chain", {}},    {"tiny-depthwise", {}}, {"tiny-residual", {}}, {"tiny-standalone", {}},
      {"tiny-branches", {}}, {"yolov2-16", 96},      {"mobilenet-v1", 64}};
  for (const ShippedCase &c : cases)
    checkPeaksAreArenas(c, 1);
}
TEST_CASE("the peak the search reasons with is the arena the generated code declares: shard 2 "
          "of 3") {
  const ShippedCase cases[] = {
      {"yolov2-tiny", 64}, {"resnet18", 64}, {"mobilenet-v2", 64}, {"mcunet-in4", 64}};
  for (const ShippedCase &c : cases)
    checkPeaksAreArenas(c, 1);
}
TEST_CASE("the peak the search reasons with is the arena the generated code declares: shard 3 "
          "of 3") {
  checkPeaksAreArenas({"vgg16", 32}, 1);
}

// Groups running in parts give each thread its own tile buffers or row
// windows: N copies, which the peak counts exactly.
TEST_CASE("on several threads the peak the search reasons with is the arena declared") {
  const ShippedCase cases[] = {{"tiny-chain", {}}, {"tiny-residual", {}}, {"tiny-branches", {}},
                               {"yolov2-16", 64},  {"mobilenet-v2", 32},  {"mobilenet-v1", 32},
                               {"mcunet-in4", 32}};
  for (const ShippedCase &c : cases)
    for (int threads : {2, 3})
      checkPeaksAreArenas(c, threads);
}

namespace {

// The search's choice under every peak limit is as fast as the fastest of
// all schedules (on `threads` threads) within it.
// Groups spanning branches and channel splits where `spanning`; chains
// only otherwise (the schedules of larger networks are too many).
void checkAgainstBruteForce(const Network &net, int threads, bool spanning) {
  CAPTURE(net.name);
  CAPTURE(threads);
  const LatencyProfile profile = testProfile();
  SearchOptions options;
  options.maxTileGrid = 2;
  options.stripeRows = {1, 2};
  options.threads = threads;
  options.branchGroups = spanning;
  options.channelSlices = spanning ? std::vector<int>{2} : std::vector<int>{};
  options.channelGrids = {1, 2};
  const std::vector<NetworkSchedule> schedules = withPrimitiveChoices(
      net, allSchedules(net, 2, {1, 2}, threads, spanning, /*channels=*/spanning));
  if (spanning) { // the kinds under test are among the schedules
    auto count = [&](auto has) { return std::count_if(schedules.begin(), schedules.end(), has); };
    CHECK(count([](const NetworkSchedule &s) {
            return std::any_of(s.groups.begin(), s.groups.end(), [](const GroupSchedule &g) {
              return std::holds_alternative<ChannelSplit>(g.way);
            });
          }) > 0);
    CHECK(count([&](const NetworkSchedule &s) {
            return std::any_of(s.groups.begin(), s.groups.end(), [&](const GroupSchedule &g) {
              return g.fused() && !mayFuse(net, g, /*branchGroups=*/false);
            });
          }) > 0);
  }
  REQUIRE(schedules.size() > 10);
  struct Measured {
    double seconds;
    int64_t peak;
  };
  std::vector<Measured> measured;
  for (const NetworkSchedule &schedule : schedules) {
    const ExecutionPlan plan = lower(net, schedule, threads);
    measured.push_back(
        {predictPlanSeconds(assigned(net, schedule), plan, profile), plan.arena.lowerBoundBytes});
  }
  llvm::Expected<ScheduleSearch> search = ScheduleSearch::prepare(net, profile, options);
  REQUIRE(static_cast<bool>(search));
  std::vector<int64_t> limits;
  for (const Measured &m : measured)
    limits.push_back(m.peak);
  std::sort(limits.begin(), limits.end());
  limits.erase(std::unique(limits.begin(), limits.end()), limits.end());
  limits.push_back(limits.front() - 1); // below every schedule: nothing fits
  for (int64_t limit : limits) {
    CAPTURE(limit);
    double best = std::numeric_limits<double>::infinity();
    std::string bestSchedule;
    for (size_t i = 0; i < measured.size(); ++i)
      if (measured[i].peak <= limit && measured[i].seconds < best) {
        best = measured[i].seconds;
        bestSchedule = formatSchedule(schedules[i]);
      }
    CAPTURE(bestSchedule);
    std::optional<ScheduleChoice> choice = search->fastestWithin(limit);
    if (best == std::numeric_limits<double>::infinity()) {
      CHECK(!choice);
      continue;
    }
    REQUIRE(choice);
    CAPTURE(formatSchedule(choice->schedule));
    CHECK(choice->seconds == doctest::Approx(best).epsilon(1e-9));
    CHECK(choice->peakBytes <= limit);
    const ExecutionPlan plan = lower(net, choice->schedule, threads);
    CHECK(plan.arena.lowerBoundBytes == choice->peakBytes);
  }
}

} // namespace

TEST_CASE("the dynamic program finds what brute force over every schedule finds") {
  for (const std::string name : {"tiny-chain", "tiny-depthwise", "tiny-residual"})
    checkAgainstBruteForce(loadShipped(name), 1, /*spanning=*/false);
}

// Every tile grid and stripe height in parts and `/split`.
TEST_CASE("on two threads the dynamic program finds what brute force finds") {
  for (const std::string name : {"tiny-chain", "tiny-residual"})
    checkAgainstBruteForce(loadShipped(name), 2, /*spanning=*/false);
}

// Two residual blocks, the first an inverted one whose 32 channels a
// channel split slices (two slices of 16): groups spanning branches and channel splits among
// the schedules.
TEST_CASE("the dynamic program finds what brute force finds with groups spanning branches and "
          "channel splits") {
  const Network net = networkFromYaml(R"(name: tiny-blocks
input: {channels: 4, height: 8, width: 8}
layers:
  - {name: expand, op: conv2d, filters: 32, kernel: 1, activation: relu6}
  - {name: dw, op: conv2d, filters: 32, kernel: 3, padding: same, groups: depthwise, activation: relu6}
  - {name: project, op: conv2d, filters: 4, kernel: 1}
  - {name: add1, op: add, inputs: [input, project]}
  - {name: conv, op: conv2d, filters: 4, kernel: 3, padding: same, activation: relu}
  - {name: add2, op: add, inputs: [add1, conv]}
)");
  for (int threads : {1, 2})
    checkAgainstBruteForce(net, threads, /*spanning=*/true);
}

TEST_CASE("more than two groups where they are better under the budget") {
  const LatencyProfile profile = testProfile();
  const Network net = loadShipped("yolov2-16", 160);
  SearchOptions options;
  options.maxTileGrid = 4;
  const int64_t layersArena = lower(net, layerByLayer(net)).arena.arenaBytes;

  // Every schedule with at most two fused groups, one ending where the
  // other starts, with its planned arena and predicted time.
  struct Measured {
    std::string schedule;
    int64_t arena;
    double seconds;
  };
  std::vector<Measured> twoGroups;
  const int layerCount = int(net.layers.size());
  auto fusedOrLayers = [&](int first, int last) {
    std::vector<std::vector<GroupSchedule>> ways;
    std::vector<GroupSchedule> layers;
    for (int l = first; l <= last; ++l)
      layers.push_back(GroupSchedule{l, l, LayerByLayer{}});
    ways.push_back(layers);
    for (const GroupSchedule &g : fusedKinds(net, first, last, 4, options.stripeRows))
      ways.push_back({g});
    return ways;
  };
  for (int split = 1; split < layerCount - 1; ++split)
    for (const auto &head : fusedOrLayers(1, split))
      for (const auto &tail : fusedOrLayers(split + 1, layerCount - 1)) {
        NetworkSchedule schedule;
        schedule.groups = head;
        schedule.groups.insert(schedule.groups.end(), tail.begin(), tail.end());
        if (llvm::Error error = validateSchedule(schedule, net)) {
          llvm::consumeError(std::move(error));
          continue;
        }
        const ExecutionPlan plan = lower(net, schedule);
        twoGroups.push_back({formatSchedule(schedule), plan.arena.arenaBytes,
                             predictPlanSeconds(net, plan, profile)});
      }
  REQUIRE(twoGroups.size() > 100);

  // Under every budget the choice is at least as fast as every such schedule
  // that fits; under some, only more groups are better (or fit at all).
  int compared = 0, moreGroupsBetter = 0;
  for (int divisor = 2; divisor <= 12; ++divisor) {
    CAPTURE(divisor);
    const int64_t budget = layersArena / divisor;
    llvm::Expected<SearchOutcome> outcome = searchSchedule(net, profile, options, budget);
    REQUIRE(static_cast<bool>(outcome));
    if (!outcome->fits)
      break;
    CHECK(outcome->plan.arena.arenaBytes <= budget);
    double bestTwoGroups = std::numeric_limits<double>::infinity();
    for (const Measured &m : twoGroups)
      if (m.arena <= budget) {
        ++compared;
        CAPTURE(m.schedule);
        CHECK(m.seconds >= outcome->choice.seconds * (1 - 1e-12));
        bestTwoGroups = std::min(bestTwoGroups, m.seconds);
      }
    int fused = 0;
    for (const GroupSchedule &g : outcome->choice.schedule.groups)
      fused += g.fused();
    if (fused > 2 && bestTwoGroups > outcome->choice.seconds * (1 + 1e-9))
      ++moreGroupsBetter;
  }
  CHECK(compared > 0);
  CHECK(moreGroupsBetter > 0);
}

TEST_CASE("an impossible budget gives the smallest arena the search reaches") {
  const LatencyProfile profile = testProfile();
  const Network net = loadShipped("yolov2-16", 96);
  llvm::Expected<SearchOutcome> outcome = searchSchedule(net, profile, SearchOptions{}, 1024);
  REQUIRE(static_cast<bool>(outcome));
  CHECK(!outcome->fits);
  int64_t smallest = std::numeric_limits<int64_t>::max();
  for (const ParetoPoint &point : outcome->pareto)
    smallest = std::min(smallest, point.arenaBytes);
  CHECK(outcome->plan.arena.arenaBytes == smallest);
  CHECK(smallest < lower(net, layerByLayer(net)).arena.arenaBytes / 2);

  // That arena is itself a budget that fits, and one byte less does not.
  llvm::Expected<SearchOutcome> exact = searchSchedule(net, profile, SearchOptions{}, smallest);
  REQUIRE(static_cast<bool>(exact));
  CHECK(exact->fits);
  llvm::Expected<SearchOutcome> below = searchSchedule(net, profile, SearchOptions{}, smallest - 1);
  REQUIRE(static_cast<bool>(below));
  CHECK(!below->fits);
}

// More kinds of candidates never lose a point: for every point of the
// front of a search without branch groups and channel splits, the default
// front has one at least as fast within at most the same arena.
TEST_CASE("branch groups and channel splits never lose a point of the front without them") {
  const LatencyProfile profile = testProfile();
  SearchOptions plain;
  plain.branchGroups = false;
  plain.channelSlices.clear();
  const ShippedCase cases[] = {{"tiny-residual", {}},
                               {"tiny-branches", {}},
                               {"resnet18", 64},
                               {"mobilenet-v2", 96},
                               {"mcunet-in4", 96}};
  int plainPoints = 0;
  for (const ShippedCase &c : cases) {
    const std::string name = c.network;
    CAPTURE(name);
    const Network net = loadShipped(c.network, c.size);
    llvm::Expected<SearchOutcome> all = searchSchedule(net, profile, SearchOptions{}, std::nullopt);
    llvm::Expected<SearchOutcome> chains = searchSchedule(net, profile, plain, std::nullopt);
    REQUIRE(static_cast<bool>(all));
    REQUIRE(static_cast<bool>(chains));
    for (size_t i = 1; i < all->pareto.size(); ++i) { // a front: fastest first, each smaller
      CHECK(all->pareto[i].choice.seconds >= all->pareto[i - 1].choice.seconds);
      CHECK(all->pareto[i].arenaBytes < all->pareto[i - 1].arenaBytes);
    }
    for (const ParetoPoint &point : chains->pareto) {
      CAPTURE(point.arenaBytes);
      CAPTURE(point.choice.seconds);
      ++plainPoints;
      CHECK(std::any_of(all->pareto.begin(), all->pareto.end(), [&](const ParetoPoint &p) {
        return p.arenaBytes <= point.arenaBytes && p.choice.seconds <= point.choice.seconds;
      }));
    }
    CHECK(all->pareto.back().arenaBytes <= chains->pareto.back().arenaBytes);
  }
  CHECK(plainPoints > 50);
}

TEST_CASE("without a budget the search takes the fastest schedule") {
  const LatencyProfile profile = testProfile();
  const Network net = loadShipped("tiny-chain");
  llvm::Expected<SearchOutcome> outcome =
      searchSchedule(net, profile, SearchOptions{}, std::nullopt);
  REQUIRE(static_cast<bool>(outcome));
  CHECK(outcome->fits);
  CHECK(outcome->choice.seconds == doctest::Approx(outcome->pareto.front().choice.seconds));
  for (size_t i = 1; i < outcome->pareto.size(); ++i) { // fastest first, each smaller
    CHECK(outcome->pareto[i].choice.seconds >= outcome->pareto[i - 1].choice.seconds);
    CHECK(outcome->pareto[i].choice.peakBytes < outcome->pareto[i - 1].choice.peakBytes);
  }
}

namespace {

// A random chain of convolutions (padded or not, strided, widening and
// narrowing), pools and stand-alone activations, sometimes with a residual
// add, small enough for the exhaustive preparation.
Network randomNetwork(SplitMix64 &random, int index) {
  auto pick = [&](int lo, int hi) { return lo + int(random.next() % uint64_t(hi - lo + 1)); };
  std::string yaml = fmt::format("name: random{}\ninput: {{channels: {}, height: {}, width: {}}}\n"
                                 "layers:\n",
                                 index, pick(1, 5), pick(6, 18), pick(6, 18));
  const int layers = pick(4, 12);
  bool residual = false;
  for (int i = 0; i < layers; ++i) {
    const int kind = pick(0, 9);
    if (kind <= 5) {
      const int kernel = pick(1, 3) * 2 - 1;
      const char *padding = kernel > 1 && pick(0, 3) == 0 ? "valid" : "same";
      const int stride = pick(0, 5) == 0 ? 2 : 1;
      yaml += fmt::format("  - {{name: l{}, op: conv2d, filters: {}, kernel: {}, stride: {}, "
                          "padding: {}, activation: relu}}\n",
                          i, pick(1, 12), kernel, stride, padding);
    } else if (kind == 6) {
      yaml += fmt::format("  - {{name: l{}, op: maxpool, kernel: 2, stride: {}, padding: 0}}\n", i,
                          pick(1, 2));
    } else if (kind == 7) {
      yaml += fmt::format("  - {{name: l{}, op: leaky}}\n", i);
    } else if (kind == 8 && i >= 2 && !residual) { // same shape as its input: a residual add
      yaml += fmt::format("  - {{name: l{}, op: conv2d, filters: 4, kernel: 3, padding: same}}\n"
                          "  - {{name: l{}b, op: conv2d, filters: 4, kernel: 3, padding: same}}\n"
                          "  - {{name: l{}c, op: add, inputs: [l{}, l{}b]}}\n",
                          i, i, i, i, i);
      residual = true;
    } else {
      yaml += fmt::format("  - {{name: l{}, op: conv2d, filters: {}, kernel: 3, padding: same, "
                          "dilation: 2}}\n",
                          i, pick(1, 8));
    }
  }
  return networkFromYaml(yaml); // empty for a draw the size rules reject: skipped
}

void checkSameChoice(const std::optional<ScheduleChoice> &a,
                     const std::optional<ScheduleChoice> &b) {
  REQUIRE(a.has_value() == b.has_value());
  if (!a)
    return;
  CHECK(formatSchedule(a->schedule) == formatSchedule(b->schedule));
  CHECK(a->seconds == b->seconds); // the same sums in the same order: equal to the bit
  CHECK(a->peakBytes == b->peakBytes);
  REQUIRE(a->groups.size() == b->groups.size());
  for (size_t i = 0; i < a->groups.size(); ++i) {
    CHECK(a->groups[i].seconds == b->groups[i].seconds);
    CHECK(a->groups[i].peakBytes == b->groups[i].peakBytes);
    CHECK(a->groups[i].macs == b->groups[i].macs);
  }
}

// The default preparation against the exhaustive one: the same candidates,
// so the same choice under every peak limit and the same Pareto front.
void checkAgainstExhaustive(const Network &net, const SearchOptions &options,
                            const LatencyProfile &profile) {
  SearchOptions exhaustiveOptions = options;
  exhaustiveOptions.exhaustive = true;
  llvm::Expected<ScheduleSearch> fast = ScheduleSearch::prepare(net, profile, options);
  llvm::Expected<ScheduleSearch> exhaustive =
      ScheduleSearch::prepare(net, profile, exhaustiveOptions);
  REQUIRE(static_cast<bool>(fast));
  REQUIRE(static_cast<bool>(exhaustive));
  CHECK(fast->candidateCount() == exhaustive->candidateCount());

  llvm::Expected<std::vector<ParetoPoint>> fastFront = fast->paretoFront();
  llvm::Expected<std::vector<ParetoPoint>> front = exhaustive->paretoFront();
  REQUIRE(static_cast<bool>(fastFront));
  REQUIRE(static_cast<bool>(front));
  REQUIRE(fastFront->size() == front->size());
  std::vector<int64_t> limits = {std::numeric_limits<int64_t>::max()};
  for (size_t i = 0; i < front->size(); ++i) {
    checkSameChoice((*fastFront)[i].choice, (*front)[i].choice);
    CHECK((*fastFront)[i].arenaBytes == (*front)[i].arenaBytes);
    const int64_t peak = (*front)[i].choice.peakBytes;
    limits.insert(limits.end(), {peak, peak - 1, peak + 1, peak + peak / 7});
  }
  for (int64_t limit : limits) {
    CAPTURE(limit);
    checkSameChoice(fast->fastestWithin(limit), exhaustive->fastestWithin(limit));
  }
  for (const ParetoPoint &point : *front) { // budgets at the front's arenas and between
    for (int64_t budget : {point.arenaBytes, point.arenaBytes - 1}) {
      llvm::Expected<SearchOutcome> a = fast->outcomeWithin(budget);
      llvm::Expected<SearchOutcome> b = exhaustive->outcomeWithin(budget);
      REQUIRE(static_cast<bool>(a));
      REQUIRE(static_cast<bool>(b));
      CHECK(a->fits == b->fits);
      checkSameChoice(a->choice, b->choice);
    }
  }
}

} // namespace

namespace {

SearchOptions exhaustiveTestOptions() {
  SearchOptions options;
  options.maxTileGrid = 3;
  options.stripeRows = {1, 2, 4};
  return options;
}

void checkShippedAgainstExhaustive(std::initializer_list<ShippedCase> cases) {
  for (const ShippedCase &c : cases) {
    CAPTURE(c.network);
    checkAgainstExhaustive(loadShipped(c.network, c.size), exhaustiveTestOptions(), testProfile());
  }
}

} // namespace

// Shipped networks in four shards (groups spanning branches make the
// exhaustive preparation slow on the residual ones).
TEST_CASE("the default preparation gives what lowering every candidate in a whole schedule "
          "gives: chains") {
  checkShippedAgainstExhaustive({{"tiny-chain", {}},
                                 {"tiny-depthwise", {}},
                                 {"tiny-residual", {}},
                                 {"tiny-standalone", {}},
                                 {"tiny-branches", {}},
                                 {"yolov2-16", 48},
                                 {"yolov2-tiny", 32},
                                 {"mobilenet-v1", 32}});
}
TEST_CASE("the default preparation gives what lowering every candidate in a whole schedule "
          "gives: resnet18") {
  checkShippedAgainstExhaustive({{"resnet18", 32}});
}
TEST_CASE("the default preparation gives what lowering every candidate in a whole schedule "
          "gives: mobilenet-v2") {
  checkShippedAgainstExhaustive({{"mobilenet-v2", 32}});
}
TEST_CASE("the default preparation gives what lowering every candidate in a whole schedule "
          "gives: mcunet-in4") {
  checkShippedAgainstExhaustive({{"mcunet-in4", 32}});
}

TEST_CASE("the default preparation gives what lowering every candidate in a whole schedule "
          "gives: random networks, one and two threads") {
  SplitMix64 random(0x5CA1E);
  SearchOptions options = exhaustiveTestOptions();
  int checked = 0;
  for (int index = 0; index < 40; ++index) {
    const Network net = randomNetwork(random, index);
    if (net.layers.empty())
      continue;
    CAPTURE(index);
    options.threads = 1 + index % 2;
    checkAgainstExhaustive(net, options, testProfile());
    ++checked;
  }
  CHECK(checked >= 30);
}

TEST_CASE("the default preparation gives what lowering every candidate in a whole schedule "
          "gives: long chains, where most long groups are left out") {
  for (int layers : {20, 40}) {
    std::string yaml = fmt::format("name: chain{}\ninput: {{channels: 4, height: 12, width: "
                                   "12}}\nlayers:\n",
                                   layers);
    for (int i = 0; i < layers; ++i)
      yaml += fmt::format("  - {{name: l{}, op: conv2d, filters: {}, kernel: 3, padding: same}}\n",
                          i, i % 5 == 4 ? 8 : 4);
    const Network net = networkFromYaml(yaml);
    REQUIRE(!net.layers.empty());
    CAPTURE(layers);
    checkAgainstExhaustive(net, exhaustiveTestOptions(), testProfile());
  }
}

// On several threads a group running in parts holds a copy of its buffers
// per thread: the schedule chosen under a budget still fits it. Calls are
// split only where that pays, and every group may also run `/split`, so
// under any peak limit two threads are never predicted slower than one.
TEST_CASE("on two threads the search holds to budgets and is never slower than one thread") {
  const LatencyProfile profile = testProfile();
  const Network net = loadShipped("yolov2-16", 160);
  SearchOptions one, two;
  one.maxTileGrid = two.maxTileGrid = 4;
  two.threads = 2;
  llvm::Expected<ScheduleSearch> searchOne = ScheduleSearch::prepare(net, profile, one);
  llvm::Expected<ScheduleSearch> searchTwo = ScheduleSearch::prepare(net, profile, two);
  REQUIRE(static_cast<bool>(searchOne));
  REQUIRE(static_cast<bool>(searchTwo));
  const int64_t layersArena = lower(net, layerByLayer(net)).arena.arenaBytes;
  int inParts = 0;
  for (int divisor = 1; divisor <= 32; divisor *= 2) {
    CAPTURE(divisor);
    const int64_t budget = layersArena / divisor;
    std::optional<ScheduleChoice> alone = searchOne->fastestWithin(budget);
    std::optional<ScheduleChoice> threaded = searchTwo->fastestWithin(budget);
    CHECK(alone.has_value() <= threaded.has_value());
    if (alone && threaded)
      CHECK(threaded->seconds <= alone->seconds);

    llvm::Expected<SearchOutcome> outcome = searchSchedule(net, profile, two, budget);
    REQUIRE(static_cast<bool>(outcome));
    if (!outcome->fits)
      break;
    CAPTURE(formatSchedule(outcome->choice.schedule));
    CHECK(outcome->plan.arena.arenaBytes <= budget);
    CHECK(outcome->plan.threads == 2);
    CHECK(lower(net, outcome->choice.schedule, 2).arena.arenaBytes ==
          outcome->plan.arena.arenaBytes);
    for (const GroupSchedule &group : outcome->choice.schedule.groups)
      inParts += groupParts(net, group, 2) > 1;
  }
  CHECK(inParts > 0); // the search does run some groups in parts
}
