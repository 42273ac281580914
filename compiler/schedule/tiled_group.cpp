// A `tile RxC` group: a balanced grid over the group's output; each tile is
// traced back through the group so every layer computes exactly the region
// its consumer reads, into a tile buffer holding just that region (the
// network's output too, converted tile by tile into the caller's NCHW
// buffer when the group ends there). On
// several threads the tiles, in row-major order, are cut into one run per
// thread (groupParts), each computed with that thread's own tile buffers.
#include "ops/conv_primitives.h"
#include "ops/op_site.h"
#include "schedule/group_lowering.h"
#include "schedule/thread_split.h"

#include <fmt/format.h>

namespace tessel {

// The output region each member of the group computes for one tile of the
// group's output: each computes exactly what the members reading it read
// (the bounding box, when several do, e.g. a residual add and the branch
// beside it). Members read maps made before the group whole.
std::vector<MapRegion> traceTile(const Network &net, int first, int last, const MapRegion &tile) {
  std::vector<MapRegion> regions(size_t(last - first + 1));
  regions.back() = tile;
  for (int i = last; i > first; --i) {
    const MapRegion &computed = regions[size_t(i - first)];
    if (computed.empty())
      continue;
    const std::vector<int> &inputs = net.layers[size_t(i)].inputs;
    for (size_t k = 0; k < inputs.size(); ++k)
      if (inputs[k] >= first) {
        MapRegion &read = regions[size_t(inputs[k] - first)];
        read = boundingBox(read, inputNeed(net, i, int(k), computed).region);
      }
  }
  return regions;
}

namespace {

// Every layer's call for one tile, in `order` (the input's conversion, when
// the group converts it, first), in the buffers of the context's copy.
void lowerTile(LoweringContext &context, const GroupSchedule &group, const MemberOrder &order,
               const std::vector<MapRegion> &regions) {
  const Network &net = context.net;
  const int first = context.firstMember(group);
  // The output layer's tile goes to a tile buffer, converted into the
  // caller's NCHW output (convertsOutputInGroup).
  const bool holdsOutput = context.holdsOutput(group);
  std::vector<int> layers = order.layers();
  if (first < group.first)
    layers.insert(layers.begin(), first);
  for (int i : layers) {
    const MapRegion &region = regions[size_t(i - first)];
    KernelCall call;
    call.layer = i;
    call.region = region;
    for (int input : net.layers[i].inputs)
      call.inputs.push_back(input >= first
                                ? context.heldWindow(input, regions[size_t(input - first)])
                                : context.wholeWindow(input));
    const bool held = i < group.last || holdsOutput;
    if (held) {
      call.output = context.heldWindow(i, region);
      int64_t bytes = int64_t(region.height()) * region.width() * net.layers[i].output.c * 4;
      context.capacity[i] = std::max(context.capacity[i], bytes);
    } else {
      call.output = context.wholeWindow(i);
    }
    const WindowRef written = call.output;
    context.addKernel(std::move(call));
    if (i == group.last && holdsOutput)
      context.addOutputConversion(written, region);
  }
}

// The order the group's layers run in: chooseMemberOrder for the tile
// buffers and scratch its tiles need (as lowerTile sizes them), from each
// tile's regions (traceTile).
MemberOrder orderForTiles(const LoweringContext &context, const GroupSchedule &group,
                          const std::vector<std::vector<MapRegion>> &tiles) {
  const Network &net = context.net;
  const int first = context.firstMember(group);
  const bool holdsOutput = context.holdsOutput(group);
  std::vector<int64_t> capacity(net.layers.size(), 0), workspace(net.layers.size(), 0);
  for (const std::vector<MapRegion> &regions : tiles) {
    for (int i = first; i <= group.last; ++i) {
      const MapRegion &region = regions[size_t(i - first)];
      if (i < group.last || holdsOutput)
        capacity[size_t(i)] =
            std::max(capacity[size_t(i)],
                     int64_t(region.height()) * region.width() * net.layers[i].output.c * 4);
      if (!region.empty())
        workspace[size_t(i)] =
            std::max(workspace[size_t(i)], workspaceBytes(OpSite(net, i), region));
    }
  }
  return chooseMemberOrder(net, group, heldMembers(group, GroupEnds{first == 0, holdsOutput}),
                           capacity, workspace);
}

} // namespace

void lowerTiledGroup(LoweringContext &context, const GroupSchedule &group, const TileGrid &grid) {
  const Shape &out = context.net.layers[group.last].output;
  const std::vector<AxisRange> rows = balancedSplit(out.h, grid.rows);
  const std::vector<AxisRange> cols = balancedSplit(out.w, grid.cols);
  const int tiles = grid.rows * grid.cols;
  // Each tile, and the region each member computes for it.
  std::vector<MapRegion> outputTiles;
  std::vector<std::vector<MapRegion>> regions;
  for (const AxisRange &r : rows)
    for (const AxisRange &c : cols) {
      outputTiles.push_back(MapRegion{int(r.begin), int(r.end), int(c.begin), int(c.end)});
      regions.push_back(
          traceTile(context.net, context.firstMember(group), group.last, outputTiles.back()));
    }
  const MemberOrder order = orderForTiles(context, group, regions);
  if (context.comments && !order.isLayerOrder())
    context.addComment(fmt::format("each tile runs the layers in the order {} (fewest live bytes)",
                                   describeOrder(context.net, order)));
  const int parts = groupParts(context.net, group, context.plan.threads);
  const std::vector<AxisRange> runs = balancedSplit(tiles, parts);
  if (context.comments && parts > 1)
    context.addComment(
        fmt::format("{} tiles on {} threads, each with its own tile buffers", tiles, parts));
  context.beginParts(parts, context.firstMember(group));
  for (int part = 0; part < parts; ++part) {
    context.beginPart(part);
    for (int64_t t = runs[size_t(part)].begin; t < runs[size_t(part)].end; ++t) {
      const int r = int(t) / grid.cols, c = int(t) % grid.cols;
      if (context.comments)
        context.addComment(fmt::format("tile ({}, {}) of {}x{}: {}", r, c, grid.rows, grid.cols,
                                       formatRegion(outputTiles[size_t(t)])));
      lowerTile(context, group, order, regions[size_t(t)]);
    }
  }
  context.endParts();
}

} // namespace tessel
