// Predicted latency of an execution plan: each operation's cost under the
// target's latency figures (target/latency_profile.h), summed the way the
// generated code's threads spend it. The same per-operation features drive
// calibration, which fits the figures to measured times.
#pragma once

#include "schedule/execution_plan.h"
#include "target/latency_profile.h"

#include <optional>
#include <vector>

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
  // Bytes read and written: what its region needs of each input, and the
  // region itself.
  double footprintBytes = 0;
  // A convolution's weights (as its primitive stores them) and how many
  // times the call streams them: once per band of rows (direct), per chunk
  // of tiles (Winograd) or of pixels (im2row).
  double weightBytes = 0;
  double weightPasses = 0;
};

// The bytes that go to and from main memory: a footprint's beyond the
// profile's cache, and every pass over weights larger than the cache.
double spilledBytes(const OperationFeatures &features, const LatencyProfile &profile);
// The sum over a plan's operations, each whole (calibration's probes run on
// one thread).
double planSpilledBytes(const Network &normalized, const ExecutionPlan &plan,
                        const LatencyProfile &profile);

// std::nullopt for operations that cost nothing themselves (comments, and
// the fork and join of a parallel section, which TimeTally counts).
std::optional<OperationFeatures> featuresOf(const Network &normalized, const Operation &op);

// A kernel call of `layer` computing `region` of its output.
OperationFeatures kernelFeatures(const Network &normalized, int layer, const MapRegion &region);
// The features of `call` computing `region`: its layer's, or its channel
// slice's (smaller blocks, a slice of the weights), reading back the partial
// sums it adds to.
OperationFeatures callFeatures(const Network &normalized, const KernelCall &call,
                               const MapRegion &region);

double predictSeconds(const OperationFeatures &features, const LatencyProfile &profile);

// One operation on the thread that runs it: a kernel call split into bands
// (KernelCall::threads) takes as long as its slowest band plus the threads'
// fork and join.
double predictOperationSeconds(const Network &normalized, const Operation &op,
                               const LatencyProfile &profile);

// The threads a kernel call outside a parallel section should be split
// across on a `threads`-thread build: all of them when its slowest band (at
// the profile's parallel_efficiency) plus one fork and join (fork_join_ns)
// is faster than the whole call, else 1.
int callThreadsThatPay(const Network &normalized, const KernelCall &call, int threads,
                       const LatencyProfile &profile);

// Lowering options for `threads` threads that split the calls where that
// pays (callThreadsThatPay). Everything that lowers for code or for the
// search takes its options from here, so that both see the same splits.
LoweringOptions threadedLowering(int threads, const LatencyProfile &profile);

// The seconds of the call computing `region` of `layer` as lowering with
// threadedLowering(threads, profile) would emit it outside a section.
double predictCallSeconds(const Network &normalized, int layer, const MapRegion &region,
                          int threads, const LatencyProfile &profile);

// Adds up predicted times the way the generated code spends them: one
// operation after another, and a parallel section as its slowest part (at
// the profile's parallel_efficiency) plus one fork and join. Every prediction of a plan, and the
// search's sums built without one, add through this in the plan's order, so they agree to the bit.
class TimeTally {
public:
  explicit TimeTally(const LatencyProfile &profile) : profile_(profile) {}
  void fork(int parts) { parts_.assign(size_t(parts), 0.0); }
  // On the calling thread, or in part `part` of the open section.
  void add(double seconds, int part = -1);
  void join();
  // Adds `op` where it runs (a Fork opens a section, a Join closes it);
  // returns its own seconds.
  double addOperation(const Network &normalized, const Operation &op);
  double seconds() const { return total_; }

private:
  const LatencyProfile &profile_;
  double total_ = 0;
  std::vector<double> parts_;
};

// The plan's time; `layerFirst..layerLast` restricts it to the operations
// of those layers (kernel calls, window shifts, and the parallel sections of
// groups starting there).
double predictPlanSeconds(const Network &normalized, const ExecutionPlan &plan,
                          const LatencyProfile &profile);
double predictLayersSeconds(const Network &normalized, const ExecutionPlan &plan,
                            const LatencyProfile &profile, int layerFirst, int layerLast);

} // namespace tessel
