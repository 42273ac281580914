#include "ir/map_region.h"

#include "support/invariant.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel {

std::string formatRegion(const MapRegion &region) {
  std::string text =
      fmt::format("rows [{}, {}) x cols [{}, {})", region.y0, region.y1, region.x0, region.x1);
  if (!region.allChannels())
    text += region.c1 == kAllChannels ? fmt::format(" x channels [{}, all)", region.c0)
                                      : fmt::format(" x channels [{}, {})", region.c0, region.c1);
  return text;
}

std::vector<AxisRange> balancedSplit(int n, int parts) {
  requireInvariant(n >= 0 && parts >= 1, "region analysis", "cannot split {} into {} parts", n,
                   parts);
  std::vector<AxisRange> pieces;
  pieces.reserve(size_t(parts));
  for (int k = 0; k < parts; ++k)
    pieces.push_back({int64_t(k) * n / parts, int64_t(k + 1) * n / parts});
  return pieces;
}

bool contains(const MapRegion &outer, const MapRegion &inner) {
  return outer.y0 <= inner.y0 && inner.y1 <= outer.y1 && outer.x0 <= inner.x0 &&
         inner.x1 <= outer.x1 && outer.c0 <= inner.c0 && inner.c1 <= outer.c1;
}

MapRegion boundingBox(const MapRegion &a, const MapRegion &b) {
  if (a.empty())
    return b;
  if (b.empty())
    return a;
  return MapRegion{std::min(a.y0, b.y0), std::max(a.y1, b.y1), std::min(a.x0, b.x0),
                   std::max(a.x1, b.x1), std::min(a.c0, b.c0), std::max(a.c1, b.c1)};
}

} // namespace tessel
