#include "frontend/onnx_graph.h"

#include "analysis/shape_inference.h"
#include "frontend/loading_steps.h"
#include "ops/shape_error.h"
#include "support/diagnostic.h"
#include "support/limits.h"
#include "support/parse_error.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <fmt/format.h>

#include <cfloat>
#include <cmath>
#include <functional>
#include <optional>

namespace tessel::onnx_import {
namespace {

// A feature map flowing through the graph: the layer that holds it, and how
// the ONNX graph sees it.
struct MapValue {
  int layer = 0;
  // 4: N x C x H x W; 2: N x F, the layer's C x H x W flattened in NCHW
  // order (after Flatten, Gemm, ...). Both are stored the same way.
  int rank = 4;
  // Zero padding a Pad node asked for that no layer has applied yet: the
  // next convolution takes it into its own padding.
  Padding pad;

  bool padded() const { return pad.top || pad.left || pad.bottom || pad.right; }
};

// Every named tensor of the graph is a feature map or a constant.
struct Value {
  std::optional<MapValue> map;
  std::optional<ConstantTensor> constant;
};

bool isFloatType(int64_t type) {
  return type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::DOUBLE;
}
bool isIntegerType(int64_t type) {
  return type == onnx::TensorProto::INT64 || type == onnx::TensorProto::INT32;
}

int64_t product(llvm::ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t dim : dims)
    result = limitedProduct({result, dim});
  return result;
}

std::string formatDims(llvm::ArrayRef<int64_t> dims) {
  if (dims.empty())
    return "a scalar";
  std::vector<std::string> parts;
  for (int64_t dim : dims)
    parts.push_back(std::to_string(dim));
  return "[" + llvm::join(parts, ", ") + "]";
}

// The node being translated, for messages: "node 'conv1' (Conv, #3)".
struct NodeContext {
  const onnx::NodeProto &node;
  int index;
  std::string file;

  std::string describe() const {
    const std::string &name =
        node.name().empty() ? (node.output_size() ? node.output(0) : "") : node.name();
    return fmt::format("node '{}' ({}, #{})", name, node.op_type(), index);
  }
  [[noreturn]] void fail(const std::string &problem) const {
    throw ParseError{SourceLoc{file}, "", describe() + ": " + problem};
  }
};

// A node's attributes: typed reads with the operator's defaults; every
// attribute read is remembered so that the rest can be reported.
class NodeAttributes {
public:
  explicit NodeAttributes(const NodeContext &context) : context_(context) {}

  const onnx::AttributeProto *find(llvm::StringRef name) {
    used_.insert(name);
    for (const onnx::AttributeProto &attribute : context_.node.attribute())
      if (attribute.name() == name)
        return &attribute;
    return nullptr;
  }

  int64_t integer(llvm::StringRef name, int64_t fallback) {
    return read(name, fallback, onnx::AttributeProto::INT, "an integer",
                [](const onnx::AttributeProto &a) { return a.i(); });
  }

  std::vector<int64_t> integers(llvm::StringRef name, std::vector<int64_t> fallback) {
    return read(name, std::move(fallback), onnx::AttributeProto::INTS, "a list of integers",
                [](const onnx::AttributeProto &a) {
                  return std::vector<int64_t>(a.ints().begin(), a.ints().end());
                });
  }

  float real(llvm::StringRef name, float fallback) {
    return read(name, fallback, onnx::AttributeProto::FLOAT, "a number",
                [](const onnx::AttributeProto &a) { return a.f(); });
  }

  std::string text(llvm::StringRef name, llvm::StringRef fallback) {
    return read(name, fallback.str(), onnx::AttributeProto::STRING, "a string",
                [](const onnx::AttributeProto &a) { return a.s(); });
  }

  // Attributes that do not change what inference computes.
  void ignore(llvm::ArrayRef<llvm::StringRef> names) { used_.insert(names.begin(), names.end()); }

  void rejectUnknown() const {
    for (const onnx::AttributeProto &attribute : context_.node.attribute())
      if (!used_.contains(attribute.name()))
        context_.fail(fmt::format("attribute '{}' of {} is not supported", attribute.name(),
                                  context_.node.op_type()));
  }

private:
  // The attribute's value through `get`, checked to be of `type`, or
  // `fallback` when the node does not give it.
  template <typename T, typename Get>
  T read(llvm::StringRef name, T fallback, onnx::AttributeProto::AttributeType type,
         const char *what, Get get) {
    const onnx::AttributeProto *attribute = find(name);
    if (!attribute)
      return fallback;
    expect(*attribute, type, what);
    return get(*attribute);
  }

  void expect(const onnx::AttributeProto &attribute, onnx::AttributeProto::AttributeType type,
              const char *what) const {
    if (attribute.type() != type)
      context_.fail(fmt::format("attribute '{}' must be {}", attribute.name(), what));
  }

  const NodeContext &context_;
  llvm::StringSet<> used_;
};

// Where a resize reads output index `y` from, by the ONNX rules, or -1 for a
// mode tessel does not know.
int64_t nearestSource(int64_t y, double scale, int64_t inSize, int64_t outSize,
                      const std::string &transform, const std::string &rounding) {
  double x = 0;
  if (transform == "half_pixel")
    x = (double(y) + 0.5) / scale - 0.5;
  else if (transform == "asymmetric")
    x = double(y) / scale;
  else if (transform == "pytorch_half_pixel")
    x = outSize > 1 ? (double(y) + 0.5) / scale - 0.5 : 0.0;
  else if (transform == "align_corners")
    x = outSize > 1 ? double(y) * double(inSize - 1) / double(outSize - 1) : 0.0;
  else if (transform == "tf_half_pixel_for_nn")
    x = (double(y) + 0.5) / scale;
  else
    return -1;
  double index = 0;
  if (rounding == "round_prefer_floor")
    index = x - std::floor(x) == 0.5 ? std::floor(x) : std::round(x);
  else if (rounding == "round_prefer_ceil")
    index = x - std::floor(x) == 0.5 ? std::ceil(x) : std::round(x);
  else if (rounding == "floor")
    index = std::floor(x);
  else if (rounding == "ceil")
    index = std::ceil(x);
  else
    return -1;
  return std::clamp<int64_t>(int64_t(index), 0, inSize - 1);
}

class Translator {
public:
  Translator(const onnx::ModelProto &model, std::string fileName, const LoadOptions &options)
      : model_(model), file_(std::move(fileName)), options_(options) {}

  Network run() {
    const std::optional<int64_t> opset = defaultOpset(model_);
    if (!opset)
      throw ParseError{SourceLoc{file_}, "", "the model imports no default-domain operator set"};
    opset_ = *opset;
    network_.name = networkNameFromFile(file_, "onnx");
    network_.loc = SourceLoc{file_};
    network_.nameLoc = network_.loc;
    network_.weightsFile = file_;
    const onnx::GraphProto &graph = model_.graph();
    countConsumers(graph);
    readInitializers(graph);
    readGraphInput(graph);
    for (int i = 0; i < graph.node_size(); ++i)
      translateNode(NodeContext{graph.node(i), i, file_});
    finishOutput(graph);
    return std::move(network_);
  }

private:
  [[noreturn]] void failModel(const std::string &problem) const {
    throw ParseError{SourceLoc{file_}, "", problem};
  }

  void countConsumers(const onnx::GraphProto &graph) {
    for (const onnx::NodeProto &node : graph.node())
      for (const std::string &input : node.input())
        ++consumers_[input];
    for (const onnx::ValueInfoProto &output : graph.output())
      ++consumers_[output.name()];
  }

  void readInitializers(const onnx::GraphProto &graph) {
    for (const onnx::TensorProto &tensor : graph.initializer()) {
      llvm::Expected<ConstantTensor> constant = readTensor(tensor);
      if (!constant)
        failModel(fmt::format("initializer '{}': {}", tensor.name(),
                              llvm::toString(constant.takeError())));
      values_[tensor.name()].constant = std::move(*constant);
    }
  }

