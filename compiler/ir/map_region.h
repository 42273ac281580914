// Parts of feature maps: the rectangles (and channel ranges) a kernel call
// computes, and what computing one reads from an input. Coordinates are those
// of the full map, as the runtime's Region and MapView use them.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace tessel {

// The end of a channel range that spans every channel of its map.
inline constexpr int kAllChannels = std::numeric_limits<int>::max();

// Rows [y0, y1) x columns [x0, x1) x channels [c0, c1) of a feature map.
// Half-open; empty when y0 >= y1 or x0 >= x1 (or c0 >= c1). The channel range
// is every channel unless said otherwise: spatial tiling and streaming leave
// it alone, and a channel-split group narrows it.
struct MapRegion {
  int y0 = 0, y1 = 0, x0 = 0, x1 = 0;
  int c0 = 0, c1 = kAllChannels;

  int height() const { return y1 - y0; }
  int width() const { return x1 - x0; }
  bool allChannels() const { return c0 == 0 && c1 == kAllChannels; }
  // The number of channels, for a map of `mapChannels` channels.
  int channels(int mapChannels) const { return (c1 < mapChannels ? c1 : mapChannels) - c0; }
  bool empty() const { return y0 >= y1 || x0 >= x1 || c0 >= c1; }
  bool operator==(const MapRegion &o) const {
    return y0 == o.y0 && y1 == o.y1 && x0 == o.x0 && x1 == o.x1 && c0 == o.c0 && c1 == o.c1;
  }
  bool operator!=(const MapRegion &o) const { return !(*this == o); }
};

// "rows [y0, y1) x cols [x0, x1)" (plus " x channels [c0, c1)" when the
// range is not every channel), the way messages and tests print regions.
std::string formatRegion(const MapRegion &region);

// What computing an output region of a layer reads from one of its inputs.
//
// `region` is the bounding box of the input cells inside the map that the
// output depends on. With dilation, or a stride larger than the kernel, the
// cells read have holes; the box spans them, as a kernel's input view must.
// It is tight: its first and last rows and columns are read. When the
// computation reads no cell inside the map (e.g. a window that lies entirely
// in the padding) it is empty, {0, 0, 0, 0}.
//
// The pad counts say how far beyond each border of the map the windows
// reach: padTop = 3 means the topmost tap is at row -3. With ceil_mode
// pooling the last window may hang past the declared padding, so padBottom
// or padRight can exceed the layer's padding.
struct InputNeed {
  MapRegion region;
  int padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
};

// A half-open range [begin, end) of one axis. 64-bit so that the unclamped
// reach of a window can be computed without overflow.
struct AxisRange {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
  bool operator==(const AxisRange &o) const { return begin == o.begin && end == o.end; }
};

// Splits [0, n) into `parts` consecutive pieces whose sizes differ by at most
// one: piece k is [floor(k * n / parts), floor((k + 1) * n / parts)). No piece
// is empty when parts <= n. Needs n >= 0 and parts >= 1.
std::vector<AxisRange> balancedSplit(int n, int parts);

// The smallest region holding both (an empty one adds nothing): what a
// buffer read by several layers must hold.
MapRegion boundingBox(const MapRegion &a, const MapRegion &b);

// Whether `inner` lies inside `outer`, channels included.
bool contains(const MapRegion &outer, const MapRegion &inner);

} // namespace tessel
