// Conversions between the NCHW order at the network's interface and the
// channels-last (HWC) order used inside generated code. Batch 1.
#pragma once

namespace tessel {

// dst[(y * width + x) * channels + c] = src[(c * height + y) * width + x].
inline void nchwToHwc(const float *src, float *dst, int channels, int height, int width) {
  const long plane = (long)height * width;
  for (long i = 0; i < plane; ++i)
    for (int c = 0; c < channels; ++c)
      dst[i * channels + c] = src[c * plane + i];
}

// dst[(c * height + y) * width + x] = src[(y * width + x) * channels + c].
inline void hwcToNchw(const float *src, float *dst, int channels, int height, int width) {
  const long plane = (long)height * width;
  for (int c = 0; c < channels; ++c)
    for (long i = 0; i < plane; ++i)
      dst[c * plane + i] = src[i * channels + c];
}

} // namespace tessel