  // The one graph input that is not an initializer becomes the Input layer.
  void readGraphInput(const onnx::GraphProto &graph) {
    const onnx::ValueInfoProto *input = nullptr;
    for (const onnx::ValueInfoProto &candidate : graph.input()) {
      if (values_.count(candidate.name()))
        continue; // an initializer listed as an input (before IR version 4)
      if (input)
        failModel(fmt::format("the graph has more than one input ('{}' and '{}'); tessel "
                              "networks take one image",
                              input->name(), candidate.name()));
      input = &candidate;
    }
    if (!input)
      failModel("the graph has no input that is not an initializer");
    const std::string where = fmt::format("graph input '{}'", input->name());
    if (!input->type().has_tensor_type() || !isFloatType(input->type().tensor_type().elem_type()))
      failModel(where + " must be a float tensor");
    const onnx::TensorShapeProto &shape = input->type().tensor_type().shape();
    const int rank = shape.dim_size();
    if (rank != 4 && rank != 2)
      failModel(fmt::format("{} has {} dimensions; tessel takes N x C x H x W images (or N x F "
                            "vectors), so 1-D, 3-D and 5-D inputs are not supported",
                            where, rank));
    std::vector<int64_t> dims;
    for (int d = 0; d < rank; ++d) {
      const onnx::TensorShapeProto::Dimension &dim = shape.dim(d);
      const bool overridden = options_.inputSize && rank == 4 && d >= 2;
      if (dim.has_dim_value() && dim.dim_value() > 0) {
        dims.push_back(dim.dim_value());
      } else if (d == 0) {
        dims.push_back(1); // a dynamic batch is taken as 1
      } else if (overridden) {
        dims.push_back(1); // replaced below
      } else {
        failModel(fmt::format("{}: dimension {} has no fixed size{}", where, d,
                              rank == 4 && d >= 2 ? "; give one with --input-size HxW" : ""));
      }
    }
    if (dims[0] != 1)
      failModel(fmt::format("{} has batch {}; tessel compiles batch 1", where, dims[0]));
    for (int64_t dim : dims)
      if (dim > kMaxDimension)
        failModel(
            fmt::format("{}: dimension {} is above the limit of {}", where, dim, kMaxDimension));
    network_.inputShape =
        rank == 4 ? Shape{int(dims[1]), int(dims[2]), int(dims[3])} : Shape{int(dims[1]), 1, 1};
    if (llvm::Error error = applyInputSizeFromCommandLine())
      failModel(llvm::toString(std::move(error)));
    Layer layer;
    layer.name = "input";
    layer.op = OpKind::Input;
    layer.loc = network_.loc;
    names_.insert("input");
    network_.layers.push_back(std::move(layer));
    if (llvm::Error error = inferLayerShape(network_, 0))
      failModel(shapeProblem(std::move(error)));
    values_[input->name()].map = MapValue{0, rank, {}};
  }

  llvm::Error applyInputSizeFromCommandLine() {
    if (!options_.inputSize)
      return llvm::Error::success();
    auto [height, width] = *options_.inputSize;
    if (height < 1 || width < 1 || height > kMaxDimension || width > kMaxDimension)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("input size {}x{} from the command line must be between 1x1 and {}x{}",
                      height, width, kMaxDimension, kMaxDimension));
    network_.inputShape.h = height;
    network_.inputShape.w = width;
    return llvm::Error::success();
  }

  static std::string shapeProblem(llvm::Error error) {
    std::string problem;
    llvm::handleAllErrors(
        std::move(error), [&](const ShapeError &shapeError) { problem = shapeError.problem(); },
        [&](const llvm::ErrorInfoBase &other) { problem = other.message(); });
    return problem;
  }

  // --- values -------------------------------------------------------------

  static bool hasInput(const NodeContext &context, int index) {
    return index < context.node.input_size() && !context.node.input(index).empty();
  }

  const Value &value(const NodeContext &context, int index) {
    if (!hasInput(context, index))
      context.fail(fmt::format("input {} is missing", index));
    auto found = values_.find(context.node.input(index));
    if (found == values_.end())
      context.fail(fmt::format("reads '{}', which no earlier node produces and which is neither "
                               "a graph input nor an initializer",
                               context.node.input(index)));
    return found->second;
  }

  MapValue mapInput(const NodeContext &context, int index) {
    const Value &input = value(context, index);
    if (!input.map)
      context.fail(fmt::format("input {} ('{}') is a constant; tessel needs a feature map "
                               "computed from the graph input here",
                               index, context.node.input(index)));
    return *input.map;
  }

  const ConstantTensor &constantInput(const NodeContext &context, int index) {
    const Value &input = value(context, index);
    if (!input.constant)
      context.fail(fmt::format("input {} ('{}') must be a constant (an initializer or a folded "
                               "shape): tessel compiles it into the code",
                               index, context.node.input(index)));
    return *input.constant;
  }

  std::vector<int64_t> integerInput(const NodeContext &context, int index) {
    const ConstantTensor &tensor = constantInput(context, index);
    if (!tensor.integer)
      context.fail(fmt::format("input {} must hold integers", index));
    return tensor.integers;
  }

  void define(const NodeContext &context, int outputIndex, Value result) {
    if (outputIndex >= context.node.output_size() || context.node.output(outputIndex).empty())
      return;
    values_[context.node.output(outputIndex)] = std::move(result);
  }
  void defineMap(const NodeContext &context, MapValue map) {
    define(context, 0, Value{map, std::nullopt});
  }
  void defineConstant(const NodeContext &context, ConstantTensor constant) {
    define(context, 0, Value{std::nullopt, std::move(constant)});
  }

  // An output nothing reads (Dropout's mask, MaxPool's indices) may exist.
  void rejectUsedOutputs(const NodeContext &context, int from, llvm::StringRef what) {
    for (int i = from; i < context.node.output_size(); ++i)
      if (!context.node.output(i).empty() && consumers_.lookup(context.node.output(i)) > 0)
        context.fail(fmt::format("its output {} ({}) is used; tessel computes only the "
                                 "inference result",
                                 i, what.str()));
  }

  // ONNX's view of a map: {1, C, H, W} or {1, F}, with any pending padding.
  std::vector<int64_t> dimsOf(const MapValue &map) const {
    const Shape &shape = network_.layers[size_t(map.layer)].output;
    if (map.rank == 2)
      return {1, shape.elements()};
    return {1, shape.c, int64_t(shape.h) + map.pad.top + map.pad.bottom,
            int64_t(shape.w) + map.pad.left + map.pad.right};
  }
  Shape shapeOf(int layer) const { return network_.layers[size_t(layer)].output; }

  // --- layers -------------------------------------------------------------

  std::string layerName(const NodeContext &context, llvm::StringRef suffix = "") {
    std::string base = context.node.name();
    if (base.empty() && context.node.output_size())
      base = context.node.output(0);
    if (base.empty())
      base = llvm::StringRef(context.node.op_type()).lower() + std::to_string(context.index);
    base += suffix.str();
    for (char &c : base)
      if (!llvm::isAlnum(c) && c != '_' && c != '.' && c != '-')
        c = '_';
    if (!llvm::isAlpha(base[0]) && base[0] != '_')
      base = "n" + base;
    std::string name = base;
    for (int copy = 2; !names_.insert(name).second; ++copy)
      name = fmt::format("{}_{}", base, copy);
    return name;
  }

  Layer newLayer(const NodeContext &context, OpKind op, std::vector<int> inputs,
                 llvm::StringRef suffix = "") {
    Layer layer;
    layer.name = layerName(context, suffix);
    layer.op = op;
    layer.loc = network_.loc;
    layer.inputs = std::move(inputs);
    return layer;
  }

