// General 2-D convolution (any kernel, stride, dilation, padding, groups).
//
// Layouts: activations channels-last (see feature_map.h). Weights, per group,
// in blocks of kConvWeightBlock output channels: block b holds output
// channels [16b, 16b + width) as [kernelH][kernelW][inChannels / groups][width],
// width = 16 except in a group's last block, which holds the remaining
// channels unpadded (see convWeightIndex). For one tap and one input channel
// the weights of a block's output channels are contiguous (vector loads), and
// the block's weights for all taps and input channels are one contiguous
// stream, read once per micro-kernel call.
//
// Bit-exactness: every output element is computed as
//   acc = bias (or 0); for ky, for kx, for ic: acc = madd(acc, in, w);
//   out = activate(acc)
// visiting only taps inside the input map (padding is skipped, not added as
// zero). Interior and border pixels run the same micro-kernel and differ only
// in their tap range; vector lanes round exactly as the scalar madd (simd.h).
// So an element's value does not depend on the Region being computed, on the
// window the input view holds, or on the block that computed it.
#pragma once

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

// Output channels per packed weight block (the layout above).
constexpr int kConvWeightBlock = 16;

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
// accumulators (pixels x 16 channels) take 12 of the 16 AVX registers, 24 of
// the 32 AArch64 NEON registers, 12 of the 16 SSE / ARMv7 NEON registers with
// 3 pixels; scalar FPUs (Cortex-M) work on 4 pixels x 4 channels, 16 of their
// 32 single-precision registers. Overridable with -DTESSEL_CONV_PIXEL_BLOCK=...
#if defined(__AVX__) || defined(__aarch64__)
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 6
#elif defined(__SSE2__) || defined(__ARM_NEON)
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 3
#else
#define TESSEL_DEFAULT_CONV_PIXEL_BLOCK 4
#endif
#ifndef TESSEL_CONV_PIXEL_BLOCK
#define TESSEL_CONV_PIXEL_BLOCK TESSEL_DEFAULT_CONV_PIXEL_BLOCK
#endif
constexpr int kConvPixelBlock = TESSEL_CONV_PIXEL_BLOCK;
// Output channels of one micro-kernel call: a whole weight block with SIMD,
// 4 on scalar FPUs.
constexpr int kConvChannelBlock = kLanes > 1 ? kConvWeightBlock : 4;

// Output rows computed together for one weight block, sized so the input
// rows they read stay in the (L2) cache while every weight block passes over
// them: weights are then streamed once per band instead of once per row.
constexpr long kConvBandInputBytes = 128 * 1024;

// The taps one micro-kernel call reads: the windows of a few neighbouring
// output pixels of one row that share the same (valid) tap range.
struct ConvWindow {
  const float *in;             // first valid tap of the first pixel, group's first channel
  long inPixelStep;            // from one output pixel's window to the next
  long inTapStepY, inTapStepX; // between neighbouring taps
  const float *weights;        // first valid tap, first input channel, first output channel
  long wTapStepY, wTapStepX;   // between neighbouring taps
  long wChannelStep;           // between input channels (= width of the weight block)
  int rows, cols;              // valid taps in y and x
  int channels;                // input channels per group
};

// Computes `Pixels` output pixels x `Channels` output channels without the
// epilogue, with `Channels` a multiple of the vector width: per input channel
// and tap, the block's weights are loaded once as vectors, each pixel's input
// is broadcast once and multiplied into all its accumulator vectors.
template <int Pixels, int Channels>
inline void convBlockVector(const ConvWindow &win, const float *bias, float *out,
                            long outPixelStep) {
  constexpr int kVectors = Channels / kLanes;
  Vec acc[Pixels][kVectors];
  for (int v = 0; v < kVectors; ++v) {
    const Vec b = bias != nullptr ? vload(bias + v * kLanes) : vbroadcast(0.0f);
    for (int p = 0; p < Pixels; ++p)
      acc[p][v] = b;
  }
  for (int ky = 0; ky < win.rows; ++ky) {
    for (int kx = 0; kx < win.cols; ++kx) {
      const float *x = win.in + ky * win.inTapStepY + kx * win.inTapStepX;
      const float *w = win.weights + ky * win.wTapStepY + kx * win.wTapStepX;
      for (int c = 0; c < win.channels; ++c, w += win.wChannelStep) {
        Vec wv[kVectors];
        for (int v = 0; v < kVectors; ++v)
          wv[v] = vload(w + v * kLanes);
#pragma GCC unroll 16
        for (int p = 0; p < Pixels; ++p) {
          const Vec a = vbroadcast(x[p * win.inPixelStep + c]);
          for (int v = 0; v < kVectors; ++v)
            acc[p][v] = vmadd(acc[p][v], a, wv[v]);
        }
      }
    }
  }
  for (int p = 0; p < Pixels; ++p)
    for (int v = 0; v < kVectors; ++v)
      vstore(out + p * outPixelStep + v * kLanes, acc[p][v]);
}

