// upsample: nearest-neighbour upsampling by integer factors,
// out[y][x] = in[y / scaleH][x / scaleW] (Darknet's `upsample`, ONNX Resize
// with mode nearest, integer scales; docs/network-format.md).
#include "ops/common_rules.h"
#include "ops/emit_helpers.h"
#include "ops/op_kinds.h"
#include "support/attribute_map.h"
#include "support/limits.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

void parse(const AttributeMap &attrs, llvm::StringRef, std::vector<Layer> &layers) {
  UpsampleAttrs &upsample = layers.front().upsample();
  const SpatialPair scale = attrs.spatial("scale");
  upsample.scaleH = scale.h;
  upsample.scaleW = scale.w;
}

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  const UpsampleAttrs &up = site.layer().upsample();
  if (!ShapeSite::inRange({up.scaleH, up.scaleW}, 1))
    return site.outOfRange("scale");
  const Shape in = site.input();
  const int64_t height = int64_t(in.h) * up.scaleH, width = int64_t(in.w) * up.scaleW;
  if (height > kMaxDimension || width > kMaxDimension)
    return site.fail("scale", fmt::format("the output would be {}x{}, larger than {}", height,
                                          width, kMaxDimension));
  return Shape{in.c, int(height), int(width)};
}

// Output rows [y0, y1) repeat input rows [y0 / s, (y1 - 1) / s + 1); columns
// likewise; each channel reads its own.
InputNeed inputNeed(const OpSite &site, int, const MapRegion &output) {
  const UpsampleAttrs &up = site.layer().upsample();
  InputNeed need{output};
  if (output.empty())
    return {};
  need.region.y0 = output.y0 / up.scaleH;
  need.region.y1 = (output.y1 - 1) / up.scaleH + 1;
  need.region.x0 = output.x0 / up.scaleW;
  need.region.x1 = (output.x1 - 1) / up.scaleW + 1;
  return need;
}

std::optional<KernelParams> kernelParams(const OpSite &site) {
  const UpsampleAttrs &up = site.layer().upsample();
  return KernelParams{"tessel::UpsampleParams",
                      {{"channels", intLiteral(site.layer().output.c)},
                       {"scaleH", intLiteral(up.scaleH)},
                       {"scaleW", intLiteral(up.scaleW)}}};
}

std::string emitCall(const CallPieces &call) {
  return regionKernelCall("upsampleNearest", call);
}

} // namespace

const OpDescription &upsample() {
  static const OpDescription op = [] {
    OpDescription d(OpKind::Upsample, "upsample");
    d.spellings = {{"upsample", {"scale"}}};
    d.splitsAcrossThreads = true;
    d.parse = parse;
    d.inferShape = inferShape;
    d.inputNeed = inputNeed;
    d.kernelClass = copyClass;
    d.kernelParams = kernelParams;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
