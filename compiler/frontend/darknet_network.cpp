#include "frontend/darknet_network.h"

#include "frontend/loading_steps.h"
#include "support/diagnostic.h"
#include "support/nearest_name.h"
#include "support/parse_error.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>

namespace tessel::darknet {
namespace {

// Keys of [net] that only training and data augmentation read.
const std::vector<llvm::StringRef> kTrainingKeys = {
    "batch",      "subdivisions", "momentum",      "decay",    "angle",       "saturation",
    "exposure",   "hue",          "learning_rate", "burn_in",  "max_batches", "policy",
    "steps",      "scales",       "power",         "max_crop", "min_crop",    "aspect",
    "time_steps", "flip",         "adam",          "B1",       "B2",          "eps",
    "step",       "gamma",        "rate"};

// The options of one section: typed reads with libdarknet's defaults, every
// key read is remembered so that the rest can be reported as unknown.
class SectionReader {
public:
  SectionReader(const CfgSection &section, std::string layerName)
      : section_(section), layer_(std::move(layerName)) {
    llvm::StringMap<const CfgOption *> seen;
    for (const CfgOption &option : section.options)
      if (!seen.try_emplace(option.key, &option).second)
        fail(option.keyLoc, fmt::format("'{}' is given twice in [{}] (first at line {})",
                                        option.key, section.type, seen[option.key]->keyLoc.line));
  }

  const std::string &layer() const { return layer_; }
  const SourceLoc &sectionLoc() const { return section_.loc; }

  const CfgOption *find(llvm::StringRef key) {
    used_.insert(key);
    for (const CfgOption &option : section_.options)
      if (option.key == key)
        return &option;
    return nullptr;
  }

  // Where `key`'s value was written, or the section header when it was not.
  SourceLoc where(llvm::StringRef key) const {
    for (const CfgOption &option : section_.options)
      if (option.key == key)
        return option.valueLoc;
    return section_.loc;
  }

  int integer(llvm::StringRef key, std::optional<int> fallback) {
    const CfgOption *option = find(key);
    if (!option) {
      if (!fallback)
        fail(section_.loc, fmt::format("[{}] needs '{}'", section_.type, key.str()));
      return *fallback;
    }
    return parseInteger(*option);
  }

  int parseInteger(const CfgOption &option) const {
    long long value = 0;
    if (llvm::StringRef(option.value).getAsInteger(10, value) || value < -1000000 ||
        value > 1000000)
      fail(option.valueLoc, fmt::format("'{}' takes an integer from -1000000 to 1000000, got '{}'",
                                        option.key, option.value));
    return int(value);
  }

  int positive(llvm::StringRef key, std::optional<int> fallback) {
    const int value = integer(key, fallback);
    if (value < 1)
      fail(where(key), fmt::format("'{}' must be at least 1, got {}", key.str(), value));
    return value;
  }

  bool flag(llvm::StringRef key) {
    const int value = integer(key, 0);
    if (value != 0 && value != 1)
      fail(where(key), fmt::format("'{}' takes 0 or 1, got {}", key.str(), value));
    return value == 1;
  }

  double real(llvm::StringRef key, double fallback) {
    const CfgOption *option = find(key);
    if (!option)
      return fallback;
    double value = 0;
    if (llvm::StringRef(option->value).getAsDouble(value) || !std::isfinite(value))
      fail(option->valueLoc,
           fmt::format("'{}' takes a number, got '{}'", option->key, option->value));
    return value;
  }

  std::string text(llvm::StringRef key, llvm::StringRef fallback) {
    const CfgOption *option = find(key);
    return option ? option->value : fallback.str();
  }

  // Keys this translation has no use for, and that do not change the
  // network's output, are accepted without being read.
  void ignore(llvm::ArrayRef<llvm::StringRef> keys) { used_.insert(keys.begin(), keys.end()); }

  // Fails on the first key nothing read.
  void rejectUnknownKeys() const {
    for (const CfgOption &option : section_.options) {
      if (used_.contains(option.key))
        continue;
      std::vector<llvm::StringRef> known(used_.keys().begin(), used_.keys().end());
      llvm::sort(known);
      std::string problem =
          fmt::format("unknown or unsupported key '{}' in [{}]", option.key, section_.type);
      if (std::optional<std::string> suggestion = nearestName(option.key, known))
        problem += fmt::format(" (did you mean '{}'?)", *suggestion);
      problem += fmt::format("; known keys: {}", llvm::join(known, ", "));
      fail(option.keyLoc, problem);
    }
  }

