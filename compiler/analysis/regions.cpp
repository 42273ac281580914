#include "analysis/regions.h"

#include "analysis/output_size.h"

#include "llvm/Support/ErrorHandling.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace tessel {
namespace {

// The functions here are called by the compiler on its own plans; a broken
// precondition is a compiler bug, so it aborts (in release builds too) rather
// than produce a silently wrong tiling.
template <typename... Args>
void require(bool condition, fmt::format_string<Args...> what, Args &&...args) {
  if (condition)
    return;
  const std::string message = "region analysis: " + fmt::format(what, std::forward<Args>(args)...);
  llvm::report_fatal_error(message.c_str(), /*gen_crash_diag=*/false);
}

// Division rounding toward minus and plus infinity; `d` > 0.
int64_t floorDiv(int64_t n, int64_t d) {
  return n >= 0 ? n / d : -((-n + d - 1) / d);
}
int64_t ceilDiv(int64_t n, int64_t d) {
  return -floorDiv(-n, d);
}

// What one axis of a sliding window reads: the tight range of in-map
// coordinates (begin == end when none) and the reach beyond each border.
struct AxisNeed {
  int begin = 0, end = 0;
  int padBefore = 0, padAfter = 0;
};

AxisNeed windowAxisNeed(const WindowAxis &axis, int o0, int o1) {
  const AxisRange reach =
      neededInputRange(o0, o1, axis.kernel, axis.stride, axis.dilation, axis.padBefore);
  AxisNeed need;
  need.padBefore = int(std::max<int64_t>(0, -reach.begin));
  need.padAfter = int(std::max<int64_t>(0, reach.end - axis.input));

  // Output o's tap j reads o * stride + j * dilation - padBefore. The reach
  // clamped to the map may start or end in a hole between taps (dilation,
  // stride > kernel), so look for the in-map taps nearest to each border:
  // per tap j, the first and the last output whose tap lands in the map.
  int64_t first = std::numeric_limits<int64_t>::max();
  int64_t last = std::numeric_limits<int64_t>::min();
  for (int j = 0; j < axis.kernel; ++j) {
    const int64_t offset = int64_t(j) * axis.dilation - axis.padBefore;
    const int64_t lowest = std::max<int64_t>(o0, ceilDiv(-offset, axis.stride));
    if (lowest < o1)
      first = std::min(first, lowest * axis.stride + offset);
    const int64_t highest =
        std::min<int64_t>(o1 - 1, floorDiv(axis.input - 1 - offset, axis.stride));
    if (highest >= o0)
      last = std::max(last, highest * axis.stride + offset);
  }
  // `first` >= 0 and `last` < input by construction; if first > last, no tap
  // lies in between, i.e. in the map.
  if (first <= last) {
    need.begin = int(first);
    need.end = int(last + 1);
  }
  return need;
}

// A sliding window's two axes over an input of shape `in`.
struct Window {
  WindowAxis rows, cols;
};

Window convWindow(const ConvAttrs &conv, const Shape &in) {
  const Padding &pad = conv.padding;
  return {{in.h, conv.kernelH, conv.strideH, conv.dilationH, pad.top, pad.bottom},
          {in.w, conv.kernelW, conv.strideW, conv.dilationW, pad.left, pad.right}};
}

Window poolWindow(const PoolAttrs &pool, const Shape &in) {
  const Padding &pad = pool.padding;
  return {{in.h, pool.kernelH, pool.strideH, 1, pad.top, pad.bottom, pool.ceilMode},
          {in.w, pool.kernelW, pool.strideW, 1, pad.left, pad.right, pool.ceilMode}};
}

InputNeed windowNeed(const Window &window, const MapRegion &output) {
  const AxisNeed rows = windowAxisNeed(window.rows, output.y0, output.y1);
  const AxisNeed cols = windowAxisNeed(window.cols, output.x0, output.x1);
  InputNeed need;
  // A region empty along one axis reads nothing at all.
  if (rows.begin < rows.end && cols.begin < cols.end)
    need.region = {rows.begin, rows.end, cols.begin, cols.end};
  need.padTop = rows.padBefore;
  need.padBottom = rows.padAfter;
  need.padLeft = cols.padBefore;
  need.padRight = cols.padAfter;
  return need;
}

bool contains(const MapRegion &outer, const MapRegion &inner) {
  return outer.y0 <= inner.y0 && inner.y1 <= outer.y1 && outer.x0 <= inner.x0 &&
         inner.x1 <= outer.x1;
}

} // namespace

