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
// Each tensor starts on a 64-byte boundary so vector loads stay aligned.
#pragma once

#include "ir/network.h"

#include <cstdint>
#include <vector>

namespace tessel {

struct PackedLayerWeights {
  int64_t weightOffset = -1; // in floats from the blob's start; -1 if none
  int64_t biasOffset = -1;
};

struct WeightBlob {
  std::vector<float> data;
  std::vector<PackedLayerWeights> layers; // one per network layer
  int64_t bytes() const { return int64_t(data.size()) * 4; }
};

WeightBlob packWeights(const Network &normalized);

// The blob as bytes, little-endian whatever the host.
std::vector<char> serializeLittleEndian(const std::vector<float> &values);

} // namespace tessel
