#include "schedule/thread_split.h"

#include "ops/conv_primitives.h"
#include "ops/op_table.h"
#include "support/overloaded.h"

#include <algorithm>

namespace tessel {

std::vector<MapRegion> callBands(const MapRegion &r, int threads) {
  const bool byRows = r.height() >= threads || r.height() >= r.width();
  const int bands = std::max(1, std::min(threads, byRows ? r.height() : r.width()));
  std::vector<MapRegion> regions;
  for (const AxisRange &band : balancedSplit(byRows ? r.height() : r.width(), bands)) {
    MapRegion part = r;
    if (byRows) {
      part.y0 = r.y0 + int(band.begin);
      part.y1 = r.y0 + int(band.end);
    } else {
      part.x0 = r.x0 + int(band.begin);
      part.x1 = r.x0 + int(band.end);
    }
    regions.push_back(part);
  }
  return regions;
}

bool callsSplit(const Network &net, int layer) {
  // A Winograd call's bands would each need a workspace and recompute the
  // tiles they cut: it runs whole.
  const Layer &l = net.layers[size_t(layer)];
  return describeOp(l.op).splitsAcrossThreads && primitiveOf(l) == ConvPrimitive::Direct;
}

int groupParts(const Network &net, const GroupSchedule &group, int threads) {
  const Shape &out = net.layers[size_t(group.last)].output;
  auto parts = [&](ThreadUse use, int most) { return use == ThreadUse::Parts ? most : 1; };
  return std::visit(
      Overloaded{[](const LayerByLayer &) { return 1; },
                 [&](const TileGrid &grid) {
                   return parts(grid.threads, std::min(threads, grid.rows * grid.cols));
                 },
                 [&](const Stripes &stripes) {
                   return parts(stripes.threads, std::min(threads, std::max(out.w, 1)));
                 },
                 [](const ChannelSplit &) { return 1; }}, // its large calls split
      group.way);
}

} // namespace tessel
