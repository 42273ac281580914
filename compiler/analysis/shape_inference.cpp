#include "analysis/shape_inference.h"

#include "analysis/output_size.h"
#include "analysis/shape_error.h"
#include "support/diagnostic.h"
#include "support/limits.h"

#include <fmt/format.h>

namespace tessel {
namespace {

// Infers the output of one layer whose inputs are already inferred.
class LayerInference {
public:
  LayerInference(Network &network, int index)
      : network_(network), index_(index), layer_(network.layers[index]) {}

  llvm::Error run() {
    if (llvm::Error error = checkInputs())
      return error;
    if (llvm::Error error = checkAttributeRanges())
      return error;
    llvm::Expected<Shape> output = inferOutput();
    if (!output)
      return output.takeError();
    if (int64_t elements = limitedProduct({output->c, output->h, output->w});
        elements > kMaxTensorElements)
      return fail("", fmt::format("the output {} has more than {} elements", formatShape(*output),
                                  kMaxTensorElements));
    layer_.output = *output;
    return llvm::Error::success();
  }

private:
  llvm::Error fail(std::string attribute, std::string problem) const {
    return llvm::make_error<ShapeError>(network_, index_, std::move(attribute), std::move(problem));
  }

  const Layer &inputLayer(size_t i) const { return network_.layers[layer_.inputs[i]]; }
  Shape input(size_t i = 0) const { return inputLayer(i).output; }

  llvm::Error checkInputs() const {
    if ((index_ == 0) != (layer_.op == OpKind::Input))
      return fail("op", "the network input must be the first layer, and only it");
    for (int producer : layer_.inputs)
      if (producer < 0 || producer >= index_)
        return fail("inputs", "reads a layer that is not defined above it");

    const size_t count = layer_.inputs.size();
    switch (layer_.op) {
    case OpKind::Input:
      if (count != 0)
        return fail("inputs", "the network input reads no layers");
      break;
    case OpKind::Add:
    case OpKind::Concat:
      if (count < 2)
        return fail("inputs",
                    fmt::format("{} needs at least two inputs, got {}", opName(layer_.op), count));
      break;
    default:
      if (count != 1)
        return fail("inputs",
                    fmt::format("{} reads exactly one input, got {}", opName(layer_.op), count));
    }
    return llvm::Error::success();
  }

  // The frontend reads only sizes in range; layers built in code are
  // checked here, before any size is divided by.
  llvm::Error checkAttributeRanges() const {
    auto inRange = [](std::initializer_list<int> values, int min) {
      for (int value : values)
        if (value < min || value > kMaxDimension)
          return false;
      return true;
    };
    auto outOfRange = [&](const char *attribute) {
      return fail(attribute, fmt::format("'{}' is out of range", attribute));
    };
    if (layer_.op == OpKind::Conv2d) {
      const ConvAttrs &conv = layer_.conv;
      if (!inRange({conv.outChannels}, 1))
        return outOfRange("filters");
      if (!inRange({conv.kernelH, conv.kernelW}, 1))
        return outOfRange("kernel");
      if (!inRange({conv.strideH, conv.strideW}, 1))
        return outOfRange("stride");
      if (!inRange({conv.dilationH, conv.dilationW}, 1))
        return outOfRange("dilation");
      const Padding &pad = conv.padding;
      if (!inRange({pad.top, pad.left, pad.bottom, pad.right}, 0))
        return outOfRange("padding");
    }
    if (layer_.op == OpKind::MaxPool || layer_.op == OpKind::AvgPool) {
      const PoolAttrs &pool = layer_.pool;
      if (!inRange({pool.kernelH, pool.kernelW}, 1))
        return outOfRange("kernel");
      if (!inRange({pool.strideH, pool.strideW}, 1))
        return outOfRange("stride");
      const Padding &pad = pool.padding;
      if (!inRange({pad.top, pad.left, pad.bottom, pad.right}, 0))
        return outOfRange("padding");
    }
    if (layer_.op == OpKind::FullyConnected && !inRange({layer_.fc.outFeatures}, 1))
      return outOfRange("units");
    return llvm::Error::success();
  }

  llvm::Expected<Shape> inferOutput() {
    switch (layer_.op) {
    case OpKind::Input: return networkInput();
    case OpKind::Conv2d: return conv();
    case OpKind::MaxPool:
    case OpKind::AvgPool: return pool();
    case OpKind::GlobalAvgPool: return Shape{input().c, 1, 1};
    case OpKind::FullyConnected: return fullyConnected();
    case OpKind::Add: return add();
    case OpKind::Concat: return concat();
    case OpKind::BatchNorm:
    case OpKind::Activation:
    case OpKind::Softmax: return input();
    }
    return fail("op", "unknown op");
  }

  llvm::Expected<Shape> networkInput() const {
    const Shape shape = network_.inputShape;
    for (int extent : {shape.c, shape.h, shape.w})
      if (extent < 1 || extent > kMaxDimension)
        return fail("", fmt::format("the input {} must have every extent between 1 and {}",
                                    formatShape(shape), kMaxDimension));
    return shape;
  }

  // The window of a convolution or pooling over the input, along both axes.
  struct Window {
    WindowAxis h, w;
  };

  // Checks that a window fits and returns the output height and width.
  llvm::Expected<std::pair<int, int>> slide(const Window &window) const {
    const int64_t outH = windowOutputSize(window.h);
    const int64_t outW = windowOutputSize(window.w);
    if (outH < 1 || outW < 1)
      return fail("kernel",
                  fmt::format("the output would be {}x{}: the {}x{} window does not fit in the "
                              "{}x{} input plus padding",
                              outH, outW, window.h.effectiveKernel(), window.w.effectiveKernel(),
                              window.h.input, window.w.input));
    if (outH > kMaxDimension || outW > kMaxDimension)
      return fail("padding", fmt::format("the output would be {}x{}, larger than {}", outH, outW,
                                         kMaxDimension));
    return std::make_pair(int(outH), int(outW));
  }

