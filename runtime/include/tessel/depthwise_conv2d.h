// Depthwise 2-D convolution: groups == inChannels, each input channel
// convolved on its own with `multiplier` = outChannels / inChannels filters.
//
// Layouts: activations channels-last; weights [kernelH][kernelW][outChannels],
// output channel o reads input channel o / multiplier. Vectorizes over
// channels, which are contiguous in both the input pixel and the weights.
//
// Bit-exactness: as for conv2d, every output element is
//   acc = bias (or 0); for ky, for kx: acc = madd(acc, in, w); out = activate(acc)
// over the taps inside the input map only, whatever the Region or input window.
#pragma once

#include "tessel/arith.h"
#include "tessel/conv2d.h"
#include "tessel/feature_map.h"
#include "tessel/taps.h"

namespace tessel {

namespace detail {

// Pixels x channels accumulated per micro-kernel call. Depthwise layers do
// few operations per byte, so the blocks only need to keep the accumulators
// in registers and reuse nothing across channels.
constexpr int kDepthwisePixelBlock = 4;
constexpr int kDepthwiseChannelBlock = kConvChannelBlock;

// The taps one micro-kernel call reads: the windows of a few neighbouring
// output pixels of one row that share the same (valid) tap range.
struct DepthwiseWindow {
  const float *in;             // first valid tap of the first pixel, input channel 0
  long inPixelStep;            // from one output pixel's window to the next
  long inTapStepY, inTapStepX; // between neighbouring taps
  const float *weights;        // first valid tap, output channel 0
  long wTapStepY, wTapStepX;   // between neighbouring taps
  int rows, cols;              // valid taps in y and x
  int multiplier;              // output channels per input channel
};

// Computes `Pixels` output pixels x `Channels` output channels starting at
// output channel `oc`, without the epilogue. `Multiplier` is the channel
// multiplier when known at compile time (1, the common case, makes the input
// reads contiguous) or 0 to use win.multiplier.
template <int Pixels, int Channels, int Multiplier>
inline void depthwiseBlock(const DepthwiseWindow &win, int oc, const float *bias, float *out,
                           long outPixelStep) {
  const int multiplier = Multiplier > 0 ? Multiplier : win.multiplier;
  float acc[Pixels][Channels];
  for (int p = 0; p < Pixels; ++p)
    for (int o = 0; o < Channels; ++o)
      acc[p][o] = bias != nullptr ? bias[oc + o] : 0.0f;
  for (int ky = 0; ky < win.rows; ++ky) {
    for (int kx = 0; kx < win.cols; ++kx) {
      const float *x = win.in + ky * win.inTapStepY + kx * win.inTapStepX;
      const float *w = win.weights + ky * win.wTapStepY + kx * win.wTapStepX + oc;
      for (int o = 0; o < Channels; ++o) {
        const int c = (oc + o) / multiplier;
#pragma GCC unroll 16
        for (int p = 0; p < Pixels; ++p)
          acc[p][o] = madd(acc[p][o], x[p * win.inPixelStep + c], w[o]);
      }
    }
  }
  for (int p = 0; p < Pixels; ++p)
    for (int o = 0; o < Channels; ++o)
      out[p * outPixelStep + o] = acc[p][o];
}

// One output row: what all micro-kernel calls of the row share.
struct DepthwiseRow {
  const Conv2dParams *p;
  ConstMapView in;
  MapView out;
  const float *weights;
  const float *bias;
  int oy;
  int inY;       // input row of the first valid tap row
  TapRange rows; // valid tap rows, the same for every pixel of the row
};

// `Pixels` output pixels starting at `ox`, all with column taps `cols`, for
// output channels [oc, oc + Channels).
template <int Pixels, int Channels, int Multiplier>
inline void depthwisePixels(const DepthwiseRow &row, int ox, TapRange cols, int oc) {
  const Conv2dParams &p = *row.p;
  const long ch = row.in.channels;
  DepthwiseWindow win;
  win.inPixelStep = p.strideW * ch;
  win.inTapStepY = p.dilationH * ch * row.in.w;
  win.inTapStepX = p.dilationW * ch;
  win.wTapStepX = p.outChannels;
  win.wTapStepY = (long)p.kernelW * p.outChannels;
  win.rows = row.rows.count();
  win.cols = cols.count();
  win.multiplier = p.outChannels / p.inChannels;
  win.in = nullptr;
  win.weights = nullptr;
  if (win.rows > 0 && win.cols > 0) {
    const int inX = ox * p.strideW - p.padLeft + cols.begin * p.dilationW;
    win.in = row.in.at(row.inY, inX);
    win.weights = row.weights + row.rows.begin * win.wTapStepY + cols.begin * win.wTapStepX;
  }
  depthwiseBlock<Pixels, Channels, Multiplier>(win, oc, row.bias, row.out.at(row.oy, ox) + oc,
                                               row.out.channels);
}

// Output pixels [x0, x1) of the row for output channels [oc, oc + Channels):
// border pixels one at a time with their own column taps, interior pixels in
// blocks with all column taps.
template <int Channels, int Multiplier>
inline void depthwiseRowChannels(const DepthwiseRow &row, int x0, int x1, int oc) {
  const Conv2dParams &p = *row.p;
  const int fullW = row.in.fullW;
  auto single = [&](int ox) {
    const TapRange cols = validTaps(ox * p.strideW - p.padLeft, p.dilationW, p.kernelW, fullW);
    depthwisePixels<1, Channels, Multiplier>(row, ox, cols, oc);
  };
  const TapRange inner = interiorOutputs(p.strideW, p.padLeft, p.dilationW, p.kernelW, fullW, x0, x1);
  const TapRange allCols{0, p.kernelW};
  for (int ox = x0; ox < inner.begin; ++ox)
    single(ox);
  int ox = inner.begin;
  for (; ox + kDepthwisePixelBlock <= inner.end; ox += kDepthwisePixelBlock)
    depthwisePixels<kDepthwisePixelBlock, Channels, Multiplier>(row, ox, allCols, oc);
  for (; ox < x1; ++ox)
    single(ox);
}

// All output channels of the row, in blocks of decreasing width.
template <int Multiplier>
inline void depthwiseRow(const DepthwiseRow &row, int x0, int x1) {
  constexpr int kBlock = kDepthwiseChannelBlock;
  const int channels = row.p->outChannels;
  int oc = 0;
  for (; oc + kBlock <= channels; oc += kBlock)
    depthwiseRowChannels<kBlock, Multiplier>(row, x0, x1, oc);
  if constexpr (kBlock > 8) {
    if (oc + 8 <= channels) {
      depthwiseRowChannels<8, Multiplier>(row, x0, x1, oc);
      oc += 8;
    }
  }
  if constexpr (kBlock > 4) {
    if (oc + 4 <= channels) {
      depthwiseRowChannels<4, Multiplier>(row, x0, x1, oc);
      oc += 4;
    }
  }
  for (; oc < channels; ++oc)
    depthwiseRowChannels<1, Multiplier>(row, x0, x1, oc);
}

} // namespace detail

// Same contract as conv2d (Region, views, padding, bias), with groups ==
// inChannels and weights [kernelH][kernelW][outChannels].
template <Act A>
void depthwiseConv2d(const Conv2dParams &p, const float *weights, const float *bias,
                     ConstMapView in, MapView out, Region r) {
  detail::DepthwiseRow row;
  row.p = &p;
  row.in = in;
  row.out = out;
  row.weights = weights;
  row.bias = bias;
  for (int oy = r.y0; oy < r.y1; ++oy) {
    const int originY = oy * p.strideH - p.padTop;
    row.oy = oy;
    row.rows = validTaps(originY, p.dilationH, p.kernelH, in.fullH);
    row.inY = originY + row.rows.begin * p.dilationH;
    if (p.outChannels == p.inChannels)
      detail::depthwiseRow<1>(row, r.x0, r.x1);
    else
      detail::depthwiseRow<0>(row, r.x0, r.x1);
    activateSpan<A>(out.at(oy, r.x0), (long)r.width() * out.channels, p.alpha);
  }
}

} // namespace tessel
