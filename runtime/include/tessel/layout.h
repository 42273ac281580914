// Conversions between the NCHW order at the network's interface and the
// channels-last (HWC) order used inside generated code. Batch 1.
#pragma once

#include "tessel/feature_map.h"

namespace tessel {

// Writes each whole map inputs[k] (channels-last) in NCHW order, one after
// another, to `out`: the flatten_concat op.
inline void flattenConcat(const ConstMapView *inputs, int count, float *out) {
  for (int k = 0; k < count; ++k) {
    const ConstMapView &in = inputs[k];
    for (int c = 0; c < in.channels; ++c)
      for (int y = 0; y < in.fullH; ++y)
        for (int x = 0; x < in.fullW; ++x)
          *out++ = in.at(y, x)[c];
  }
}

// dst[(y * width + x) * channels + c] = src[(c * height + y) * width + x].
inline void nchwToHwc(const float *src, float *dst, int channels, int height, int width) {
  const long plane = (long)height * width;
  for (long i = 0; i < plane; ++i)
    for (int c = 0; c < channels; ++c)
      dst[i * channels + c] = src[c * plane + i];
}

// Rows and columns `r` of the NCHW map `src` (dst's full size and channels)
// into the channels-last window `dst`: what a fused group starting at the
// network's first layer converts for one tile or stripe, so the whole input
// never needs a channels-last copy.
//
// Row by row, channel by channel: each channel's span of the row is read
// contiguously. (Pixel by pixel, the reads of one pixel jump a whole plane
// per channel, and with power-of-two planes all of them fall into one cache
// set.)
inline void nchwToHwcRegion(const float *src, MapView dst, Region r) {
  const long plane = (long)dst.fullH * dst.fullW;
  const int channels = dst.channels;
  for (int y = r.y0; y < r.y1; ++y) {
    float *out = dst.at(y, r.x0);
    const float *in = src + (long)y * dst.fullW + r.x0;
    for (int c = 0; c < channels; ++c, in += plane)
      for (int x = 0; x < r.x1 - r.x0; ++x)
        out[(long)x * channels + c] = in[x];
  }
}

// dst[(c * height + y) * width + x] = src[(y * width + x) * channels + c].
inline void hwcToNchw(const float *src, float *dst, int channels, int height, int width) {
  const long plane = (long)height * width;
  for (int c = 0; c < channels; ++c)
    for (long i = 0; i < plane; ++i)
      dst[c * plane + i] = src[i * channels + c];
}

// Rows and columns `r` of the channels-last window `src` into the NCHW map
// `dst` (src's full size and channels): what a stream ending at the
// network's output converts after each stripe, so the whole output never
// needs a channels-last copy.
//
// Row by row, channel by channel, as nchwToHwcRegion: each channel's span of
// the row is written contiguously. (Pixel by pixel, a 32x32 map's 32 planes
// of 4 KiB took all of a pixel's stores into one cache set: a tiled group
// ending at the output spent 7x its convolution's time converting.)
inline void hwcToNchwRegion(ConstMapView src, float *dst, Region r) {
  const long plane = (long)src.fullH * src.fullW;
  const int channels = src.channels;
  for (int y = r.y0; y < r.y1; ++y) {
    const float *in = src.at(y, r.x0);
    float *out = dst + (long)y * src.fullW + r.x0;
    for (int c = 0; c < channels; ++c, out += plane)
      for (int x = 0; x < r.x1 - r.x0; ++x)
        out[x] = in[(long)x * channels + c];
  }
}

} // namespace tessel
