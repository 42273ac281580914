// batch_norm: per-channel affine from statistics (inference). It has no
// kernel: normalize folds it into the convolution before it, or turns it
// into a 1x1 depthwise convolution.
#include "ops/attribute_readers.h"
#include "ops/common_rules.h"
#include "ops/op_kinds.h"

namespace tessel::ops {
namespace {

void parse(const AttributeMap &attrs, llvm::StringRef, std::vector<Layer> &layers) {
  Layer &layer = layers.front();
  layer.batchNorm().epsilon = epsilonOr(attrs);
  layer.activation = activationOr(attrs);
}

std::vector<ParameterTensor> parameters(const OpSite &site) {
  std::vector<ParameterTensor> tensors;
  for (ParameterRole role :
       {ParameterRole::Gamma, ParameterRole::Beta, ParameterRole::Mean, ParameterRole::Variance})
    tensors.push_back({role, {site.input().c}, 0});
  return tensors;
}

} // namespace

const OpDescription &batchNorm() {
  static const OpDescription op = [] {
    OpDescription d = elementwiseOp(OpKind::BatchNorm, "batch_norm");
    d.splitsAcrossThreads = false; // never emitted: normalize removes it
    d.spellings = {{"batch_norm", {"epsilon", "activation"}}};
    d.parse = parse;
    d.parameters = parameters;
    d.macs = onePerOutput;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
