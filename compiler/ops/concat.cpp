// concat: its inputs' channels one after another, in input order.
#include "ops/common_rules.h"
#include "ops/emit_helpers.h"
#include "ops/op_kinds.h"
#include "support/limits.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel::ops {
namespace {

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  int64_t channels = 0;
  for (size_t i = 0; i < site.inputCount(); ++i) {
    if (site.input(i).h != site.input(0).h || site.input(i).w != site.input(0).w)
      return site.fail("inputs", fmt::format("concat needs inputs of equal height and width, but "
                                             "'{}' is {} and '{}' is {}",
                                             site.inputLayer(0).name, formatShape(site.input(0)),
                                             site.inputLayer(i).name, formatShape(site.input(i))));
    channels += site.input(i).c;
  }
  if (channels > kMaxDimension)
    return site.fail("inputs", fmt::format("the output would have {} channels, more than {}",
                                           channels, kMaxDimension));
  return Shape{int(channels), site.input(0).h, site.input(0).w};
}

// The same cells; of the output channels asked for, those input
// `inputIndex` provides, in its own numbering (an empty range when none).
InputNeed inputNeed(const OpSite &site, int inputIndex, const MapRegion &output) {
  InputNeed need{output};
  if (output.allChannels())
    return need;
  int offset = 0;
  for (int i = 0; i < inputIndex; ++i)
    offset += site.input(size_t(i)).c;
  const int channels = site.input(size_t(inputIndex)).c;
  need.region.c0 = std::clamp(output.c0 - offset, 0, channels);
  need.region.c1 = std::clamp(std::min(output.c1, site.layer().output.c) - offset, 0, channels);
  return need;
}

std::string emitCall(const CallPieces &call) {
  return fmt::format("{}{}  tessel::concatChannels(inputs, {}, {},\n{}    {});\n{}}}",
                     inputViewArray(call), call.indent, call.inputViews.size(), call.outputView,
                     call.indent, call.region, call.indent);
}

} // namespace

const OpDescription &concat() {
  static const OpDescription op = [] {
    OpDescription d = elementwiseOp(OpKind::Concat, "concat");
    d.spellings = {{"concat", {}}};
    d.inputs = InputCount::TwoOrMore;
    d.inferShape = inferShape;
    d.inputNeed = inputNeed;
    d.inPlace = nullptr; // each cell's channels move to another place
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
