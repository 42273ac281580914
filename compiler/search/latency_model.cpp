#include "search/latency_model.h"

#include "analysis/layer_costs.h"
#include "ops/op_table.h"
#include "schedule/thread_split.h"

#include <algorithm>

namespace tessel {

KernelClass kernelClassOf(const Network &net, int layer) {
  return describeOp(net.layers[size_t(layer)].op).kernelClass(OpSite(net, layer));
}

std::optional<OperationFeatures> featuresOf(const Network &net, const Operation &op) {
  OperationFeatures f;
  switch (op.kind) {
  case Operation::Kind::Comment: return std::nullopt;
  case Operation::Kind::ConvertInput:
  case Operation::Kind::ConvertOutput: {
    const Shape &s =
        net.layers[size_t(op.kind == Operation::Kind::ConvertInput ? 0 : net.outputIndex())].output;
    f.kind = KernelClass::Copy;
    f.work = double(s.elements());
    f.pixels = double(s.h) * s.w;
    f.rows = s.h;
    return f;
  }
  case Operation::Kind::ShiftRows: {
    const Shape &s = net.layers[size_t(op.shift.layer)].output;
    f.kind = KernelClass::Copy;
    f.work = double(op.shift.rows) * s.w * s.c;
    f.pixels = double(op.shift.rows) * s.w;
    f.rows = op.shift.rows;
    return f;
  }
  case Operation::Kind::Kernel: return kernelFeatures(net, op.call.layer, op.call.region);
  }
  return std::nullopt;
}

OperationFeatures kernelFeatures(const Network &net, int layer, const MapRegion &r) {
  OperationFeatures f;
  const double area = double(r.height()) * r.width();
  f.kind = kernelClassOf(net, layer);
  f.pixels = area;
  f.rows = r.height();
  const bool movesData = f.kind == KernelClass::Elementwise || f.kind == KernelClass::Copy;
  f.work =
      movesData ? area * net.layers[size_t(layer)].output.c : double(regionMacs(net, layer, r));
  return f;
}

double predictSeconds(const OperationFeatures &f, const LatencyProfile &profile) {
  const KernelCost &c = profile.cost(f.kind);
  return 1e-9 * (c.nsPerWork * f.work + c.nsPerPixel * f.pixels + c.nsPerRow * f.rows +
                 c.nsPerCall * f.calls);
}

double predictOperationSeconds(const Network &net, const Operation &op, int threads,
                               const LatencyProfile &profile) {
  if (op.kind == Operation::Kind::Kernel && threads > 1) {
    const std::vector<MapRegion> parts = threadParts(net, op.call, threads);
    if (parts.size() > 1) { // the threads join after the slowest band
      double slowest = 0;
      for (const MapRegion &part : parts)
        slowest =
            std::max(slowest, predictSeconds(kernelFeatures(net, op.call.layer, part), profile));
      return slowest + 1e-9 * profile.nsPerForkJoin;
    }
  }
  std::optional<OperationFeatures> f = featuresOf(net, op);
  return f ? predictSeconds(*f, profile) : 0.0;
}

double predictPlanSeconds(const Network &net, const ExecutionPlan &plan,
                          const LatencyProfile &profile) {
  double seconds = 0;
  for (const Operation &op : plan.operations)
    seconds += predictOperationSeconds(net, op, plan.threads, profile);
  return seconds;
}

double predictLayersSeconds(const Network &net, const ExecutionPlan &plan,
                            const LatencyProfile &profile, int layerFirst, int layerLast) {
  double seconds = 0;
  for (const Operation &op : plan.operations) {
    int layer = -1;
    if (op.kind == Operation::Kind::ConvertInput)
      layer = 0; // the input's conversion counts as the input layer's work
    else if (op.kind == Operation::Kind::Kernel)
      layer = op.call.layer;
    else if (op.kind == Operation::Kind::ShiftRows)
      layer = op.shift.layer;
    if (layer >= layerFirst && layer <= layerLast)
      seconds += predictOperationSeconds(net, op, plan.threads, profile);
  }
  return seconds;
}

} // namespace tessel
