// What runs in parallel on several threads (docs/threads.md): tile and
// stream groups in parts, each part with buffers no other part touches;
// calls split in bands only where the latency model says it pays; a
// parallel section predicted as its slowest part plus one fork and join.
#include "schedule/thread_split.h"
#include "search/latency_model.h"
#include "search/schedule_search.h"
#include "shipped_network.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

using namespace tessel;
using tessel::testing::loadShipped;

namespace {

LatencyProfile profileWithForkJoin(double nanoseconds, double parallelEfficiency = 1) {
  LatencyProfile profile = defaultLatencyProfile(10.0);
  profile.nsPerForkJoin = nanoseconds;
  profile.parallelEfficiency = parallelEfficiency;
  return profile;
}

ExecutionPlan lower(const Network &net, const std::string &schedule, int threads,
                    const LatencyProfile &profile = profileWithForkJoin(4000)) {
  llvm::Expected<NetworkSchedule> parsed = parseSchedule(schedule, net);
  REQUIRE_MESSAGE(bool(parsed), llvm::toString(parsed.takeError()));
  llvm::Expected<ExecutionPlan> plan =
      lowerSchedule(net, *parsed, threadedLowering(threads, profile));
  REQUIRE_MESSAGE(bool(plan), llvm::toString(plan.takeError()));
  return std::move(*plan);
}

// The arena bytes of the buffer a window of a tile buffer or row window
// lives in (the copy of the window's thread); nothing for whole maps.
struct ByteRange {
  int64_t begin = 0, end = 0;
};
std::vector<ByteRange> ownBytes(const ExecutionPlan &plan, int layer, int copy) {
  const LayerStorage &storage = plan.storage[size_t(layer)];
  if (storage.kind != StorageKind::TileBuffer && storage.kind != StorageKind::RowWindow)
    return {};
  const int64_t offset =
      storage.threadOffsets.empty() ? storage.offset : storage.threadOffsets[size_t(copy)];
  return {{offset, offset + storage.bytes}};
}

// What one part of a parallel section touches: the arena bytes of the tile
// buffers and row windows it reads and writes, and the regions of whole
// maps it writes.
struct PartTouches {
  std::vector<ByteRange> own;
  std::vector<std::pair<int, MapRegion>> written;
};

// The first place two parts of a section both use: a tile buffer's or row
// window's bytes, or a region of a whole map they write.
std::string firstShared(const std::vector<PartTouches> &parts) {
  for (size_t p = 0; p < parts.size(); ++p)
    for (size_t q = p + 1; q < parts.size(); ++q) {
      for (const ByteRange &a : parts[p].own)
        for (const ByteRange &b : parts[q].own)
          if (a.begin < b.end && b.begin < a.end)
            return fmt::format("parts {} and {} both use arena bytes [{}, {})", p, q,
                               std::max(a.begin, b.begin), std::min(a.end, b.end));
      for (const auto &[layerA, a] : parts[p].written)
        for (const auto &[layerB, b] : parts[q].written)
          if (layerA == layerB && a.y0 < b.y1 && b.y0 < a.y1 && a.x0 < b.x1 && b.x0 < a.x1)
            return fmt::format("parts {} and {} both write {} of layer {}", p, q, formatRegion(a),
                               layerA);
    }
  return {};
}

// Where two parts of a parallel section could race: a tile buffer or row
// window both use, or output both write. Empty when every part of every
// section keeps to its own.
std::string sharedBetweenParts(const ExecutionPlan &plan) {
  std::vector<PartTouches> parts;
  for (const Operation &op : plan.operations) {
    if (op.kind == Operation::Kind::Fork)
      parts.assign(size_t(op.fork.parts), PartTouches{});
    if (op.kind == Operation::Kind::Join)
      if (std::string shared = firstShared(parts); !shared.empty())
        return shared;
    if (op.part < 0)
      continue;
    PartTouches &touches = parts[size_t(op.part)];
    auto use = [&](int layer, int copy) {
      for (const ByteRange &range : ownBytes(plan, layer, copy))
        touches.own.push_back(range);
    };
    if (op.kind == Operation::Kind::ShiftRows)
      use(op.shift.layer, op.shift.copy);
    if (op.kind != Operation::Kind::Kernel)
      continue;
    for (const WindowRef &input : op.call.inputs)
      use(input.layer, input.copy);
    use(op.call.output.layer, op.call.output.copy);
    if (ownBytes(plan, op.call.output.layer, 0).empty())
      touches.written.push_back({op.call.layer, op.call.region});
  }
  return {};
}

int countOf(const ExecutionPlan &plan, Operation::Kind kind) {
  return int(std::count_if(plan.operations.begin(), plan.operations.end(),
                           [&](const Operation &op) { return op.kind == kind; }));
}

} // namespace

