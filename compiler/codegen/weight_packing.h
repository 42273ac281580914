// Lays out a normalized network's parameters the way the runtime kernels
// read them, in one little-endian float32 blob:
//   conv2d:          [groups][out/groups in blocks of 32][kh][kw][in/groups][32]
//                    (HWIO per block; a group's last block holds the remaining
//                    output channels, unpadded)
//   Winograd conv2d: per transform position, that layout of a 1x1
//                    convolution (tessel::winogradTransformWeights)
//   depthwise conv:  [kh][kw][out]
//   fully connected: as conv2d for a 1x1 convolution over the input features
//                    in channels-last order: [out in blocks of 32][in][32]
// Each tensor starts on a 64-byte boundary so vector loads stay aligned. A
// layer a channels group runs in slices has each slice's tensors instead.
#pragma once

#include "ir/channel_slice.h"
#include "ir/network.h"
#include "schedule/execution_plan.h"

#include <cstdint>
#include <vector>

namespace tessel {

struct PackedWeights {
  int64_t weightOffset = -1; // in floats from the blob's start; -1 if none
  int64_t biasOffset = -1;
};

// A layer's own weights, or, when a channels group runs it in slices,
// each slice's (sliceLayer's): the layer's weights cut to the slice, laid
// out as a layer of the slice's size, and no whole copy.
struct PackedLayerWeights : PackedWeights {
  struct Slice {
    ChannelSlice slice; // c0, c1 and ofInput say which
    PackedWeights packed;
  };
  std::vector<Slice> slices;

  // The slice's weights; the layer's when it is whole.
  const PackedWeights &of(const ChannelSlice &slice) const;
};

struct WeightBlob {
  std::vector<float> data;
  std::vector<PackedLayerWeights> layers; // one per network layer
  int64_t bytes() const { return int64_t(data.size()) * 4; }
};

// Every layer's weights, each slice's for the layers `slices` lists
// (sliced by channels groups, by layer; may be empty).
WeightBlob packWeights(const Network &normalized,
                       const std::vector<std::vector<ChannelSlice>> &slices = {});

// The slices the plan's calls compute, by layer (KernelCall::slice).
std::vector<std::vector<ChannelSlice>> slicesOf(const std::vector<Operation> &operations,
                                                size_t layerCount);

// The blob as bytes, little-endian whatever the host.
std::vector<char> serializeLittleEndian(const std::vector<float> &values);

} // namespace tessel
