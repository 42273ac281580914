#include "analysis/regions.h"

#include "ops/op_table.h"
#include "support/invariant.h"

#include <fmt/format.h>

#include <utility>

namespace tessel {
namespace {

// The functions here are called by the compiler on its own plans; a broken
// precondition is a compiler bug, so it aborts rather than produce a
// silently wrong tiling.
template <typename... Args>
void require(bool condition, fmt::format_string<Args...> what, Args &&...args) {
  requireInvariant(condition, "region analysis", what, std::forward<Args>(args)...);
}

} // namespace

MapRegion wholeMap(const Shape &shape) {
  return {0, shape.h, 0, shape.w};
}

InputNeed inputNeed(const Network &network, int layerIndex, int inputIndex,
                    const MapRegion &output) {
  require(layerIndex > 0 && layerIndex < int(network.layers.size()),
          "layer {} is not a computed layer of a network of {} layers", layerIndex,
          network.layers.size());
  const Layer &layer = network.layers[size_t(layerIndex)];
  require(inputIndex >= 0 && inputIndex < int(layer.inputs.size()), "layer '{}' has no input {}",
          layer.name, inputIndex);
  if (output.empty())
    return {};
  if (!contains(wholeMap(layer.output), output)) // formatted only then: this runs per tile
    require(false, "{} lies outside the {}x{} output of '{}'", formatRegion(output), layer.output.h,
            layer.output.w, layer.name);

  const OpDescription &op = describeOp(layer.op);
  if (!op.inputNeed) // any part of the output reads the whole input
    return {wholeMap(network.layers[size_t(layer.inputs[size_t(inputIndex)])].output)};
  return op.inputNeed(OpSite(network, layerIndex), inputIndex, output);
}

bool isSpatiallyTileable(OpKind op) {
  return describeOp(op).inputNeed != nullptr;
}

TileTrace traceChain(const Network &network, int first, int last, const MapRegion &outputOfLast) {
  require(first >= 1 && first <= last && last < int(network.layers.size()),
          "layers {}..{} are not a segment of a network of {} layers", first, last,
          network.layers.size());
  for (int i = first; i <= last; ++i) {
    const Layer &layer = network.layers[size_t(i)];
    require(layer.inputs.size() == 1 && (i == first || layer.inputs[0] == i - 1),
            "layers {}..{} are not a chain: '{}' does not read only the layer before it", first,
            last, layer.name);
  }

  TileTrace trace;
  trace.layerOutputs.resize(size_t(last - first + 1));
  trace.layerOutputs.back() = outputOfLast;
  for (int i = last; i > first; --i)
    trace.layerOutputs[size_t(i - 1 - first)] =
        inputNeed(network, i, 0, trace.layerOutputs[size_t(i - first)]).region;
  trace.segmentInput = inputNeed(network, first, 0, trace.layerOutputs.front());
  return trace;
}

} // namespace tessel
