// flatten_concat: every input flattened in NCHW order, one after another,
// as one vector (sum of the inputs' elements) x 1 x 1. It joins maps of
// different shapes into one output: the Darknet importer ends a network with
// several detection heads (YOLOv3) with it.
#include "ops/common_rules.h"
#include "ops/emit_helpers.h"
#include "ops/op_kinds.h"
#include "support/limits.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  int64_t elements = 0;
  for (size_t i = 0; i < site.inputCount(); ++i)
    elements += site.input(i).elements();
  if (elements > kMaxDimension)
    return site.fail("inputs", fmt::format("the output would have {} elements, more than {}",
                                           elements, kMaxDimension));
  return Shape{int(elements), 1, 1};
}

std::string emitCall(const CallPieces &call) {
  return fmt::format("{}{}  tessel::flattenConcat(inputs, {}, {});\n{}}}", inputViewArray(call),
                     call.indent, call.inputViews.size(), call.outputTensor, call.indent);
}

} // namespace

const OpDescription &flattenConcat() {
  static const OpDescription op = [] {
    OpDescription d(OpKind::FlattenConcat, "flatten_concat");
    d.spellings = {{"flatten_concat", {}}};
    d.inputs = InputCount::TwoOrMore;
    d.inferShape = inferShape;
    d.inputNeed = nullptr; // every input whole
    d.kernelClass = copyClass;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
