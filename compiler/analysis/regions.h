// Region algebra for computing parts of feature maps: which rows and columns
// of its inputs a layer reads to compute a rectangle of its output. Fused
// tiling traces each output tile back through a group of layers with it, so
// that every layer computes exactly what its consumer reads; streaming uses
// it for the rows each stripe needs.
//
// Coordinates are those of the full map, as the runtime's Region and MapView
// use them: a kernel that computes an output region reads input coordinates
// against the full map and treats coordinates outside it as padding.
//
// All functions need inferred shapes (analysis/shape_inference.h) and work on
// networks as loaded or normalized.
#pragma once

#include "ir/map_region.h"
#include "ir/network.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel {

// The whole map of a layer's output (or any map of this shape), every channel.
MapRegion wholeMap(const Shape &shape);

// The region of the `inputIndex`-th input of layer `layer` needed to compute
// the layer's output region `output`, which must lie inside the output map.
// The op's region rule says (ops/op_description.h), e.g.
//  * conv2d, maxpool, avgpool: the windows of the output region;
//  * batch_norm, activations, add, concat: the same region of each input;
//  * global_avgpool, fully_connected, softmax: the whole input map.
// An empty `output` needs nothing. Aborts on a bad layer, input index or
// region, which is a bug in the caller.
InputNeed inputNeed(const Network &network, int layer, int inputIndex, const MapRegion &output);

// Whether an op can compute a spatial part of its output from a part of its
// input: true for conv2d, pooling, batch norm, activations, add, concat and
// upsample; false for the network input, global_avgpool, fully_connected
// and softmax, which need their whole input map.
bool isSpatiallyTileable(OpKind op);

// An output region of a chain of layers traced back to its start.
struct TileTrace {
  // layerOutputs[i - first]: the output region layer i computes.
  std::vector<MapRegion> layerOutputs;
  // What layer `first` reads from its input (the chain's input).
  InputNeed segmentInput;
};

// Traces `outputOfLast`, a region of layer `last`'s output, back through the
// chain first..last: each layer computes what the next one needs. In a chain
// every layer has exactly one input, and each after `first` reads the layer
// before it. Aborts when the layers do not form a chain.
TileTrace traceChain(const Network &network, int first, int last, const MapRegion &outputOfLast);

} // namespace tessel
