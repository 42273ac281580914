// The stand-alone activations (relu, relu6, sigmoid, leaky, hard_sigmoid,
// hard_swish, linear): one op,
// spelled by the activation it applies. normalize attaches one to its
// producer when it can.
#include "ops/attribute_readers.h"
#include "ops/common_rules.h"
#include "ops/op_kinds.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

void parse(const AttributeMap &attrs, llvm::StringRef spelling, std::vector<Layer> &layers) {
  Activation &activation = layers.front().activation;
  activation = withDefaultSlope(*activationNamed(spelling));
  activation.alpha = float(attrs.numberOr("alpha", activation.alpha));
}

int64_t macs(const OpSite &site) {
  return site.layer().activation.kind == ActivationKind::Linear ? 0 : onePerOutput(site);
}

std::string emitCall(const CallPieces &call) {
  return fmt::format("tessel::activateMap<{}>({},\n{}  {},\n{}  {}, {});", call.activation,
                     call.inputViews[0], call.indent, call.outputView, call.indent, call.region,
                     call.alpha);
}

} // namespace

const OpDescription &activation() {
  static const OpDescription op = [] {
    OpDescription d = elementwiseOp(OpKind::Activation, "activation");
    d.spellings = {{"relu", {}},
                   {"relu6", {}},
                   {"sigmoid", {}},
                   {"leaky", {"alpha"}},
                   {"hard_sigmoid", {"alpha"}},
                   {"hard_swish", {}},
                   {"linear", {}}};
    d.parse = parse;
    d.macs = macs;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
