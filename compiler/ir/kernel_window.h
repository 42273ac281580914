// The sliding window of a convolution or pooling layer, and its geometry one
// spatial axis at a time: the output-size rule (docs/network-format.md,
// "Output size"), the padding `same` stands for, and which input rows or
// columns a range of outputs reads. Shape inference, the region algebra and
// code generation all use this one description.
#pragma once

#include "ir/map_region.h"

#include <cstdint>

namespace tessel {

// Explicit zero padding on each side of a spatial map.
struct Padding {
  int top = 0;
  int left = 0;
  int bottom = 0;
  int right = 0;
};

// The window conv2d, maxpool and avgpool slide over their input.
struct KernelWindow {
  int kernelH = 1, kernelW = 1;
  int strideH = 1, strideW = 1;
  int dilationH = 1, dilationW = 1; // 1 for pooling
  Padding padding;
  bool samePadding = false; // `padding: same`; resolved into `padding` by shape inference
  bool ceilMode = false;    // pooling: a last, partial window counts (PyTorch rule)
};

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

// The window's axes over an input of `inputHeight` rows and `inputWidth` columns.
WindowAxis rowAxis(const KernelWindow &window, int64_t inputHeight);
WindowAxis columnAxis(const KernelWindow &window, int64_t inputWidth);

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

// Along one axis of a sliding window, the input range the windows of output
// range [o0, o1) span, before clamping to the map:
//   [o0 * stride - padBefore, (o1 - 1) * stride - padBefore + (kernel - 1) * dilation + 1)
// Negative coordinates and those past the input are padding. An empty output
// range gives an empty range.
AxisRange neededInputRange(int o0, int o1, int kernel, int stride, int dilation, int padBefore);

// What the windows of output rows and columns `output` read from an input map
// of `inputHeight` x `inputWidth` (InputNeed in map_region.h). Channels are
// not the window's business: the result keeps `output`'s channel range, and
// the op decides which input channels an output channel reads.
InputNeed windowInputNeed(const KernelWindow &window, int inputHeight, int inputWidth,
                          const MapRegion &output);

} // namespace tessel
