#include "analysis/output_size.h"

#include <algorithm>

namespace tessel {

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

} // namespace tessel
