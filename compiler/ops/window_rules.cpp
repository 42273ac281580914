#include "ops/window_rules.h"

#include "support/limits.h"

#include <fmt/format.h>

namespace tessel {

llvm::Error checkWindowRanges(const ShapeSite &site, const KernelWindow &window, bool dilated) {
  if (!ShapeSite::inRange({window.kernelH, window.kernelW}, 1))
    return site.outOfRange("kernel");
  if (!ShapeSite::inRange({window.strideH, window.strideW}, 1))
    return site.outOfRange("stride");
  if (dilated && !ShapeSite::inRange({window.dilationH, window.dilationW}, 1))
    return site.outOfRange("dilation");
  const Padding &pad = window.padding;
  if (!ShapeSite::inRange({pad.top, pad.left, pad.bottom, pad.right}, 0))
    return site.outOfRange("padding");
  return llvm::Error::success();
}

Padding resolveSamePadding(const KernelWindow &window, const Shape &in) {
  const AxisPadding h = samePadding(in.h, window.kernelH, window.strideH, window.dilationH);
  const AxisPadding w = samePadding(in.w, window.kernelW, window.strideW, window.dilationW);
  return Padding{int(h.before), int(w.before), int(h.after), int(w.after)};
}

llvm::Expected<std::pair<int, int>> slideWindow(const ShapeSite &site, const KernelWindow &window,
                                                const Shape &in) {
  const WindowAxis rows = rowAxis(window, in.h), cols = columnAxis(window, in.w);
  const int64_t outH = windowOutputSize(rows);
  const int64_t outW = windowOutputSize(cols);
  if (outH < 1 || outW < 1)
    return site.fail("kernel",
                     fmt::format("the output would be {}x{}: the {}x{} window does not fit in the "
                                 "{}x{} input plus padding",
                                 outH, outW, rows.effectiveKernel(), cols.effectiveKernel(),
                                 rows.input, cols.input));
  if (outH > kMaxDimension || outW > kMaxDimension)
    return site.fail("padding", fmt::format("the output would be {}x{}, larger than {}", outH, outW,
                                            kMaxDimension));
  return std::make_pair(int(outH), int(outW));
}

} // namespace tessel
