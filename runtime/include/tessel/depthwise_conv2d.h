// Depthwise 2-D convolution: groups == inChannels, each input channel
// convolved on its own with `multiplier` = outChannels / inChannels filters.
//
// Layouts: activations channels-last; weights [kernelH][kernelW][outChannels],
// output channel o reads input channel o / multiplier.
//
// Bit-exactness: as for conv2d, every output element is
//   acc = bias (or 0); for ky, for kx: acc = madd(acc, in, w); out = activate(acc)
// over the taps inside the input map only, whatever the Region or input window.
//
// With no sum over input channels there is little to keep in registers, so the
// kernel accumulates in the output row itself: it applies one tap at a time
// to every output pixel that tap reaches inside the map. Each pixel thus
// still sees its taps in ky, kx order, border pixels simply receive fewer
// taps, and the innermost loop runs over contiguous channels.
#pragma once

#include "tessel/arith.h"
#include "tessel/conv2d.h"
#include "tessel/feature_map.h"
#include "tessel/taps.h"

namespace tessel {

namespace detail {

// Floats of output accumulated at a time, so the segment of the row being
// accumulated stays in the L1 cache across the taps.
constexpr int kDepthwiseSegmentFloats = 2048;

// Adds one tap to `count` output pixels: output channel c += input channel
// c / multiplier times w[c]. `Multiplier` is 1 (the common case, compiled as
// contiguous chunks) or 0 for any multiplier. The pointers never overlap
// (input, weights, output row); saying so with __restrict, and fixed-size
// chunks, let compilers vectorize even at -O2.
template <int Multiplier>
inline void depthwiseTap(const float *__restrict src, long srcStep, const float *__restrict w,
                         float *__restrict dst, long dstStep, int count, int inChannels,
                         int multiplier) {
  constexpr int kChunk = 16;
  for (int i = 0; i < count; ++i, src += srcStep, dst += dstStep) {
    if constexpr (Multiplier == 1) {
      int c = 0;
      for (; c + kChunk <= inChannels; c += kChunk)
        for (int j = 0; j < kChunk; ++j)
          dst[c + j] = madd(dst[c + j], src[c + j], w[c + j]);
      for (; c < inChannels; ++c)
        dst[c] = madd(dst[c], src[c], w[c]);
    } else {
      for (int ci = 0, c = 0; ci < inChannels; ++ci)
        for (int j = 0; j < multiplier; ++j, ++c)
          dst[c] = madd(dst[c], src[ci], w[c]);
    }
  }
}

// Output pixels [x0, x1) of row `oy`, without the epilogue.
template <int Multiplier>
inline void depthwiseSegment(const Conv2dParams &p, const float *weights, const float *bias,
                             const ConstMapView &in, const MapView &out, int oy, int x0, int x1) {
  const int channels = p.outChannels;
  const int multiplier = p.outChannels / p.inChannels;
  for (int ox = x0; ox < x1; ++ox) {
    float *dst = out.at(oy, ox);
    for (int c = 0; c < channels; ++c)
      dst[c] = bias != nullptr ? bias[c] : 0.0f;
  }
  const int originY = oy * p.strideH - p.padTop;
  const TapRange rows = validTaps(originY, p.dilationH, p.kernelH, in.fullH);
  for (int ky = rows.begin; ky < rows.end; ++ky) {
    const int iy = originY + ky * p.dilationH;
    for (int kx = 0; kx < p.kernelW; ++kx) {
      // Outputs ox whose tap kx, at ox * strideW + (kx * dilationW - padLeft),
      // lies inside the map.
      const int offset = kx * p.dilationW - p.padLeft;
      TapRange reached = validTaps(offset, p.strideW, x1, in.fullW);
      if (reached.begin < x0)
        reached.begin = x0;
      if (reached.count() <= 0)
        continue;
      const int ix = reached.begin * p.strideW + offset;
      depthwiseTap<Multiplier>(in.at(iy, ix), (long)p.strideW * in.channels,
                               weights + ((long)ky * p.kernelW + kx) * channels,
                               out.at(oy, reached.begin), out.channels, reached.count(),
                               p.inChannels, multiplier);
    }
  }
}

} // namespace detail

// Same contract as conv2d (Region, views, padding, bias; `out` must not
// overlap `in`), with groups == inChannels and weights
// [kernelH][kernelW][outChannels].
template <Act A>
void depthwiseConv2d(const Conv2dParams &p, const float *weights, const float *bias,
                     ConstMapView in, MapView out, Region r) {
  int segment = detail::kDepthwiseSegmentFloats / p.outChannels;
  if (segment < 1)
    segment = 1;
  for (int oy = r.y0; oy < r.y1; ++oy) {
    for (int x0 = r.x0; x0 < r.x1; x0 += segment) {
      const int x1 = x0 + segment < r.x1 ? x0 + segment : r.x1;
      if (p.outChannels == p.inChannels)
        detail::depthwiseSegment<1>(p, weights, bias, in, out, oy, x0, x1);
      else
        detail::depthwiseSegment<0>(p, weights, bias, in, out, oy, x0, x1);
    }
    activateSpan<A>(out.at(oy, r.x0), (long)r.width() * out.channels, p.alpha);
  }
}

} // namespace tessel