  // Appends `layer` and infers its shape; returns its index.
  int add(const NodeContext &context, Layer layer) {
    network_.layers.push_back(std::move(layer));
    const int index = int(network_.layers.size()) - 1;
    if (llvm::Error error = inferLayerShape(network_, index))
      context.fail(shapeProblem(std::move(error)));
    return index;
  }

  // The layer holding `map` with its pending padding applied: a 1x1
  // depthwise convolution with weight 1 copies every value exactly and
  // writes the zeros around it.
  int materialize(const NodeContext &context, const MapValue &map) {
    if (!map.padded())
      return map.layer;
    const int channels = shapeOf(map.layer).c;
    Layer pad = newLayer(context, OpKind::Conv2d, {map.layer}, ".pad");
    ConvAttrs &attrs = pad.conv();
    attrs.outChannels = channels;
    attrs.groups = channels;
    attrs.bias = false;
    attrs.window.padding = map.pad;
    pad.weights.weight.assign(size_t(channels), 1.0f);
    return add(context, std::move(pad));
  }

  MapValue imageInput(const NodeContext &context, int index) {
    MapValue map = mapInput(context, index);
    if (map.rank != 4)
      context.fail(fmt::format("input {} is a vector ({}); {} needs an N x C x H x W map", index,
                               formatDims(dimsOf(map)), context.node.op_type()));
    return map;
  }

  // --- padding ------------------------------------------------------------

  // The explicit padding of a convolution or pooling node over `input`.
  Padding readPadding(const NodeContext &context, NodeAttributes &attrs,
                      const std::vector<int64_t> &input, const std::vector<int64_t> &kernel,
                      const std::vector<int64_t> &strides, const std::vector<int64_t> &dilations) {
    const std::string autoPad = attrs.text("auto_pad", "NOTSET");
    std::vector<int64_t> pads = attrs.integers("pads", {0, 0, 0, 0});
    if (autoPad == "NOTSET") {
      if (pads.size() != 4)
        context.fail(fmt::format("'pads' has {} values; a 2-D window takes 4", pads.size()));
      for (int64_t pad : pads)
        if (pad < 0 || pad > kMaxDimension)
          context.fail(fmt::format("'pads' value {} is out of range", pad));
      return Padding{int(pads[0]), int(pads[1]), int(pads[2]), int(pads[3])};
    }
    if (autoPad == "VALID")
      return Padding{};
    if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
      context.fail(fmt::format("unknown auto_pad '{}'", autoPad));
    int64_t before[2], after[2];
    for (int axis = 0; axis < 2; ++axis) {
      const int64_t in = input[size_t(2 + axis)];
      const int64_t out = (in + strides[size_t(axis)] - 1) / strides[size_t(axis)];
      const int64_t extent = dilations[size_t(axis)] * (kernel[size_t(axis)] - 1) + 1;
      const int64_t total = std::max<int64_t>((out - 1) * strides[size_t(axis)] + extent - in, 0);
      const int64_t small = total / 2;
      before[axis] = autoPad == "SAME_UPPER" ? small : total - small;
      after[axis] = total - before[axis];
    }
    return Padding{int(before[0]), int(before[1]), int(after[0]), int(after[1])};
  }

  static std::vector<int64_t> pairAttribute(const NodeContext &context, NodeAttributes &attrs,
                                            llvm::StringRef name, int64_t fallback) {
    std::vector<int64_t> values = attrs.integers(name, {fallback, fallback});
    if (values.size() != 2)
      context.fail(fmt::format("'{}' has {} values; tessel supports 2-D windows only", name.str(),
                               values.size()));
    for (int64_t v : values)
      if (v < 1 || v > kMaxDimension)
        context.fail(fmt::format("'{}' value {} is out of range", name.str(), v));
    return values;
  }

  // --- operators ----------------------------------------------------------

  void translateNode(const NodeContext &context) {
    const onnx::NodeProto &node = context.node;
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      context.fail(fmt::format("operator domain '{}' is not supported", node.domain()));
    using Handler = void (Translator::*)(const NodeContext &);
    static const llvm::StringMap<Handler> handlers = {
        {"Conv", &Translator::conv},
        {"BatchNormalization", &Translator::batchNorm},
        {"Relu", &Translator::activation},
        {"LeakyRelu", &Translator::activation},
        {"Sigmoid", &Translator::activation},
        {"HardSigmoid", &Translator::activation},
        {"HardSwish", &Translator::activation},
        {"Clip", &Translator::clip},
        {"Add", &Translator::arithmetic},
        {"Sub", &Translator::arithmetic},
        {"Mul", &Translator::arithmetic},
        {"Div", &Translator::arithmetic},
        {"MaxPool", &Translator::pool},
        {"AveragePool", &Translator::pool},
        {"GlobalAveragePool", &Translator::globalAveragePool},
        {"Gemm", &Translator::gemm},
        {"MatMul", &Translator::matMul},
        {"Flatten", &Translator::flatten},
        {"Reshape", &Translator::reshape},
        {"Concat", &Translator::concat},
        {"Softmax", &Translator::softmax},
        {"Resize", &Translator::resize},
        {"Upsample", &Translator::resize},
        {"Pad", &Translator::pad},
        {"Dropout", &Translator::passThrough},
        {"Identity", &Translator::passThrough},
        {"Constant", &Translator::constant},
        {"Shape", &Translator::shape},
        {"Gather", &Translator::gather},
        {"Unsqueeze", &Translator::squeeze},
        {"Squeeze", &Translator::squeeze},
        {"Cast", &Translator::cast},
    };
    auto handler = handlers.find(node.op_type());
    if (handler == handlers.end()) {
      std::vector<llvm::StringRef> known(handlers.keys().begin(), handlers.keys().end());
      llvm::sort(known);
      context.fail(fmt::format("operator {} is not supported; supported: {}", node.op_type(),
                               llvm::join(known, ", ")));
    }
    (this->*handler->second)(context);
  }

  void conv(const NodeContext &context) {
    NodeAttributes attrs(context);
    const MapValue x = imageInput(context, 0);
    const ConstantTensor &w = constantInput(context, 1);
    if (w.integer || w.dims.size() != 4)
      context.fail(fmt::format("the weight is {}; tessel supports 2-D convolutions (a float "
                               "weight of 4 dimensions)",
                               formatDims(w.dims)));
    const std::vector<int64_t> kernel = {w.dims[2], w.dims[3]};
    if (attrs.integers("kernel_shape", kernel) != kernel)
      context.fail(
          fmt::format("'kernel_shape' does not match the weight's {}", formatDims(w.dims)));
    const std::vector<int64_t> strides = pairAttribute(context, attrs, "strides", 1);
    const std::vector<int64_t> dilations = pairAttribute(context, attrs, "dilations", 1);
    const int64_t groups = attrs.integer("group", 1);
    const std::vector<int64_t> input = dimsOf(x);
    Padding padding = readPadding(context, attrs, input, kernel, strides, dilations);
    attrs.rejectUnknown();
    if (groups < 1 || input[1] % groups != 0 || w.dims[0] % groups != 0 ||
        w.dims[1] * groups != input[1])
      context.fail(fmt::format("the weight {} with group {} does not fit an input of {} "
                               "channels",
                               formatDims(w.dims), groups, input[1]));
    if (w.dims[0] < 1 || w.dims[0] > kMaxDimension || kernel[0] < 1 || kernel[1] < 1 ||
        kernel[0] > kMaxDimension || kernel[1] > kMaxDimension)
      context.fail(fmt::format("the weight {} is out of range", formatDims(w.dims)));

    Layer layer = newLayer(context, OpKind::Conv2d, {x.layer});
    ConvAttrs &conv = layer.conv();
    conv.outChannels = int(w.dims[0]);
    conv.groups = int(groups);
    conv.window.kernelH = int(kernel[0]);
    conv.window.kernelW = int(kernel[1]);
    conv.window.strideH = int(strides[0]);
    conv.window.strideW = int(strides[1]);
    conv.window.dilationH = int(dilations[0]);
    conv.window.dilationW = int(dilations[1]);
    conv.window.padding = Padding{padding.top + x.pad.top, padding.left + x.pad.left,
                                  padding.bottom + x.pad.bottom, padding.right + x.pad.right};
    layer.weights.weight = w.floats;
    conv.bias = hasInput(context, 2);
    if (conv.bias) {
      const ConstantTensor &b = constantInput(context, 2);
      if (b.integer || b.elements() != w.dims[0])
        context.fail(fmt::format("the bias {} does not have one value per output channel ({})",
                                 formatDims(b.dims), w.dims[0]));
      layer.weights.bias = b.floats;
    }
    defineMap(context, MapValue{add(context, std::move(layer)), 4, {}});
  }

