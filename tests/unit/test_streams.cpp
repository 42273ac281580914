// Streams: every layer produces its rows just before its consumer reads
// them, so a row window holds one consumer step's rows from the first stripe
// on, no row is computed twice, and the output is converted stripe by stripe.
#include "analysis/regions.h"
#include "schedule/execution_plan.h"
#include "search/latency_model.h"
#include "search/schedule_search.h"
#include "shipped_network.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

using namespace tessel;
using tessel::testing::loadShipped;

namespace {

ExecutionPlan lower(const Network &net, const std::string &schedule, int threads = 1) {
  llvm::Expected<NetworkSchedule> parsed = parseSchedule(schedule, net);
  REQUIRE_MESSAGE(bool(parsed), llvm::toString(parsed.takeError()));
  LoweringOptions options;
  options.threads = threads;
  llvm::Expected<ExecutionPlan> plan = lowerSchedule(net, *parsed, options);
  REQUIRE_MESSAGE(bool(plan), llvm::toString(plan.takeError()));
  return std::move(*plan);
}

// The rows of layer `reader`'s input that `step` of its output rows read,
// at most (over every position of those rows): what one step of the reader
// needs its producer's window to hold.
int rowsOneStepReads(const Network &net, int reader, int step) {
  const Shape &out = net.layers[size_t(reader)].output;
  int most = 0;
  for (int y = 0; y < out.h; y += step) {
    const MapRegion rows{y, std::min(y + step, out.h), 0, out.w};
    most = std::max(most, inputNeed(net, reader, 0, rows).region.height());
  }
  return most;
}

// How many times each row of each layer is computed, by layer.
std::vector<std::vector<int>> rowComputations(const Network &net, const ExecutionPlan &plan) {
  std::vector<std::vector<int>> counts(net.layers.size());
  for (size_t i = 0; i < net.layers.size(); ++i)
    counts[i].assign(size_t(net.layers[i].output.h), 0);
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::Kernel)
      for (int y = op.call.region.y0; y < op.call.region.y1; ++y)
        ++counts[size_t(op.call.layer)][size_t(y)];
  return counts;
}

} // namespace

TEST_CASE("yolov2-16 at 608x608 streamed a row at a time: one step's rows per window, no row "
          "twice") {
  const Network net = loadShipped("yolov2-16", 608);
  const int last = net.outputIndex();
  for (int step : {1, 2, 4}) {
    CAPTURE(step);
    const ExecutionPlan plan = lower(net, fmt::format("0-{}:stream{}", last - 1, step));
    CHECK(plan.executedMacs == plan.layerMacs);
    // Each layer's window holds what one step of its consumer reads, the
    // first stripe included, however deep the group; the input's window
    // (converted stripe by stripe) too.
    for (int layer = 0; layer < last; ++layer) {
      CAPTURE(layer);
      const Shape &s = net.layers[size_t(layer)].output;
      REQUIRE(plan.storage[size_t(layer)].kind == StorageKind::RowWindow);
      CHECK(plan.storage[size_t(layer)].bytes ==
            int64_t(rowsOneStepReads(net, layer + 1, step)) * s.w * s.c * 4);
    }
    for (const std::vector<int> &rows : rowComputations(net, plan))
      for (int count : rows)
        CHECK(count == 1);
  }
  // The windows add up to the arena (all live throughout the group): the
  // output is converted stripe by stripe into the caller's buffer, so no
  // output-sized buffer exists. 1/32 of `layers`' 59,146,240 bytes.
  const ExecutionPlan rowByRow = lower(net, fmt::format("0-{}:stream1", last - 1));
  int64_t windows = 0;
  for (const LayerStorage &storage : rowByRow.storage)
    windows += storage.bytes;
  CHECK(rowByRow.arena.arenaBytes == windows);
  CHECK(rowByRow.arena.arenaBytes == 1811840);
}

TEST_CASE("a stream or tile group ending at the output converts each region into the caller's "
          "NCHW output") {
  const Network net = loadShipped("tiny-chain");
  const int output = net.outputIndex();
  const Shape &out = net.layers[size_t(output)].output;
  REQUIRE(!layoutsCoincide(out));
  struct Case {
    const char *way;
    StorageKind held;
  };
  for (const Case &c :
       {Case{"stream2", StorageKind::RowWindow}, Case{"tile2x2", StorageKind::TileBuffer},
        Case{"tile1x2", StorageKind::TileBuffer}})
    for (int threads : {1, 2}) {
      CAPTURE(c.way);
      CAPTURE(threads);
      const ExecutionPlan plan = lower(net, fmt::format("0-{}:{}", output - 1, c.way), threads);
      CHECK(plan.storage[size_t(output)].kind == c.held);
      // A tile's buffer holds that tile of the output, not the whole map
      // (tiny-chain's output has two rows, so a stripe of two is the map).
      if (c.held == StorageKind::TileBuffer)
        CHECK(plan.storage[size_t(output)].bytes <= out.elements() * 4 / 2);
      std::vector<int> converted(size_t(out.h) * out.w, 0);
      for (const Operation &op : plan.operations) {
        CHECK(op.kind != Operation::Kind::ConvertOutput);
        if (op.kind != Operation::Kind::ConvertOutputRegion)
          continue;
        // What the output layer's call just wrote, from the window it wrote.
        const WindowRef &held = op.call.inputs.front();
        CHECK(held.layer == output);
        CHECK(held.copy == std::max(op.part, 0));
        CHECK(op.call.region.y0 >= held.y0);
        CHECK(op.call.region.y1 <= held.y0 + held.h);
        CHECK(op.call.region.x0 >= held.x0);
        CHECK(op.call.region.x1 <= held.x0 + held.w);
        for (int y = op.call.region.y0; y < op.call.region.y1; ++y)
          for (int x = op.call.region.x0; x < op.call.region.x1; ++x)
            ++converted[size_t(y) * out.w + x];
      }
      for (int count : converted)
        CHECK(count == 1);
    }
  // A group that does not end at the output leaves it whole, converted at the end.
  for (const char *way : {"stream2", "tile2x2"}) {
    const ExecutionPlan notLast = lower(net, fmt::format("0-{}:{}", output - 2, way));
    CHECK(notLast.storage[size_t(output)].kind == StorageKind::Full);
    CHECK(notLast.operations.back().kind == Operation::Kind::ConvertOutput);
  }
}

