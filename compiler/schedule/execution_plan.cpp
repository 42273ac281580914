#include "schedule/execution_plan.h"

#include "analysis/layer_costs.h"
#include "ops/conv_primitives.h"
#include "schedule/group_lowering.h"
#include "schedule/in_place.h"
#include "schedule/thread_split.h"
#include "support/overloaded.h"

#include "llvm/Support/ErrorHandling.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel {

CalledLayer calledLayer(const Network &net, const KernelCall &call) {
  if (call.slice.whole())
    return CalledLayer{&net, Network{}, call.layer};
  Network sliced = sliceLayer(net, call.layer, call.slice);
  const int layer = sliced.outputIndex();
  return CalledLayer{&net, std::move(sliced), layer};
}

int64_t callMacs(const Network &net, const KernelCall &call) {
  if (call.slice.whole())
    return regionMacs(net, call.layer, call.region);
  const CalledLayer called = calledLayer(net, call);
  return regionMacs(called.sliced, called.layer, call.region);
}

bool layoutsCoincide(const Shape &shape) {
  return shape.c == 1 || (shape.h == 1 && shape.w == 1);
}

WindowRef LoweringContext::wholeWindow(int layer) const {
  const Shape &s = net.layers[layer].output;
  return WindowRef{layer, 0, 0, s.h, s.w};
}

WindowRef LoweringContext::heldWindow(int layer, const MapRegion &held) const {
  WindowRef window{layer, held.y0, held.x0, held.height(), held.width()};
  window.copy = copy();
  return window;
}

namespace {

// The group's first layer, or the input (0) when the plan converts the
// input in the group, region by region.
int firstMemberOf(const ExecutionPlan &plan, const GroupSchedule &group) {
  const StorageKind input = plan.storage[0].kind;
  const bool converted = input == StorageKind::TileBuffer || input == StorageKind::RowWindow;
  return group.first == 1 && converted ? 0 : group.first;
}

// Whether the group's last layer is the output, held in a tile buffer or a
// row window and converted region by region (convertsOutputInGroup).
bool holdsOutput(const ExecutionPlan &plan, const GroupSchedule &group) {
  const StorageKind kind = plan.storage[size_t(group.last)].kind;
  return size_t(group.last) + 1 == plan.storage.size() &&
         (kind == StorageKind::TileBuffer || kind == StorageKind::RowWindow);
}

GroupEnds endsOf(const ExecutionPlan &plan, const GroupSchedule &group) {
  return GroupEnds{firstMemberOf(plan, group) == 0, holdsOutput(plan, group)};
}

} // namespace

int LoweringContext::firstMember(const GroupSchedule &group) const {
  return firstMemberOf(plan, group);
}

bool LoweringContext::holdsOutput(const GroupSchedule &group) const {
  return tessel::holdsOutput(plan, group);
}

void LoweringContext::addOutputConversion(const WindowRef &held, const MapRegion &region) {
  Operation op;
  op.kind = Operation::Kind::ConvertOutputRegion;
  op.call.layer = held.layer;
  op.call.inputs.push_back(held);
  op.call.region = region;
  op.part = part;
  plan.operations.push_back(std::move(op));
}

void LoweringContext::addKernel(KernelCall call) {
  if (call.region.empty())
    return;
  plan.executedMacs += callMacs(net, call);
  if (part < 0 && options.threads > 1 && options.callThreads)
    call.threads = options.callThreads(net, call);
  call.copy = copy();
  if (const int64_t scratch = workspaceBytes(OpSite(net, call.layer), call.region)) {
    workspace.resize(net.layers.size(), 0);
    workspace[size_t(call.layer)] = std::max(workspace[size_t(call.layer)], scratch);
  }
  Operation op;
  op.kind = Operation::Kind::Kernel;
  op.call = std::move(call);
  op.part = part;
  plan.operations.push_back(std::move(op));
}