  // A constant with one value per channel of `map` (or one for all).
  std::vector<float> perChannel(const NodeContext &context, const ConstantTensor &tensor,
                                const MapValue &map, llvm::StringRef what) {
    const std::vector<int64_t> dims = dimsOf(map);
    const int64_t channels = dims[1];
    if (tensor.dims.size() > dims.size())
      context.fail(fmt::format("{} {} has more dimensions than the map {}", what.str(),
                               formatDims(tensor.dims), formatDims(dims)));
    // Right-aligned against the map's dimensions, only the channel axis may
    // be above 1.
    const size_t offset = dims.size() - tensor.dims.size();
    for (size_t i = 0; i < tensor.dims.size(); ++i) {
      const size_t axis = i + offset;
      if (tensor.dims[i] == 1)
        continue;
      if (axis != 1 || tensor.dims[i] != channels)
        context.fail(fmt::format("{} {} does not broadcast per channel over the map {}", what.str(),
                                 formatDims(tensor.dims), formatDims(dims)));
    }
    std::vector<float> values(static_cast<size_t>(channels));
    const int64_t count = tensor.elements();
    for (int64_t c = 0; c < channels; ++c)
      values[size_t(c)] = float(tensor.at(count == 1 ? 0 : c));
    return values;
  }

  // A 1-D constant of one value per channel, as BatchNormalization takes.
  static std::vector<float> channelVector(const NodeContext &context, const ConstantTensor &tensor,
                                          int64_t channels, llvm::StringRef what) {
    if (tensor.integer || tensor.dims.size() != 1 || tensor.dims[0] != channels)
      context.fail(fmt::format("{} is {}, not one value per channel ({})", what.str(),
                               formatDims(tensor.dims), channels));
    return tensor.floats;
  }

  void batchNorm(const NodeContext &context) {
    NodeAttributes attrs(context);
    const float epsilon = attrs.real("epsilon", 1e-5f);
    if (attrs.integer("training_mode", 0) != 0)
      context.fail("training_mode is set; tessel runs inference");
    if (attrs.integer("spatial", 1) != 1)
      context.fail("spatial = 0 (statistics per element) is not supported");
    attrs.ignore({"momentum", "is_test", "consumed_inputs"});
    attrs.rejectUnknown();
    rejectUsedOutputs(context, 1, "training statistics");
    const MapValue x = mapInput(context, 0);
    Layer layer = newLayer(context, OpKind::BatchNorm, {materialize(context, x)});
    layer.batchNorm().epsilon = epsilon;
    LayerWeights &weights = layer.weights;
    const int64_t channels = dimsOf(x)[1];
    weights.gamma = channelVector(context, constantInput(context, 1), channels, "the scale");
    weights.beta = channelVector(context, constantInput(context, 2), channels, "the bias");
    weights.mean = channelVector(context, constantInput(context, 3), channels, "the mean");
    weights.variance = channelVector(context, constantInput(context, 4), channels, "the variance");
    defineMap(context, MapValue{add(context, std::move(layer)), x.rank, {}});
  }

  void addActivation(const NodeContext &context, const MapValue &x, Activation activation) {
    Layer layer = newLayer(context, OpKind::Activation, {materialize(context, x)});
    layer.activation = activation;
    defineMap(context, MapValue{add(context, std::move(layer)), x.rank, {}});
  }

  void activation(const NodeContext &context) {
    NodeAttributes attrs(context);
    const std::string &op = context.node.op_type();
    Activation activation;
    if (op == "Relu") {
      activation.kind = ActivationKind::Relu;
    } else if (op == "LeakyRelu") {
      activation = {ActivationKind::Leaky, attrs.real("alpha", 0.01f)};
    } else if (op == "Sigmoid") {
      activation.kind = ActivationKind::Sigmoid;
    } else if (op == "HardSwish") {
      activation.kind = ActivationKind::HardSwish;
    } else { // HardSigmoid
      activation = {ActivationKind::HardSigmoid, attrs.real("alpha", 0.2f)};
      const float beta = attrs.real("beta", 0.5f);
      if (beta != 0.5f)
        context.fail(fmt::format("beta = {} is not supported: tessel's hard sigmoid is "
                                 "max(0, min(1, alpha x + 0.5)), as PyTorch and Keras export it",
                                 beta));
    }
    attrs.ignore({"consumed_inputs"});
    attrs.rejectUnknown();
    addActivation(context, mapInput(context, 0), activation);
  }

  void clip(const NodeContext &context) {
    NodeAttributes attrs(context);
    float low = -FLT_MAX, high = FLT_MAX;
    if (opset_ < 11) {
      low = attrs.real("min", low);
      high = attrs.real("max", high);
    } else {
      for (int index : {1, 2}) {
        if (!hasInput(context, index))
          continue;
        const ConstantTensor &bound = constantInput(context, index);
        if (bound.elements() != 1)
          context.fail(fmt::format("input {} must be a scalar", index));
        (index == 1 ? low : high) = float(bound.at(0));
      }
    }
    attrs.ignore({"consumed_inputs"});
    attrs.rejectUnknown();
    const MapValue x = mapInput(context, 0);
    if (low <= -FLT_MAX && high >= FLT_MAX) {
      defineMap(context, x);
      return;
    }
    Activation activation;
    if (low == 0.0f && high == 6.0f)
      activation.kind = ActivationKind::Relu6;
    else if (low == 0.0f && high >= FLT_MAX)
      activation.kind = ActivationKind::Relu;
    else
      context.fail(fmt::format("Clip to [{}, {}] is not supported: tessel has ReLU (Clip to "
                               "[0, inf)) and ReLU6 (Clip to [0, 6])",
                               low, high));
    addActivation(context, x, activation);
  }

  // Add, Sub, Mul and Div: of two maps, of a map and a per-channel constant,
  // or of two constants (shape arithmetic).
  void arithmetic(const NodeContext &context) {
    NodeAttributes attrs(context);
    attrs.ignore({"consumed_inputs"});
    if (attrs.integer("broadcast", 1) != 1 || attrs.find("axis"))
      context.fail("the legacy 'broadcast'/'axis' attributes are not supported");
    attrs.rejectUnknown();
    const std::string &op = context.node.op_type();
    const Value &a = value(context, 0);
    const Value &b = value(context, 1);
    if (a.constant && b.constant) {
      defineConstant(context, foldArithmetic(context, *a.constant, *b.constant));
      return;
    }
    if (a.map && b.map) {
      mapArithmetic(context, *a.map, *b.map);
      return;
    }
    const bool mapFirst = bool(a.map);
    const MapValue x = mapFirst ? *a.map : *b.map;
    const ConstantTensor &c = mapFirst ? *b.constant : *a.constant;
    if (!mapFirst && (op == "Sub" || op == "Div"))
      context.fail(fmt::format("a constant {} a feature map is not supported",
                               op == "Sub" ? "minus" : "divided by"));
    std::vector<float> values = perChannel(context, c, x, "the constant");
    const int channels = int(values.size());
    if (op == "Add" && x.rank == 2 && tryBiasOfDense(context, x, values))
      return;
    std::vector<float> scale(size_t(channels), 1.0f), shift(size_t(channels), 0.0f);
    for (int i = 0; i < channels; ++i) {
      const float v = values[size_t(i)];
      if (op == "Add")
        shift[size_t(i)] = v;
      else if (op == "Sub")
        shift[size_t(i)] = -v;
      else if (op == "Mul")
        scale[size_t(i)] = v;
      else
        scale[size_t(i)] = 1.0f / v;
    }
    // A per-channel affine map: batch_norm with mean 0, variance 1 and no
    // epsilon computes exactly x * scale + shift (and folds into a
    // convolution before it).
    Layer layer = newLayer(context, OpKind::BatchNorm, {materialize(context, x)});
    layer.batchNorm().epsilon = 0.0f;
    layer.batchNorm().epsilonAfterSqrt = true;
    layer.weights.gamma = std::move(scale);
    layer.weights.beta = std::move(shift);
    layer.weights.mean.assign(size_t(channels), 0.0f);
    layer.weights.variance.assign(size_t(channels), 1.0f);
    defineMap(context, MapValue{add(context, std::move(layer)), x.rank, {}});
  }

