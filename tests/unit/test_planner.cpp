// The arena planner: hand-computed arenas, no overlap between live buffers,
// never worse than plain greedy-by-size, and the `layers` plan of small
// networks built by hand.
#include "plan/arena_planner.h"
#include "schedule/execution_plan.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace tessel;

namespace {

// Greedy by size written independently of the planner: largest first, each
// at the lowest offset clear of every live placed buffer.
int64_t greedyBySizeArena(const std::vector<BufferRequest> &requests) {
  std::vector<size_t> order(requests.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return requests[a].bytes > requests[b].bytes; });
  std::vector<int64_t> offset(requests.size(), -1);
  int64_t arena = 0;
  for (size_t index : order) {
    const BufferRequest &r = requests[index];
    int64_t size = alignUp(r.bytes);
    for (int64_t candidate = 0;; candidate += kArenaAlignment) {
      bool clear = true;
      for (size_t other = 0; other < requests.size() && clear; ++other) {
        if (offset[other] < 0)
          continue;
        const BufferRequest &o = requests[other];
        bool live = r.firstStep <= o.lastStep && o.firstStep <= r.lastStep;
        bool overlap =
            candidate < offset[other] + alignUp(o.bytes) && offset[other] < candidate + size;
        clear = !(live && overlap);
      }
      if (clear) {
        offset[index] = candidate;
        arena = std::max(arena, candidate + size);
        break;
      }
    }
  }
  return arena;
}

Layer makeLayer(const std::string &name, OpKind op, std::vector<int> inputs, Shape output) {
  Layer layer;
  layer.name = name;
  layer.op = op;
  layer.inputs = std::move(inputs);
  layer.output = output;
  return layer;
}

} // namespace

TEST_CASE("buffers with disjoint lifetimes share memory") {
  std::vector<BufferRequest> requests = {
      {"a", 100, 0, 1}, // 128 aligned
      {"b", 200, 1, 2}, // 256 aligned
      {"c", 100, 2, 3}, // can reuse a's bytes
  };
  ArenaPlan plan = planArena(requests);
  CHECK(plan.arenaBytes == 384);
  CHECK(plan.lowerBoundBytes == 384);
  CHECK(plan.offsets[0] == plan.offsets[2]);
  CHECK(findPlanConflict(requests, plan).empty());
}

TEST_CASE("a chain needs the largest neighbouring pair") {
  // Layer i's output lives from step i to step i + 1.
  const int64_t sizes[] = {4096, 64, 8192, 1024, 128};
  std::vector<BufferRequest> requests;
  for (int i = 0; i < 5; ++i)
    requests.push_back({"t" + std::to_string(i), sizes[i], i, i + 1});
  ArenaPlan plan = planArena(requests);
  CHECK(plan.arenaBytes == 8192 + 1024);
  CHECK(findPlanConflict(requests, plan).empty());
}

TEST_CASE("where no order reaches the lower bound, the buffer at the top placed first can") {
  // In units of 64 bytes: a (4, steps 1-5), b (2, 0-2), c (1, 2-4), d (3,
  // step 4), e (6, step 0). Step 4 holds a, c and d: 8 units, as step 0
  // (b and e) does. Every order places d above a and c (9 units); d first,
  // at offset 0, leaves a and c room above it.
  const std::vector<BufferRequest> requests = {{"a", 4 * 64, 1, 5},
                                               {"b", 2 * 64, 0, 2},
                                               {"c", 1 * 64, 2, 4},
                                               {"d", 3 * 64, 4, 4},
                                               {"e", 6 * 64, 0, 0}};
  CHECK(greedyBySizeArena(requests) == 9 * 64);
  const ArenaPlan plan = planArena(requests);
  CHECK(plan.lowerBoundBytes == 8 * 64);
  CHECK(plan.arenaBytes == 8 * 64);
  CHECK(plan.strategy.find("top units first") != std::string::npos);
  CHECK(findPlanConflict(requests, plan).empty());
}

TEST_CASE("a conflict is reported") {
  std::vector<BufferRequest> requests = {{"x", 64, 0, 2}, {"y", 64, 1, 3}};
  ArenaPlan plan;
  plan.offsets = {0, 0};
  plan.arenaBytes = 64;
  CHECK(findPlanConflict(requests, plan) == "buffers 'x' and 'y' are live together and overlap");
  plan.offsets = {0, 64};
  plan.arenaBytes = 128;
  CHECK(findPlanConflict(requests, plan).empty());
  plan.arenaBytes = 100;
  CHECK(findPlanConflict(requests, plan).find("exceeds the arena") != std::string::npos);
}

