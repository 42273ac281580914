// The order a tile group runs its layers in within each tile
// (chooseMemberOrder): an order the edges allow, with the fewest live bytes
// of every such order, layer order when no other is strictly better (and
// for streams), and the tile buffers' lifetimes and the arena following it.
#include "schedule/execution_plan.h"
#include "schedule/member_order.h"
#include "shipped_network.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

using namespace tessel;
using tessel::testing::layerNamed;
using tessel::testing::loadShipped;

namespace {

ExecutionPlan lower(const Network &net, const std::string &schedule) {
  llvm::Expected<NetworkSchedule> parsed = parseSchedule(schedule, net);
  REQUIRE_MESSAGE(bool(parsed), llvm::toString(parsed.takeError()));
  llvm::Expected<ExecutionPlan> plan = lowerSchedule(net, *parsed, LoweringOptions{});
  REQUIRE_MESSAGE(bool(plan), llvm::toString(plan.takeError()));
  return std::move(*plan);
}

// What a group's buffers and scratch take in a plan, by layer.
struct GroupBytes {
  std::vector<int64_t> capacity, workspace;
};
GroupBytes bytesOf(const ExecutionPlan &plan) {
  GroupBytes bytes;
  for (const LayerStorage &storage : plan.storage) {
    const bool own =
        storage.kind == StorageKind::TileBuffer || storage.kind == StorageKind::RowWindow;
    bytes.capacity.push_back(own ? storage.bytes : 0);
    bytes.workspace.push_back(storage.workspaceBytes);
  }
  return bytes;
}

// The buffer requests of the group's own buffers and scratch, steps as
// `order` gives them (as the plan makes them, from ownBufferSteps).
std::vector<BufferRequest> requestsInOrder(const Network &net, const GroupSchedule &group,
                                           HeldMembers held, const GroupBytes &bytes,
                                           const MemberOrder &order) {
  std::vector<BufferRequest> requests;
  for (int member = held.first; member <= held.last; ++member) {
    const StepRange steps = ownBufferSteps(net, group, member, order);
    requests.push_back(BufferRequest{net.layers[size_t(member)].name,
                                     bytes.capacity[size_t(member)], steps.first, steps.last});
  }
  for (int layer = group.first; layer <= group.last; ++layer)
    if (bytes.workspace[size_t(layer)] > 0)
      requests.push_back(BufferRequest{"", bytes.workspace[size_t(layer)], order.stepOf(layer),
                                       order.stepOf(layer)});
  return requests;
}

// The most bytes live at one step.
int64_t livePeak(const std::vector<BufferRequest> &requests) {
  int64_t peak = 0;
  for (const BufferRequest &at : requests) {
    int64_t live = 0;
    for (const BufferRequest &r : requests)
      if (r.firstStep <= at.firstStep && at.firstStep <= r.lastStep)
        live += alignUp(r.bytes);
    peak = std::max(peak, live);
  }
  return peak;
}

// Whether every layer of the order comes after the group's layers it reads.
bool allowedByEdges(const Network &net, const GroupSchedule &group, const std::vector<int> &order) {
  for (size_t place = 0; place < order.size(); ++place)
    for (int input : net.layers[size_t(order[place])].inputs)
      if (input >= group.first && std::find(order.begin(), order.begin() + long(place), input) ==
                                      order.begin() + long(place))
        return false;
  return true;
}

} // namespace

