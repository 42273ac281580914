#include "schedule/in_place.h"

#include "ops/op_table.h"

#include <variant>

namespace tessel {

namespace {

// Whether the plan runs `layer` as an in-order kernel may overwrite its
// input: in one call on one thread.
bool runsInOrder(const ExecutionPlan &plan, int layer) {
  int calls = 0;
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::Kernel && op.call.layer == layer)
      if (++calls > 1 || op.call.threads > 1 || op.part >= 0)
        return false;
  return calls == 1;
}

} // namespace

int inputWrittenOver(const Network &net, const ExecutionPlan &plan, const GroupSchedule &group,
                     int layer, const std::vector<std::vector<int>> &consumers) {
  if (layer <= 0 || !std::holds_alternative<LayerByLayer>(group.way) ||
      plan.storage[size_t(layer)].kind != StorageKind::Full)
    return -1;
  const Layer &writer = net.layers[size_t(layer)];
  const OpDescription &op = describeOp(writer.op);
  if (op.inPlace == nullptr)
    return -1;
  const OpSite site(net, layer);
  for (size_t index = 0; index < writer.inputs.size(); ++index) {
    const int input = writer.inputs[index];
    if (plan.storage[size_t(input)].kind != StorageKind::Full ||
        consumers[size_t(input)] != std::vector<int>{layer} ||
        writer.output.elements() > net.layers[size_t(input)].output.elements())
      continue;
    switch (op.inPlace(site, int(index))) {
    case InPlace::Never: break;
    case InPlace::CellByCell: return input;
    case InPlace::InOrder:
      if (runsInOrder(plan, layer))
        return input;
      break;
    }
  }
  return -1;
}

} // namespace tessel