  [[noreturn]] void fail(const SourceLoc &loc, std::string problem) const {
    throw ParseError{loc, layer_, std::move(problem)};
  }

private:
  const CfgSection &section_;
  std::string layer_;
  llvm::StringSet<> used_;
};

// Darknet's activations that tessel has; the default differs per section.
Activation readActivation(SectionReader &reader, llvm::StringRef fallback) {
  const std::string name = reader.text("activation", fallback);
  Activation activation;
  if (name == "linear")
    activation.kind = ActivationKind::Linear;
  else if (name == "relu")
    activation.kind = ActivationKind::Relu;
  else if (name == "leaky")
    activation = {ActivationKind::Leaky, 0.1f};
  else if (name == "logistic")
    activation.kind = ActivationKind::Sigmoid;
  else
    reader.fail(reader.where("activation"),
                fmt::format("unsupported activation '{}'; supported: leaky, linear, relu, "
                            "logistic",
                            name));
  return activation;
}

// The section names libdarknet's string_to_layer_type accepts, by meaning.
std::string canonicalType(const std::string &type) {
  static const llvm::StringMap<std::string> aliases = {
      {"conv", "convolutional"}, {"network", "net"},    {"max", "maxpool"},
      {"avg", "avgpool"},        {"conn", "connected"}, {"soft", "softmax"}};
  auto found = aliases.find(type);
  return found == aliases.end() ? type : found->second;
}

class Translator {
public:
  explicit Translator(const std::string &fileName) : fileName_(fileName) {}

  DarknetDescription run(const std::vector<CfgSection> &sections) {
    if (sections.empty())
      throw ParseError{SourceLoc{fileName_, 1, 1}, "",
                       "the .cfg has no sections; it must start with [net]"};
    if (canonicalType(sections.front().type) != "net")
      throw ParseError{
          sections.front().loc, "",
          fmt::format("the first section must be [net], got [{}]", sections.front().type)};
    Network &network = description_.network;
    network.name = networkNameFromFile(fileName_, "darknet");
    network.loc = SourceLoc{fileName_};
    network.nameLoc = network.loc;
    readNet(sections.front());

    // The tensors the detection heads read; several [yolo] heads (YOLOv3)
    // become one output, the heads' tensors flattened back to back.
    std::vector<int> heads;
    std::optional<std::string> ended; // a [region] head, or a head just before
    for (size_t i = 1; i < sections.size(); ++i) {
      const CfgSection &section = sections[i];
      const std::string type = canonicalType(section.type);
      if (ended && (*ended == "region" || type != "route"))
        throw ParseError{section.loc, "",
                         fmt::format("[{}] after the detection head [{}]: [region] ends the "
                                     "network, and only a [route] may follow a [yolo] head "
                                     "(tessel does not compute a head's decoded output)",
                                     section.type, *ended)};
      ended.reset();
      if (type == "region" || type == "yolo") {
        if (tensorOf_.empty() || tensorOf_.back() == kHeadTensor)
          throw ParseError{section.loc, "", fmt::format("[{}] needs a layer before it", type)};
        heads.push_back(tensorOf_.back()); // decoding boxes is the application's job
        tensorOf_.push_back(kHeadTensor);  // layer indices count the heads too
        ended = type;
        continue;
      }
      tensorOf_.push_back(translate(section, type, int(tensorOf_.size())));
    }
    if (tensorOf_.empty())
      throw ParseError{sections.front().loc, "", "the network has no layers after [net]"};
    if (!heads.empty() && tensorOf_.back() != kHeadTensor)
      throw ParseError{sections.back().loc, "",
                       "the sections after the last detection head compute nothing the output "
                       "holds; end the network with its head"};
    int result = heads.empty() ? tensorOf_.back() : heads.front();
    if (heads.size() > 1)
      result = addHeadsOutput(heads, sections);
    if (result != int(network.layers.size()) - 1 || result == 0)
      appendOutputCopy(result);
    return std::move(description_);
  }

private:
  void readNet(const CfgSection &section) {
    SectionReader reader(section, "");
    Network &network = description_.network;
    network.inputShape =
        Shape{reader.positive("channels", std::nullopt), reader.positive("height", std::nullopt),
              reader.positive("width", std::nullopt)};
    reader.ignore(kTrainingKeys);
    reader.rejectUnknownKeys();
    Layer input;
    input.name = "input";
    input.op = OpKind::Input;
    input.loc = section.loc;
    llvm::StringMap<SourceLoc> locations;
    for (llvm::StringRef key : {"channels", "height", "width"})
      locations[key] = reader.where(key);
    add(std::move(input), std::move(locations));
  }

