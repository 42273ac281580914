// General 2-D convolution (any kernel, stride, dilation, padding, groups).
//
// Layouts: activations channels-last (see feature_map.h); weights
// [groups][kernelH][kernelW][inChannels / groups][outChannels / groups], so
// for one tap and one input channel the weights of consecutive output channels
// are contiguous and the innermost loop vectorizes over output channels.
//
// Bit-exactness: every output element is computed as
//   acc = bias (or 0); for ky, for kx, for ic: acc = madd(acc, in, w);
//   out = activate(acc)
// visiting only taps inside the input map (padding is skipped, not added as
// zero). Interior and border pixels run the same micro-kernel and differ only
// in their tap range, so an element's value does not depend on the Region
// being computed or on the window the input view holds.
#pragma once

#include "tessel/arith.h"
#include "tessel/feature_map.h"
#include "tessel/taps.h"

namespace tessel {

struct Conv2dParams {
  int inChannels, outChannels;
  int kernelH, kernelW, strideH, strideW, dilationH, dilationW;
  int groups;
  int padTop, padLeft; // zero padding before row 0 / column 0 of the input map
  float alpha;         // slope of Act::Leaky
};

namespace detail {

// Output pixels x output channels accumulated together by one micro-kernel
// call. With SIMD, 16 channels are two AVX2 or four SSE/NEON vectors per
// pixel; the pixel counts are what measured fastest with each compiler at -O2
// and -O3 (AVX2: 8 or 12 of the 16 ymm registers hold accumulators). Scalar
// FPUs (Cortex-M) get 4 x 4, 16 of their 32 single-precision registers.
// Overridable with -DTESSEL_CONV_PIXEL_BLOCK=... / -DTESSEL_CONV_CHANNEL_BLOCK=...
#if defined(__SSE2__) || defined(__ARM_NEON) || defined(__ARM_FEATURE_MVE)
#if defined(__clang__)
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 4
#else
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 6
#endif
#define TESSEL_DEFAULT_CONV_CHANNEL_BLOCK 16
#else
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 4
#define TESSEL_DEFAULT_CONV_CHANNEL_BLOCK 4
#endif
#ifndef TESSEL_CONV_PIXEL_BLOCK
#define TESSEL_CONV_PIXEL_BLOCK TESSEL_DEFAULT_CONV_PIXEL_BLOCK
#endif
#ifndef TESSEL_CONV_CHANNEL_BLOCK
#define TESSEL_CONV_CHANNEL_BLOCK TESSEL_DEFAULT_CONV_CHANNEL_BLOCK
#endif
constexpr int kConvPixelBlock = TESSEL_CONV_PIXEL_BLOCK;
constexpr int kConvChannelBlock = TESSEL_CONV_CHANNEL_BLOCK;

// The taps one micro-kernel call reads: the windows of a few neighbouring
// output pixels of one row that share the same (valid) tap range.
struct ConvWindow {
  const float *in;             // first valid tap of the first pixel, group's first channel
  long inPixelStep;            // from one output pixel's window to the next
  long inTapStepY, inTapStepX; // between neighbouring taps
  const float *weights;        // first valid tap, first input channel, first output channel
  long wTapStepY, wTapStepX;   // between neighbouring taps
  long wChannelStep;           // between input channels (= output channels per group)
  int rows, cols;              // valid taps in y and x
  int channels;                // input channels per group
};

// Computes `Pixels` output pixels x `Channels` output channels without the
// epilogue. The accumulators live in a small local array the compiler keeps in
// registers. For each input channel the pixels' inputs are loaded once, then
// the loop over output channels (contiguous weights) is the one that
// vectorizes; the pixel loop inside it is unrolled so each weight vector is
// reused `Pixels` times.
template <int Pixels, int Channels>
inline void convBlock(const ConvWindow &win, const float *bias, float *out, long outPixelStep) {
  float acc[Pixels][Channels];
  for (int p = 0; p < Pixels; ++p)
    for (int o = 0; o < Channels; ++o)
      acc[p][o] = bias != nullptr ? bias[o] : 0.0f;
  for (int ky = 0; ky < win.rows; ++ky) {
    for (int kx = 0; kx < win.cols; ++kx) {
      const float *x = win.in + ky * win.inTapStepY + kx * win.inTapStepX;
      const float *w = win.weights + ky * win.wTapStepY + kx * win.wTapStepX;
      for (int c = 0; c < win.channels; ++c, w += win.wChannelStep) {
        float a[Pixels];
#pragma GCC unroll 16
        for (int p = 0; p < Pixels; ++p)
          a[p] = x[p * win.inPixelStep + c];
        for (int o = 0; o < Channels; ++o) {
          const float wo = w[o];
#pragma GCC unroll 16
          for (int p = 0; p < Pixels; ++p)
            acc[p][o] = madd(acc[p][o], a[p], wo);
        }
      }
    }
  }
  for (int p = 0; p < Pixels; ++p)
    for (int o = 0; o < Channels; ++o)
      out[p * outPixelStep + o] = acc[p][o];
}

// One output row of one group: what all micro-kernel calls of the row share.
struct ConvRow {
  const Conv2dParams *p;
  ConstMapView in;
  MapView out;
  int oy;
  int inY;           // input row of the first valid tap row
  TapRange rows;     // valid tap rows, the same for every pixel of the row
  int inChannel;     // group's first input channel
  int outChannel;    // group's first output channel
  const float *bias; // at the group's first output channel, or nullptr
  const float *groupWeights;
};

// Window of output pixel `ox` (and the pixels after it) with column taps `cols`,
// for the output channels starting at `oc` within the group.
inline ConvWindow convWindow(const ConvRow &row, int ox, TapRange cols, int oc) {
  const Conv2dParams &p = *row.p;
  const int inGroup = p.inChannels / p.groups;
  const int outGroup = p.outChannels / p.groups;
  const long ch = row.in.channels;
  ConvWindow win;
  win.rows = row.rows.count();
  win.cols = cols.count();
  win.channels = inGroup;
  win.inPixelStep = p.strideW * ch;
  win.inTapStepY = p.dilationH * ch * row.in.w;
  win.inTapStepX = p.dilationW * ch;
  win.wChannelStep = outGroup;
  win.wTapStepX = (long)inGroup * outGroup;
  win.wTapStepY = win.wTapStepX * p.kernelW;
  win.in = nullptr;
  win.weights = nullptr;
  if (win.rows > 0 && win.cols > 0) {
    const int inX = ox * p.strideW - p.padLeft + cols.begin * p.dilationW;
    win.in = row.in.at(row.inY, inX) + row.inChannel;
    win.weights =
        row.groupWeights + row.rows.begin * win.wTapStepY + cols.begin * win.wTapStepX + oc;
  }
  return win;
}

// Output pixels [x0, x1) of the row for group output channels [oc, oc + Channels):
// border pixels one at a time with their own column taps, interior pixels in
// blocks with all column taps.
template <int Channels> inline void convRowChannels(const ConvRow &row, int x0, int x1, int oc) {
  const Conv2dParams &p = *row.p;
  const long outStep = row.out.channels;
  const float *bias = row.bias != nullptr ? row.bias + oc : nullptr;
  auto output = [&](int ox) { return row.out.at(row.oy, ox) + row.outChannel + oc; };
  auto single = [&](int ox) {
    const int origin = ox * p.strideW - p.padLeft;
    const TapRange cols = validTaps(origin, p.dilationW, p.kernelW, row.in.fullW);
    convBlock<1, Channels>(convWindow(row, ox, cols, oc), bias, output(ox), outStep);
  };
  const TapRange inner =
      interiorOutputs(p.strideW, p.padLeft, p.dilationW, p.kernelW, row.in.fullW, x0, x1);
  const TapRange allCols{0, p.kernelW};
  for (int ox = x0; ox < inner.begin; ++ox)
    single(ox);
  int ox = inner.begin;
  for (; ox + kConvPixelBlock <= inner.end; ox += kConvPixelBlock)
    convBlock<kConvPixelBlock, Channels>(convWindow(row, ox, allCols, oc), bias, output(ox),
                                         outStep);
  for (; ox < x1; ++ox)
    single(ox);
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
  const int inGroup = p.inChannels / p.groups;
  const int outGroup = p.outChannels / p.groups;
  const long weightsPerGroup = (long)p.kernelH * p.kernelW * inGroup * outGroup;
  constexpr int kBlock = detail::kConvChannelBlock;
  for (int oy = r.y0; oy < r.y1; ++oy) {
    detail::ConvRow row;
    row.p = &p;
    row.in = in;
    row.out = out;
    row.oy = oy;
    const int originY = oy * p.strideH - p.padTop;
    row.rows = validTaps(originY, p.dilationH, p.kernelH, in.fullH);
    row.inY = originY + row.rows.begin * p.dilationH;
    for (int g = 0; g < p.groups; ++g) {
      row.inChannel = g * inGroup;
      row.outChannel = g * outGroup;
      row.bias = bias != nullptr ? bias + g * outGroup : nullptr;
      row.groupWeights = weights + g * weightsPerGroup;
      // Channel blocks of decreasing width so any channel count is covered.
      int oc = 0;
      for (; oc + kBlock <= outGroup; oc += kBlock)
        detail::convRowChannels<kBlock>(row, r.x0, r.x1, oc);
      if constexpr (kBlock > 8) {
        if (oc + 8 <= outGroup) {
          detail::convRowChannels<8>(row, r.x0, r.x1, oc);
          oc += 8;
        }
      }
      if constexpr (kBlock > 4) {
        if (oc + 4 <= outGroup) {
          detail::convRowChannels<4>(row, r.x0, r.x1, oc);
          oc += 4;
        }
      }
      for (; oc < outGroup; ++oc)
        detail::convRowChannels<1>(row, r.x0, r.x1, oc);
    }
    activateSpan<A>(out.at(oy, r.x0), (long)r.width() * out.channels, p.alpha);
  }
}

} // namespace tessel