void LoweringContext::addComment(std::string text, bool opensStripe) {
  Operation op;
  op.kind = Operation::Kind::Comment;
  op.comment = std::move(text);
  op.opensStripe = opensStripe;
  op.part = part;
  plan.operations.push_back(std::move(op));
}

void LoweringContext::addShift(const RowShift &shift) {
  Operation op;
  op.kind = Operation::Kind::ShiftRows;
  op.shift = shift;
  op.part = part;
  plan.operations.push_back(std::move(op));
}

void LoweringContext::beginParts(int parts, int layer) {
  if (parts <= 1)
    return;
  Operation op;
  op.kind = Operation::Kind::Fork;
  op.fork = Fork{parts, layer};
  plan.operations.push_back(std::move(op));
  part = 0;
}

void LoweringContext::beginPart(int p) {
  if (part >= 0)
    part = p;
}

void LoweringContext::endParts() {
  if (part < 0)
    return;
  Operation op;
  op.kind = Operation::Kind::Join;
  plan.operations.push_back(std::move(op));
  part = -1;
}

StepRange ownBufferSteps(const Network &net, const GroupSchedule &group, int member,
                         const MemberOrder &order) {
  // A tile buffer: up to its last reader's step (all inside the group); the
  // output's is converted at once.
  auto tileBuffer = [&] {
    int lastRead = order.stepOf(member);
    if (member < group.last)
      for (int reader : net.consumersOf(member))
        lastRead = std::max(lastRead, order.stepOf(reader));
    return StepRange{std::max(order.stepOf(member), 1), lastRead};
  };
  // With channel slices, every layer of a sliced run runs again for each
  // slice: a buffer written or read by one is live across the whole run.
  auto slicedTileBuffer = [&] {
    const std::vector<SlicedRun> runs = slicedRuns(net, group.first, group.last);
    auto span = [&](int step) {
      for (const SlicedRun &run : runs)
        if (step >= run.first && step <= run.last)
          return StepRange{run.first, run.last};
      return StepRange{step, step};
    };
    const StepRange own = tileBuffer();
    StepRange steps{span(own.first).first, span(own.last).last};
    if (member < group.last)
      for (int reader : net.consumersOf(member))
        steps.last = std::max(steps.last, span(reader).last);
    return steps;
  };
  return std::visit(Overloaded{[](const LayerByLayer &) -> StepRange {
                                 llvm_unreachable("a layers group holds no buffers of its own");
                               },
                               [&](const TileGrid &) { return tileBuffer(); },
                               [&](const ChannelSplit &) { return slicedTileBuffer(); },
                               [&](const Stripes &) {
                                 return StepRange{group.first, group.last};
                               }},
                    group.way);
}

HeldMembers heldMembers(const GroupSchedule &group, GroupEnds ends) {
  return HeldMembers{group.first == 1 && ends.input ? 0 : group.first,
                     ends.output ? group.last : group.last - 1};
}

MemberOrder memberOrderOf(const Network &net, const GroupSchedule &group, GroupEnds ends,
                          const std::vector<int64_t> &capacity,
                          const std::vector<int64_t> &workspace) {
  return chooseMemberOrder(net, group, heldMembers(group, ends), capacity, workspace);
}

ArenaPlan planThreadSpace(const Network &net, const GroupSchedule &group, HeldMembers held,
                          const MemberOrder &order, const std::vector<int64_t> &capacity,
                          const std::vector<int64_t> &workspace) {
  std::vector<BufferRequest> requests;
  for (int member = held.first; member <= held.last; ++member) {
    const StepRange steps = ownBufferSteps(net, group, member, order);
    requests.push_back(BufferRequest{"", capacity[size_t(member)], steps.first, steps.last});
  }
  for (int layer = group.first; layer <= group.last; ++layer)
    if (size_t(layer) < workspace.size() && workspace[size_t(layer)] > 0) {
      const int step = order.stepOf(layer);
      requests.push_back(BufferRequest{"", workspace[size_t(layer)], step, step});
    }
  return planArena(requests);
}

