// General 2-D convolution (any kernel, stride, dilation, padding, groups).
//
// Layouts: activations channels-last (see feature_map.h). Weights, per group,
// in blocks of kConvWeightBlock output channels: block b holds output
// channels [32b, 32b + width) as [kernelH][kernelW][inChannels / groups][width],
// width = 32 except in a group's last block, which holds the remaining
// channels unpadded (see convWeightIndex). For one tap and one input channel
// the weights of a block's output channels are contiguous (vector loads), and
// the block's weights for all taps and input channels are one contiguous
// stream, read once per micro-kernel call.
//
// Bit-exactness: every output element is computed as
//   acc = bias (or 0); for ky, for kx, for ic: acc = madd(acc, in, w);
//   out = activate(acc)
// conv2dAccumulate continues such a sum over more input channels from the
// value the output holds (a channel-split group's partial sums, see
// docs/schedules.md): for a 1x1 convolution, running it over input channels
// [0, c1), [c1, c2), ... gives the same sum, in the same order.
// visiting only taps inside the input map (padding is skipped, not added as
// zero). Interior and border pixels run the same micro-kernel and differ only
// in their tap range; vector lanes round exactly as the scalar madd (simd.h).
// So an element's value does not depend on the Region being computed, on the
// window the input view holds, or on the block that computed it.
#pragma once

#include "tessel/accumulators.h"
#include "tessel/arith.h"
#include "tessel/feature_map.h"
#include "tessel/simd.h"
#include "tessel/taps.h"