// The same for any `Channels`, one scalar accumulator per element (channel
// remainders, scalar FPUs).
template <int Pixels, int Channels>
inline void convBlockScalar(const ConvWindow &win, const float *bias, float *out,
                            long outPixelStep) {
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
        for (int p = 0; p < Pixels; ++p)
          a[p] = x[p * win.inPixelStep + c];
        for (int o = 0; o < Channels; ++o) {
          const float wo = w[o];
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

template <int Pixels, int Channels>
inline void convBlock(const ConvWindow &win, const float *bias, float *out, long outPixelStep) {
  if constexpr (kLanes > 1 && Channels % kLanes == 0)
    convBlockVector<Pixels, Channels>(win, bias, out, outPixelStep);
  else
    convBlockScalar<Pixels, Channels>(win, bias, out, outPixelStep);
}

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

// Window of output pixel `ox` (and the pixels after it) with column taps `cols`,
// for the output channels starting at `oc` within the weight block.
inline ConvWindow convWindow(const ConvRow &row, int ox, TapRange cols, int oc) {
  const Conv2dParams &p = *row.p;
  const int inGroup = p.inChannels / p.groups;
  const long ch = row.in.channels;
  ConvWindow win;
  win.rows = row.rows.count();
  win.cols = cols.count();
  win.channels = inGroup;
  win.inPixelStep = p.strideW * ch;
  win.inTapStepY = p.dilationH * ch * row.in.w;
  win.inTapStepX = p.dilationW * ch;
  win.wChannelStep = row.blockWidth;
  win.wTapStepX = (long)inGroup * row.blockWidth;
  win.wTapStepY = win.wTapStepX * p.kernelW;
  win.in = nullptr;
  win.weights = nullptr;
  if (win.rows > 0 && win.cols > 0) {
    const int inX = ox * p.strideW - p.padLeft + cols.begin * p.dilationW;
    win.in = row.in.at(row.inY, inX) + row.inChannel;
    win.weights = row.weights + row.rows.begin * win.wTapStepY + cols.begin * win.wTapStepX + oc;
  }
  return win;
}

// `count` (< Pixels) interior pixels from `ox`, as one smaller block.
template <int Channels, int Pixels>
inline void convInteriorRest(const ConvRow &row, int ox, int count, int oc, const float *bias,
                             float *out) {
  if constexpr (Pixels > 1) {
    if (count == Pixels - 1)
      convBlock<Pixels - 1, Channels>(convWindow(row, ox, TapRange{0, row.p->kernelW}, oc), bias,
                                      out, row.out.channels);
    else
      convInteriorRest<Channels, Pixels - 1>(row, ox, count, oc, bias, out);
  }
}

// Output pixels [x0, x1) of the row for block output channels [oc, oc + Channels):
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
  if (ox < inner.end) {
    convInteriorRest<Channels, kConvPixelBlock>(row, ox, inner.end - ox, oc, bias, output(ox));
    ox = inner.end;
  }
  for (; ox < x1; ++ox)
    single(ox);
}

// All output channels of one weight block for row `row.oy`, in micro-kernel
// channel blocks of decreasing width so any block width is covered.
inline void convRowBlock(const ConvRow &row, int x0, int x1) {
  constexpr int kBlock = kConvChannelBlock;
  const int width = row.blockWidth;
  int oc = 0;
  for (; oc + kBlock <= width; oc += kBlock)
    convRowChannels<kBlock>(row, x0, x1, oc);
  if constexpr (kBlock > 8) {
    if (oc + 8 <= width) {
      convRowChannels<8>(row, x0, x1, oc);
      oc += 8;
    }
  }
  if constexpr (kBlock > 4) {
    if (oc + 4 <= width) {
      convRowChannels<4>(row, x0, x1, oc);
      oc += 4;
    }
  }
  for (; oc < width; ++oc)
    convRowChannels<1>(row, x0, x1, oc);
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
  const long taps = (long)p.kernelH * p.kernelW * inGroup;
  const long inRowBytes = (long)p.strideH * in.w * in.channels * (long)sizeof(float);
  int band = (int)(detail::kConvBandInputBytes / (inRowBytes > 0 ? inRowBytes : 1));
  band = band < 1 ? 1 : band;
  detail::ConvRow row;
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
          detail::convRowBlock(row, r.x0, r.x1);
        }
      }
    }
    for (int oy = y0; oy < y1; ++oy)
      activateSpan<A>(out.at(oy, r.x0), (long)r.width() * out.channels, p.alpha);
  }
}

} // namespace tessel