bool convertsInputInGroup(const Network &net, const NetworkSchedule &schedule) {
  if (layoutsCoincide(net.layers[0].output) || schedule.groups.empty())
    return false;
  const GroupSchedule &first = schedule.groups.front();
  return first.fused() && first.last > 1 && net.consumersOf(0) == std::vector<int>{1};
}

bool groupConvertsOutput(const Network &net, const GroupSchedule &group) {
  const int output = net.outputIndex();
  return group.last == output && group.fused() &&
         !layoutsCoincide(net.layers[size_t(output)].output);
}

bool convertsOutputInGroup(const Network &net, const NetworkSchedule &schedule) {
  return !schedule.groups.empty() && groupConvertsOutput(net, schedule.groups.back());
}

namespace {

// How the group holds the outputs of its layers but the last.
StorageKind innerStorage(const GroupSchedule &group) {
  return std::visit(Overloaded{[](const LayerByLayer &) { return StorageKind::Full; },
                               [](const TileGrid &) { return StorageKind::TileBuffer; },
                               [](const Stripes &) { return StorageKind::RowWindow; },
                               [](const ChannelSplit &) { return StorageKind::TileBuffer; }},
                    group.way);
}

void lowerGroup(LoweringContext &context, const GroupSchedule &group) {
  std::visit(
      Overloaded{[&](const LayerByLayer &) { lowerLayersGroup(context, group); },
                 [&](const TileGrid &grid) { lowerTiledGroup(context, group, grid); },
                 [&](const Stripes &stripes) { lowerStreamedGroup(context, group, stripes); },
                 [&](const ChannelSplit &split) { lowerChannelGroup(context, group, split); }},
      group.way);
}

// The group of every layer (the input counts as the first layer's).
std::vector<const GroupSchedule *> groupOfEachLayer(const NetworkSchedule &schedule,
                                                    int layerCount) {
  std::vector<const GroupSchedule *> groupOf(size_t(layerCount), &schedule.groups.front());
  for (const GroupSchedule &g : schedule.groups)
    for (int layer = g.first; layer <= g.last; ++layer)
      groupOf[size_t(layer)] = &g;
  return groupOf;
}

void assignStorageKinds(const Network &net, ExecutionPlan &plan) {
  const int output = net.outputIndex();
  plan.storage.assign(net.layers.size(), LayerStorage{});
  if (layoutsCoincide(net.layers[0].output))
    plan.storage[0].kind = StorageKind::UserInput;
  for (const GroupSchedule &g : plan.schedule.groups)
    for (int i = g.first; i < g.last; ++i)
      plan.storage[i].kind = innerStorage(g);
  if (layoutsCoincide(net.layers[output].output))
    plan.storage[output].kind = StorageKind::UserOutput;
  if (convertsInputInGroup(net, plan.schedule))
    plan.storage[0].kind = plan.storage[1].kind;
  if (convertsOutputInGroup(net, plan.schedule))
    plan.storage[size_t(output)].kind = innerStorage(plan.schedule.groups.back());
}

// The order of the plan's group `group` (one of plan.schedule.groups).
const MemberOrder &memberOrderIn(const ExecutionPlan &plan, const GroupSchedule &group) {
  return plan.memberOrders[size_t(&group - plan.schedule.groups.data())];
}

// Each thread's space for a group running in `parts` parts: one buffer
// per thread, live throughout the group, holding the thread's copies of the
// group's buffers where planThreadSpace puts them (offsets inside the space
// until the arena is placed).
void requestThreadSpaces(const Network &net, const GroupSchedule &group, int parts,
                         const std::vector<int64_t> &capacity,
                         const std::vector<int64_t> &workspace, ExecutionPlan &plan) {
  const HeldMembers held = heldMembers(group, endsOf(plan, group));
  const ArenaPlan space =
      planThreadSpace(net, group, held, memberOrderIn(plan, group), capacity, workspace);
  if (space.offsets.empty())
    return; // a one-layer group without workspace: its parts write the output map only
  // Named after the members it holds (or, holding only workspaces, the group).
  const bool holds = held.first <= held.last;
  const std::string &from = net.layers[size_t(holds ? held.first : group.first)].name;
  const std::string &to = net.layers[size_t(holds ? held.last : group.last)].name;
  for (int thread = 0; thread < parts; ++thread) {
    const int buffer = int(plan.buffers.size());
    plan.buffers.push_back(BufferRequest{fmt::format("{} to {}, thread {}", from, to, thread),
                                         space.arenaBytes, group.first, group.last});
    size_t request = 0;
    for (int member = held.first; member <= held.last; ++member, ++request) {
      LayerStorage &storage = plan.storage[size_t(member)];
      storage.threadBuffers.push_back(buffer);
      storage.threadOffsets.push_back(space.offsets[request]);
    }
    for (int layer = group.first; layer <= group.last; ++layer)
      if (LayerStorage &storage = plan.storage[size_t(layer)]; storage.workspaceBytes > 0) {
        storage.workspaceBuffers.push_back(buffer);
        storage.workspaceOffsets.push_back(space.offsets[request++]);
      }
  }
}

// Steps: 0 converts the input, i runs layer i (all of a fused group's
// layers run interleaved during its steps; a tile group's i-th step runs
// the layer its order puts there), N converts the output.
void requestBuffers(const Network &net, const std::vector<int64_t> &capacity,
                    const std::vector<int64_t> &workspace, ExecutionPlan &plan) {
  const int layerCount = int(net.layers.size());
  const std::vector<const GroupSchedule *> groupOf = groupOfEachLayer(plan.schedule, layerCount);
  const std::vector<std::vector<int>> consumers = net.allConsumers();
  plan.memberOrders.clear();
  for (const GroupSchedule &group : plan.schedule.groups)
    plan.memberOrders.push_back(
        memberOrderOf(net, group, endsOf(plan, group), capacity, workspace));
  for (int i = 0; i < layerCount; ++i) {
    LayerStorage &storage = plan.storage[i];
    const GroupSchedule &group = *groupOf[size_t(std::max(i, 1))];
    const bool inParts = groupParts(net, group, plan.threads) > 1;
    int first = i, last = i;
    switch (storage.kind) {
    case StorageKind::UserInput:
    case StorageKind::UserOutput: continue; // the caller's buffers
    case StorageKind::Full:
      storage.bytes = net.layers[i].output.elements() * 4;
      if (i > 0 && group.fused())
        first = group.first; // tiles write into it throughout the group
      for (int consumer : consumers[size_t(i)]) {
        const GroupSchedule &reader = *groupOf[size_t(consumer)];
        last = std::max(last, reader.fused() ? reader.last : consumer);
      }
      if (i == net.outputIndex())
        last = layerCount;
      break;
    case StorageKind::TileBuffer:
    case StorageKind::RowWindow: {
      storage.bytes = capacity[i];
      if (inParts)
        continue; // in each thread's space (requestThreadSpaces)
      const StepRange steps = ownBufferSteps(net, group, i, memberOrderIn(plan, group));
      first = steps.first;
      last = steps.last;
      break;
    }
    }
    storage.buffer = int(plan.buffers.size());
    plan.buffers.push_back(BufferRequest{net.layers[i].name, storage.bytes, first, last});
    if (const int input = inputWrittenOver(net, plan, group, i, consumers); input >= 0)
      plan.buffers.back().overwrites = plan.storage[size_t(input)].buffer;
  }
  for (int i = 1; i < layerCount && size_t(i) < workspace.size(); ++i) {
    LayerStorage &storage = plan.storage[size_t(i)];
    storage.workspaceBytes = workspace[size_t(i)];
    if (storage.workspaceBytes == 0 || groupParts(net, *groupOf[size_t(i)], plan.threads) > 1)
      continue; // none, or in each thread's space (requestThreadSpaces)
    storage.workspaceBuffers.push_back(int(plan.buffers.size()));
    storage.workspaceOffsets.push_back(0);
    const int step = memberOrderIn(plan, *groupOf[size_t(i)]).stepOf(i);
    plan.buffers.push_back(BufferRequest{net.layers[size_t(i)].name + " workspace",
                                         storage.workspaceBytes, step, step});
  }
  for (const GroupSchedule &group : plan.schedule.groups)
    if (const int parts = groupParts(net, group, plan.threads); parts > 1)
      requestThreadSpaces(net, group, parts, capacity, workspace, plan);
  plan.arena = planArena(plan.buffers);
  for (LayerStorage &storage : plan.storage) {
    for (size_t copy = 0; copy < storage.workspaceBuffers.size(); ++copy)
      storage.workspaceOffsets[copy] += plan.arena.offsets[size_t(storage.workspaceBuffers[copy])];
    for (size_t thread = 0; thread < storage.threadBuffers.size(); ++thread)
      storage.threadOffsets[thread] += plan.arena.offsets[size_t(storage.threadBuffers[thread])];
    if (!storage.threadBuffers.empty()) {
      storage.buffer = storage.threadBuffers.front();
      storage.offset = storage.threadOffsets.front();
    } else if (storage.buffer >= 0) {
      storage.offset = plan.arena.offsets[size_t(storage.buffer)];
    }
  }
}

Operation conversion(Operation::Kind kind) {
  Operation op;
  op.kind = kind;
  return op;
}

} // namespace