  // MatMul then Add of a vector: the bias of the fully connected layer.
  bool tryBiasOfDense(const NodeContext &context, const MapValue &x,
                      const std::vector<float> &bias) {
    Layer &dense = network_.layers[size_t(x.layer)];
    const std::string &input = context.node.input(value(context, 0).map ? 0 : 1);
    if (dense.op != OpKind::FullyConnected || dense.fc().bias || consumers_.lookup(input) != 1 ||
        x.layer != int(network_.layers.size()) - 1)
      return false;
    dense.fc().bias = true;
    dense.weights.bias = bias;
    defineMap(context, x);
    return true;
  }

  void mapArithmetic(const NodeContext &context, const MapValue &a, const MapValue &b) {
    const std::string &op = context.node.op_type();
    if (op == "Add" && dimsOf(a) == dimsOf(b)) {
      Layer layer =
          newLayer(context, OpKind::Add, {materialize(context, a), materialize(context, b)});
      defineMap(context, MapValue{add(context, std::move(layer)), a.rank, {}});
      return;
    }
    if (op == "Mul") {
      // The full map first, the per-channel factors (a C x 1 x 1 map, as
      // squeeze-and-excitation computes them) second.
      const bool aFull = shapeOf(a.layer).elements() >= shapeOf(b.layer).elements();
      const MapValue &full = aFull ? a : b;
      const MapValue &factors = aFull ? b : a;
      const Shape fullShape = shapeOf(full.layer);
      const Shape factorShape = shapeOf(factors.layer);
      const bool perChannel = factorShape.c == fullShape.c && factorShape.h == 1 &&
                              factorShape.w == 1 && !factors.padded();
      if (factorShape == fullShape || perChannel) {
        Layer layer = newLayer(context, OpKind::Multiply,
                               {materialize(context, full), materialize(context, factors)});
        defineMap(context, MapValue{add(context, std::move(layer)), full.rank, {}});
        return;
      }
    }
    context.fail(fmt::format("{} of maps {} and {} is not supported: Add takes maps of one "
                             "shape, Mul maps of one shape or a map and per-channel factors",
                             op, formatDims(dimsOf(a)), formatDims(dimsOf(b))));
  }

  ConstantTensor foldArithmetic(const NodeContext &context, const ConstantTensor &a,
                                const ConstantTensor &b) {
    const std::string &op = context.node.op_type();
    if (a.elements() != b.elements() && a.elements() != 1 && b.elements() != 1)
      context.fail("constant arithmetic needs equal sizes or a scalar");
    ConstantTensor result = a.elements() >= b.elements() ? a : b;
    const bool integer = a.integer && b.integer;
    result.integer = integer;
    result.floats.clear();
    result.integers.clear();
    for (int64_t i = 0; i < result.elements(); ++i) {
      const double x = a.at(a.elements() == 1 ? 0 : i), y = b.at(b.elements() == 1 ? 0 : i);
      double r = op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : 0.0;
      if (op == "Div") {
        if (y == 0)
          context.fail("constant division by zero");
        r = integer ? double(int64_t(x) / int64_t(y)) : x / y;
      }
      if (integer)
        result.integers.push_back(int64_t(r));
      else
        result.floats.push_back(float(r));
    }
    return result;
  }

  void pool(const NodeContext &context) {
    NodeAttributes attrs(context);
    const bool isMax = context.node.op_type() == "MaxPool";
    const MapValue x = imageInput(context, 0);
    const std::vector<int64_t> kernel = attrs.integers("kernel_shape", {});
    if (kernel.size() != 2)
      context.fail(
          fmt::format("'kernel_shape' has {} values; tessel supports 2-D pooling", kernel.size()));
    for (int64_t k : kernel)
      if (k < 1 || k > kMaxDimension)
        context.fail(fmt::format("'kernel_shape' value {} is out of range", k));
    const std::vector<int64_t> strides = pairAttribute(context, attrs, "strides", 1);
    const std::vector<int64_t> dilations = pairAttribute(context, attrs, "dilations", 1);
    if (dilations != std::vector<int64_t>{1, 1})
      context.fail("dilated pooling is not supported");
    const bool ceilMode = attrs.integer("ceil_mode", 0) != 0;
    const bool countIncludePad = !isMax && attrs.integer("count_include_pad", 0) != 0;
    if (isMax) {
      if (attrs.integer("storage_order", 0) != 0)
        context.fail("storage_order = 1 is not supported");
      rejectUsedOutputs(context, 1, "the indices");
    }
    const Padding padding = readPadding(context, attrs, dimsOf(x), kernel, strides, dilations);
    attrs.rejectUnknown();
    Layer layer =
        newLayer(context, isMax ? OpKind::MaxPool : OpKind::AvgPool, {materialize(context, x)});
    PoolAttrs &pool = layer.pool();
    pool.window.kernelH = int(kernel[0]);
    pool.window.kernelW = int(kernel[1]);
    pool.window.strideH = int(strides[0]);
    pool.window.strideW = int(strides[1]);
    pool.window.padding = padding;
    pool.window.ceilMode = ceilMode;
    pool.countIncludePad = countIncludePad;
    defineMap(context, MapValue{add(context, std::move(layer)), 4, {}});
  }

  void globalAveragePool(const NodeContext &context) {
    NodeAttributes(context).rejectUnknown();
    const MapValue x = imageInput(context, 0);
    Layer layer = newLayer(context, OpKind::GlobalAvgPool, {materialize(context, x)});
    defineMap(context, MapValue{add(context, std::move(layer)), 4, {}});
  }

  // A fully connected layer over the vector `x`: weight[o][i] = at(o, i).
  void dense(const NodeContext &context, const MapValue &x, int64_t outFeatures,
             const std::function<float(int64_t, int64_t)> &at,
             std::optional<std::vector<float>> bias) {
    const int64_t inFeatures = dimsOf(x)[1];
    Layer layer = newLayer(context, OpKind::FullyConnected, {materialize(context, x)});
    layer.fc().outFeatures = int(outFeatures);
    layer.fc().bias = bias.has_value();
    layer.weights.weight.resize(size_t(outFeatures * inFeatures));
    for (int64_t o = 0; o < outFeatures; ++o)
      for (int64_t i = 0; i < inFeatures; ++i)
        layer.weights.weight[size_t(o * inFeatures + i)] = at(o, i);
    if (bias)
      layer.weights.bias = std::move(*bias);
    defineMap(context, MapValue{add(context, std::move(layer)), 2, {}});
  }

  MapValue vectorInput(const NodeContext &context, int index) {
    MapValue x = mapInput(context, index);
    if (x.rank != 2)
      context.fail(fmt::format("input {} is {}; {} takes a 2-D N x F input (Flatten the map "
                               "first)",
                               index, formatDims(dimsOf(x)), context.node.op_type()));
    return x;
  }

