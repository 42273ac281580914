// Per-layer cost figures `tessel info` prints and the planner weighs. All of
// them need inferred shapes.
#pragma once

#include "analysis/regions.h"
#include "ir/network.h"

#include <cstdint>

namespace tessel {

// Multiply-accumulates of layer `index`, the usual measure of CNN compute:
//   conv2d:           outH * outW * outC * (inC / groups) * kh * kw
//   fully_connected:  input features * units
// Layers without multiplications count one per elementary operation, so
// that they show up in totals without being inflated:
//   maxpool, avgpool: kh * kw per output element (compare or add)
//   global_avgpool:   one add per input element
//   add:              (inputs - 1) per output element
//   batch_norm, softmax, non-linear activations: one per output element
//   input, concat, upsample, linear activation: 0 (data movement only)
// Activations fused into conv, fc or add are not counted.
int64_t layerMacs(const Network &network, int index);

// The MACs of computing `region` of layer `index`'s output: its share of
// layerMacs (every count above is per output element).
int64_t regionMacs(const Network &network, int index, const MapRegion &region);

// Bytes of the parameters the layer owns (float32), as its primitive stores
// them (a Winograd convolution's transformed kernels).
int64_t layerWeightBytes(const Network &network, int index);

// Bytes of the layer's output tensor (float32).
int64_t layerActivationBytes(const Network &network, int index);

} // namespace tessel
