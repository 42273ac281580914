// multiply: the element-wise product of a map and a second map of the same
// shape, or of a map and one factor per channel (a C x 1 x 1 map, as
// squeeze-and-excitation blocks compute them), with an activation epilogue.
#include "ops/common_rules.h"
#include "ops/emit_helpers.h"
#include "ops/op_kinds.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

bool perChannelFactors(const OpSite &site) {
  return site.input(1) != site.input(0);
}

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  const Shape map = site.input(0), factors = site.input(1);
  if (factors != map && !(factors.c == map.c && factors.h == 1 && factors.w == 1))
    return site.fail("inputs",
                     fmt::format("multiply needs a second input of the first's shape {} or one "
                                 "factor per channel ({}x1x1), but '{}' is {}",
                                 formatShape(map), map.c, site.inputLayer(1).name,
                                 formatShape(factors)));
  return map;
}

// Per-channel factors are read whole (their single cell) for any output
// region; a same-shape second input like the first.
InputNeed inputNeed(const OpSite &site, int inputIndex, const MapRegion &output) {
  if (inputIndex == 0 || !perChannelFactors(site))
    return {output};
  MapRegion factors = output;
  factors.y0 = factors.x0 = 0;
  factors.y1 = factors.x1 = 1;
  return {factors};
}

std::string emitCall(const CallPieces &call) {
  return fmt::format("tessel::multiply<{}>({}, {}, {},\n{}    {}, {}, {});", call.activation,
                     call.inputViews[0], call.inputViews[1], call.outputView, call.indent,
                     call.region, perChannelFactors(call.site) ? "true" : "false", call.alpha);
}

} // namespace

const OpDescription &multiply() {
  static const OpDescription op = [] {
    OpDescription d = elementwiseOp(OpKind::Multiply, "multiply");
    d.spellings = {{"multiply", {"activation"}}};
    d.inputs = InputCount::TwoOrMore;
    d.fusesActivation = true;
    d.parse = parseActivationEpilogue;
    d.inferShape = inferShape;
    d.inputNeed = inputNeed;
    d.macs = onePerOutput;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
