// The output-size rule for sliding windows (convolution and pooling), one
// spatial axis at a time, as docs/network-format.md ("Output size") states it.
// Shape inference uses it, and so does everything that maps output regions
// back to input regions.
#pragma once

#include <cstdint>

namespace tessel {

// One spatial axis of a sliding window.
struct WindowAxis {
  int64_t input = 1; // n: extent of the unpadded input
  int kernel = 1;    // k
  int stride = 1;    // s
  int dilation = 1;  // d; 1 for pooling
  int padBefore = 0; // p0: top or left
  int padAfter = 0;  // p1: bottom or right
  bool ceilMode = false;

  // Extent a dilated kernel covers: d (k - 1) + 1.
  int64_t effectiveKernel() const { return int64_t(dilation) * (kernel - 1) + 1; }
};

// Number of window positions along the axis. Below 1 when the window does not
// fit in the padded input; callers report that.
int64_t windowOutputSize(const WindowAxis &axis);

struct AxisPadding {
  int64_t before = 0;
  int64_t after = 0;
};

// The padding `same` stands for (TensorFlow rule): the output is
// ceil(input / stride), and the total padding that needs is split with the
// smaller half before.
AxisPadding samePadding(int64_t input, int kernel, int stride, int dilation);

} // namespace tessel
