// fully_connected: every output reads the whole input, flattened in NCHW
// order; an activation epilogue.
#include "ops/attribute_readers.h"
#include "ops/common_rules.h"
#include "ops/op_kinds.h"
#include "support/limits.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

void parse(const AttributeMap &attrs, llvm::StringRef, std::vector<Layer> &layers) {
  Layer &layer = layers.front();
  layer.fc().outFeatures = attrs.integer("units");
  layer.fc().bias = attrs.flagOr("bias", true);
  layer.activation = activationOr(attrs);
}

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  const int units = site.layer().fc().outFeatures;
  if (!ShapeSite::inRange({units}, 1))
    return site.outOfRange("units");
  const Shape in = site.input();
  if (limitedProduct({units, in.elements()}) > kMaxTensorElements)
    return site.fail("units", fmt::format("the weight tensor ({} units x {} inputs) would have "
                                          "more than {} elements",
                                          units, in.elements(), kMaxTensorElements));
  return Shape{units, 1, 1};
}

std::vector<ParameterTensor> parameters(const OpSite &site) {
  const FullyConnectedAttrs &fc = site.layer().fc();
  const int64_t fanIn = site.input().elements();
  std::vector<ParameterTensor> tensors{{ParameterRole::Weight, {fc.outFeatures, fanIn}, fanIn}};
  if (fc.bias)
    tensors.push_back({ParameterRole::Bias, {fc.outFeatures}, 0});
  return tensors;
}

int64_t macs(const OpSite &site) {
  return site.input().elements() * site.layer().fc().outFeatures;
}

KernelClass denseClass(const OpSite &) {
  return KernelClass::Dense;
}

WeightPacking weightPacking(const OpSite &) {
  return WeightPacking::DenseChannelsLast;
}

std::string emitCall(const CallPieces &call) {
  return fmt::format("tessel::fullyConnected<{}>({}, {}, {}, {}, {}, {}, {});", call.activation,
                     call.site.input().elements(), call.site.layer().output.elements(),
                     call.weights, call.bias, call.inputTensors[0], call.outputTensor, call.alpha);
}

} // namespace

const OpDescription &fullyConnected() {
  static const OpDescription op = [] {
    OpDescription d(OpKind::FullyConnected, "fully_connected");
    d.spellings = {{"fully_connected", {"units", "bias", "activation"}}};
    d.fusesActivation = true;
    d.parse = parse;
    d.inferShape = inferShape;
    d.parameters = parameters;
    d.macs = macs;
    d.kernelClass = denseClass;
    d.weightPacking = weightPacking;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
