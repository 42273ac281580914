// Max and average pooling over windows of one channel at a time.
//
// Padding follows PyTorch: padded cells never win a max; an average divides
// by the window clipped to the padded map (countIncludePad) or by the number
// of cells inside the map. Every output element is a fixed function of its
// own window (taps visited in ky, kx order), so the result does not depend on
// the Region computed or on the window the input view holds.
#pragma once

#include <math.h>

#include "tessel/feature_map.h"
#include "tessel/simd.h"
#include "tessel/taps.h"

namespace tessel {

struct PoolParams {
  int channels;
  int kernelH, kernelW, strideH, strideW;
  int padTop, padLeft, padBottom, padRight;
  bool countIncludePad; // average pooling only
};

namespace detail {

// Fills one output pixel's channels (windows with no cell inside the map).
// Kept out of line: inlined into a call on a tiny map, GCC 12 at -O2 raises
// a false -Warray-bounds on the fill, which would break -Werror builds.
__attribute__((noinline)) inline void fillChannels(float *o, int channels, float value) {
  for (int c = 0; c < channels; ++c)
    o[c] = value;
}

// The input cells of one output pixel's window that lie inside the map.
struct PoolWindow {
  const float *first; // cell (rows.begin, cols.begin), channel 0; nullptr if empty
  long rowStep;       // between window rows
  long channels;      // between window columns
  TapRange rows, cols;
};

inline PoolWindow poolWindow(const PoolParams &p, const ConstMapView &in, int oy, int ox) {
  const int originY = oy * p.strideH - p.padTop;
  const int originX = ox * p.strideW - p.padLeft;
  PoolWindow win;
  win.rows = validTaps(originY, 1, p.kernelH, in.fullH);
  win.cols = validTaps(originX, 1, p.kernelW, in.fullW);
  win.rowStep = (long)in.w * in.channels;
  win.channels = in.channels;
  win.first = nullptr;
  if (win.rows.count() > 0 && win.cols.count() > 0)
    win.first = in.at(originY + win.rows.begin, originX + win.cols.begin);
  return win;
}

// Cells of the window [origin, origin + kernel) before the end of the padded
// map, size + padAfter (the window never starts before the padded map).
inline int paddedExtent(int origin, int kernel, int size, int padAfter) {
  const int end = origin + kernel < size + padAfter ? origin + kernel : size + padAfter;
  return end - origin;
}

// Reduces the window over channels [c, c + Width * Groups), kept in
// registers across all cells: the maximum, from the first cell over every
// cell in ky, kx order as m = (m >= x) ? m : x (branch-free max/select
// instructions; a NaN cell therefore wins unless a later cell follows it), or
// the average: the sum from 0 in the same order, then one division.
template <bool Max, int Width, int Groups>
inline void windowReduce(const PoolWindow &win, int c, float divisor, float *out) {
  using L = Lanes<Width>;
  typename L::Type acc[Groups];
  for (int v = 0; v < Groups; ++v)
    acc[v] = Max ? L::load(win.first + c + v * Width) : L::broadcast(0.0f);
  for (int ky = 0; ky < win.rows.count(); ++ky) {
    for (int kx = 0; kx < win.cols.count(); ++kx) {
      const float *x = win.first + ky * win.rowStep + kx * win.channels + c;
      for (int v = 0; v < Groups; ++v) {
        const typename L::Type xv = L::load(x + v * Width);
        if constexpr (Max)
          acc[v] = acc[v] >= xv ? acc[v] : xv;
        else
          acc[v] = acc[v] + xv;
      }
    }
  }
  for (int v = 0; v < Groups; ++v) {
    if constexpr (!Max)
      acc[v] = acc[v] / L::broadcast(divisor);
    L::store(out + c + v * Width, acc[v]);
  }
}

// One output pixel, all channels: two vectors at a time, then narrower
// blocks down to single floats.
template <bool Max>
inline void windowPool(const PoolWindow &win, int channels, float divisor, float *out) {
  constexpr int kBlock = kLanes > 1 ? 2 * kLanes : 4;
  channelBlocks<kBlock>(channels, [&](auto block, int c) {
    constexpr int kChannels = decltype(block)::value;
    constexpr int kWidth = lanesFor(kChannels);
    windowReduce<Max, kWidth, kChannels / kWidth>(win, c, divisor, out);
  });
}

} // namespace detail

// Computes output rows/columns `r` into `out`; `in` holds every input cell r
// reads. An output whose window has no cell inside the map is -infinity.
// `out` may start at `in`'s address, both whole maps, when no window reaches
// back before the cell it writes (no top or left padding, out.w <= in.w) and
// one call computes the whole map: outputs are written in row-major order,
// each after its window is read, and no later window reads an earlier cell.
// Otherwise `out` must not overlap `in`.
inline void maxPool2d(const PoolParams &p, ConstMapView in, MapView out, Region r) {
  const int channels = p.channels;
  for (int oy = r.y0; oy < r.y1; ++oy) {
    for (int ox = r.x0; ox < r.x1; ++ox) {
      float *o = out.at(oy, ox);
      const detail::PoolWindow win = detail::poolWindow(p, in, oy, ox);
      if (win.first == nullptr) {
        detail::fillChannels(o, channels, -INFINITY);
        continue;
      }
      detail::windowPool<true>(win, channels, 1.0f, o);
    }
  }
}

// Computes output rows/columns `r` into `out`; `in` holds every input cell r
// reads. Each output is (sum of its in-map cells in ky, kx order) / divisor,
// a true division as PyTorch does. A window with a zero divisor yields 0.
// `out` may start at `in`'s address, both whole maps, when no window reaches
// back before the cell it writes (no top or left padding, out.w <= in.w) and
// one call computes the whole map: outputs are written in row-major order,
// each after its window is read, and no later window reads an earlier cell.
// Otherwise `out` must not overlap `in`.
inline void avgPool2d(const PoolParams &p, ConstMapView in, MapView out, Region r) {
  const int channels = p.channels;
  for (int oy = r.y0; oy < r.y1; ++oy) {
    for (int ox = r.x0; ox < r.x1; ++ox) {
      float *o = out.at(oy, ox);
      const detail::PoolWindow win = detail::poolWindow(p, in, oy, ox);
      int divisor = win.rows.count() * win.cols.count();
      if (p.countIncludePad)
        divisor =
            detail::paddedExtent(oy * p.strideH - p.padTop, p.kernelH, in.fullH, p.padBottom) *
            detail::paddedExtent(ox * p.strideW - p.padLeft, p.kernelW, in.fullW, p.padRight);
      if (win.first == nullptr || divisor <= 0) {
        detail::fillChannels(o, channels, 0.0f);
        continue;
      }
      detail::windowPool<false>(win, channels, (float)divisor, o);
    }
  }
}

} // namespace tessel
