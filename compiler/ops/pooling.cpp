// maxpool and avgpool: a window over each channel on its own. They share
// every rule but their kernel and avgpool's `count_include_pad`.
#include "ops/attribute_readers.h"
#include "ops/common_rules.h"
#include "ops/emit_helpers.h"
#include "ops/op_kinds.h"
#include "ops/window_rules.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel::ops {
namespace {

void parse(const AttributeMap &attrs, llvm::StringRef, std::vector<Layer> &layers) {
  PoolAttrs &pool = layers.front().pool();
  pool.window = readKernelWindow(attrs, {/*strideIsKernel=*/true, /*dilated=*/false});
  pool.window.ceilMode = attrs.flagOr("ceil_mode", false);
  if (pool.window.ceilMode && pool.window.samePadding)
    attrs.context().fail(*attrs.find("ceil_mode"),
                         "ceil_mode cannot be combined with padding: same, which already fixes "
                         "the output size");
  pool.countIncludePad = attrs.flagOr("count_include_pad", false);
}

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  KernelWindow &window = site.layer().pool().window;
  if (llvm::Error error = checkWindowRanges(site, window, /*dilated=*/false))
    return error;
  const Shape in = site.input();
  if (window.samePadding)
    window.padding = resolveSamePadding(window, in);
  // With more, a window could hold padding only: no max, nothing to average.
  const Padding &pad = window.padding;
  if (std::max(pad.top, pad.bottom) > window.kernelH / 2 ||
      std::max(pad.left, pad.right) > window.kernelW / 2)
    return site.fail("padding",
                     fmt::format("pooling padding may be at most half the kernel ({}x{})",
                                 window.kernelH, window.kernelW));
  llvm::Expected<std::pair<int, int>> size = slideWindow(site, window, in);
  if (!size)
    return size.takeError();
  return Shape{in.c, size->first, size->second};
}

// Each output channel reads its own input channel.
InputNeed inputNeed(const OpSite &site, int, const MapRegion &output) {
  const Shape in = site.input();
  return windowInputNeed(site.layer().pool().window, in.h, in.w, output);
}

int64_t macs(const OpSite &site) {
  const KernelWindow &w = site.layer().pool().window;
  return site.layer().output.elements() * w.kernelH * w.kernelW;
}

// In order over the input when no window reaches back before the cell its
// output is written to: without top or left padding, output (y, x) is cell
// y * outW + x and its window starts at cell (y * strideH) * inW + x * strideW,
// no earlier when inW >= outW. Each channel block of a window is read in full
// before it is written (runtime pool.h).
InPlace inPlace(const OpSite &site, int) {
  const KernelWindow &w = site.layer().pool().window;
  const Shape in = site.input(), out = site.layer().output;
  const bool neverBehind = w.padding.top == 0 && w.padding.left == 0 && in.w >= out.w &&
                           int64_t(in.h) * in.w >= int64_t(out.h) * out.w;
  return neverBehind ? InPlace::InOrder : InPlace::Never;
}

KernelClass kernelClass(const OpSite &) {
  return KernelClass::Pool;
}

std::optional<KernelParams> kernelParams(const OpSite &site) {
  const PoolAttrs &p = site.layer().pool();
  const KernelWindow &w = p.window;
  return KernelParams{"tessel::PoolParams",
                      {{"channels", intLiteral(site.layer().output.c)},
                       {"kernelH", intLiteral(w.kernelH)},
                       {"kernelW", intLiteral(w.kernelW)},
                       {"strideH", intLiteral(w.strideH)},
                       {"strideW", intLiteral(w.strideW)},
                       {"padTop", intLiteral(w.padding.top)},
                       {"padLeft", intLiteral(w.padding.left)},
                       {"padBottom", intLiteral(w.padding.bottom)},
                       {"padRight", intLiteral(w.padding.right)},
                       {"countIncludePad", boolLiteral(p.countIncludePad)}}};
}

std::string emitMaxPool(const CallPieces &call) {
  return regionKernelCall("maxPool2d", call);
}

std::string emitAvgPool(const CallPieces &call) {
  return regionKernelCall("avgPool2d", call);
}

OpDescription pooling(OpKind kind, llvm::StringRef name, std::vector<llvm::StringRef> attributes,
                      std::string (*emitCall)(const CallPieces &)) {
  OpDescription d(kind, name);
  d.spellings = {{name, std::move(attributes)}};
  d.splitsAcrossThreads = true;
  d.parse = parse;
  d.inferShape = inferShape;
  d.inputNeed = inputNeed;
  d.macs = macs;
  d.kernelClass = kernelClass;
  d.inPlace = inPlace;
  d.kernelParams = kernelParams;
  d.emitCall = emitCall;
  return d;
}

} // namespace

const OpDescription &maxPool() {
  static const OpDescription op = pooling(
      OpKind::MaxPool, "maxpool", {"kernel", "stride", "padding", "ceil_mode"}, emitMaxPool);
  return op;
}

const OpDescription &avgPool() {
  static const OpDescription op =
      pooling(OpKind::AvgPool, "avgpool",
              {"kernel", "stride", "padding", "ceil_mode", "count_include_pad"}, emitAvgPool);
  return op;
}

} // namespace tessel::ops
