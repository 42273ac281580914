// Kernels that combine or transform maps cell by cell: add, multiply, channel
// concat, stand-alone activation. Each works on any Region and on views holding any
// window, since an output cell reads only the same cell of its inputs.
#pragma once

#include "tessel/arith.h"
#include "tessel/feature_map.h"

namespace tessel {

// out = activate(inputs[0] + inputs[1] + ... + inputs[count - 1]), summed in
// input order, over Region `r`. All maps have out.channels channels. `out`
// may share its buffer with an input when both hold the same window.
template <Act A>
void add(const ConstMapView *inputs, int count, MapView out, Region r, float alpha) {
  // Sums each row in fixed-size chunks held in a local array: the fixed trip
  // count vectorizes even at -O2, and since a chunk is read in full before it
  // is written, `out` can never overwrite an input cell still to be read.
  constexpr long kChunk = 16;
  const long rowLength = (long)r.width() * out.channels;
  for (int y = r.y0; y < r.y1; ++y) {
    float *dst = out.at(y, r.x0);
    const long fullChunks = rowLength / kChunk;
    for (long chunk = 0; chunk < fullChunks; ++chunk) {
      const long i = chunk * kChunk;
      float acc[kChunk];
      const float *first = inputs[0].at(y, r.x0) + i;
      for (long j = 0; j < kChunk; ++j)
        acc[j] = first[j];
      for (int k = 1; k < count; ++k) {
        const float *src = inputs[k].at(y, r.x0) + i;
        for (long j = 0; j < kChunk; ++j)
          acc[j] += src[j];
      }
      activateInto<A>(acc, dst + i, kChunk, alpha);
    }
    for (long i = fullChunks * kChunk; i < rowLength; ++i) {
      float acc = inputs[0].at(y, r.x0)[i];
      for (int k = 1; k < count; ++k)
        acc += inputs[k].at(y, r.x0)[i];
      dst[i] = activate<A>(acc, alpha);
    }
  }
}

// out = activate(in * factors) over Region `r`. With `perChannel`, factors is
// a C x 1 x 1 map and cell (y, x) channel c is multiplied by factors[c];
// otherwise factors has the shape of `in` and is read cell by cell. `out`
// may be `in` (same buffer and window).
template <Act A>
void multiply(ConstMapView in, ConstMapView factors, MapView out, Region r, bool perChannel,
              float alpha) {
  const int channels = out.channels;
  for (int y = r.y0; y < r.y1; ++y) {
    for (int x = r.x0; x < r.x1; ++x) {
      const float *src = in.at(y, x);
      const float *f = perChannel ? factors.at(0, 0) : factors.at(y, x);
      float *dst = out.at(y, x);
      for (int c = 0; c < channels; ++c)
        dst[c] = activate<A>(src[c] * f[c], alpha);
    }
  }
}

// Writes inputs[0]'s channels, then inputs[1]'s, ... into each cell of
// Region `r` of `out`; out.channels is the sum of the inputs' channels.
inline void concatChannels(const ConstMapView *inputs, int count, MapView out, Region r) {
  for (int y = r.y0; y < r.y1; ++y) {
    for (int x = r.x0; x < r.x1; ++x) {
      float *dst = out.at(y, x);
      for (int k = 0; k < count; ++k) {
        const float *src = inputs[k].at(y, x);
        for (int c = 0; c < inputs[k].channels; ++c)
          dst[c] = src[c];
        dst += inputs[k].channels;
      }
    }
  }
}

// out = activate(in) over Region `r`. `out` may be `in` (same buffer and
// window).
template <Act A> void activateMap(ConstMapView in, MapView out, Region r, float alpha) {
  const long rowLength = (long)r.width() * out.channels;
  for (int y = r.y0; y < r.y1; ++y) {
    const float *src = in.at(y, r.x0);
    float *dst = out.at(y, r.x0);
    activateInto<A>(src, dst, rowLength, alpha);
  }
}

} // namespace tessel