TEST_CASE("random lifetimes: valid, within bounds, never worse than greedy by size") {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 300; ++trial) {
    CAPTURE(trial);
    std::vector<BufferRequest> requests;
    int count = 1 + int(rng() % 24);
    for (int i = 0; i < count; ++i) {
      int first = int(rng() % 30);
      int last = first + int(rng() % 8);
      requests.push_back({"b" + std::to_string(i), 1 + int64_t(rng() % 5000), first, last});
    }
    ArenaPlan plan = planArena(requests);
    CHECK(findPlanConflict(requests, plan).empty());
    CHECK(plan.arenaBytes >= plan.lowerBoundBytes);
    CHECK(plan.arenaBytes <= greedyBySizeArena(requests));
  }
}

TEST_CASE("layers plan of a residual block writes the add and the pool over their inputs") {
  // input 3x8x8 -> a 4x8x8 -> b 4x8x8 -> sum = a + b -> pool 4x4x4
  Network net;
  net.layers.push_back(makeLayer("input", OpKind::Input, {}, {3, 8, 8}));   // 768 B
  net.layers.push_back(makeLayer("a", OpKind::Conv2d, {0}, {4, 8, 8}));     // 1024 B
  net.layers.push_back(makeLayer("b", OpKind::Conv2d, {1}, {4, 8, 8}));     // 1024 B
  net.layers.push_back(makeLayer("sum", OpKind::Add, {1, 2}, {4, 8, 8}));   // 1024 B
  net.layers.push_back(makeLayer("pool", OpKind::MaxPool, {3}, {4, 4, 4})); // 256 B
  ExecutionPlan plan = llvm::cantFail(lowerSchedule(net, layerByLayer(net)));
  CHECK(plan.storage[0].kind == StorageKind::Full);
  CHECK(plan.storage[4].kind == StorageKind::Full);
  // a is read by b and the add: the add is written over b, its only reader,
  // and the pool over the sum.
  CHECK(plan.buffers[1].overwrites == -1);
  CHECK(plan.buffers[3].overwrites == 2);
  CHECK(plan.buffers[4].overwrites == 3);
  CHECK(plan.storage[3].offset == plan.storage[2].offset);
  CHECK(plan.storage[4].offset == plan.storage[2].offset);
  // Step 3 (the add) holds a and b (the sum in b's bytes): 2 x 1024 bytes.
  CHECK(plan.arena.lowerBoundBytes == 2048);
  CHECK(plan.arena.arenaBytes == 2048);
  CHECK(findPlanConflict(plan.buffers, plan.arena).empty());
  // Lifetimes: a is read by the add at step 3; pool lives to the output conversion.
  CHECK(plan.buffers[1].firstStep == 1);
  CHECK(plan.buffers[1].lastStep == 3);
  CHECK(plan.buffers[4].lastStep == 5);
}

TEST_CASE("a buffer written over another shares its offset and the step between them") {
  // x (1000 B, steps 0-2) is written over by y (500 B, steps 2-4); z lives
  // at steps 3-4 beside y.
  std::vector<BufferRequest> requests = {{"x", 1000, 0, 2}, {"y", 500, 2, 4}, {"z", 600, 3, 4}};
  requests[1].overwrites = 0;
  const ArenaPlan plan = planArena(requests);
  CHECK(plan.offsets[0] == plan.offsets[1]);
  CHECK(liveBytesPerStep(requests) == std::vector<int64_t>{1024, 1024, 1024, 1152, 1152});
  CHECK(plan.lowerBoundBytes == 1152);
  CHECK(plan.arenaBytes == 1152);
  CHECK(findPlanConflict(requests, plan).empty());
  // Apart, the two would conflict at step 2; at another offset the claim is false.
  ArenaPlan moved = plan;
  moved.offsets[1] = plan.offsets[0] + 1024;
  moved.arenaBytes = 4096;
  CHECK(findPlanConflict(requests, moved).find("is not written over 'x'") != std::string::npos);
}

TEST_CASE("random chains written over one another: valid and within bounds") {
  std::mt19937 rng(777);
  for (int trial = 0; trial < 300; ++trial) {
    CAPTURE(trial);
    std::vector<BufferRequest> requests;
    std::vector<bool> writtenOver; // a buffer is written over once at most
    const int count = 2 + int(rng() % 20);
    for (int i = 0; i < count; ++i) {
      const int first = int(rng() % 30);
      requests.push_back(
          {"b" + std::to_string(i), 1 + int64_t(rng() % 5000), first, first + 1 + int(rng() % 6)});
      writtenOver.push_back(false);
      // Now and then one written over an earlier buffer as that one ends.
      // Each lives two steps at least, as layers' outputs do.
      const int under = i > 0 ? int(rng() % size_t(i)) : 0;
      if (i > 0 && rng() % 3 == 0 && !writtenOver[size_t(under)]) {
        writtenOver[size_t(under)] = true;
        BufferRequest &over = requests.back();
        over.firstStep = requests[size_t(under)].lastStep;
        over.lastStep = over.firstStep + 1 + int(rng() % 4); // as a layer's output
        over.bytes = 1 + int64_t(rng() % uint64_t(requests[size_t(under)].bytes));
        over.overwrites = under;
      }
    }
    const ArenaPlan plan = planArena(requests);
    CAPTURE(findPlanConflict(requests, plan));
    CHECK(findPlanConflict(requests, plan).empty());
    CHECK(plan.arenaBytes >= plan.lowerBoundBytes);
  }
}

