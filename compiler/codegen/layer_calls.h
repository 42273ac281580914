// The C++ that runs one layer: its constant kernel parameters and the
// kernel call. Every schedule emits its layers through these functions, so
// all schedules call the same kernels with the same arguments but for the
// buffers and the region computed.
#pragma once

#include "codegen/weight_packing.h"
#include "ir/network.h"

#include <string>
#include <vector>

namespace tessel {

// A buffer holding rows [y0, y0 + h) x columns [x0, x0 + w) of a layer's
// output map (all channels, channels-last); `pointer` is a C++ expression.
struct BufferWindow {
  std::string pointer;
  int y0 = 0, x0 = 0, h = 0, w = 0;
};

// A window spanning the whole map of `shape`.
BufferWindow wholeWindow(std::string pointer, const Shape &shape);

// Output rows [y0, y1) x columns [x0, x1) of a layer.
struct OutputRegion {
  int y0 = 0, y1 = 0, x0 = 0, x1 = 0;
};

struct LayerCall {
  int layer = 0;
  std::vector<BufferWindow> inputs; // one per layer input, in order
  BufferWindow output;
  OutputRegion region;
};

// Name of the constant holding the layer's kernel parameters ("kConv3").
std::string paramsName(const Network &net, int layer);

// Definition of that constant, or "" for layers whose kernel takes none.
std::string emitLayerParams(const Network &net, int layer);

// The statement(s) that run `call`, with `indent` before every line.
std::string emitLayerCall(const Network &net, const WeightBlob &weights, const LayerCall &call,
                          const std::string &indent);

} // namespace tessel