  // Appends `layer`, returning its index.
  int add(Layer layer, llvm::StringMap<SourceLoc> locations = {}) {
    description_.network.layers.push_back(std::move(layer));
    description_.locations.byLayer.push_back(std::move(locations));
    return int(description_.network.layers.size()) - 1;
  }

  int previousTensor() const { return tensorOf_.empty() ? 0 : tensorOf_.back(); }

  Layer newLayer(const SectionReader &reader, OpKind op, std::vector<int> inputs) const {
    Layer layer;
    layer.name = reader.layer();
    layer.op = op;
    layer.loc = reader.sectionLoc();
    layer.inputs = std::move(inputs);
    return layer;
  }

  // Returns the index of the layer whose output is this section's output.
  int translate(const CfgSection &section, const std::string &type, int index) {
    if (type == "convolutional")
      return convolutional(section, index);
    if (type == "connected")
      return connected(section, index);
    if (type == "maxpool")
      return maxpool(section, index);
    if (type == "avgpool")
      return avgpool(section, index);
    if (type == "route")
      return route(section, index);
    if (type == "shortcut")
      return shortcut(section, index);
    if (type == "upsample")
      return upsample(section, index);
    if (type == "softmax")
      return softmax(section, index);
    if (type == "dropout") {
      SectionReader reader(section, fmt::format("dropout{}", index));
      reader.ignore({"probability"}); // inference passes the input through unscaled
      reader.rejectUnknownKeys();
      return previousTensor();
    }
    if (type == "reorg")
      return reorg(section, index);
    throw ParseError{section.loc, "",
                     fmt::format("unsupported section [{}]; supported: net, convolutional, "
                                 "connected, maxpool, avgpool, route, shortcut, upsample, "
                                 "reorg, softmax, dropout, region, yolo",
                                 section.type)};
  }

  // Adds a batch_norm layer after `producer` when the section asks for it:
  // libdarknet's normalization, (x - mean) / (sqrt(variance) + 1e-6).
  int batchNormAfter(const SectionReader &reader, int producer, Activation activation) {
    Layer norm = newLayer(reader, OpKind::BatchNorm, {producer});
    norm.name += ".bn";
    norm.loc = reader.where("batch_normalize");
    norm.batchNorm().epsilon = 1e-6f;
    norm.batchNorm().epsilonAfterSqrt = true;
    norm.activation = activation;
    return add(std::move(norm));
  }

  int convolutional(const CfgSection &section, int index) {
    SectionReader reader(section, fmt::format("conv{}", index));
    Layer conv = newLayer(reader, OpKind::Conv2d, {previousTensor()});
    ConvAttrs &attrs = conv.conv();
    attrs.outChannels = reader.positive("filters", 1);
    const int size = reader.positive("size", 1);
    const int stride = reader.positive("stride", 1);
    const bool pad = reader.flag("pad");
    int padding = reader.integer("padding", 0);
    if (padding < 0)
      reader.fail(reader.where("padding"),
                  fmt::format("'padding' must be at least 0, got {}", padding));
    if (pad)
      padding = size / 2;
    attrs.groups = reader.positive("groups", 1);
    const bool batchNormalize = reader.flag("batch_normalize");
    const Activation activation = readActivation(reader, "logistic");
    reader.rejectUnknownKeys();
    // libdarknet feeds a 1x1 convolution's input to its GEMM as it is,
    // without im2col: with a stride or padding it reads the first output
    // height x width values of each channel, not a strided sample.
    if (size == 1 && stride > 1)
      reader.fail(reader.where("stride"),
                  "a 1x1 convolution with stride > 1 is not supported: libdarknet skips im2col "
                  "for it and does not compute a strided convolution");
    if (size == 1 && padding > 0)
      reader.fail(reader.where(pad ? "pad" : "padding"),
                  "a 1x1 convolution with padding is not supported: libdarknet skips im2col "
                  "for it and ignores the padding");
    attrs.window.kernelH = attrs.window.kernelW = size;
    attrs.window.strideH = attrs.window.strideW = stride;
    attrs.window.padding = Padding{padding, padding, padding, padding};
    attrs.bias = !batchNormalize;
    if (!batchNormalize)
      conv.activation = activation;

    llvm::StringMap<SourceLoc> locations;
    locations["filters"] = reader.where("filters");
    locations["kernel"] = reader.where("size");
    locations["stride"] = reader.where("stride");
    locations["padding"] = reader.where(pad ? "pad" : "padding");
    locations["groups"] = reader.where("groups");
    const int convIndex = add(std::move(conv), std::move(locations));
    return batchNormalize ? batchNormAfter(reader, convIndex, activation) : convIndex;
  }