namespace tessel {

struct Conv2dParams {
  int inChannels, outChannels;
  int kernelH, kernelW, strideH, strideW, dilationH, dilationW;
  int groups;
  int padTop, padLeft; // zero padding before row 0 / column 0 of the input map
  float alpha;         // slope of Act::Leaky
};

// Output channels per packed weight block (the layout above): the widest
// micro-kernel block, so that the packed weights are the same for every target.
constexpr int kConvWeightBlock = 32;

// Position of weight (output channel `co`, input channel `ci`, tap (ky, kx))
// of group `g` in the packed layout; inGroup / outGroup are the channels per
// group.
constexpr long convWeightIndex(int kernelH, int kernelW, int inGroup, int outGroup, int g, int ky,
                               int kx, int ci, int co) {
  const int blockStart = co / kConvWeightBlock * kConvWeightBlock;
  const int width =
      outGroup - blockStart < kConvWeightBlock ? outGroup - blockStart : kConvWeightBlock;
  const long taps = (long)kernelH * kernelW * inGroup;
  return g * taps * outGroup + blockStart * taps +
         (((long)ky * kernelW + kx) * inGroup + ci) * width + (co - blockStart);
}

namespace detail {

// Output pixels accumulated together by one micro-kernel call: the
// accumulators take 24 of the 32 AVX-512 registers (12 pixels x 32 channels)
// and 12 of the 16 AVX registers (6 pixels x 16 channels). On AArch64 5
// pixels x 16 channels take 20 of the 32 NEON registers, leaving 4 for the
// weights and 5 for the broadcast inputs: with 6 (24 accumulators) the loop
// needs 34 and GCC spills (bench/mca.py: 5 pixels reach 97% of the
// Cortex-A72's FMA bound with GCC and Clang). With 16 registers of 4 lanes
// (SSE, ARMv7 NEON) 2 pixels (8 accumulators) leave room for the weights and,
// without FMA, the products; on SSE2 GCC measured fastest with 4 pixels,
// Clang with 2 (3 was slower than both). Scalar FPUs (Cortex-M) work on 4
// pixels x 4 channels, 16 of their 32 single-precision registers. Overridable
// with -DTESSEL_CONV_PIXEL_BLOCK=...
#if defined(__AVX512F__)
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 12
#elif defined(__AVX__)
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 6
#elif defined(__aarch64__)
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 5
#elif defined(__SSE2__) && !defined(__clang__)
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 4
#elif defined(__SSE2__) || defined(__ARM_NEON)
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 2
#else
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 4
#endif
#ifndef TESSEL_CONV_PIXEL_BLOCK
#define TESSEL_CONV_PIXEL_BLOCK TESSEL_DEFAULT_CONV_PIXEL_BLOCK
#endif
constexpr int kConvPixelBlock = TESSEL_CONV_PIXEL_BLOCK;
// Output channels of one micro-kernel call: two vectors (a whole weight
// block) with AVX-512, 16 with narrower SIMD, 4 on scalar FPUs.
constexpr int kConvChannelBlock = kLanes >= 16 ? 2 * kLanes : kLanes > 1 ? 16 : 4;
static_assert(kConvWeightBlock % kConvChannelBlock == 0, "micro-kernels tile a weight block");

// Output rows computed together for one weight block, sized so the input
// rows they read stay in the (L2) cache while every weight block passes over
// them: weights are then streamed once per band instead of once per row.
#ifndef TESSEL_CONV_BAND_BYTES
#define TESSEL_CONV_BAND_BYTES (128 * 1024)
#endif
constexpr long kConvBandInputBytes = TESSEL_CONV_BAND_BYTES;

// One output row of one group and one weight block: what all micro-kernel
// calls of the row share.
struct ConvRow {
  const Conv2dParams *p;
  ConstMapView in;
  MapView out;
  int oy;
  int inY;              // input row of the first valid tap row
  TapRange rows;        // valid tap rows, the same for every pixel of the row
  int inChannel;        // group's first input channel
  int outChannel;       // first output channel of the weight block
  const float *bias;    // at the block's first output channel, or nullptr
  const float *weights; // the weight block
  int blockWidth;       // output channels in the weight block
};

// Adds tap (ky, kx) of input channels [0, channels) to pixels [lo, hi) of a
// block: for each input channel, the weights of the block's channels are
// loaded once and each pixel's input is broadcast once. `x` is the tap's
// input for pixel lo, `w` its weights. Pixels outside [lo, hi) (their tap is
// padding) are left alone; with lo == 0 and hi == Pixels the tests vanish.
template <int Pixels, int Channels, int Width, bool AllPixels>
__attribute__((always_inline)) inline void
convTap(typename Lanes<Width>::Type (&acc)[Pixels][Channels / Width], const float *x,
        long inPixelStep, const float *w, long wChannelStep, int channels, int lo, int hi) {
  using L = Lanes<Width>;
  constexpr int kGroups = Channels / Width;
  for (int c = 0; c < channels; ++c, w += wChannelStep) {
    typename L::Type wv[kGroups];
    for (int v = 0; v < kGroups; ++v)
      wv[v] = L::load(w + v * Width);
#pragma GCC unroll 16
    for (int p = 0; p < Pixels; ++p) {
      if (AllPixels || (p >= lo && p < hi)) {
        const typename L::Type a = L::broadcast(x[(p - lo) * inPixelStep + c]);
        for (int v = 0; v < kGroups; ++v)
          acc[p][v] = L::madd(acc[p][v], a, wv[v]);
      }
    }
  }
}

// The micro-kernel: output pixels [ox, ox + Pixels) of the row x block
// channels [oc, oc + Channels), `Width` channels per accumulator (a vector or
// one float), epilogue included. Border pixels share the block: per tap, only
// the pixels whose tap lies inside the map accumulate it, so every pixel sees
// its valid taps in (ky, kx, ic) order whatever block it falls in.
template <Act A, bool Accumulate, int Pixels, int Channels, int Width>
TESSEL_MICRO_KERNEL inline void convBlock(const ConvRow &row, int ox, int oc) {
  using L = Lanes<Width>;
  constexpr int kGroups = Channels / Width;
  const Conv2dParams &p = *row.p;
  const int inGroup = p.inChannels / p.groups;
  const long ch = row.in.channels;
  const long inPixelStep = p.strideW * ch;
  const long wTapStepX = (long)inGroup * row.blockWidth;
  const long wTapStepY = wTapStepX * p.kernelW;
  typename L::Type acc[Pixels][kGroups];
  const long outStep = row.out.channels;
  float *out = row.out.at(row.oy, ox) + row.outChannel + oc;
  if constexpr (Accumulate)
    loadAccumulators<Pixels, Channels, Width>(acc, out, outStep);
  else
    setAccumulators<Pixels, Channels, Width>(acc, row.bias != nullptr ? row.bias + oc : nullptr);
  const int origin = ox * p.strideW - p.padLeft;
  const bool interior =
      origin >= 0 &&
      origin + (Pixels - 1) * p.strideW + (p.kernelW - 1) * p.dilationW < row.in.fullW;
  for (int ky = row.rows.begin; ky < row.rows.end; ++ky) {
    const int iy = row.inY + (ky - row.rows.begin) * p.dilationH;
    if (interior) { // the common case, without per-tap range arithmetic
      const float *x = row.in.at(iy, origin) + row.inChannel;
      const float *w = row.weights + ky * wTapStepY + oc;
      for (int kx = 0; kx < p.kernelW; ++kx)
        convTap<Pixels, Channels, Width, true>(acc, x + kx * p.dilationW * ch, inPixelStep,
                                               w + kx * wTapStepX, row.blockWidth, inGroup, 0,
                                               Pixels);
      continue;
    }
    for (int kx = 0; kx < p.kernelW; ++kx) {
      const int tapX = origin + kx * p.dilationW;
      const TapRange pixels = validTaps(tapX, p.strideW, Pixels, row.in.fullW);
      if (pixels.count() <= 0)
        continue;
      const float *x = row.in.at(iy, tapX + pixels.begin * p.strideW) + row.inChannel;
      const float *w = row.weights + ky * wTapStepY + kx * wTapStepX + oc;
      if (pixels.begin == 0 && pixels.end == Pixels)
        convTap<Pixels, Channels, Width, true>(acc, x, inPixelStep, w, row.blockWidth, inGroup, 0,
                                               Pixels);
      else
        convTap<Pixels, Channels, Width, false>(acc, x, inPixelStep, w, row.blockWidth, inGroup,
                                                pixels.begin, pixels.end);
    }
  }
  TESSEL_UNROLL_ACCUMULATORS
  for (int q = 0; q < Pixels; ++q) {
    TESSEL_UNROLL_ACCUMULATORS
    for (int v = 0; v < kGroups; ++v)
      L::store(out + q * outStep + v * Width, acc[q][v]);
    // While the block's outputs are still in the L1 cache.
    activateSpan<A>(out + q * outStep, Channels, p.alpha);
  }
}

// A block of `count` <= Pixels pixels from `ox`.
template <Act A, bool Accumulate, int Channels, int Width, int Pixels = kConvPixelBlock>
inline void convPixels(const ConvRow &row, int ox, int count, int oc) {
  if constexpr (Pixels > 1) {
    if (count < Pixels)
      return convPixels<A, Accumulate, Channels, Width, Pixels - 1>(row, ox, count, oc);
  }
  convBlock<A, Accumulate, Pixels, Channels, Width>(row, ox, oc);
}

// Output pixels [x0, x1) of the row for block channels [oc, oc + Channels),
// split into blocks of nearly equal size (never a lone pixel after full
// blocks: a one-pixel block has too few independent accumulators to hide the
// multiply-add latency).
template <Act A, bool Accumulate, int Channels>
inline void convRowChannels(const ConvRow &row, int x0, int x1, int oc) {
  constexpr int kWidth = lanesFor(Channels);
  const int n = x1 - x0;
  if (n <= 0)
    return;
  const int blocks = (n + kConvPixelBlock - 1) / kConvPixelBlock;
  const int small = n / blocks, larger = n % blocks; // `larger` blocks get small + 1
  int ox = x0;
  for (int b = 0; b < blocks; ++b) {
    const int count = small + (b < larger ? 1 : 0);
    convPixels<A, Accumulate, Channels, kWidth>(row, ox, count, oc);
    ox += count;
  }
}

// All output channels of one weight block for row `row.oy`, in micro-kernel
// channel blocks of decreasing width so any block width is covered.
template <Act A, bool Accumulate> inline void convRowBlock(const ConvRow &row, int x0, int x1) {
  channelBlocks<kConvChannelBlock>(row.blockWidth, [&](auto channels, int oc) {
    convRowChannels<A, Accumulate, decltype(channels)::value>(row, x0, x1, oc);
  });
}

// conv2d and conv2dAccumulate.
template <Act A, bool Accumulate>
void convRegion(const Conv2dParams &p, const float *weights, const float *bias, ConstMapView in,
                MapView out, Region r) {
  const int inGroup = p.inChannels / p.groups;
  const int outGroup = p.outChannels / p.groups;
  const long taps = (long)p.kernelH * p.kernelW * inGroup;
  const long inRowBytes = (long)p.strideH * in.w * in.channels * (long)sizeof(float);
  int band = (int)(kConvBandInputBytes / (inRowBytes > 0 ? inRowBytes : 1));
  band = band < 1 ? 1 : band;
  ConvRow row;
  row.p = &p;
  row.in = in;
  row.out = out;
  for (int y0 = r.y0; y0 < r.y1; y0 += band) {
    const int y1 = y0 + band < r.y1 ? y0 + band : r.y1;
    for (int g = 0; g < p.groups; ++g) {
      row.inChannel = g * inGroup;
      for (int b = 0; b < outGroup; b += kConvWeightBlock) {
        row.blockWidth = outGroup - b < kConvWeightBlock ? outGroup - b : kConvWeightBlock;
        row.outChannel = g * outGroup + b;
        row.bias = bias != nullptr ? bias + row.outChannel : nullptr;
        row.weights = weights + (long)g * taps * outGroup + b * taps;
        for (int oy = y0; oy < y1; ++oy) {
          row.oy = oy;
          const int originY = oy * p.strideH - p.padTop;
          row.rows = validTaps(originY, p.dilationH, p.kernelH, in.fullH);
          row.inY = originY + row.rows.begin * p.dilationH;
          convRowBlock<A, Accumulate>(row, r.x0, r.x1);
        }
      }
    }
  }
}

} // namespace detail

// Computes output rows/columns `r` (coordinates in the full output map) into
// `out`, a view holding at least r. `in` must hold every input cell r reads
// (the window r needs, clamped to the map). Tap (ky, kx) of output (oy, ox)
// reads input (oy * strideH - padTop + ky * dilationH,
// ox * strideW - padLeft + kx * dilationW); taps outside the map are padding.
// `bias` is [outChannels] or nullptr. `out` must not overlap `in`.
template <Act A>
void conv2d(const Conv2dParams &p, const float *weights, const float *bias, ConstMapView in,
            MapView out, Region r) {
  detail::convRegion<A, false>(p, weights, bias, in, out, r);
}

// conv2d that adds to the sums `out` already holds for region `r` instead
// of starting from the bias: `in` holds more of the input channels, `p` and
// `weights` are those of a convolution over just them. The epilogue runs
// at the end, so all but the last such call take Act::Linear.
template <Act A>
void conv2dAccumulate(const Conv2dParams &p, const float *weights, ConstMapView in, MapView out,
                      Region r) {
  detail::convRegion<A, true>(p, weights, nullptr, in, out, r);
}

} // namespace tessel
