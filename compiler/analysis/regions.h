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

#include "ir/network.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel {

// Rows [y0, y1) x columns [x0, x1) of a feature map, all channels.
// Half-open; empty when y0 >= y1 or x0 >= x1.
struct MapRegion {
  int y0 = 0, y1 = 0, x0 = 0, x1 = 0;

  int height() const { return y1 - y0; }
  int width() const { return x1 - x0; }
  bool empty() const { return y0 >= y1 || x0 >= x1; }
  bool operator==(const MapRegion &o) const {
    return y0 == o.y0 && y1 == o.y1 && x0 == o.x0 && x1 == o.x1;
  }
  bool operator!=(const MapRegion &o) const { return !(*this == o); }
};

// "rows [y0, y1) x cols [x0, x1)", the way messages and tests print regions.
std::string formatRegion(const MapRegion &region);

// The whole map of a layer's output (or any map of this shape).
MapRegion wholeMap(const Shape &shape);

// What computing an output region of a layer reads from one of its inputs.
//
// `region` is the bounding box of the input cells inside the map that the
// output depends on. With dilation, or a stride larger than the kernel, the
// cells read have holes; the box spans them, as a kernel's input view must.
// It is tight: its first and last rows and columns are read. When the
// computation reads no cell inside the map (e.g. a window that lies entirely
// in the padding) it is empty, {0, 0, 0, 0}.
//
// The pad counts say how far beyond each border of the map the windows
// reach: padTop = 3 means the topmost tap is at row -3. With ceil_mode
// pooling the last window may hang past the declared padding, so padBottom
// or padRight can exceed the layer's padding.
struct InputNeed {
  MapRegion region;
  int padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
};

// The region of the `inputIndex`-th input of layer `layer` needed to compute
// the layer's output region `output`, which must lie inside the output map.
//  * conv2d, maxpool, avgpool: the windows of the output region (all input
//    channels are read, whatever the groups);
//  * batch_norm, activations, add, concat: the same region of each input;
//  * global_avgpool, fully_connected, softmax: the whole input map.
// An empty `output` needs nothing. Aborts on a bad layer, input index or
// region, which is a bug in the caller.
InputNeed inputNeed(const Network &network, int layer, int inputIndex, const MapRegion &output);

// A half-open range [begin, end) of one axis. 64-bit so that the unclamped
// reach of a window can be computed without overflow.
struct AxisRange {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
  bool operator==(const AxisRange &o) const { return begin == o.begin && end == o.end; }
};

// Along one axis of a sliding window, the input range the windows of output
// range [o0, o1) span, before clamping to the map:
//   [o0 * stride - padBefore, (o1 - 1) * stride - padBefore + (kernel - 1) * dilation + 1)
// Negative coordinates and those past the input are padding. An empty output
// range gives an empty range.
AxisRange neededInputRange(int o0, int o1, int kernel, int stride, int dilation, int padBefore);

// Whether an op can compute a spatial part of its output from a part of its
// input: true for conv2d, pooling, batch norm, activations, add and concat;
// false for the network input, global_avgpool, fully_connected and softmax,
// which need their whole input map.
bool isSpatiallyTileable(OpKind op);

// Splits [0, n) into `parts` consecutive pieces whose sizes differ by at most
// one: piece k is [floor(k * n / parts), floor((k + 1) * n / parts)). No piece
// is empty when parts <= n. Needs n >= 0 and parts >= 1.
std::vector<AxisRange> balancedSplit(int n, int parts);

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
