// Nearest-neighbour upsampling by integer factors:
// out(y, x) = in(y / scaleH, x / scaleW), all channels.
//
// Every output cell is a copy of one input cell, so the result is exact and
// the same bytes whatever Region is computed and whatever window the input
// view holds.
#pragma once

#include "tessel/feature_map.h"

namespace tessel {

struct UpsampleParams {
  int channels;
  int scaleH, scaleW; // >= 1
};

namespace detail {

// A plain loop rather than memcpy, as in the other kernels: the runtime
// headers include no C library header but <math.h> and <stdint.h>.
inline void copyFloats(const float *__restrict src, float *__restrict dst, long count) {
  for (long i = 0; i < count; ++i)
    dst[i] = src[i];
}

// Fills `count` cells of `channels` floats starting at dst with the cell src.
inline void repeatCell(const float *__restrict src, float *__restrict dst, int count,
                       int channels) {
  for (int k = 0; k < count; ++k, dst += channels)
    copyFloats(src, dst, channels);
}

} // namespace detail

// Computes Region `r` of `out` (channels p.channels, size H * scaleH x
// W * scaleW) from `in`, which must hold input rows [r.y0 / scaleH,
// (r.y1 - 1) / scaleH] and columns [r.x0 / scaleW, (r.x1 - 1) / scaleW].
// `out` must not overlap `in`.
inline void upsampleNearest(const UpsampleParams &p, ConstMapView in, MapView out, Region r) {
  const int channels = p.channels;
  const long rowLength = (long)r.width() * channels;
  for (int y = r.y0; y < r.y1; ++y) {
    float *dst = out.at(y, r.x0);
    const int iy = y / p.scaleH;
    // A row reading the same input row as the one above repeats it: one
    // contiguous copy of the row already written instead of cell by cell.
    if (y > r.y0 && (y - 1) / p.scaleH == iy) {
      detail::copyFloats(out.at(y - 1, r.x0), dst, rowLength);
      continue;
    }
    if (p.scaleW == 1) {
      // Columns map one to one: the row's input cells are contiguous.
      detail::copyFloats(in.at(iy, r.x0), dst, rowLength);
      continue;
    }
    // Runs of output cells that read the same input cell; the first and last
    // runs may be cut by the region.
    for (int x = r.x0; x < r.x1;) {
      const int ix = x / p.scaleW;
      const int runEnd = (ix + 1) * p.scaleW < r.x1 ? (ix + 1) * p.scaleW : r.x1;
      detail::repeatCell(in.at(iy, ix), dst, runEnd - x, channels);
      dst += (long)(runEnd - x) * channels;
      x = runEnd;
    }
  }
}

} // namespace tessel