std::string formatRegion(const MapRegion &region) {
  return fmt::format("rows [{}, {}) x cols [{}, {})", region.y0, region.y1, region.x0, region.x1);
}

MapRegion wholeMap(const Shape &shape) {
  return {0, shape.h, 0, shape.w};
}

AxisRange neededInputRange(int o0, int o1, int kernel, int stride, int dilation, int padBefore) {
  const int64_t begin = int64_t(o0) * stride - padBefore;
  if (o1 <= o0)
    return {begin, begin};
  const WindowAxis axis{/*input=*/1, kernel, stride, dilation};
  return {begin, int64_t(o1 - 1) * stride - padBefore + axis.effectiveKernel()};
}

InputNeed inputNeed(const Network &network, int layerIndex, int inputIndex,
                    const MapRegion &output) {
  require(layerIndex > 0 && layerIndex < int(network.layers.size()),
          "layer {} is not a computed layer of a network of {} layers", layerIndex,
          network.layers.size());
  const Layer &layer = network.layers[size_t(layerIndex)];
  require(inputIndex >= 0 && inputIndex < int(layer.inputs.size()), "layer '{}' has no input {}",
          layer.name, inputIndex);
  if (output.empty())
    return {};
  if (!contains(wholeMap(layer.output), output)) // formatted only then: this runs per tile
    require(false, "{} lies outside the {}x{} output of '{}'", formatRegion(output), layer.output.h,
            layer.output.w, layer.name);

  const Shape &in = network.layers[size_t(layer.inputs[size_t(inputIndex)])].output;
  switch (layer.op) {
  case OpKind::Conv2d: return windowNeed(convWindow(layer.conv, in), output);
  case OpKind::MaxPool:
  case OpKind::AvgPool: return windowNeed(poolWindow(layer.pool, in), output);
  // Element-wise along height and width: the input map has the output's size.
  case OpKind::BatchNorm:
  case OpKind::Activation:
  case OpKind::Add:
  case OpKind::Concat: return {output};
  case OpKind::GlobalAvgPool:
  case OpKind::FullyConnected:
  case OpKind::Softmax: return {wholeMap(in)};
  case OpKind::Input: break;
  }
  require(false, "layer '{}' ({}) reads no input", layer.name, opName(layer.op));
  return {};
}

bool isSpatiallyTileable(OpKind op) {
  switch (op) {
  case OpKind::Conv2d:
  case OpKind::MaxPool:
  case OpKind::AvgPool:
  case OpKind::BatchNorm:
  case OpKind::Activation:
  case OpKind::Add:
  case OpKind::Concat: return true;
  case OpKind::Input:
  case OpKind::GlobalAvgPool:
  case OpKind::FullyConnected:
  case OpKind::Softmax: return false;
  }
  return false;
}

std::vector<AxisRange> balancedSplit(int n, int parts) {
  require(n >= 0 && parts >= 1, "cannot split {} into {} parts", n, parts);
  std::vector<AxisRange> pieces;
  pieces.reserve(size_t(parts));
  for (int k = 0; k < parts; ++k)
    pieces.push_back({int64_t(k) * n / parts, int64_t(k + 1) * n / parts});
  return pieces;
}

TileTrace traceChain(const Network &network, int first, int last, const MapRegion &outputOfLast) {
  require(first >= 1 && first <= last && last < int(network.layers.size()),
          "layers {}..{} are not a segment of a network of {} layers", first, last,
          network.layers.size());
  for (int i = first; i <= last; ++i) {
    const Layer &layer = network.layers[size_t(i)];
    require(layer.inputs.size() == 1 && (i == first || layer.inputs[0] == i - 1),
            "layers {}..{} are not a chain: '{}' does not read only the layer before it", first,
            last, layer.name);
  }

  TileTrace trace;
  trace.layerOutputs.resize(size_t(last - first + 1));
  trace.layerOutputs.back() = outputOfLast;
  for (int i = last; i > first; --i)
    trace.layerOutputs[size_t(i - 1 - first)] =
        inputNeed(network, i, 0, trace.layerOutputs[size_t(i - first)]).region;
  trace.segmentInput = inputNeed(network, first, 0, trace.layerOutputs.front());
  return trace;
}

} // namespace tessel