int64_t lowerGroupAlone(const Network &net, const GroupSchedule &group, GroupEnds ends,
                        const LoweringOptions &options, std::vector<Operation> &operations,
                        std::vector<int64_t> &capacity, std::vector<int64_t> &workspace) {
  ExecutionPlan plan;
  plan.threads = options.threads;
  plan.storage.resize(net.layers.size()); // how the group holds the input and output
  if (ends.input)
    plan.storage[0].kind = innerStorage(group);
  if (ends.output)
    plan.storage[size_t(group.last)].kind = innerStorage(group);
  plan.operations = std::move(operations);
  plan.operations.clear();
  LoweringContext context{net,
                          plan,
                          options,
                          std::move(capacity),
                          /*comments=*/false,
                          /*part=*/-1,
                          std::move(workspace)};
  lowerGroup(context, group);
  operations = std::move(plan.operations);
  capacity = std::move(context.capacity);
  workspace = std::move(context.workspace);
  return plan.executedMacs;
}

llvm::Expected<ExecutionPlan> lowerSchedule(const Network &net, const NetworkSchedule &schedule,
                                            const LoweringOptions &options) {
  if (llvm::Error error = validateSchedule(schedule, net))
    return error;
  if (options.threads < 1 || options.threads > kMaxThreads)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the thread count must be in [1, %d], got %d", kMaxThreads,
                                   options.threads);
  if (!primitivesApplied(net, schedule))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the network's convolution primitives are not the "
                                   "schedule's (applyPrimitives)");
  ExecutionPlan plan;
  plan.schedule = schedule;
  plan.threads = options.threads;
  for (int i = 1; i < int(net.layers.size()); ++i)
    plan.layerMacs += layerMacs(net, i);
  assignStorageKinds(net, plan);

  LoweringContext context{net,         plan, options, std::vector<int64_t>(net.layers.size(), 0),
                          true,
                          /*part=*/-1, {}};
  if (plan.storage[0].kind == StorageKind::Full)
    plan.operations.push_back(conversion(Operation::Kind::ConvertInput));
  for (const GroupSchedule &group : schedule.groups)
    lowerGroup(context, group);
  if (plan.storage[net.outputIndex()].kind == StorageKind::Full)
    plan.operations.push_back(conversion(Operation::Kind::ConvertOutput));
  requestBuffers(net, context.capacity, context.workspace, plan);
  return plan;
}

} // namespace tessel
