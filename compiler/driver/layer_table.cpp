#include "driver/layer_table.h"

#include "analysis/layer_costs.h"
#include "ops/conv_primitives.h"
#include "support/byte_size.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel::driver {

std::string formatLayerTable(const Network &net, const ExecutionPlan &plan) {
  std::string text = fmt::format("{:>3}  {:<18} {:<15} {:<9} {:>16} {:>14} {:>12} {:>12} {:>11}\n",
                                 "#", "layer", "op", "primitive", "output (CxHxW)", "MACs",
                                 "weight B", "activation B", "arena off");
  int64_t totalMacs = 0, totalWeights = 0;
  for (int i = 0; i < int(net.layers.size()); ++i) {
    const Layer &layer = net.layers[i];
    int64_t macs = layerMacs(net, i), weightBytes = layerWeightBytes(net, i);
    totalMacs += macs;
    totalWeights += weightBytes;
    std::string op = opName(layer.op);
    if (layer.activation.kind != ActivationKind::Linear && layer.op != OpKind::Activation)
      op += std::string("+") + activationName(layer.activation.kind);
    const LayerStorage &storage = plan.storage[i];
    std::string offset = storage.offset >= 0 ? std::to_string(storage.offset) : std::string("user");
    if (storage.kind == StorageKind::TileBuffer)
      offset = "tile@" + offset;
    else if (storage.kind == StorageKind::RowWindow)
      offset = "rows@" + offset;
    else if (storage.buffer >= 0 && plan.buffers[size_t(storage.buffer)].overwrites >= 0)
      offset = "over@" + offset; // written over its input (schedule/in_place.h)
    const char *primitive = layer.op == OpKind::Conv2d ? primitiveName(primitiveOf(layer)) : "";
    text +=
        fmt::format("{:>3}  {:<18} {:<15} {:<9} {:>16} {:>14L} {:>12L} {:>12L} {:>11}\n",
                    // Numbered as schedules number them: the input is not a layer.
                    i == 0 ? std::string("in") : std::to_string(i - 1), layer.name, op, primitive,
                    fmt::format("{}x{}x{}", layer.output.c, layer.output.h, layer.output.w), macs,
                    weightBytes, layer.output.elements() * 4, offset);
  }
  text += fmt::format("total: {:.3f} GMAC, weights {} ({} bytes)\n", double(totalMacs) / 1e9,
                      formatBytes(totalWeights), totalWeights);
  text += fmt::format("schedule: {}\n", formatSchedule(plan.schedule));
  text += fmt::format("executed: {:.3f} GMAC ({:+.2f}% over layer by layer)\n",
                      double(plan.executedMacs) / 1e9,
                      100.0 * double(plan.executedMacs - plan.layerMacs) /
                          double(std::max<int64_t>(plan.layerMacs, 1)));
  text += fmt::format("arena: {} bytes ({}); lower bound {} bytes, planner order '{}'\n",
                      plan.arena.arenaBytes, formatBytes(plan.arena.arenaBytes),
                      plan.arena.lowerBoundBytes, plan.arena.strategy);
  int64_t workspace = 0;
  for (const LayerStorage &storage : plan.storage)
    workspace = std::max(workspace, storage.workspaceBytes);
  if (workspace > 0)
    text += fmt::format("workspace: the largest a call needs is {} bytes ({}), in the arena\n",
                        workspace, formatBytes(workspace));
  return text;
}

} // namespace tessel::driver
