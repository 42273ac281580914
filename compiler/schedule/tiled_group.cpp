// A `tile RxC` group: a balanced grid over the group's output; each tile is
// traced back through the group so every layer computes exactly the region
// its consumer reads, into a tile buffer holding just that region.
#include "schedule/group_lowering.h"

#include <fmt/format.h>

namespace tessel {
namespace {

// The output region each layer of the group computes for one tile of the
// group's output: each computes exactly what the next one reads. (The first
// layer may read several layers, e.g. an add; the others read the layer
// before them.)
std::vector<MapRegion> traceTile(const Network &net, int first, int last, const MapRegion &tile) {
  std::vector<MapRegion> regions(size_t(last - first + 1));
  regions.back() = tile;
  for (int i = last; i > first; --i)
    regions[size_t(i - 1 - first)] = inputNeed(net, i, 0, regions[size_t(i - first)]).region;
  return regions;
}

} // namespace

void lowerTiledGroup(LoweringContext &context, const GroupSchedule &group, const TileGrid &grid) {
  const Network &net = context.net;
  const int first = context.firstMember(group);
  const Shape &out = net.layers[group.last].output;
  const std::vector<AxisRange> rows = balancedSplit(out.h, grid.rows);
  const std::vector<AxisRange> cols = balancedSplit(out.w, grid.cols);
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c) {
      MapRegion tile{int(rows[r].begin), int(rows[r].end), int(cols[c].begin), int(cols[c].end)};
      if (context.comments)
        context.addComment(fmt::format("tile ({}, {}) of {}x{}: {}", r, c, grid.rows, grid.cols,
                                       formatRegion(tile)));
      const std::vector<MapRegion> regions = traceTile(net, first, group.last, tile);
      for (int i = first; i <= group.last; ++i) {
        const MapRegion &region = regions[size_t(i - first)];
        KernelCall call;
        call.layer = i;
        call.region = region;
        if (i == first) {
          for (int input : net.layers[i].inputs)
            call.inputs.push_back(context.wholeWindow(input));
        } else {
          const MapRegion &held = regions[size_t(i - 1 - first)];
          call.inputs.push_back(WindowRef{i - 1, held.y0, held.x0, held.height(), held.width()});
        }
        if (i == group.last) {
          call.output = context.wholeWindow(i);
        } else {
          call.output = WindowRef{i, region.y0, region.x0, region.height(), region.width()};
          int64_t bytes = int64_t(region.height()) * region.width() * net.layers[i].output.c * 4;
          context.capacity[i] = std::max(context.capacity[i], bytes);
        }
        context.addKernel(std::move(call));
      }
    }
}

} // namespace tessel
