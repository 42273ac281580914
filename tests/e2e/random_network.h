// Seeded generators for the randomized schedule test: small random chain
// and DAG networks as YAML text (docs/network-format.md) and random
// schedules for them. The same seed gives the same networks and schedules on every
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

// A DAG of 2-5 blocks (at most about 16 layers) on an input like
// randomChainNetwork's, each block one of: a chain layer as above; a
// residual add of the block's input and a branch of 1-3 shape-keeping layers
// (same-padded stride-1 convolutions, also grouped and depthwise, stride-1
// pools, activations, batch norms), or of two such branches (an add of three,
// or of the two); a residual branch that goes down by a stride-2 convolution
// or pool and back up by an upsample; a concat of 2-3 branches of equal
// height and width (the block's input among them sometimes); a long skip, an
// add or concat with a map made blocks before (the input too). A map read
// by several branches is a fork; the branches' layers are written
// interleaved in random order. Squeeze-and-excitation blocks (global_avgpool,
// 1x1 convolutions or fully_connected, sigmoid, multiply by per-channel
// factors) and products of two branches are drawn only once the YAML loader
// accepts `multiply` (kDrawMultiply in random_network.cpp). At most 8
// channels per map; the loader still has the last word.
std::string randomDagNetwork(Random &random, const std::string &name);

// Whether the group first..last (normalized indices) holds a layer reading
// two or more maps made inside the group (an add or concat with the layers
// of both its branches): a group spanning a fork and its join.
bool spansBranches(const tessel::Network &normalized, int first, int last);

// Tile and stream groups in a batch of random schedules.
struct FusedGroupCounts {
  int fused = 0;
  int spanning = 0; // of them, groups that spansBranches
};

// Up to `count` distinct random schedules for any normalized network: for
// each group start, a group end at which tessel::validateSchedule accepts a
// tile or stream group (mostly one spanning branches, when there is one),
// tiled or streamed as randomSchedules does (sometimes `/split`), or a short
// `layers` group; at least one group is tiled or streamed. The schedules'
// fused groups are added to `counts`.
std::vector<std::string> randomDagSchedules(Random &random, const tessel::Network &normalized,
                                            int count, FusedGroupCounts &counts);

} // namespace e2e