  int connected(const CfgSection &section, int index) {
    SectionReader reader(section, fmt::format("fc{}", index));
    Layer fc = newLayer(reader, OpKind::FullyConnected, {previousTensor()});
    fc.fc().outFeatures = reader.positive("output", 1);
    const bool batchNormalize = reader.flag("batch_normalize");
    const Activation activation = readActivation(reader, "logistic");
    reader.rejectUnknownKeys();
    fc.fc().bias = !batchNormalize;
    if (!batchNormalize)
      fc.activation = activation;
    llvm::StringMap<SourceLoc> locations;
    locations["units"] = reader.where("output");
    const int fcIndex = add(std::move(fc), std::move(locations));
    return batchNormalize ? batchNormAfter(reader, fcIndex, activation) : fcIndex;
  }

  int maxpool(const CfgSection &section, int index) {
    SectionReader reader(section, fmt::format("maxpool{}", index));
    Layer pool = newLayer(reader, OpKind::MaxPool, {previousTensor()});
    const int stride = reader.positive("stride", 1);
    const int size = reader.positive("size", stride);
    // libdarknet pads by size - 1 in total unless told otherwise, the
    // smaller half before: a 2x2 pool with stride 1 keeps the map's size.
    const int padding = reader.integer("padding", size - 1);
    if (padding < 0)
      reader.fail(reader.where("padding"),
                  fmt::format("'padding' must be at least 0, got {}", padding));
    reader.rejectUnknownKeys();
    KernelWindow &window = pool.pool().window;
    window.kernelH = window.kernelW = size;
    window.strideH = window.strideW = stride;
    const int before = padding / 2, after = padding - padding / 2;
    window.padding = Padding{before, before, after, after};
    llvm::StringMap<SourceLoc> locations;
    locations["kernel"] = reader.where("size");
    locations["stride"] = reader.where("stride");
    locations["padding"] = reader.where("padding");
    return add(std::move(pool), std::move(locations));
  }

  int avgpool(const CfgSection &section, int index) {
    SectionReader reader(section, fmt::format("avgpool{}", index));
    reader.rejectUnknownKeys();
    return add(newLayer(reader, OpKind::GlobalAvgPool, {previousTensor()}));
  }

  // A layer reference of [route] or [shortcut]: negative counts back from
  // this section, otherwise the index of a section after [net].
  int resolveReference(const SectionReader &reader, llvm::StringRef key, llvm::StringRef written,
                       int index) const {
    long long value = 0;
    if (written.getAsInteger(10, value))
      reader.fail(reader.where(key),
                  fmt::format("'{}' takes layer indices, got '{}'", key.str(), written.str()));
    const long long target = value < 0 ? index + value : value;
    if (target < 0 || target >= index)
      reader.fail(reader.where(key),
                  fmt::format("'{}' refers to layer {} (from {}), but only layers 0 to {} come "
                              "before this one",
                              key.str(), target, written.str(), index - 1));
    if (tensorOf_[size_t(target)] == kHeadTensor)
      reader.fail(reader.where(key),
                  fmt::format("'{}' refers to layer {}, a detection head, whose decoded output "
                              "tessel does not compute; refer to the layer before it",
                              key.str(), target));
    return tensorOf_[size_t(target)];
  }

  int route(const CfgSection &section, int index) {
    SectionReader reader(section, fmt::format("route{}", index));
    const CfgOption *layers = reader.find("layers");
    if (!layers)
      reader.fail(section.loc, "[route] needs 'layers'");
    reader.rejectUnknownKeys();
    llvm::SmallVector<llvm::StringRef, 4> parts;
    llvm::StringRef(layers->value).split(parts, ',');
    std::vector<int> inputs;
    for (llvm::StringRef part : parts)
      inputs.push_back(resolveReference(reader, "layers", part, index));
    if (inputs.size() == 1)
      return inputs.front(); // a route of one layer only names it
    Layer concat = newLayer(reader, OpKind::Concat, std::move(inputs));
    llvm::StringMap<SourceLoc> locations;
    locations["inputs"] = reader.where("layers");
    return add(std::move(concat), std::move(locations));
  }