TEST_CASE("column bands: each band streamed top to bottom in windows of its own width") {
  const Network net = loadShipped("yolov2-16", 608);
  const ExecutionPlan full = lower(net, "0-15:stream1");
  const ExecutionPlan banded = lower(net, "0-15:stream1x4");
  CHECK(formatSchedule(banded.schedule) == "0-15:stream1x4");
  // Narrower windows; the columns neighbouring bands' receptive fields
  // share are computed by both, and counted.
  CHECK(banded.arena.arenaBytes < full.arena.arenaBytes * 2 / 5);
  CHECK(banded.arena.arenaBytes == banded.arena.lowerBoundBytes);
  CHECK(banded.executedMacs > banded.layerMacs);
  // (A deep group's receptive field is wide: 16 layers with four 2x2 pools
  // reach 59 input columns past each edge of a band, so the bands recompute a
  // third more MACs.)
  CHECK(banded.executedMacs < banded.layerMacs * 3 / 2);
  // The output's cells are each computed and converted once, band by band.
  const Shape &out = net.layers[size_t(net.outputIndex())].output;
  std::vector<int> computed(size_t(out.h) * out.w, 0), converted(computed);
  const std::vector<AxisRange> bands = balancedSplit(out.w, 4);
  int band = -1, previousX0 = -1;
  for (const Operation &op : banded.operations) {
    const bool kernel = op.kind == Operation::Kind::Kernel;
    if ((!kernel && op.kind != Operation::Kind::ConvertOutputRegion) ||
        op.call.layer != net.outputIndex())
      continue;
    std::vector<int> &cells = kernel ? computed : converted;
    if (op.call.region.x0 != previousX0)
      ++band;
    previousX0 = op.call.region.x0;
    REQUIRE(band < 4);
    CHECK(op.call.region.x0 == bands[size_t(band)].begin);
    CHECK(op.call.region.x1 == bands[size_t(band)].end);
    for (int y = op.call.region.y0; y < op.call.region.y1; ++y)
      for (int x = op.call.region.x0; x < op.call.region.x1; ++x)
        ++cells[size_t(y) * out.w + x];
  }
  for (size_t cell = 0; cell < computed.size(); ++cell) {
    CHECK(computed[cell] == 1);
    CHECK(converted[cell] == 1);
  }
}

TEST_CASE("stream text: a height, then column bands that fit the output") {
  const Network net = loadShipped("tiny-chain"); // output 10x2x2
  for (const char *good : {"0-7:stream1", "0-7:stream2x2", "0-7:stream1x1/split"}) {
    llvm::Expected<NetworkSchedule> parsed = parseSchedule(good, net);
    REQUIRE_MESSAGE(bool(parsed), llvm::toString(parsed.takeError()));
    CHECK(formatSchedule(*parsed) == (std::string(good) == "0-7:stream1x1/split"
                                          ? std::string("0-7:stream1/split")
                                          : std::string(good)));
    llvm::Error error = validateSchedule(*parsed, net);
    CHECK_MESSAGE(!error, good);
    llvm::consumeError(std::move(error));
  }
  for (const char *bad : {"0-7:stream1x", "0-7:stream1x0", "0-7:streamx2", "0-7:stream1x2x2"}) {
    llvm::Expected<NetworkSchedule> parsed = parseSchedule(bad, net);
    CHECK_MESSAGE(!parsed, bad);
    if (!parsed)
      CHECK(llvm::toString(parsed.takeError()).find("like stream1x4") != std::string::npos);
  }
  llvm::Expected<NetworkSchedule> wide = parseSchedule("0-7:stream1x3", net);
  REQUIRE(!wide);
  CHECK(
      llvm::toString(wide.takeError()).find("3 column bands exceed the group's 2 output columns") !=
      std::string::npos);
}

TEST_CASE("the search reaches below full-width streams with column bands when allowed") {
  const Network net = loadShipped("yolov2-16", 608);
  const LatencyProfile profile = defaultLatencyProfile(10.0);
  const int64_t budget = 1000000; // below 0-15:stream1's 1,811,840 bytes
  SearchOptions fullWidth;        // the default: stripes only
  llvm::Expected<SearchOutcome> without = searchSchedule(net, profile, fullWidth, budget);
  REQUIRE(bool(without));
  CHECK(!without->fits);
  CHECK(without->plan.arena.arenaBytes == 1811840); // the smallest it reaches: 0-15:stream1
  SearchOptions banded;
  banded.stripeBands = {1, 2, 3, 4};
  llvm::Expected<SearchOutcome> with = searchSchedule(net, profile, banded, budget);
  REQUIRE(bool(with));
  CHECK(with->fits);
  CHECK(with->plan.arena.arenaBytes <= budget);
  CHECK(with->plan.arena.arenaBytes == with->choice.peakBytes);
  bool bands = false;
  for (const GroupSchedule &group : with->choice.schedule.groups)
    if (const Stripes *stripes = std::get_if<Stripes>(&group.way))
      bands = bands || stripes->bands > 1;
  CHECK(bands);
}
