// The network input: layer 0, the caller's NCHW tensor. As an op of a fused
// first group it converts the part of the input a tile or stripe reads to
// channels-last.
#include "ops/common_rules.h"
#include "ops/op_kinds.h"
#include "support/limits.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  const Shape shape = site.network().inputShape;
  for (int extent : {shape.c, shape.h, shape.w})
    if (extent < 1 || extent > kMaxDimension)
      return site.fail("", fmt::format("the input {} must have every extent between 1 and {}",
                                       formatShape(shape), kMaxDimension));
  return shape;
}

std::string emitCall(const CallPieces &call) {
  return fmt::format("tessel::nchwToHwcRegion(input,\n{}  {},\n{}  {});", call.indent,
                     call.outputView, call.indent, call.region);
}

} // namespace

const OpDescription &input() {
  static const OpDescription op = [] {
    OpDescription d(OpKind::Input, "input");
    // Described by the `input:` section, not as a layer: no spelling.
    d.inputs = InputCount::None;
    d.inferShape = inferShape;
    d.kernelClass = copyClass;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
