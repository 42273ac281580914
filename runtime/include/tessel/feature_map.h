// Views of feature maps as the kernels see them.
//
// Inside generated code every activation tensor is stored channels-last
// (HWC, batch 1): a pixel's channels are contiguous, so the kernels vectorize
// over channels. A buffer may hold the whole map or only a rectangular
// window of it (a tile, a stripe of rows); the view records which window,
// so kernels address elements by their coordinates in the full map and know
// where the map's border (and thus zero padding) is.
#pragma once

namespace tessel {

// Rows [y0, y1) x columns [x0, x1) of a feature map, all channels.
struct Region {
  int y0, y1, x0, x1;
  constexpr int height() const { return y1 - y0; }
  constexpr int width() const { return x1 - x0; }
};

// A window of a map with `channels` channels and full size fullH x fullW.
// The buffer holds rows [y0, y0 + h) and columns [x0, x0 + w) densely:
// element (y, x, c) lives at data[((y - y0) * w + (x - x0)) * channels + c].
template <typename T> struct BasicMapView {
  T *data;
  int channels;
  int fullH, fullW;
  int y0, x0, h, w;

  constexpr T *at(int y, int x) const { return data + ((long)(y - y0) * w + (x - x0)) * channels; }
};
using MapView = BasicMapView<float>;
using ConstMapView = BasicMapView<const float>;

// A view of a whole map held in one dense buffer.
template <typename T> constexpr BasicMapView<T> wholeMap(T *data, int channels, int h, int w) {
  return BasicMapView<T>{data, channels, h, w, 0, 0, h, w};
}

inline ConstMapView asConst(const MapView &v) {
  return ConstMapView{v.data, v.channels, v.fullH, v.fullW, v.y0, v.x0, v.h, v.w};
}

// Epilogue applied to every value a kernel writes.
enum class Act { Linear, Relu, Relu6, Leaky, Sigmoid, HardSigmoid, HardSwish };

} // namespace tessel