TEST_CASE("layers plan reads a vector output in place") {
  Network net;
  net.layers.push_back(makeLayer("input", OpKind::Input, {}, {1, 16, 16}));
  net.layers.push_back(makeLayer("conv", OpKind::Conv2d, {0}, {8, 16, 16}));
  net.layers.push_back(makeLayer("gap", OpKind::GlobalAvgPool, {1}, {8, 1, 1}));
  ExecutionPlan plan = llvm::cantFail(lowerSchedule(net, layerByLayer(net)));
  CHECK(plan.storage[0].kind == StorageKind::UserInput); // one channel: NCHW == HWC
  CHECK(plan.storage[2].kind == StorageKind::UserOutput);
  CHECK(plan.storage[0].offset == -1);
  CHECK(plan.storage[2].offset == -1);
  CHECK(plan.storage[1].offset == 0);
  CHECK(plan.arena.arenaBytes == 8 * 16 * 16 * 4);
}

TEST_CASE("a plan records its thread count, and bands need no memory of their own") {
  Network net;
  net.layers.push_back(makeLayer("input", OpKind::Input, {}, {3, 8, 8}));
  net.layers.push_back(makeLayer("a", OpKind::Conv2d, {0}, {4, 8, 8}));
  net.layers.push_back(makeLayer("b", OpKind::Conv2d, {1}, {4, 8, 8}));
  const ExecutionPlan one = llvm::cantFail(lowerSchedule(net, layerByLayer(net)));
  CHECK(one.threads == 1);
  const ExecutionPlan three =
      llvm::cantFail(lowerSchedule(net, layerByLayer(net), LoweringOptions{3, {}}));
  CHECK(three.threads == 3);
  CHECK(three.arena.arenaBytes == one.arena.arenaBytes);
  CHECK(three.buffers.size() == one.buffers.size());
  CHECK(three.operations.size() == one.operations.size());
  for (int threads : {0, kMaxThreads + 1}) {
    llvm::Expected<ExecutionPlan> rejected =
        lowerSchedule(net, layerByLayer(net), LoweringOptions{threads, {}});
    REQUIRE_FALSE(bool(rejected));
    CHECK(llvm::toString(rejected.takeError()).find("thread count must be in [1, 64]") !=
          std::string::npos);
  }
}

TEST_CASE("a pool is written over its input only in order, and never over a map read twice") {
  auto net = [](int padTop) {
    Network n;
    n.layers.push_back(makeLayer("input", OpKind::Input, {}, {3, 2, 2}));  // 48 B, 64 aligned
    n.layers.push_back(makeLayer("conv", OpKind::Conv2d, {0}, {4, 8, 8})); // 1024 B
    Layer pool = makeLayer("pool", OpKind::MaxPool, {1}, {4, 4, 4});
    pool.pool().window.kernelH = pool.pool().window.kernelW = 2;
    pool.pool().window.strideH = pool.pool().window.strideW = 2;
    pool.pool().window.padding.top = padTop;
    n.layers.push_back(pool);
    return n;
  };
  const Network plain = net(0);
  const ExecutionPlan one = llvm::cantFail(lowerSchedule(plain, layerByLayer(plain)));
  CHECK(one.buffers[2].overwrites == 1);
  CHECK(one.arena.arenaBytes == 64 + 1024); // input and conv; then the pool in conv's bytes
  // Split across two threads, the second band would overwrite rows the first still reads.
  LoweringOptions split{2, [](const Network &, const KernelCall &) { return 2; }};
  const ExecutionPlan banded = llvm::cantFail(lowerSchedule(plain, layerByLayer(plain), split));
  CHECK(banded.buffers[2].overwrites == -1);
  CHECK(banded.arena.arenaBytes == 1024 + 256); // conv and the pool beside it
  CHECK(findPlanConflict(banded.buffers, banded.arena).empty());
  // With top padding, output row 0 reads input rows from -1: row 1 of the output is written
  // where input row 0 lies, which output row 1's window still reads.
  const Network padded = net(1);
  const ExecutionPlan behind = llvm::cantFail(lowerSchedule(padded, layerByLayer(padded)));
  CHECK(behind.buffers[2].overwrites == -1);
}
