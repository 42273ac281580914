// The latency figures of a board: what one kernel call costs, per kind of
// kernel. The search predicts a schedule's latency as the sum over the
// kernel calls it makes (halo recompute included) of
//
//   ns_per_work * work + ns_per_pixel * pixels + ns_per_row * rows + ns_per_call
//
// where `work` is the call's multiply-accumulates (conv, dense, pooling:
// kernel taps per output) or the floats it writes (element-wise, copies),
// `pixels` and `rows` are the output region's size. The last three terms are
// what makes narrow tiles, few channels and many small calls slower than
// their MACs say. A call whose data does not stay close to the core also
// pays for the bytes that go to and from main memory:
//
//   + ns_per_spilled_byte * max(0, footprint - cache_bytes)
//
// where `footprint` is the bytes it reads (what its region needs of each
// input) and writes. A `layers` call over a large map pays it; the small
// calls of tiles and streams, whose windows stay in the cache, do not.
// The Winograd classes count differently: `work` is the MACs of the
// transformed products (tiles x (m + 2)^2 positions x input x output
// channels), `pixels` the tile-channels the transforms visit (tiles x
// (input + output channels)) and `rows` the transformed weights it streams,
// in floats (once per chunk of tiles); a call computes whole tiles. So does
// im2row: `work` is its GEMM's MACs (padding taps included), `pixels` the
// floats it copies into its patch matrices and `rows` the weights it
// streams (once per chunk of pixels).
// `tessel calibrate` measures the figures on the board; a profile without
// them gets rough defaults from `gflops_per_core`.
//
// In a profile:
//   latency:
//     source: calibrated on ...
//     conv3x3: {ns_per_work: 0.031, ns_per_pixel: 0.8, ns_per_row: 25, ns_per_call: 150}
//     ...
//     cache_bytes: 1048576        (data a core keeps close: its L2, or its share of one)
//     ns_per_spilled_byte: 0.1    (what a byte beyond it costs)
//     fork_join_ns: 4000          (starting the other threads on a piece of work and joining)
//     parallel_efficiency: 1      (how fast threads run their parts side by side, against one
//                                  thread alone: 1 when each has a core of its own)
#pragma once

#include "ops/kernel_class.h"

#include <array>
#include <optional>
#include <string>

namespace YAML {
class Node;
}

namespace tessel {

struct ReadContext;

// The word a profile uses: "conv3x3", "conv3x3_s2", "conv1x1", ...
const char *kernelClassName(KernelClass kind);
std::optional<KernelClass> kernelClassNamed(const std::string &name);

struct KernelCost {
  double nsPerWork = 0;
  double nsPerPixel = 0;
  double nsPerRow = 0;
  double nsPerCall = 0;
};

struct LatencyProfile {
  std::array<KernelCost, kKernelClassCount> kernels{};
  double cacheBytes = 1 << 20; // data a core keeps close
  double nsPerSpilledByte = 0; // each byte of a call's footprint beyond cacheBytes
  double nsPerForkJoin = 4000; // waking the other threads for one call and joining them
  // The speed of threads running their parts at once, against one thread
  // alone: in (0, 1], 1 when each thread has a free core; 1/N when N
  // threads share one core with each other (or other programs take the
  // rest). Parts on several threads take their time divided by it.
  double parallelEfficiency = 1;
  std::string source; // where the figures come from, for reports
  bool calibrated = false;

  const KernelCost &cost(KernelClass kind) const { return kernels[size_t(kind)]; }
  KernelCost &cost(KernelClass kind) { return kernels[size_t(kind)]; }
};

// Rough figures for a core of `gflopsPerCore` before calibration: each kernel
// class reaches a typical fraction of it.
LatencyProfile defaultLatencyProfile(double gflopsPerCore);

// Reads the `latency` section of a profile; classes it leaves out keep the
// defaults in `base`. Fails through `context` with the node's location.
LatencyProfile readLatencyProfile(const YAML::Node &node, const ReadContext &context,
                                  LatencyProfile base);

// The `latency` section as YAML text (indented by two spaces), for
// `tessel calibrate` to write.
std::string formatLatencyProfile(const LatencyProfile &profile);

} // namespace tessel