TEST_CASE("schedule text: /split runs a tile or stream group's calls split, and prints back") {
  const Network net = loadShipped("tiny-chain");
  llvm::Expected<NetworkSchedule> schedule =
      parseSchedule("0-3:tile2x2/split, 4-5:stream1/split, 6-7:tile1x2", net);
  REQUIRE(bool(schedule));
  CHECK(std::get<TileGrid>(schedule->groups[0].way).threads == ThreadUse::Split);
  CHECK(std::get<Stripes>(schedule->groups[1].way).threads == ThreadUse::Split);
  CHECK(std::get<TileGrid>(schedule->groups[2].way).threads == ThreadUse::Parts);
  CHECK(formatSchedule(*schedule) == "0-3:tile2x2/split, 4-5:stream1/split, 6-7:tile1x2");
  for (const char *bad : {"0-3:layers/split", "0-3:tile2x2/parts", "0-3:tile2x2/"}) {
    CAPTURE(bad);
    llvm::Expected<NetworkSchedule> rejected = parseSchedule(bad, net);
    REQUIRE_FALSE(bool(rejected));
    CHECK(llvm::toString(rejected.takeError()).find("/split") != std::string::npos);
  }
}

TEST_CASE("a tile group on several threads runs whole tiles per thread, each with its own "
          "tile buffers") {
  const Network net = loadShipped("tiny-chain");
  const ExecutionPlan alone = lower(net, "0-3:tile3x3", 1);
  for (int threads : {2, 3, 4}) {
    CAPTURE(threads);
    const ExecutionPlan plan = lower(net, "0-3:tile3x3", threads);
    // One fork and join for the group, one part per thread.
    REQUIRE(countOf(plan, Operation::Kind::Fork) == 1);
    CHECK(countOf(plan, Operation::Kind::Join) == 1);
    const auto fork =
        std::find_if(plan.operations.begin(), plan.operations.end(),
                     [](const Operation &op) { return op.kind == Operation::Kind::Fork; });
    CHECK(fork->fork.parts == threads);

    // The 9 tiles in row-major order, in one run per part as even as can be;
    // no call inside a part is split again.
    std::vector<MapRegion> tiles;
    std::vector<int> partOfTile;
    for (const Operation &op : plan.operations)
      if (op.kind == Operation::Kind::Kernel && op.call.layer == 4) { // pool3, the group's last
        tiles.push_back(op.call.region);
        partOfTile.push_back(op.part);
      }
    REQUIRE(tiles.size() == 9);
    CHECK(std::is_sorted(partOfTile.begin(), partOfTile.end()));
    for (size_t tile = 1; tile < tiles.size(); ++tile)
      CHECK((tiles[tile].y0 > tiles[tile - 1].y0 ||
             (tiles[tile].y0 == tiles[tile - 1].y0 && tiles[tile].x0 > tiles[tile - 1].x0)));
    for (int part = 0; part < threads; ++part)
      CHECK(std::count(partOfTile.begin(), partOfTile.end(), part) ==
            balancedSplit(9, threads)[size_t(part)].size());
    for (const Operation &op : plan.operations)
      if (op.kind == Operation::Kind::Kernel && op.part >= 0)
        CHECK(op.call.threads == 1);

    // Each thread its own copy of every tile buffer, the copies apart: N
    // copies of the one-thread buffers, counted exactly.
    CHECK(plan.storage[1].threadOffsets.size() == size_t(threads));
    CHECK(sharedBetweenParts(plan).empty());
    CHECK(findPlanConflict(plan.buffers, plan.arena).empty());
    CHECK(plan.arena.arenaBytes == plan.arena.lowerBoundBytes);
    CHECK(plan.arena.arenaBytes > alone.arena.arenaBytes);
    CHECK(plan.executedMacs == alone.executedMacs); // the same tiles
  }
}

TEST_CASE("a stream group on several threads streams one column band per thread") {
  const Network net = loadShipped("tiny-chain");
  const ExecutionPlan alone = lower(net, "0-3:stream2", 1);
  const ExecutionPlan plan = lower(net, "0-3:stream2", 2);
  REQUIRE(countOf(plan, Operation::Kind::Fork) == 1);
  CHECK(sharedBetweenParts(plan).empty());
  CHECK(plan.arena.arenaBytes == plan.arena.lowerBoundBytes);
  // The columns each band's receptive field shares with the other are
  // computed by both: more MACs than one thread, and the report counts them.
  CHECK(plan.executedMacs > alone.executedMacs);
  CHECK(alone.executedMacs == alone.layerMacs);
  // The group's output: the left band's columns by part 0, the right's by 1.
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::Kernel && op.call.layer == 4) {
      CHECK(op.call.region.width() == 3);
      CHECK(op.call.region.x0 == (op.part == 0 ? 0 : 3));
    }
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::ShiftRows)
      CHECK(op.shift.copy == op.part);
}

