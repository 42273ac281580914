#include "search/latency_model.h"

#include "analysis/layer_costs.h"
#include "analysis/regions.h"
#include "ops/conv_primitives.h"
#include "ops/op_table.h"
#include "schedule/thread_split.h"

#include <algorithm>
#include <limits>

namespace tessel {

KernelClass kernelClassOf(const Network &net, int layer) {
  return describeOp(net.layers[size_t(layer)].op).kernelClass(OpSite(net, layer));
}

std::optional<OperationFeatures> featuresOf(const Network &net, const Operation &op) {
  OperationFeatures f;
  switch (op.kind) {
  case Operation::Kind::Comment:
  case Operation::Kind::Fork:
  case Operation::Kind::Join: return std::nullopt;
  case Operation::Kind::ConvertInput:
  case Operation::Kind::ConvertOutput: {
    const Shape &s =
        net.layers[size_t(op.kind == Operation::Kind::ConvertInput ? 0 : net.outputIndex())].output;
    f.kind = KernelClass::Copy;
    f.work = double(s.elements());
    f.pixels = double(s.h) * s.w;
    f.rows = s.h;
    f.footprintBytes = 2 * f.work * 4;
    return f;
  }
  case Operation::Kind::ConvertOutputRegion: {
    const MapRegion &r = op.call.region;
    f.kind = KernelClass::Copy;
    f.pixels = double(r.height()) * r.width();
    f.work = f.pixels * net.layers[size_t(op.call.layer)].output.c;
    f.rows = r.height();
    f.footprintBytes = 2 * f.work * 4;
    return f;
  }
  case Operation::Kind::ShiftRows: {
    const Shape &s = net.layers[size_t(op.shift.layer)].output;
    f.kind = KernelClass::Copy;
    f.work = double(op.shift.rows) * op.shift.width * s.c;
    f.pixels = double(op.shift.rows) * op.shift.width;
    f.rows = op.shift.rows;
    f.footprintBytes = 2 * f.work * 4;
    return f;
  }
  case Operation::Kind::Kernel: return callFeatures(net, op.call, op.call.region);
  }
  return std::nullopt;
}

OperationFeatures callFeatures(const Network &net, const KernelCall &call, const MapRegion &r) {
  if (call.slice.whole())
    return kernelFeatures(net, call.layer, r);
  const CalledLayer called = calledLayer(net, call);
  OperationFeatures f = kernelFeatures(called.network(), called.layer, r);
  if (call.slice.accumulates) // the partial sums are read back
    f.footprintBytes +=
        double(r.height()) * r.width() * net.layers[size_t(call.layer)].output.c * 4;
  return f;
}

namespace {

double regionBytes(const Shape &map, const MapRegion &r) {
  return double(r.height()) * r.width() * r.channels(map.c) * 4;
}

// What a call of `layer` computing `r` reads and writes. The input layer's
// calls (a tile's conversion) read the caller's input region.
double footprintBytes(const Network &net, int layer, const MapRegion &r) {
  const Layer &writer = net.layers[size_t(layer)];
  const double written = regionBytes(writer.output, r);
  if (writer.inputs.empty())
    return 2 * written;
  double read = 0;
  for (size_t k = 0; k < writer.inputs.size(); ++k)
    read += regionBytes(net.layers[size_t(writer.inputs[k])].output,
                        inputNeed(net, layer, int(k), r).region);
  return read + written;
}

} // namespace

OperationFeatures kernelFeatures(const Network &net, int layer, const MapRegion &r) {
  OperationFeatures f;
  const double area = double(r.height()) * r.width();
  f.kind = kernelClassOf(net, layer);
  f.pixels = area;
  f.rows = r.height();
  f.footprintBytes = footprintBytes(net, layer, r);
  if (net.layers[size_t(layer)].op == OpKind::Conv2d) {
    const OpSite site(net, layer);
    f.weightBytes = 4.0 * double(primitiveWeightFloats(site));
    f.weightPasses = double(weightPasses(site, r));
  }
  switch (f.kind) {
  case KernelClass::Winograd2:
  case KernelClass::Winograd4: {
    // Whole tiles: their transformed products, the transforms' channels,
    // the transformed weights streamed once per chunk of tiles.
    const OpSite site(net, layer);
    const int m = winogradTileSize(primitiveOf(site.layer()));
    const double tiles = double(winogradTileCount(site, r));
    const double inC = site.input().c, outC = site.layer().output.c;
    f.work = tiles * (m + 2) * (m + 2) * inC * outC;
    f.pixels = tiles * (inC + outC);
    f.rows = double(streamedWeightFloats(site, r));
    break;
  }
  case KernelClass::Im2row: {
    // The GEMM's products (padding taps too), the receptive fields copied,
    // the weights streamed once per chunk of pixels.
    const OpSite site(net, layer);
    const double copied = double(im2rowCopiedFloats(site, r));
    f.work = copied * site.layer().output.c / site.layer().conv().groups;
    f.pixels = copied;
    f.rows = double(streamedWeightFloats(site, r));
    break;
  }
  case KernelClass::Elementwise:
  case KernelClass::Copy: f.work = area * net.layers[size_t(layer)].output.c; break;
  default: f.work = double(regionMacs(net, layer, r));
  }
  return f;
}

double spilledBytes(const OperationFeatures &f, const LatencyProfile &profile) {
  const double weights = f.weightBytes > profile.cacheBytes ? f.weightBytes * f.weightPasses : 0;
  return std::max(0.0, f.footprintBytes - profile.cacheBytes) + weights;
}

double planSpilledBytes(const Network &net, const ExecutionPlan &plan,
                        const LatencyProfile &profile) {
  double total = 0;
  for (const Operation &op : plan.operations)
    if (std::optional<OperationFeatures> f = featuresOf(net, op))
      total += spilledBytes(*f, profile);
  return total;
}

double predictSeconds(const OperationFeatures &f, const LatencyProfile &profile) {
  const KernelCost &c = profile.cost(f.kind);
  return 1e-9 * (c.nsPerWork * f.work + c.nsPerPixel * f.pixels + c.nsPerRow * f.rows +
                 c.nsPerCall * f.calls + profile.nsPerSpilledByte * spilledBytes(f, profile));
}

namespace {

// The slowest of the call's bands on `threads` threads, at the speed
// threads run side by side, plus the fork and join; infinity when it makes
// a single band.
double splitSeconds(const Network &net, const KernelCall &call, int threads,
                    const LatencyProfile &profile) {
  const std::vector<MapRegion> bands = callBands(call.region, threads);
  if (bands.size() < 2)
    return std::numeric_limits<double>::infinity();
  double slowest = 0;
  for (const MapRegion &band : bands)
    slowest = std::max(slowest, predictSeconds(callFeatures(net, call, band), profile));
  return slowest / profile.parallelEfficiency + 1e-9 * profile.nsPerForkJoin;
}

} // namespace

double predictOperationSeconds(const Network &net, const Operation &op,
                               const LatencyProfile &profile) {
  if (op.kind == Operation::Kind::Kernel && op.call.threads > 1)
    return splitSeconds(net, op.call, op.call.threads, profile);
  std::optional<OperationFeatures> f = featuresOf(net, op);
  return f ? predictSeconds(*f, profile) : 0.0;
}

int callThreadsThatPay(const Network &net, const KernelCall &call, int threads,
                       const LatencyProfile &profile) {
  if (threads <= 1 || !callsSplit(net, call.layer))
    return 1;
  const double whole = predictSeconds(callFeatures(net, call, call.region), profile);
  return splitSeconds(net, call, threads, profile) < whole ? threads : 1;
}

LoweringOptions threadedLowering(int threads, const LatencyProfile &profile) {
  LoweringOptions options;
  options.threads = threads;
  options.callThreads = [threads, profile](const Network &net, const KernelCall &call) {
    return callThreadsThatPay(net, call, threads, profile);
  };
  return options;
}

double predictCallSeconds(const Network &net, int layer, const MapRegion &region, int threads,
                          const LatencyProfile &profile) {
  Operation op;
  op.call.layer = layer;
  op.call.region = region;
  op.call.threads = callThreadsThatPay(net, op.call, threads, profile);
  return predictOperationSeconds(net, op, profile);
}

void TimeTally::add(double seconds, int part) {
  if (part < 0)
    total_ += seconds;
  else
    parts_[size_t(part)] += seconds;
}

void TimeTally::join() {
  const double slowest = *std::max_element(parts_.begin(), parts_.end());
  total_ += slowest / profile_.parallelEfficiency + 1e-9 * profile_.nsPerForkJoin;
  parts_.clear();
}

double TimeTally::addOperation(const Network &net, const Operation &op) {
  switch (op.kind) {
  case Operation::Kind::Fork: fork(op.fork.parts); return 0;
  case Operation::Kind::Join: join(); return 0;
  default: {
    const double seconds = predictOperationSeconds(net, op, profile_);
    add(seconds, op.part);
    return seconds;
  }
  }
}

namespace {

// The layer an operation outside a parallel section counts for: the
// input's conversion counts as the input layer's work, the output's as no
// layer's (-1).
int layerOf(const Operation &op) {
  switch (op.kind) {
  case Operation::Kind::ConvertInput: return 0;
  case Operation::Kind::Kernel:
  case Operation::Kind::ConvertOutputRegion: return op.call.layer;
  case Operation::Kind::ShiftRows: return op.shift.layer;
  case Operation::Kind::Fork: return op.fork.layer;
  case Operation::Kind::ConvertOutput:
  case Operation::Kind::Comment:
  case Operation::Kind::Join: break;
  }
  return -1;
}

// The operations `counts` picks, and the whole sections whose Fork it picks.
template <typename Counts>
double tallyPlan(const Network &net, const ExecutionPlan &plan, const LatencyProfile &profile,
                 const Counts &counts) {
  TimeTally tally(profile);
  bool section = false; // inside a section that counts
  for (const Operation &op : plan.operations) {
    if (op.kind == Operation::Kind::Fork)
      section = counts(op);
    if (op.part >= 0 || op.kind == Operation::Kind::Join ? section : counts(op))
      tally.addOperation(net, op);
    if (op.kind == Operation::Kind::Join)
      section = false;
  }
  return tally.seconds();
}

} // namespace

double predictPlanSeconds(const Network &net, const ExecutionPlan &plan,
                          const LatencyProfile &profile) {
  return tallyPlan(net, plan, profile, [](const Operation &) { return true; });
}

double predictLayersSeconds(const Network &net, const ExecutionPlan &plan,
                            const LatencyProfile &profile, int layerFirst, int layerLast) {
  return tallyPlan(net, plan, profile, [&](const Operation &op) {
    const int layer = layerOf(op);
    return layer >= layerFirst && layer <= layerLast;
  });
}

} // namespace tessel
