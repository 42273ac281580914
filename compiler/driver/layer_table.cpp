#include "driver/layer_table.h"

#include "analysis/layer_costs.h"
#include "driver/byte_size.h"

#include <fmt/format.h>

namespace tessel::driver {

std::string formatLayerTable(const Network &net, const LayerPlan &plan) {
  std::string text =
      fmt::format("{:>3}  {:<18} {:<15} {:>16} {:>14} {:>12} {:>12} {:>11}\n", "#", "layer", "op",
                  "output (CxHxW)", "MACs", "weight B", "activation B", "arena off");
  int64_t totalMacs = 0, totalWeights = 0;
  for (int i = 0; i < int(net.layers.size()); ++i) {
    const Layer &layer = net.layers[i];
    int64_t macs = layerMacs(net, i), weightBytes = layerWeightBytes(net, i);
    totalMacs += macs;
    totalWeights += weightBytes;
    std::string op = opName(layer.op);
    if (layer.activation.kind != ActivationKind::Linear && layer.op != OpKind::Activation)
      op += std::string("+") + activationName(layer.activation.kind);
    std::string offset =
        plan.tensorOffset[i] >= 0 ? std::to_string(plan.tensorOffset[i]) : std::string("user");
    text +=
        fmt::format("{:>3}  {:<18} {:<15} {:>16} {:>14L} {:>12L} {:>12L} {:>11}\n", i, layer.name,
                    op, fmt::format("{}x{}x{}", layer.output.c, layer.output.h, layer.output.w),
                    macs, weightBytes, layer.output.elements() * 4, offset);
  }
  text += fmt::format("total: {:.3f} GMAC, weights {} ({} bytes)\n", double(totalMacs) / 1e9,
                      formatBytes(totalWeights), totalWeights);
  text += fmt::format("arena: {} bytes ({}), schedule layers; lower bound {} bytes, planner order "
                      "'{}'\n",
                      plan.arena.arenaBytes, formatBytes(plan.arena.arenaBytes),
                      plan.arena.lowerBoundBytes, plan.arena.strategy);
  return text;
}

} // namespace tessel::driver
