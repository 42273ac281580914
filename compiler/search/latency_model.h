// Predicted latency of an execution plan: each operation's cost under the
// target's latency figures (target/latency_profile.h), summed. The same
// per-operation features drive calibration, which fits the figures to
// measured times.
#pragma once

#include "schedule/execution_plan.h"
#include "target/latency_profile.h"

#include <optional>

namespace tessel {

// Which figures a layer's kernel calls use.
KernelClass kernelClassOf(const Network &normalized, int layer);

// What one operation costs in the model's terms.
struct OperationFeatures {
  KernelClass kind = KernelClass::Copy;
  double work = 0; // MACs (conv, dense, pooling taps) or floats written
  double pixels = 0;
  double rows = 0;
  double calls = 1;
};

// std::nullopt for operations that cost nothing (comments).
std::optional<OperationFeatures> featuresOf(const Network &normalized, const Operation &op);

// A kernel call of `layer` computing `region` of its output.
OperationFeatures kernelFeatures(const Network &normalized, int layer, const MapRegion &region);

double predictSeconds(const OperationFeatures &features, const LatencyProfile &profile);

// One operation on `threads` threads: a kernel call split into bands
// (schedule/thread_split.h) takes as long as its slowest band plus the
// threads' fork and join.
double predictOperationSeconds(const Network &normalized, const Operation &op, int threads,
                               const LatencyProfile &profile);

// Sum over the plan's operations on its threads; `layerFirst..layerLast`
// restricts it to the operations of those layers (kernel calls and window
// shifts).
double predictPlanSeconds(const Network &normalized, const ExecutionPlan &plan,
                          const LatencyProfile &profile);
double predictLayersSeconds(const Network &normalized, const ExecutionPlan &plan,
                            const LatencyProfile &profile, int layerFirst, int layerLast);

} // namespace tessel
