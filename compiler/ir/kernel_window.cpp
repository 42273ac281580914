#include "ir/kernel_window.h"

#include <algorithm>
#include <limits>

namespace tessel {
namespace {

// Division rounding toward minus and plus infinity; `d` > 0.
int64_t floorDiv(int64_t n, int64_t d) {
  return n >= 0 ? n / d : -((-n + d - 1) / d);
}
int64_t ceilDiv(int64_t n, int64_t d) {
  return -floorDiv(-n, d);
}

// What one axis of a sliding window reads: the tight range of in-map
// coordinates (begin == end when none) and the reach beyond each border.
struct AxisNeed {
  int begin = 0, end = 0;
  int padBefore = 0, padAfter = 0;
};

AxisNeed windowAxisNeed(const WindowAxis &axis, int o0, int o1) {
  const AxisRange reach =
      neededInputRange(o0, o1, axis.kernel, axis.stride, axis.dilation, axis.padBefore);
  AxisNeed need;
  need.padBefore = int(std::max<int64_t>(0, -reach.begin));
  need.padAfter = int(std::max<int64_t>(0, reach.end - axis.input));

  // Output o's tap j reads o * stride + j * dilation - padBefore. The reach
  // clamped to the map may start or end in a hole between taps (dilation,
  // stride > kernel), so look for the in-map taps nearest to each border:
  // per tap j, the first and the last output whose tap lands in the map.
  int64_t first = std::numeric_limits<int64_t>::max();
  int64_t last = std::numeric_limits<int64_t>::min();
  for (int j = 0; j < axis.kernel; ++j) {
    const int64_t offset = int64_t(j) * axis.dilation - axis.padBefore;
    const int64_t lowest = std::max<int64_t>(o0, ceilDiv(-offset, axis.stride));
    if (lowest < o1)
      first = std::min(first, lowest * axis.stride + offset);
    const int64_t highest =
        std::min<int64_t>(o1 - 1, floorDiv(axis.input - 1 - offset, axis.stride));
    if (highest >= o0)
      last = std::max(last, highest * axis.stride + offset);
  }
  // `first` >= 0 and `last` < input by construction; if first > last, no tap
  // lies in between, i.e. in the map.
  if (first <= last) {
    need.begin = int(first);
    need.end = int(last + 1);
  }
  return need;
}

} // namespace

WindowAxis rowAxis(const KernelWindow &window, int64_t inputHeight) {
  return {inputHeight,        window.kernelH,        window.strideH, window.dilationH,
          window.padding.top, window.padding.bottom, window.ceilMode};
}

WindowAxis columnAxis(const KernelWindow &window, int64_t inputWidth) {
  return {inputWidth,          window.kernelW,       window.strideW, window.dilationW,
          window.padding.left, window.padding.right, window.ceilMode};
}

int64_t windowOutputSize(const WindowAxis &axis) {
  const int64_t padded = axis.input + axis.padBefore + axis.padAfter;
  const int64_t extent = axis.effectiveKernel();
  if (padded < extent)
    return 0;
  const int64_t room = padded - extent;
  if (!axis.ceilMode)
    return room / axis.stride + 1;

  int64_t size = (room + axis.stride - 1) / axis.stride + 1;
  // PyTorch rule: the last window must start inside the input or its
  // left padding, never in the right padding alone.
  if ((size - 1) * axis.stride >= axis.input + axis.padBefore)
    --size;
  return size;
}

AxisPadding samePadding(int64_t input, int kernel, int stride, int dilation) {
  const int64_t output = (input + stride - 1) / stride;
  const int64_t extent = int64_t(dilation) * (kernel - 1) + 1;
  const int64_t total = std::max<int64_t>((output - 1) * stride + extent - input, 0);
  return {total / 2, total - total / 2};
}

AxisRange neededInputRange(int o0, int o1, int kernel, int stride, int dilation, int padBefore) {
  const int64_t begin = int64_t(o0) * stride - padBefore;
  if (o1 <= o0)
    return {begin, begin};
  const WindowAxis axis{/*input=*/1, kernel, stride, dilation};
  return {begin, int64_t(o1 - 1) * stride - padBefore + axis.effectiveKernel()};
}

InputNeed windowInputNeed(const KernelWindow &window, int inputHeight, int inputWidth,
                          const MapRegion &output) {
  const AxisNeed rows = windowAxisNeed(rowAxis(window, inputHeight), output.y0, output.y1);
  const AxisNeed cols = windowAxisNeed(columnAxis(window, inputWidth), output.x0, output.x1);
  InputNeed need;
  // A region empty along one axis reads nothing at all.
  if (rows.begin < rows.end && cols.begin < cols.end)
    need.region = {rows.begin, rows.end, cols.begin, cols.end, output.c0, output.c1};
  need.padTop = rows.padBefore;
  need.padBottom = rows.padAfter;
  need.padLeft = cols.padBefore;
  need.padRight = cols.padAfter;
  return need;
}

} // namespace tessel
