#include "schedule/execution_plan.h"

#include "analysis/layer_costs.h"
#include "schedule/group_lowering.h"
#include "support/overloaded.h"

#include <algorithm>

namespace tessel {

bool layoutsCoincide(const Shape &shape) {
  return shape.c == 1 || (shape.h == 1 && shape.w == 1);
}

WindowRef LoweringContext::wholeWindow(int layer) const {
  const Shape &s = net.layers[layer].output;
  return WindowRef{layer, 0, 0, s.h, s.w};
}

int LoweringContext::firstMember(const GroupSchedule &group) const {
  const StorageKind input = plan.storage[0].kind;
  const bool converted = input == StorageKind::TileBuffer || input == StorageKind::RowWindow;
  return group.first == 1 && converted ? 0 : group.first;
}

void LoweringContext::addKernel(KernelCall call) {
  if (call.region.empty())
    return;
  plan.executedMacs += regionMacs(net, call.layer, call.region);
  Operation op;
  op.kind = Operation::Kind::Kernel;
  op.call = std::move(call);
  plan.operations.push_back(std::move(op));
}

void LoweringContext::addComment(std::string text) {
  Operation op;
  op.kind = Operation::Kind::Comment;
  op.comment = std::move(text);
  plan.operations.push_back(std::move(op));
}

bool convertsInputInGroup(const Network &net, const NetworkSchedule &schedule) {
  if (layoutsCoincide(net.layers[0].output) || schedule.groups.empty())
    return false;
  const GroupSchedule &first = schedule.groups.front();
  return first.fused() && first.last > 1 && net.consumersOf(0) == std::vector<int>{1};
}

namespace {

// How the group holds the outputs of its layers but the last.
StorageKind innerStorage(const GroupSchedule &group) {
  return std::visit(Overloaded{[](const LayerByLayer &) { return StorageKind::Full; },
                               [](const TileGrid &) { return StorageKind::TileBuffer; },
                               [](const Stripes &) { return StorageKind::RowWindow; }},
                    group.way);
}

void lowerGroup(LoweringContext &context, const GroupSchedule &group) {
  std::visit(
      Overloaded{[&](const LayerByLayer &) { lowerLayersGroup(context, group); },
                 [&](const TileGrid &grid) { lowerTiledGroup(context, group, grid); },
                 [&](const Stripes &stripes) { lowerStreamedGroup(context, group, stripes); }},
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
}

// Steps: 0 converts the input, i runs layer i (all of a fused group's
// layers run interleaved during its steps), N converts the output.
void requestBuffers(const Network &net, const std::vector<int64_t> &capacity, ExecutionPlan &plan) {
  const int layerCount = int(net.layers.size());
  const std::vector<const GroupSchedule *> groupOf = groupOfEachLayer(plan.schedule, layerCount);
  const std::vector<std::vector<int>> consumers = net.allConsumers();
  for (int i = 0; i < layerCount; ++i) {
    LayerStorage &storage = plan.storage[i];
    const GroupSchedule &group = *groupOf[size_t(std::max(i, 1))];
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
      storage.bytes = capacity[i];
      first = std::max(i, 1); // the input's tiles are converted during the group's steps
      last = i + 1;           // tiles do not carry anything over
      break;
    case StorageKind::RowWindow:
      storage.bytes = capacity[i];
      first = group.first; // rows carry over from stripe to stripe
      last = group.last;
      break;
    }
    storage.buffer = int(plan.buffers.size());
    plan.buffers.push_back(BufferRequest{net.layers[i].name, storage.bytes, first, last});
  }
  plan.arena = planArena(plan.buffers);
  for (LayerStorage &storage : plan.storage)
    if (storage.buffer >= 0)
      storage.offset = plan.arena.offsets[storage.buffer];
}

} // namespace

int64_t lowerGroupAlone(const Network &net, const GroupSchedule &group, bool inputInGroup,
                        std::vector<Operation> &operations, std::vector<int64_t> &capacity) {
  ExecutionPlan plan;
  plan.storage.resize(1); // firstMember reads how the input is held
  if (inputInGroup)
    plan.storage[0].kind = innerStorage(group);
  plan.operations = std::move(operations);
  plan.operations.clear();
  LoweringContext context{net, plan, std::move(capacity), /*comments=*/false};
  lowerGroup(context, group);
  operations = std::move(plan.operations);
  capacity = std::move(context.capacity);
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
  ExecutionPlan plan;
  plan.schedule = schedule;
  plan.threads = options.threads;
  for (int i = 1; i < int(net.layers.size()); ++i)
    plan.layerMacs += layerMacs(net, i);
  assignStorageKinds(net, plan);

  LoweringContext context{net, plan, std::vector<int64_t>(net.layers.size(), 0), true};
  if (plan.storage[0].kind == StorageKind::Full)
    plan.operations.push_back(Operation{Operation::Kind::ConvertInput, {}, {}, {}});
  for (const GroupSchedule &group : schedule.groups)
    lowerGroup(context, group);
  if (plan.storage[net.outputIndex()].kind == StorageKind::Full)
    plan.operations.push_back(Operation{Operation::Kind::ConvertOutput, {}, {}, {}});
  requestBuffers(net, context.capacity, plan);
  return plan;
}

} // namespace tessel