  const ConstantTensor &matrixInput(const NodeContext &context, int index) {
    const ConstantTensor &matrix = constantInput(context, index);
    if (matrix.integer || matrix.dims.size() != 2)
      context.fail(
          fmt::format("input {} is {}; it must be a float matrix", index, formatDims(matrix.dims)));
    return matrix;
  }

  void gemm(const NodeContext &context) {
    NodeAttributes attrs(context);
    const float alpha = attrs.real("alpha", 1.0f), beta = attrs.real("beta", 1.0f);
    if (attrs.integer("transA", 0) != 0)
      context.fail("transA = 1 is not supported: the input is the batch of vectors");
    const bool transB = attrs.integer("transB", 0) != 0;
    attrs.ignore({"broadcast"});
    attrs.rejectUnknown();
    const MapValue x = vectorInput(context, 0);
    const ConstantTensor &b = matrixInput(context, 1);
    const int64_t inFeatures = dimsOf(x)[1];
    const int64_t k = transB ? b.dims[1] : b.dims[0], n = transB ? b.dims[0] : b.dims[1];
    if (k != inFeatures || n < 1 || n > kMaxDimension)
      context.fail(
          fmt::format("B {} does not fit an input of {} features", formatDims(b.dims), inFeatures));
    std::optional<std::vector<float>> bias;
    if (hasInput(context, 2)) {
      const ConstantTensor &c = constantInput(context, 2);
      const int64_t count = c.elements();
      if (c.integer || (count != 1 && count != n) || (c.dims.size() == 2 && c.dims[0] != 1))
        context.fail(fmt::format("C {} is not one bias per output ({})", formatDims(c.dims), n));
      bias.emplace(size_t(n));
      for (int64_t o = 0; o < n; ++o)
        (*bias)[size_t(o)] = beta * float(c.at(count == 1 ? 0 : o));
    }
    dense(
        context, x, n,
        [&](int64_t o, int64_t i) {
          return alpha * b.floats[size_t(transB ? o * k + i : i * n + o)];
        },
        std::move(bias));
  }

  void matMul(const NodeContext &context) {
    NodeAttributes(context).rejectUnknown();
    const MapValue x = vectorInput(context, 0);
    const ConstantTensor &b = matrixInput(context, 1);
    const int64_t k = b.dims[0], n = b.dims[1];
    if (k != dimsOf(x)[1] || n < 1 || n > kMaxDimension)
      context.fail(fmt::format("B {} does not fit an input of {} features", formatDims(b.dims),
                               dimsOf(x)[1]));
    dense(
        context, x, n, [&](int64_t o, int64_t i) { return b.floats[size_t(i * n + o)]; },
        std::nullopt);
  }

  // A map seen as an N x F vector: Flatten and Reshape to [1, F].
  void defineVector(const NodeContext &context, const MapValue &x) {
    defineMap(context, MapValue{materialize(context, x), 2, {}});
  }

  void flatten(const NodeContext &context) {
    NodeAttributes attrs(context);
    int64_t axis = attrs.integer("axis", 1);
    attrs.rejectUnknown();
    const MapValue x = mapInput(context, 0);
    const std::vector<int64_t> dims = dimsOf(x);
    if (axis < 0)
      axis += int64_t(dims.size());
    if (axis < 0 || axis > int64_t(dims.size()))
      context.fail(fmt::format("axis {} is out of range", attrs.integer("axis", 1)));
    if (product(llvm::makeArrayRef(dims).take_front(size_t(axis))) != 1)
      context.fail(
          fmt::format("flattening {} at axis {} leaves a batch above 1", formatDims(dims), axis));
    defineVector(context, x);
  }

  void reshape(const NodeContext &context) {
    NodeAttributes attrs(context);
    const bool allowZero = attrs.integer("allowzero", 0) != 0;
    std::vector<int64_t> target =
        opset_ < 5 ? attrs.integers("shape", {}) : integerInput(context, 1);
    attrs.ignore({"consumed_inputs"});
    attrs.rejectUnknown();
    const Value &input = value(context, 0);
    if (input.constant)
      context.fail("reshaping a constant is not supported");
    const MapValue x = *input.map;
    const std::vector<int64_t> dims = dimsOf(x);
    const int64_t total = product(dims);
    int inferred = -1;
    int64_t known = 1;
    for (size_t i = 0; i < target.size(); ++i) {
      if (target[i] == 0 && !allowZero) {
        if (i >= dims.size())
          context.fail("a 0 in the shape has no input dimension to copy");
        target[i] = dims[i];
      }
      if (target[i] == -1) {
        if (inferred >= 0)
          context.fail("the shape has more than one -1");
        inferred = int(i);
        continue;
      }
      if (target[i] < 0)
        context.fail(fmt::format("the shape has a negative size {}", target[i]));
      known = limitedProduct({known, target[i]});
    }
    if (inferred >= 0)
      target[size_t(inferred)] = known ? total / known : 0;
    if (product(target) != total)
      context.fail(fmt::format("cannot reshape {} into {}", formatDims(dims), formatDims(target)));
    const Shape shape = shapeOf(x.layer);
    if (target.size() == 2 && target[0] == 1) {
      defineVector(context, x);
    } else if (target == dims) {
      defineMap(context, x);
    } else if (target.size() == 4 && target[0] == 1 && target[2] == 1 && target[3] == 1 &&
               (x.rank == 2 || (shape.h == 1 && shape.w == 1))) {
      // A vector seen as a C x 1 x 1 map and back: the same storage.
      defineMap(context, MapValue{materialize(context, x), 4, {}});
    } else {
      context.fail(fmt::format("reshaping {} into {} is not supported: tessel keeps maps as "
                               "C x H x W and reshapes only into a vector [1, F] or between "
                               "[1, F] and [1, F, 1, 1]",
                               formatDims(dims), formatDims(target)));
    }
  }

  void concat(const NodeContext &context) {
    NodeAttributes attrs(context);
    const int64_t axisAttribute = attrs.integer("axis", 1);
    attrs.rejectUnknown();
    const int inputs = context.node.input_size();
    if (inputs < 1)
      context.fail("Concat needs an input");
    if (value(context, 0).constant) {
      ConstantTensor result;
      result.integer = true;
      for (int i = 0; i < inputs; ++i) {
        const ConstantTensor &part = constantInput(context, i);
        if (!part.integer || part.dims.size() != 1)
          context.fail("only 1-D integer constants (shapes) are concatenated at compile time");
        result.integers.insert(result.integers.end(), part.integers.begin(), part.integers.end());
      }
      result.dims = {int64_t(result.integers.size())};
      defineConstant(context, std::move(result));
      return;
    }
    std::vector<int> layers;
    const MapValue first = mapInput(context, 0);
    const int64_t rank = int64_t(dimsOf(first).size());
    const int64_t axis = axisAttribute < 0 ? axisAttribute + rank : axisAttribute;
    if (axis != 1)
      context.fail(fmt::format("axis {} is not supported: tessel concatenates along channels "
                               "(axis 1)",
                               axisAttribute));
    for (int i = 0; i < inputs; ++i) {
      const MapValue part = mapInput(context, i);
      if (part.rank != first.rank)
        context.fail("concatenating maps of different ranks is not supported");
      layers.push_back(materialize(context, part));
    }
    if (layers.size() == 1) {
      defineMap(context, MapValue{layers[0], first.rank, {}});
      return;
    }
    Layer layer = newLayer(context, OpKind::Concat, std::move(layers));
    defineMap(context, MapValue{add(context, std::move(layer)), first.rank, {}});
  }

