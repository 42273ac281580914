#include "schedule/thread_split.h"

#include "analysis/layer_costs.h"
#include "ops/op_table.h"

#include <algorithm>

namespace tessel {
namespace {

// Below this much work (MACs, or elements moved for layers without
// multiplications) a kernel call runs on one thread: waking the others and
// waiting for them would cost about as much as it saves.
constexpr int64_t kMinParallelWork = int64_t(1) << 15;

} // namespace

std::vector<MapRegion> threadParts(const Network &net, const KernelCall &call, int threads) {
  const MapRegion &r = call.region;
  const Layer &layer = net.layers[call.layer];
  const int64_t area = int64_t(r.height()) * r.width();
  const int64_t work = std::max(regionMacs(net, call.layer, r), area * layer.output.c);
  if (threads <= 1 || !describeOp(layer.op).splitsAcrossThreads || work < kMinParallelWork)
    return {r};
  const bool byRows = r.height() >= threads || r.height() >= r.width();
  const int parts = std::min(threads, byRows ? r.height() : r.width());
  std::vector<MapRegion> regions;
  for (const AxisRange &band : balancedSplit(byRows ? r.height() : r.width(), parts)) {
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

} // namespace tessel
