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
// With multiplier 1 (each output channel reads its own input channel) a
// micro-kernel keeps a block of pixels x channels in registers over all taps,
// vector loads of input and weights alike, border pixels masked per tap as in
// conv2d. Other multipliers accumulate in the output row itself, one tap at a
// time over every output pixel that tap reaches inside the map; each pixel
// thus still sees its taps in ky, kx order.
#pragma once

#include "tessel/accumulators.h"
#include "tessel/arith.h"
#include "tessel/conv2d.h"
#include "tessel/feature_map.h"
#include "tessel/simd.h"
#include "tessel/taps.h"

namespace tessel {

namespace detail {

// Pixels x channels of one depthwise micro-kernel call: 8 accumulators of one
// vector each (4 on scalar FPUs); every multiply-add needs its own input
// load, so more pixels would not save loads.
constexpr int kDepthwisePixelBlock = 4;
constexpr int kDepthwiseChannelBlock = kLanes > 1 ? 2 * kLanes : 4;

// Adds one tap to pixels [lo, hi) of a block (the others' tap is padding):
// `x` is the tap's input for pixel lo, `w` its weights.
template <int Pixels, int Channels, int Width, bool AllPixels>
__attribute__((always_inline)) inline void
depthwiseTap(typename Lanes<Width>::Type (&acc)[Pixels][Channels / Width], const float *x,
             long inPixelStep, const float *w, int lo, int hi) {
  using L = Lanes<Width>;
  constexpr int kGroups = Channels / Width;
  typename L::Type wv[kGroups];
  for (int v = 0; v < kGroups; ++v)
    wv[v] = L::load(w + v * Width);
#pragma GCC unroll 16
  for (int q = 0; q < Pixels; ++q)
    if (AllPixels || (q >= lo && q < hi))
      for (int v = 0; v < kGroups; ++v)
        acc[q][v] = L::madd(acc[q][v], L::load(x + (q - lo) * inPixelStep + v * Width), wv[v]);
}

// Output pixels [ox, ox + Pixels) x channels [c, c + Channels) of row `oy`,
// multiplier 1, epilogue included.
template <Act A, int Pixels, int Channels, int Width>
TESSEL_MICRO_KERNEL inline void depthwiseBlock(const Conv2dParams &p, const float *weights,
                                               const float *bias, const ConstMapView &in,
                                               const MapView &out, int oy, int ox, int c) {
  using L = Lanes<Width>;
  constexpr int kGroups = Channels / Width;
  typename L::Type acc[Pixels][kGroups];
  setAccumulators<Pixels, Channels, Width>(acc, bias != nullptr ? bias + c : nullptr);
  const long inPixelStep = (long)p.strideW * in.channels;
  const int originY = oy * p.strideH - p.padTop;
  const int originX = ox * p.strideW - p.padLeft;
  const TapRange rows = validTaps(originY, p.dilationH, p.kernelH, in.fullH);
  const bool interior =
      originX >= 0 && originX + (Pixels - 1) * p.strideW + (p.kernelW - 1) * p.dilationW < in.fullW;
  for (int ky = rows.begin; ky < rows.end; ++ky) {
    const int iy = originY + ky * p.dilationH;
    const float *w = weights + (long)ky * p.kernelW * p.outChannels + c;
    if (interior) { // the common case, without per-tap range arithmetic
      // Pointers stepped from tap to tap: GCC recomputed both addresses from
      // kx for every pixel and tap.
      const float *x = in.at(iy, originX) + c;
      const long tapStep = (long)p.dilationW * in.channels;
      for (int kx = 0; kx < p.kernelW; ++kx, x += tapStep, w += p.outChannels)
        depthwiseTap<Pixels, Channels, Width, true>(acc, x, inPixelStep, w, 0, Pixels);
      continue;
    }
    for (int kx = 0; kx < p.kernelW; ++kx, w += p.outChannels) {
      const int tapX = originX + kx * p.dilationW;
      const TapRange pixels = validTaps(tapX, p.strideW, Pixels, in.fullW);
      if (pixels.count() > 0)
        depthwiseTap<Pixels, Channels, Width, false>(acc,
                                                     in.at(iy, tapX + pixels.begin * p.strideW) + c,
                                                     inPixelStep, w, pixels.begin, pixels.end);
    }
  }
  TESSEL_UNROLL_ACCUMULATORS
  for (int q = 0; q < Pixels; ++q) {
    float *o = out.at(oy, ox + q) + c;
    TESSEL_UNROLL_ACCUMULATORS
    for (int v = 0; v < kGroups; ++v)
      L::store(o + v * Width, acc[q][v]);
    activateSpan<A>(o, Channels, p.alpha);
  }
}

// Channels [c, c + Channels) of output pixels [x0, x1) of row `oy`.
template <Act A, int Channels>
inline void depthwiseRowChannels(const Conv2dParams &p, const float *weights, const float *bias,
                                 const ConstMapView &in, const MapView &out, int oy, int x0, int x1,
                                 int c) {
  constexpr int kWidth = lanesFor(Channels);
  constexpr int kPixels = kDepthwisePixelBlock;
  int ox = x0;
  for (; ox + kPixels <= x1; ox += kPixels)
    depthwiseBlock<A, kPixels, Channels, kWidth>(p, weights, bias, in, out, oy, ox, c);
  for (; ox < x1; ++ox)
    depthwiseBlock<A, 1, Channels, kWidth>(p, weights, bias, in, out, oy, ox, c);
}

// Output pixels [x0, x1) of row `oy` with multiplier 1, every channel.
template <Act A>
inline void depthwiseRow(const Conv2dParams &p, const float *weights, const float *bias,
                         const ConstMapView &in, const MapView &out, int oy, int x0, int x1) {
  channelBlocks<kDepthwiseChannelBlock>(p.outChannels, [&](auto channels, int c) {
    depthwiseRowChannels<A, decltype(channels)::value>(p, weights, bias, in, out, oy, x0, x1, c);
  });
}

// Floats of output accumulated at a time, so the segment of the row being
// accumulated stays in the L1 cache across the taps.
constexpr int kDepthwiseSegmentFloats = 2048;

// Adds one tap to `count` output pixels: output channel c += input channel
// c / multiplier times w[c]. The pointers never overlap (input, weights,
// output row).
inline void depthwiseTapAnyMultiplier(const float *__restrict src, long srcStep,
                                      const float *__restrict w, float *__restrict dst,
                                      long dstStep, int count, int inChannels, int multiplier) {
  for (int i = 0; i < count; ++i, src += srcStep, dst += dstStep)
    for (int ci = 0, c = 0; ci < inChannels; ++ci)
      for (int j = 0; j < multiplier; ++j, ++c)
        dst[c] = madd(dst[c], src[ci], w[c]);
}

// Output pixels [x0, x1) of row `oy`, any multiplier, without the epilogue.
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
      depthwiseTapAnyMultiplier(in.at(iy, ix), (long)p.strideW * in.channels,
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
  if (p.outChannels == p.inChannels) {
    for (int oy = r.y0; oy < r.y1; ++oy)
      detail::depthwiseRow<A>(p, weights, bias, in, out, oy, r.x0, r.x1);
    return;
  }
  int segment = detail::kDepthwiseSegmentFloats / p.outChannels;
  if (segment < 1)
    segment = 1;
  for (int oy = r.y0; oy < r.y1; ++oy) {
    for (int x0 = r.x0; x0 < r.x1; x0 += segment) {
      const int x1 = x0 + segment < r.x1 ? x0 + segment : r.x1;
      detail::depthwiseSegment(p, weights, bias, in, out, oy, x0, x1);
    }
    activateSpan<A>(out.at(oy, r.x0), (long)r.width() * out.channels, p.alpha);
  }
}

} // namespace tessel