  llvm::Expected<Shape> conv() {
    const Shape in = input();
    ConvAttrs &conv = layer_.conv;
    if (conv.depthwise)
      conv.groups = in.c;
    if (conv.groups < 1 || in.c % conv.groups != 0)
      return fail("groups", fmt::format("groups ({}) must divide the input channels ({})",
                                        conv.groups, in.c));
    if (conv.outChannels % conv.groups != 0)
      return conv.depthwise
                 ? fail("filters",
                        fmt::format("depthwise needs filters ({}) to be a multiple of the input "
                                    "channels ({})",
                                    conv.outChannels, in.c))
                 : fail("groups", fmt::format("groups ({}) must divide filters ({})", conv.groups,
                                              conv.outChannels));

    Window window{{in.h, conv.kernelH, conv.strideH, conv.dilationH},
                  {in.w, conv.kernelW, conv.strideW, conv.dilationW}};
    if (window.h.effectiveKernel() > kMaxDimension || window.w.effectiveKernel() > kMaxDimension)
      return fail("dilation",
                  fmt::format("the dilated kernel spans more than {} cells", kMaxDimension));
    if (conv.samePadding)
      conv.padding = resolveSamePadding(window);
    applyPadding(conv.padding, window);
    llvm::Expected<std::pair<int, int>> size = slide(window);
    if (!size)
      return size.takeError();

    if (limitedProduct({conv.outChannels, in.c / conv.groups, conv.kernelH, conv.kernelW}) >
        kMaxTensorElements)
      return fail("filters", fmt::format("the weight tensor would have more than {} elements",
                                         kMaxTensorElements));
    return Shape{conv.outChannels, size->first, size->second};
  }

  llvm::Expected<Shape> pool() {
    const Shape in = input();
    PoolAttrs &pool = layer_.pool;
    Window window{{in.h, pool.kernelH, pool.strideH}, {in.w, pool.kernelW, pool.strideW}};
    window.h.ceilMode = window.w.ceilMode = pool.ceilMode;
    if (pool.samePadding)
      pool.padding = resolveSamePadding(window);
    // With more, a window could hold padding only: no max, nothing to average.
    const Padding &pad = pool.padding;
    if (std::max(pad.top, pad.bottom) > pool.kernelH / 2 ||
        std::max(pad.left, pad.right) > pool.kernelW / 2)
      return fail("padding", fmt::format("pooling padding may be at most half the kernel ({}x{})",
                                         pool.kernelH, pool.kernelW));
    applyPadding(pad, window);
    llvm::Expected<std::pair<int, int>> size = slide(window);
    if (!size)
      return size.takeError();
    return Shape{in.c, size->first, size->second};
  }

  static Padding resolveSamePadding(const Window &window) {
    const AxisPadding h =
        samePadding(window.h.input, window.h.kernel, window.h.stride, window.h.dilation);
    const AxisPadding w =
        samePadding(window.w.input, window.w.kernel, window.w.stride, window.w.dilation);
    return Padding{int(h.before), int(w.before), int(h.after), int(w.after)};
  }

  static void applyPadding(const Padding &padding, Window &window) {
    window.h.padBefore = padding.top;
    window.h.padAfter = padding.bottom;
    window.w.padBefore = padding.left;
    window.w.padAfter = padding.right;
  }

  llvm::Expected<Shape> fullyConnected() const {
    const int units = layer_.fc.outFeatures;
    if (limitedProduct({units, input().elements()}) > kMaxTensorElements)
      return fail("units", fmt::format("the weight tensor ({} units x {} inputs) would have more "
                                       "than {} elements",
                                       units, input().elements(), kMaxTensorElements));
    return Shape{units, 1, 1};
  }

  llvm::Expected<Shape> add() const {
    for (size_t i = 1; i < layer_.inputs.size(); ++i)
      if (input(i) != input(0))
        return fail("inputs", fmt::format("add needs inputs of equal shape, but '{}' is {} and "
                                          "'{}' is {}",
                                          inputLayer(0).name, formatShape(input(0)),
                                          inputLayer(i).name, formatShape(input(i))));
    return input(0);
  }

  llvm::Expected<Shape> concat() const {
    int64_t channels = 0;
    for (size_t i = 0; i < layer_.inputs.size(); ++i) {
      if (input(i).h != input(0).h || input(i).w != input(0).w)
        return fail("inputs", fmt::format("concat needs inputs of equal height and width, but "
                                          "'{}' is {} and '{}' is {}",
                                          inputLayer(0).name, formatShape(input(0)),
                                          inputLayer(i).name, formatShape(input(i))));
      channels += input(i).c;
    }
    if (channels > kMaxDimension)
      return fail("inputs", fmt::format("the output would have {} channels, more than {}", channels,
                                        kMaxDimension));
    return Shape{int(channels), input(0).h, input(0).w};
  }

  Network &network_;
  int index_;
  Layer &layer_;
};

} // namespace

llvm::Error inferShapes(Network &network) {
  if (network.layers.empty())
    return makeDiagnostic(network.loc, "", "the network has no layers");
  for (int index = 0; index < int(network.layers.size()); ++index)
    if (llvm::Error error = LayerInference(network, index).run())
      return error;
  return llvm::Error::success();
}

} // namespace tessel
