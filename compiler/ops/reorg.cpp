// reorg: Darknet's space-to-depth with libdarknet's layout quirk (YOLOv2's
// passthrough layer), C x H x W to C*s^2 x H/s x W/s. Every output element
// reads a scattered input element, so it needs the whole input: it runs in
// `layers` groups, not inside tiles or stripes.
#include "ops/common_rules.h"
#include "ops/emit_helpers.h"
#include "ops/op_kinds.h"
#include "support/attribute_map.h"
#include "support/limits.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

void parse(const AttributeMap &attrs, llvm::StringRef, std::vector<Layer> &layers) {
  layers.front().reorg().stride = attrs.integerOr("stride", 2);
}

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  const int stride = site.layer().reorg().stride;
  if (!ShapeSite::inRange({stride}, 1))
    return site.outOfRange("stride");
  const Shape in = site.input();
  if (in.h % stride != 0 || in.w % stride != 0)
    return site.fail("stride", fmt::format("reorg needs height and width divisible by the stride "
                                           "({}), got {}x{}",
                                           stride, in.h, in.w));
  const int64_t square = int64_t(stride) * stride;
  if (in.c % square != 0)
    return site.fail("stride", fmt::format("reorg needs the channels ({}) divisible by the "
                                           "stride squared ({})",
                                           in.c, square));
  const int64_t channels = in.c * square;
  if (channels > kMaxDimension)
    return site.fail("stride", fmt::format("the output would have {} channels, more than {}",
                                           channels, kMaxDimension));
  return Shape{int(channels), in.h / stride, in.w / stride};
}

std::optional<KernelParams> kernelParams(const OpSite &site) {
  const Shape in = site.input();
  return KernelParams{"tessel::ReorgParams",
                      {{"inChannels", intLiteral(in.c)},
                       {"inH", intLiteral(in.h)},
                       {"inW", intLiteral(in.w)},
                       {"stride", intLiteral(site.layer().reorg().stride)}}};
}

std::string emitCall(const CallPieces &call) {
  return regionKernelCall("reorgDarknet", call);
}

} // namespace

const OpDescription &reorg() {
  static const OpDescription op = [] {
    OpDescription d(OpKind::Reorg, "reorg");
    d.spellings = {{"reorg", {"stride"}}};
    d.parse = parse;
    d.inferShape = inferShape;
    d.inputNeed = nullptr; // scattered reads: the whole input
    d.kernelClass = copyClass;
    d.kernelParams = kernelParams;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