TEST_CASE("the check of parallel sections finds two parts sharing a tile buffer") {
  const Network net = loadShipped("tiny-chain");
  ExecutionPlan plan = lower(net, "0-7:tile2x2", 2);
  REQUIRE(sharedBetweenParts(plan).empty());
  for (Operation &op : plan.operations) // part 1 uses thread 0's buffers
    if (op.kind == Operation::Kind::Kernel && op.part == 1) {
      for (WindowRef &input : op.call.inputs)
        input.copy = 0;
      op.call.output.copy = 0;
    }
  CHECK(sharedBetweenParts(plan).find("both use arena bytes") != std::string::npos);
}

TEST_CASE("/split and layers groups split a call only where it pays for the fork and join") {
  const Network net = loadShipped("yolov2-16", 64);
  for (const char *schedule : {"0-15:layers", "0-7:tile2x2/split, 8-15:stream2/split"}) {
    CAPTURE(schedule);
    auto splitCalls = [&](double forkJoinNs) {
      const LatencyProfile profile = profileWithForkJoin(forkJoinNs);
      const ExecutionPlan plan = lower(net, schedule, 2, profile);
      CHECK(countOf(plan, Operation::Kind::Fork) == 0);
      int split = 0;
      for (const Operation &op : plan.operations)
        if (op.kind == Operation::Kind::Kernel) {
          CHECK(op.call.threads == callThreadsThatPay(net, op.call, 2, profile));
          split += op.call.threads > 1;
        }
      return split;
    };
    CHECK(splitCalls(1e12) == 0);     // nothing pays for a second-long fork and join
    const int cheap = splitCalls(0);  // every call with two bands gains something
    CHECK(cheap > splitCalls(20000)); // fewer pay for 20 us
    CHECK(splitCalls(20000) > 0);
  }
}

TEST_CASE("a call splits in row bands, or column bands when it has fewer rows than threads") {
  CHECK(callBands(MapRegion{0, 19, 0, 8}, 2).size() == 2);
  CHECK(callBands(MapRegion{0, 19, 0, 8}, 2)[1].y0 == 9);
  const std::vector<MapRegion> columns = callBands(MapRegion{4, 5, 0, 10}, 3);
  REQUIRE(columns.size() == 3);
  CHECK(columns[0].x1 == 3);
  CHECK(columns[2].x1 == 10);
  CHECK(columns[2].y0 == 4);
  CHECK(callBands(MapRegion{0, 1, 0, 1}, 4).size() == 1);
}

TEST_CASE("a parallel section takes its slowest part plus one fork and join") {
  const Network net = loadShipped("tiny-chain");
  const LatencyProfile profile = profileWithForkJoin(4000);
  const ExecutionPlan plan = lower(net, "0-7:tile2x2", 2, profile);
  std::vector<double> parts(2, 0.0);
  double outside = 0;
  for (const Operation &op : plan.operations) {
    const double seconds = predictOperationSeconds(net, op, profile);
    (op.part >= 0 ? parts[size_t(op.part)] : outside) += seconds;
  }
  CHECK(parts[0] > 0);
  CHECK(parts[1] > 0);
  CHECK(predictPlanSeconds(net, plan, profile) ==
        doctest::Approx(outside + std::max(parts[0], parts[1]) + 4e-6));
}

// When the threads bring nothing (two threads run side by side at half
// speed, as when other programs hold the second core), nothing pays for a
// fork and join: the search's code on two threads is one thread's. With free
// cores it spreads work.
TEST_CASE("the search spreads work over the threads only where the profile says it pays") {
  const Network net = loadShipped("yolov2-16", 96);
  SearchOptions options;
  options.maxTileGrid = 3;
  options.threads = 2;
  auto forks = [&](const LatencyProfile &profile) {
    llvm::Expected<SearchOutcome> outcome = searchSchedule(net, profile, options, std::nullopt);
    REQUIRE(bool(outcome));
    int count = countOf(outcome->plan, Operation::Kind::Fork);
    for (const Operation &op : outcome->plan.operations)
      count += op.kind == Operation::Kind::Kernel && op.call.threads > 1;
    return count;
  };
  CHECK(forks(profileWithForkJoin(4000, 0.5)) == 0);
  CHECK(forks(profileWithForkJoin(4000, 1)) > 0);
}
