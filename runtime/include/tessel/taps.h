// Which taps of a sliding window fall inside the map.
//
// Convolutions and pools slide a window of `kernel` taps, `dilation` apart,
// over one axis of a map of `size` cells; output o starts its window at
// o * stride - pad. Taps outside [0, size) are padding. Because the tap
// coordinate grows with the tap index, the taps inside the map always form one
// contiguous range, so kernels loop over that range and skip padding without a
// per-tap test.
#pragma once

namespace tessel {

// Taps [begin, end) of one window; empty when begin == end.
struct TapRange {
  int begin, end;
  constexpr int count() const { return end - begin; }
};

// Taps k in [0, kernel) with origin + k * dilation inside [0, size).
constexpr TapRange validTaps(int origin, int dilation, int kernel, int size) {
  int begin = 0;
  if (origin < 0)
    begin = (-origin + dilation - 1) / dilation;
  int end = 0;
  if (origin < size) {
    end = (size - 1 - origin) / dilation + 1;
    if (end > kernel)
      end = kernel;
  }
  if (end < begin)
    end = begin;
  return TapRange{begin, end};
}

// Outputs [begin, end) within [lo, hi) whose whole window lies inside the map,
// i.e. those for which validTaps() returns every tap. lo <= begin <= end <= hi,
// so [lo, begin) and [end, hi) are the border outputs on either side.
constexpr TapRange interiorOutputs(int stride, int pad, int dilation, int kernel, int size, int lo,
                                   int hi) {
  // First output with o * stride - pad >= 0.
  int begin = (pad + stride - 1) / stride;
  // Last output with o * stride - pad + (kernel - 1) * dilation <= size - 1.
  const int lastStart = size - 1 - (kernel - 1) * dilation + pad;
  int end = lastStart < 0 ? 0 : lastStart / stride + 1;
  begin = begin < lo ? lo : (begin > hi ? hi : begin);
  end = end > hi ? hi : (end < begin ? begin : end);
  return TapRange{begin, end};
}

} // namespace tessel
