// add: the element-wise sum of two or more maps of one shape, in input
// order, with an activation epilogue.
#include "ops/common_rules.h"
#include "ops/emit_helpers.h"
#include "ops/op_kinds.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel::ops {
namespace {

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  for (size_t i = 1; i < site.inputCount(); ++i)
    if (site.input(i) != site.input(0))
      return site.fail("inputs", fmt::format("add needs inputs of equal shape, but '{}' is {} and "
                                             "'{}' is {}",
                                             site.inputLayer(0).name, formatShape(site.input(0)),
                                             site.inputLayer(i).name, formatShape(site.input(i))));
  return site.input(0);
}

int64_t macs(const OpSite &site) {
  return site.layer().output.elements() * std::max<int64_t>(int64_t(site.inputCount()) - 1, 0);
}

std::string emitCall(const CallPieces &call) {
  return fmt::format("{}{}  tessel::add<{}>(inputs, {}, {},\n{}    {}, {});\n{}}}",
                     inputViewArray(call), call.indent, call.activation, call.inputViews.size(),
                     call.outputView, call.indent, call.region, call.alpha, call.indent);
}

} // namespace

const OpDescription &add() {
  static const OpDescription op = [] {
    OpDescription d = elementwiseOp(OpKind::Add, "add");
    d.spellings = {{"add", {"activation"}}};
    d.inputs = InputCount::TwoOrMore;
    d.fusesActivation = true;
    d.parse = parseActivationEpilogue;
    d.inferShape = inferShape;
    d.macs = macs;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