  int shortcut(const CfgSection &section, int index) {
    SectionReader reader(section, fmt::format("shortcut{}", index));
    const CfgOption *from = reader.find("from");
    if (!from)
      reader.fail(section.loc, "[shortcut] needs 'from'");
    const int source = resolveReference(reader, "from", from->value, index);
    for (llvm::StringRef weight : {"alpha", "beta"})
      if (reader.real(weight, 1.0) != 1.0)
        reader.fail(reader.where(weight),
                    fmt::format("'{}' other than 1 is not supported", weight.str()));
    const Activation activation = readActivation(reader, "linear");
    reader.rejectUnknownKeys();
    Layer sum = newLayer(reader, OpKind::Add, {previousTensor(), source});
    sum.activation = activation;
    llvm::StringMap<SourceLoc> locations;
    // Darknet adds maps of different shapes by sampling; tessel does not,
    // and shape inference reports the mismatch here.
    locations["inputs"] = reader.where("from");
    return add(std::move(sum), std::move(locations));
  }

  int upsample(const CfgSection &section, int index) {
    SectionReader reader(section, fmt::format("upsample{}", index));
    const int stride = reader.integer("stride", 2);
    if (stride < 1)
      reader.fail(
          reader.where("stride"),
          fmt::format("only upsampling is supported: 'stride' must be at least 1, got {}", stride));
    if (reader.real("scale", 1.0) != 1.0)
      reader.fail(reader.where("scale"),
                  "'scale' other than 1 (a factor on every value) is not supported");
    reader.rejectUnknownKeys();
    Layer up = newLayer(reader, OpKind::Upsample, {previousTensor()});
    up.upsample() = UpsampleAttrs{stride, stride};
    llvm::StringMap<SourceLoc> locations;
    locations["scale"] = reader.where("stride");
    return add(std::move(up), std::move(locations));
  }

  int reorg(const CfgSection &section, int index) {
    SectionReader reader(section, fmt::format("reorg{}", index));
    const int stride = reader.positive("stride", 1);
    for (llvm::StringRef variant : {"reverse", "flatten", "extra"})
      if (reader.integer(variant, 0) != 0)
        reader.fail(
            reader.where(variant),
            fmt::format("'{}' is not supported: only the forward reorg of YOLOv2", variant.str()));
    reader.rejectUnknownKeys();
    Layer reorg = newLayer(reader, OpKind::Reorg, {previousTensor()});
    reorg.reorg().stride = stride;
    llvm::StringMap<SourceLoc> locations;
    locations["stride"] = reader.where("stride");
    return add(std::move(reorg), std::move(locations));
  }

  int softmax(const CfgSection &section, int index) {
    SectionReader reader(section, fmt::format("softmax{}", index));
    if (reader.integer("groups", 1) != 1)
      reader.fail(reader.where("groups"), "'groups' other than 1 is not supported");
    if (reader.real("temperature", 1.0) != 1.0)
      reader.fail(reader.where("temperature"), "'temperature' other than 1 is not supported");
    reader.rejectUnknownKeys();
    return add(newLayer(reader, OpKind::Softmax, {previousTensor()}));
  }

  // The network's output is its last layer: when the output is a tensor
  // named earlier (a route of one layer, a dropout), copy it last.
  // One output of several heads: their tensors flattened in NCHW order, back
  // to back in the order of the [yolo] sections.
  int addHeadsOutput(const std::vector<int> &heads, const std::vector<CfgSection> &sections) {
    Layer output;
    output.name = "output";
    output.op = OpKind::FlattenConcat;
    output.loc = sections.back().loc;
    output.inputs = heads;
    return add(std::move(output));
  }

  void appendOutputCopy(int tensor) {
    Layer copy;
    copy.name = "output";
    copy.op = OpKind::Activation;
    copy.loc = description_.network.layers[size_t(tensor)].loc;
    copy.inputs = {tensor};
    add(std::move(copy));
  }

  std::string fileName_;
  DarknetDescription description_;
  // Per section after [net]: the layer holding its output, kHeadTensor for
  // a detection head.
  std::vector<int> tensorOf_;
  static constexpr int kHeadTensor = -1;
};

} // namespace

llvm::Expected<DarknetDescription> translateCfg(const std::vector<CfgSection> &sections,
                                                const std::string &fileName) {
  try {
    return Translator(fileName).run(sections);
  } catch (const ParseError &error) {
    return makeDiagnostic(error.loc, error.layer, error.problem);
  }
}

} // namespace tessel::darknet