  void softmax(const NodeContext &context) {
    NodeAttributes attrs(context);
    const MapValue x = mapInput(context, 0);
    const std::vector<int64_t> dims = dimsOf(x);
    const int64_t rank = int64_t(dims.size());
    int64_t axis = attrs.integer("axis", opset_ < 13 ? 1 : -1);
    attrs.rejectUnknown();
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      context.fail(fmt::format("axis {} is out of range", attrs.integer("axis", 0)));
    // tessel's softmax runs over all elements of its input. Before opset 13
    // ONNX's runs over all dimensions from `axis` on; from 13, along `axis`.
    bool overAll = true;
    for (int64_t d = 0; d < rank; ++d) {
      const bool inside = opset_ < 13 ? d >= axis : d == axis;
      if (!inside && dims[size_t(d)] != 1)
        overAll = false;
    }
    if (!overAll)
      context.fail(fmt::format("softmax over axis {} of {} is not over every element; tessel's "
                               "softmax takes a vector",
                               axis, formatDims(dims)));
    Layer layer = newLayer(context, OpKind::Softmax, {materialize(context, x)});
    defineMap(context, MapValue{add(context, std::move(layer)), x.rank, {}});
  }

  void resize(const NodeContext &context) {
    NodeAttributes attrs(context);
    const bool isUpsample = context.node.op_type() == "Upsample";
    const std::string mode = attrs.text("mode", "nearest");
    const bool modern = !isUpsample && opset_ >= 11;
    const std::string transform =
        modern ? attrs.text("coordinate_transformation_mode", "half_pixel") : "asymmetric";
    const std::string rounding =
        modern ? attrs.text("nearest_mode", "round_prefer_floor") : "floor";
    attrs.ignore({"cubic_coeff_a", "exclude_outside", "extrapolation_value"});
    const MapValue x = imageInput(context, 0);
    const std::vector<int64_t> in = dimsOf(x);
    std::vector<double> scales;
    std::vector<int64_t> sizes;
    if (isUpsample && opset_ < 9) {
      if (const onnx::AttributeProto *attribute = attrs.find("scales"))
        for (float scale : attribute->floats())
          scales.push_back(scale);
    } else {
      const int scalesInput = modern ? 2 : 1;
      if (hasInput(context, scalesInput) && constantInput(context, scalesInput).elements() > 0) {
        const ConstantTensor &tensor = constantInput(context, scalesInput);
        for (int64_t i = 0; i < tensor.elements(); ++i)
          scales.push_back(tensor.at(i));
      } else if (modern && hasInput(context, 3)) {
        sizes = integerInput(context, 3);
      }
    }
    attrs.rejectUnknown();
    if (mode != "nearest")
      context.fail(
          fmt::format("mode '{}' is not supported: tessel resizes by nearest neighbour", mode));
    if (!sizes.empty()) {
      if (sizes.size() != 4)
        context.fail(
            fmt::format("'sizes' has {} values; the input has 4 dimensions", sizes.size()));
      for (size_t d = 0; d < 4; ++d)
        scales.push_back(double(sizes[d]) / double(in[d]));
    }
    if (scales.size() != 4)
      context.fail(
          fmt::format("the scales have {} values; the input has 4 dimensions", scales.size()));
    if (scales[0] != 1.0 || scales[1] != 1.0)
      context.fail("resizing the batch or channel dimension is not supported");
    int factor[2];
    for (int axis = 0; axis < 2; ++axis) {
      const double scale = scales[size_t(2 + axis)];
      if (scale < 1.0 || scale != std::floor(scale) || scale > 64)
        context.fail(fmt::format("scale {} is not supported: tessel upsamples by whole factors "
                                 "from 1 to 64",
                                 scale));
      factor[axis] = int(scale);
      // The transformation and rounding modes must pick the source pixel
      // out[y] = in[y / factor] everywhere.
      const int64_t inSize = in[size_t(2 + axis)], outSize = inSize * factor[axis];
      for (int64_t y = 0; y < std::min<int64_t>(outSize, 4096); ++y)
        if (nearestSource(y, scale, inSize, outSize, transform, rounding) != y / factor[axis])
          context.fail(fmt::format("coordinate_transformation_mode '{}' with nearest_mode '{}' "
                                   "does not repeat each pixel {} times; tessel's upsampling "
                                   "does",
                                   transform, rounding, factor[axis]));
    }
    Layer layer = newLayer(context, OpKind::Upsample, {materialize(context, x)});
    layer.upsample().scaleH = factor[0];
    layer.upsample().scaleW = factor[1];
    defineMap(context, MapValue{add(context, std::move(layer)), 4, {}});
  }

  void pad(const NodeContext &context) {
    NodeAttributes attrs(context);
    const std::string mode = attrs.text("mode", "constant");
    std::vector<int64_t> pads;
    float fill = 0.0f;
    if (opset_ < 11) {
      pads = attrs.integers("pads", {});
      fill = attrs.real("value", 0.0f);
    } else {
      pads = integerInput(context, 1);
      if (hasInput(context, 2)) {
        const ConstantTensor &value = constantInput(context, 2);
        if (value.elements() != 1)
          context.fail("the constant value must be a scalar");
        fill = float(value.at(0));
      }
      if (hasInput(context, 3))
        context.fail("the 'axes' input is not supported");
    }
    attrs.rejectUnknown();
    if (mode != "constant")
      context.fail(fmt::format("mode '{}' is not supported: tessel pads with zeros", mode));
    if (fill != 0.0f)
      context.fail(fmt::format("padding with {} is not supported: tessel pads with zeros", fill));
    const MapValue x = imageInput(context, 0);
    if (pads.size() != 8)
      context.fail(fmt::format("'pads' has {} values; a 4-D input takes 8", pads.size()));
    if (pads[0] || pads[1] || pads[4] || pads[5])
      context.fail("padding the batch or channel dimension is not supported");
    for (int64_t value : pads)
      if (value < 0 || value > kMaxDimension)
        context.fail(fmt::format("pad {} is not supported: tessel pads by 0 to {} (no cropping)",
                                 value, kMaxDimension));
    MapValue padded = x;
    padded.pad.top += int(pads[2]);
    padded.pad.left += int(pads[3]);
    padded.pad.bottom += int(pads[6]);
    padded.pad.right += int(pads[7]);
    defineMap(context, padded);
  }

  void passThrough(const NodeContext &context) {
    NodeAttributes attrs(context);
    attrs.ignore({"ratio", "seed", "is_test", "consumed_inputs"});
    if (context.node.op_type() == "Dropout") {
      rejectUsedOutputs(context, 1, "the mask");
      if (hasInput(context, 2) && constantInput(context, 2).elements() == 1 &&
          constantInput(context, 2).at(0) != 0)
        context.fail("training_mode is set; tessel runs inference");
    }
    attrs.rejectUnknown();
    define(context, 0, value(context, 0));
  }

  // --- compile-time constants ----------------------------------------------

  void constant(const NodeContext &context) {
    NodeAttributes attrs(context);
    ConstantTensor result;
    if (const onnx::AttributeProto *tensor = attrs.find("value")) {
      llvm::Expected<ConstantTensor> read = readTensor(tensor->t());
      if (!read)
        context.fail(llvm::toString(read.takeError()));
      result = std::move(*read);
    } else if (const onnx::AttributeProto *number = attrs.find("value_float")) {
      result.floats = {number->f()};
    } else if (const onnx::AttributeProto *numbers = attrs.find("value_floats")) {
      result.floats.assign(numbers->floats().begin(), numbers->floats().end());
      result.dims = {int64_t(result.floats.size())};
    } else if (const onnx::AttributeProto *integer = attrs.find("value_int")) {
      result.integer = true;
      result.integers = {integer->i()};
    } else if (const onnx::AttributeProto *integers = attrs.find("value_ints")) {
      result.integer = true;
      result.integers.assign(integers->ints().begin(), integers->ints().end());
      result.dims = {int64_t(result.integers.size())};
    } else {
      context.fail("a Constant without a value, value_float(s) or value_int(s) is not supported");
    }
    attrs.rejectUnknown();
    defineConstant(context, std::move(result));
  }

