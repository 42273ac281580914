#include "analysis/shape_inference.h"

#include "ops/op_table.h"
#include "support/diagnostic.h"
#include "support/limits.h"

#include <fmt/format.h>

namespace tessel {
namespace {

// The inputs a layer reads: defined above it, as many as its op takes.
llvm::Error checkInputs(const ShapeSite &site) {
  const Layer &layer = site.layer();
  if ((site.index() == 0) != (layer.op == OpKind::Input))
    return site.fail("op", "the network input must be the first layer, and only it");
  for (int producer : layer.inputs)
    if (producer < 0 || producer >= site.index())
      return site.fail("inputs", "reads a layer that is not defined above it");

  const size_t count = layer.inputs.size();
  switch (describeOp(layer.op).inputs) {
  case InputCount::None:
    if (count != 0)
      return site.fail("inputs", "the network input reads no layers");
    break;
  case InputCount::TwoOrMore:
    if (count < 2)
      return site.fail(
          "inputs", fmt::format("{} needs at least two inputs, got {}", opName(layer.op), count));
    break;
  case InputCount::One:
    if (count != 1)
      return site.fail("inputs",
                       fmt::format("{} reads exactly one input, got {}", opName(layer.op), count));
    break;
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error inferLayerShape(Network &network, int index) {
  ShapeSite site(network, index);
  if (llvm::Error error = checkInputs(site))
    return error;
  llvm::Expected<Shape> output = describeOp(site.layer().op).inferShape(site);
  if (!output)
    return output.takeError();
  if (int64_t elements = limitedProduct({output->c, output->h, output->w});
      elements > kMaxTensorElements)
    return site.fail("", fmt::format("the output {} has more than {} elements",
                                     formatShape(*output), kMaxTensorElements));
  site.layer().output = *output;
  return llvm::Error::success();
}

llvm::Error inferShapes(Network &network) {
  if (network.layers.empty())
    return makeDiagnostic(network.loc, "", "the network has no layers");
  for (int index = 0; index < int(network.layers.size()); ++index)
    if (llvm::Error error = inferLayerShape(network, index))
      return error;
  return llvm::Error::success();
}

} // namespace tessel
