#include "frontend/parse_network.h"

#include "frontend/layer_names.h"
#include "frontend/parse_layer.h"
#include "ops/op_table.h"
#include "support/attribute_map.h"
#include "support/diagnostic.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>

namespace tessel {
namespace {

std::string readNetworkName(const YAML::Node &node, const ReadContext &context) {
  std::string name = readString(node, context, "name");
  auto isNameChar = [](char c) { return llvm::isAlnum(c) || c == '_' || c == '-'; };
  if (!llvm::all_of(name, isNameChar))
    context.fail(node, fmt::format("network name '{}' may contain only letters, digits, '_' and "
                                   "'-'",
                                   name));
  return name;
}

// `input: {channels, height, width}` becomes layer 0.
Layer parseInput(const YAML::Node &node, const ReadContext &context, Network &network,
                 AttributeLocations &locations) {
  AttributeMap input(node, context, "'input'");
  input.allowOnly({"channels", "height", "width", "layout"}, "input");
  if (std::optional<YAML::Node> layout = input.find("layout"))
    if (readString(*layout, context, "layout") != "nchw")
      context.fail(*layout, fmt::format("the only layout is nchw, got {}", describeValue(*layout)));
  network.inputShape =
      Shape{input.integer("channels"), input.integer("height"), input.integer("width")};
  locations.byLayer.push_back(input.valueLocations());

  Layer layer;
  layer.name = "input";
  layer.op = OpKind::Input;
  layer.loc = context.locOf(node);
  return layer;
}

WeightsSource parseWeights(const std::optional<YAML::Node> &node, const ReadContext &context,
                           const SourceLoc &networkLoc) {
  WeightsSource source;
  source.loc = networkLoc;
  if (!node)
    return source; // {random: 0}
  AttributeMap weights(*node, context, "'weights'");
  weights.allowOnly({"file", "random"}, "weights");
  std::optional<YAML::Node> file = weights.find("file");
  std::optional<YAML::Node> random = weights.find("random");
  if (file.has_value() == random.has_value())
    context.fail(*node, "'weights' takes exactly one of 'file: PATH' and 'random: SEED'");
  if (file) {
    source.file = readString(*file, context, "file");
    source.loc = context.locOf(*file);
  } else {
    source.seed = readSeed(*random, context, "random");
    source.loc = context.locOf(*random);
  }
  return source;
}

llvm::StringSet<> writtenLayerNames(const YAML::Node &layers) {
  llvm::StringSet<> names;
  for (const YAML::Node &layer : layers) {
    if (!layer.IsMap())
      continue;
    const YAML::Node name = layer["name"]; // undefined, not an error, when absent
    if (name && name.IsScalar())
      names.insert(name.Scalar());
  }
  return names;
}

// The layers an entry reads: `inputs` as written, else the layer above.
std::vector<int> resolveInputs(const LayerEntry &entry, int previous, const LayerNames &names,
                               const ReadContext &context) {
  std::vector<int> inputs;
  if (!entry.inputs)
    inputs.push_back(previous);
  else if (entry.inputs->IsSequence())
    for (const YAML::Node &name : *entry.inputs)
      inputs.push_back(names.resolve(name, context));
  else if (entry.inputs->IsScalar())
    inputs.push_back(names.resolve(*entry.inputs, context));
  else
    context.fail(*entry.inputs, fmt::format("'inputs' takes a layer name or a list of names, "
                                            "got {}",
                                            describeValue(*entry.inputs)));

  const Layer &layer = entry.layers.front();
  const SourceLoc where = entry.inputs ? context.locOf(*entry.inputs) : layer.loc;
  const bool joins = describeOp(layer.op).inputs == InputCount::TwoOrMore;
  if (joins && inputs.size() < 2)
    context.fail(where, fmt::format("{} needs at least two inputs, got {}{}", opName(layer.op),
                                    inputs.size(), entry.inputs ? "" : " (list them in 'inputs')"));
  if (!joins && inputs.size() != 1)
    context.fail(
        where, fmt::format("{} reads exactly one input, got {}", opName(layer.op), inputs.size()));
  return inputs;
}

void parseLayers(const YAML::Node &node, ReadContext &context, NetworkDescription &description) {
  if (!node.IsSequence() || node.size() == 0)
    context.fail(node, fmt::format("'layers' must be a non-empty list of layers, got {}",
                                   describeValue(node)));
  Network &network = description.network;
  LayerNames names(writtenLayerNames(node));
  for (const YAML::Node &item : node) {
    LayerEntry entry = parseLayerEntry(item, context);
    const int first = int(network.layers.size());
    const int last = first + int(entry.layers.size()) - 1;
    entry.layers.front().inputs = resolveInputs(entry, first - 1, names, context);
    // A conv2d with the batch-norm shorthand is read through its normalized
    // output, under either name.
    names.define(entry.layers.front().name, last, context.locOf(entry.nameNode), context);
    for (int index = first + 1; index <= last; ++index) {
      Layer &layer = entry.layers[index - first];
      layer.inputs = {index - 1};
      names.define(layer.name, index, layer.loc, context);
    }
    for (Layer &layer : entry.layers) {
      network.layers.push_back(std::move(layer));
      description.locations.byLayer.push_back(entry.attributeLocations);
    }
  }
}

NetworkDescription parseRoot(const std::string &text, const std::string &fileName) {
  ReadContext context{fileName, ""};
  const YAML::Node root = loadSingleDocument(text, context);
  if (root.IsNull())
    context.fail(SourceLoc{fileName, 1, 1},
                 "the description is empty; it needs 'name', 'input' and 'layers'");
  AttributeMap top(root, context, "the network description");
  top.allowOnly({"name", "input", "weights", "layers"}, "the network");

  NetworkDescription description;
  Network &network = description.network;
  network.loc = context.locOf(root);
  const YAML::Node name = top.require("name");
  network.name = readNetworkName(name, context);
  network.nameLoc = context.locOf(name);
  network.layers.push_back(
      parseInput(top.require("input"), context, network, description.locations));
  description.weights = parseWeights(top.find("weights"), context, network.loc);
  parseLayers(top.require("layers"), context, description);
  return description;
}

} // namespace

llvm::Expected<NetworkDescription> parseNetworkDescription(llvm::StringRef text,
                                                           const std::string &fileName) {
  try {
    return parseRoot(text.str(), fileName);
  } catch (const ParseError &error) {
    return makeDiagnostic(error.loc, error.layer, error.problem);
  } catch (const YAML::DeepRecursion &error) {
    // yaml-cpp words this one "bad file".
    return makeDiagnostic(sourceLocOf(fileName, error.mark), "", "invalid YAML: nested too deeply");
  } catch (const YAML::Exception &error) {
    return makeDiagnostic(sourceLocOf(fileName, error.mark), "",
                          fmt::format("invalid YAML: {}", error.msg));
  }
}

} // namespace tessel