  void shape(const NodeContext &context) {
    NodeAttributes attrs(context);
    const Value &input = value(context, 0);
    std::vector<int64_t> dims = input.map ? dimsOf(*input.map) : input.constant->dims;
    const int64_t rank = int64_t(dims.size());
    int64_t start = attrs.integer("start", 0), end = attrs.integer("end", rank);
    attrs.rejectUnknown();
    start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
    end = std::clamp<int64_t>(end < 0 ? end + rank : end, start, rank);
    ConstantTensor result;
    result.integer = true;
    result.integers.assign(dims.begin() + start, dims.begin() + end);
    result.dims = {int64_t(result.integers.size())};
    defineConstant(context, std::move(result));
  }

  void gather(const NodeContext &context) {
    NodeAttributes attrs(context);
    const int64_t axis = attrs.integer("axis", 0);
    attrs.rejectUnknown();
    const ConstantTensor &data = constantInput(context, 0);
    const ConstantTensor &indices = constantInput(context, 1);
    if (data.dims.size() != 1 || (axis != 0 && axis != -1) || !indices.integer)
      context.fail("only gathering from a 1-D constant (a shape) is supported");
    ConstantTensor result;
    result.integer = data.integer;
    result.dims = indices.dims;
    for (int64_t index : indices.integers) {
      const int64_t at = index < 0 ? index + data.dims[0] : index;
      if (at < 0 || at >= data.dims[0])
        context.fail(fmt::format("index {} is out of range", index));
      if (data.integer)
        result.integers.push_back(data.integers[size_t(at)]);
      else
        result.floats.push_back(data.floats[size_t(at)]);
    }
    defineConstant(context, std::move(result));
  }

  // Unsqueeze and Squeeze of constants change only the dimensions; of a
  // map, they may turn [1, F] into [1, F, 1, 1] and back.
  void squeeze(const NodeContext &context) {
    NodeAttributes attrs(context);
    std::vector<int64_t> axes = opset_ < 13            ? attrs.integers("axes", {})
                                : hasInput(context, 1) ? integerInput(context, 1)
                                                       : std::vector<int64_t>{};
    attrs.rejectUnknown();
    const bool unsqueeze = context.node.op_type() == "Unsqueeze";
    const Value &input = value(context, 0);
    std::vector<int64_t> dims = input.map ? dimsOf(*input.map) : input.constant->dims;
    const int64_t rank = int64_t(dims.size()) + (unsqueeze ? int64_t(axes.size()) : 0);
    for (int64_t &axis : axes)
      if (axis < 0)
        axis += rank;
    llvm::sort(axes);
    std::vector<int64_t> result;
    if (unsqueeze) {
      result = dims;
      for (int64_t axis : axes) {
        if (axis < 0 || axis > int64_t(result.size()))
          context.fail(fmt::format("axis {} is out of range", axis));
        result.insert(result.begin() + axis, 1);
      }
    } else {
      for (int64_t d = 0; d < int64_t(dims.size()); ++d) {
        const bool listed = llvm::is_contained(axes, d);
        if ((listed || axes.empty()) && dims[size_t(d)] == 1)
          continue;
        if (listed)
          context.fail(fmt::format("axis {} has size {}, not 1", d, dims[size_t(d)]));
        result.push_back(dims[size_t(d)]);
      }
    }
    if (input.constant) {
      ConstantTensor tensor = *input.constant;
      tensor.dims = result;
      defineConstant(context, std::move(tensor));
      return;
    }
    const MapValue x = *input.map;
    const Shape shape = shapeOf(x.layer);
    if (result.size() == 2 && result[0] == 1)
      defineVector(context, x);
    else if (result.size() == 4 && result[0] == 1 && result[2] == 1 && result[3] == 1 &&
             (x.rank == 2 || (shape.h == 1 && shape.w == 1)))
      defineMap(context, MapValue{materialize(context, x), 4, {}});
    else if (result == dims)
      defineMap(context, x);
    else
      context.fail(fmt::format("{} of a map into {} is not supported", context.node.op_type(),
                               formatDims(result)));
  }

  void cast(const NodeContext &context) {
    NodeAttributes attrs(context);
    const int64_t to = attrs.integer("to", onnx::TensorProto::FLOAT);
    attrs.rejectUnknown();
    const Value &input = value(context, 0);
    if (input.map) {
      if (!isFloatType(to))
        context.fail("casting a feature map to a type other than float is not supported");
      defineMap(context, *input.map);
      return;
    }
    ConstantTensor result = *input.constant;
    if (isIntegerType(to) && !result.integer) {
      for (float v : result.floats)
        result.integers.push_back(int64_t(v));
      result.floats.clear();
      result.integer = true;
    } else if (isFloatType(to) && result.integer) {
      for (int64_t v : result.integers)
        result.floats.push_back(float(v));
      result.integers.clear();
      result.integer = false;
    } else if (!isIntegerType(to) && !isFloatType(to)) {
      context.fail(fmt::format("casting to type {} is not supported", to));
    }
    defineConstant(context, std::move(result));
  }

  // --- the output ---------------------------------------------------------

  // The network's output: the graph's output, or with several, each
  // flattened in NCHW order back to back (a flatten_concat layer).
  void finishOutput(const onnx::GraphProto &graph) {
    if (graph.output_size() < 1)
      failModel("the graph has no output");
    const onnx::NodeProto noNode;
    const NodeContext context{graph.node_size() ? graph.node(graph.node_size() - 1) : noNode,
                              graph.node_size() - 1, file_};
    std::vector<int> outputs;
    for (const onnx::ValueInfoProto &value : graph.output()) {
      auto found = values_.find(value.name());
      if (found == values_.end())
        failModel(fmt::format("no node produces the graph output '{}'", value.name()));
      if (!found->second.map)
        failModel(fmt::format("the graph output '{}' is a constant", value.name()));
      outputs.push_back(materialize(context, *found->second.map));
    }
    int output = outputs.front();
    if (outputs.size() > 1) {
      Layer joined;
      joined.name = names_.insert("output").second ? "output" : layerName(context, ".outputs");
      joined.op = OpKind::FlattenConcat;
      joined.loc = network_.loc;
      joined.inputs = outputs;
      output = add(context, std::move(joined));
    }
    keepOnlyWhatComputes(output);
    if (network_.outputIndex() == 0) {
      Layer copy;
      copy.name = "output";
      copy.op = OpKind::Activation;
      copy.loc = network_.loc;
      copy.inputs = {0};
      add(context, std::move(copy));
    }
  }

  // Drops the layers the output does not depend on (branches to other
  // outputs, values only Shape read); the output becomes the last layer.
  void keepOnlyWhatComputes(int output) {
    std::vector<bool> needed(network_.layers.size(), false);
    needed[size_t(output)] = true;
    needed[0] = true;
    for (int i = output; i > 0; --i)
      if (needed[size_t(i)])
        for (int input : network_.layers[size_t(i)].inputs)
          needed[size_t(input)] = true;
    std::vector<int> newIndex(network_.layers.size(), -1);
    std::vector<Layer> kept;
    for (int i = 0; i <= output; ++i) {
      if (!needed[size_t(i)])
        continue;
      newIndex[size_t(i)] = int(kept.size());
      Layer layer = std::move(network_.layers[size_t(i)]);
      for (int &input : layer.inputs)
        input = newIndex[size_t(input)];
      kept.push_back(std::move(layer));
    }
    network_.layers = std::move(kept);
  }

  const onnx::ModelProto &model_;
  std::string file_;
  const LoadOptions &options_;
  int64_t opset_ = 0;
  Network network_;
  llvm::StringMap<Value> values_;
  llvm::StringMap<int> consumers_;
  llvm::StringSet<> names_;
};

} // namespace

llvm::Expected<Network> translateGraph(const onnx::ModelProto &model, const std::string &fileName,
                                       const LoadOptions &options) {
  try {
    return Translator(model, fileName, options).run();
  } catch (const ParseError &error) {
    return makeDiagnostic(error.loc, error.layer, error.problem);
  }
}

} // namespace tessel::onnx_import