TEST_CASE("tiny-branches: a tile group over three branches runs the narrow one first, with the "
          "fewest live bytes of every order") {
  const Network net = loadShipped("tiny-branches");
  const ExecutionPlan plan = lower(net, "0-6:tile2x2, 7-11:layers");
  const GroupSchedule &group = plan.schedule.groups.front();
  // The group converts the input tile by tile (the input's region first).
  const HeldMembers held = heldMembers(group, GroupEnds{true, false});
  REQUIRE(held.first == 0);
  REQUIRE(held.last == 6); // stem .. pool.branch: cat is a whole map
  const GroupBytes bytes = bytesOf(plan);
  const MemberOrder chosen = chooseMemberOrder(net, group, held, bytes.capacity, bytes.workspace);
  CHECK_FALSE(chosen.isLayerOrder());
  CHECK(allowedByEdges(net, group, chosen.layers()));
  // The branch whose output is 4 channels wide runs before the one whose
  // output is 32 wide, so the wide output is not live while the other
  // branch's 32-channel expansion is.
  auto place = [&](const std::string &name) {
    const std::vector<int> &layers = chosen.layers();
    return std::find(layers.begin(), layers.end(), layerNamed(net, name)) - layers.begin();
  };
  CHECK(place("narrow.project") < place("wide.conv"));
  REQUIRE(plan.memberOrders.size() == 2);
  CHECK(plan.memberOrders[0].layers() == chosen.layers());
  CHECK(plan.memberOrders[1].isLayerOrder());

  // Each tile's calls run in that order.
  std::vector<int> tileOrder;
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::Kernel && op.call.layer >= group.first &&
        op.call.layer <= group.last) {
      tileOrder.push_back(op.call.layer);
      if (op.call.layer == group.last) {
        CHECK(tileOrder == chosen.layers());
        tileOrder.clear();
      }
    }

  // Its peak is the smallest of every order the edges allow (brute force
  // over the permutations), and strictly below layer order's.
  const int64_t peak = livePeak(requestsInOrder(net, group, held, bytes, chosen));
  const MemberOrder layerOrder(group);
  const int64_t layerOrderPeak = livePeak(requestsInOrder(net, group, held, bytes, layerOrder));
  CHECK(peak < layerOrderPeak);
  std::vector<int> order = layerOrder.layers();
  int64_t best = layerOrderPeak;
  int allowed = 0;
  do {
    if (!allowedByEdges(net, group, order))
      continue;
    ++allowed;
    best = std::min(best,
                    livePeak(requestsInOrder(net, group, held, bytes, MemberOrder(group, order))));
  } while (std::next_permutation(order.begin(), order.end()));
  CHECK(allowed == 30); // stem first, cat last, between them branches of 2, 2 and 1 layers
  CHECK(peak == best);

  // The plan's buffers live as the order says: the arena holds the
  // group's buffers placed with those lifetimes, and is smaller than with
  // layer order's.
  const ArenaPlan inOrder = planArena(requestsInOrder(net, group, held, bytes, chosen));
  const ArenaPlan inLayerOrder = planArena(requestsInOrder(net, group, held, bytes, layerOrder));
  CHECK(inOrder.arenaBytes < inLayerOrder.arenaBytes);
  MESSAGE("tile buffers of 0-6:tile2x2: live peak "
          << peak << " bytes in " << describeOrder(net, chosen) << ", " << layerOrderPeak
          << " in layer order; arena " << inOrder.arenaBytes << " against "
          << inLayerOrder.arenaBytes);
  const int stem = layerNamed(net, "stem"), expand = layerNamed(net, "narrow.expand");
  for (const BufferRequest &request : plan.buffers)
    if (request.name == "stem") { // read last by the branch run last
      CHECK(request.firstStep == chosen.stepOf(stem));
      CHECK(request.lastStep ==
            std::max({chosen.stepOf(layerNamed(net, "wide.reduce")),
                      chosen.stepOf(layerNamed(net, "pool.branch")), chosen.stepOf(expand)}));
    }
}

// Whether group `index` of the schedule keeps layer order.
bool keepsLayerOrder(const Network &net, const std::string &schedule, size_t index,
                     GroupEnds ends) {
  const ExecutionPlan plan = lower(net, schedule);
  const GroupBytes bytes = bytesOf(plan);
  const GroupSchedule &group = plan.schedule.groups[index];
  return chooseMemberOrder(net, group, heldMembers(group, ends), bytes.capacity, bytes.workspace)
      .isLayerOrder();
}

TEST_CASE("chains, identity residual blocks and ties keep layer order") {
  SUBCASE("a chain and inverted-residual blocks: their edges allow one order") {
    CHECK(keepsLayerOrder(loadShipped("mobilenet-v2", 64), "0-12:tile2x2, 13-64:layers", 0,
                          GroupEnds{true, false}));
  }
  SUBCASE("a downsampling residual block: the shortcut before or after the 3x3s peaks the same") {
    const Network net = loadShipped("resnet18", 64);
    CHECK(net.layers[12].name == "s2b1.add");
    CHECK(
        keepsLayerOrder(net, "0-5:layers, 6-11:tile2x2, 12-31:layers", 1, GroupEnds{false, false}));
  }
  SUBCASE("a stream over branches: its row windows live across the whole group") {
    CHECK(keepsLayerOrder(loadShipped("tiny-branches"), "0-6:stream2, 7-11:layers", 0,
                          GroupEnds{true, false}));
  }
}
