// Seeded generators for the randomized schedule test: small random chain
// networks as YAML text (docs/network-format.md) and random schedules for
// them. The same seed gives the same networks and schedules on every
// platform, so a failure reproduces from the seed the test prints.
#pragma once

#include "ir/network.h"

#include <cstdint>
#include <string>
#include <vector>

namespace e2e {

// SplitMix64. The standard distributions are implementation-defined, so the
// test draws its numbers from this alone.
class Random {
public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next();
  int uniform(int lo, int hi); // lo..hi inclusive
  bool chance(double probability);

private:
  std::uint64_t state_;
};

// A chain of 2-8 layers on a tiny input (1-8 channels, 1x1 to 23x19):
// conv2d (kernel 1-5, possibly non-square; stride 1-3; dilation 1-2; padding
// same, valid or explicit and asymmetric; grouped or depthwise; batch norm;
// any activation), maxpool and avgpool (kernel 1-3, stride 1-3, padding up to
// half the kernel, ceil_mode, count_include_pad), stand-alone activations,
// batch norms and upsamples (scale up to [2, 2] of maps up to 16x16); at most
// 8 channels per layer. Layers are drawn so that every
// output is at least 1x1 by the documented size rule; the loader still has
// the last word.
std::string randomChainNetwork(Random &random, const std::string &name);

// The largest number of kernel calls a random schedule may unroll into:
// tiles x layers per tiled group, stripes x layers per streamed group. Keeps
// the generated code, and so the build, small.
constexpr int kMaxKernelCallsPerSchedule = 240;

// Up to `count` distinct random schedules (text form) for a normalized chain
// network: random group boundaries, each group `layers`, a tile grid up to
// its output size or a stripe height up to its output height; at least one
// group is tiled or streamed.
std::vector<std::string> randomSchedules(Random &random, const tessel::Network &normalized,
                                         int count);

} // namespace e2e
