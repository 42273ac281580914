#include "frontend/parse_layer.h"

#include "frontend/op_table.h"
#include "support/attribute_map.h"
#include "support/nearest_name.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace tessel {
namespace {

bool isLayerName(llvm::StringRef name) {
  auto isNameChar = [](char c) { return llvm::isAlnum(c) || c == '_' || c == '.' || c == '-'; };
  return !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
         llvm::all_of(name, isNameChar);
}

std::string readLayerName(const YAML::Node &node, const ReadContext &context) {
  std::string name = readString(node, context, "name");
  if (!isLayerName(name))
    context.fail(node, fmt::format("layer name '{}' must start with a letter or '_' and contain "
                                   "only letters, digits, '_', '.' and '-'",
                                   name));
  if (name == "input")
    context.fail(node, "the name 'input' is reserved for the network input");
  return name;
}

const OpInfo &readOp(const YAML::Node &node, const ReadContext &context) {
  const std::string name = readString(node, context, "op");
  if (const OpInfo *op = findOp(name))
    return *op;
  std::vector<llvm::StringRef> names;
  for (const OpInfo &op : knownOps())
    names.push_back(op.name);
  std::string problem = fmt::format("unknown op '{}'", name);
  if (std::optional<std::string> suggestion = nearestName(name, names))
    problem += fmt::format(" (did you mean '{}'?)", *suggestion);
  problem += fmt::format("; known ops: {}", llvm::join(names, ", "));
  context.fail(node, problem);
}

ActivationKind readActivationKind(const YAML::Node &node, const ReadContext &context) {
  static const std::vector<std::pair<llvm::StringRef, ActivationKind>> kinds = {
      {"linear", ActivationKind::Linear},
      {"relu", ActivationKind::Relu},
      {"relu6", ActivationKind::Relu6},
      {"sigmoid", ActivationKind::Sigmoid},
      {"leaky", ActivationKind::Leaky}};
  const std::string name = readString(node, context, "activation");
  std::vector<llvm::StringRef> names;
  for (const auto &[kindName, kind] : kinds) {
    if (kindName == name)
      return kind;
    names.push_back(kindName);
  }
  context.fail(node,
               fmt::format("unknown activation '{}'; known: {}", name, llvm::join(names, ", ")));
}

// `activation: NAME` or `activation: {type: leaky, alpha: 0.2}`.
Activation readActivation(const YAML::Node &node, const ReadContext &context) {
  if (!node.IsMap())
    return Activation{readActivationKind(node, context)};
  AttributeMap map(node, context, "'activation'");
  map.allowOnly({"type", "alpha"}, "activation");
  Activation activation{readActivationKind(map.require("type"), context)};
  if (std::optional<YAML::Node> alpha = map.find("alpha")) {
    if (activation.kind != ActivationKind::Leaky)
      context.fail(*alpha, "'alpha' applies only to leaky");
    activation.alpha = float(readNumber(*alpha, context, "alpha"));
  }
  return activation;
}

Activation activationOr(const AttributeMap &attrs) {
  std::optional<YAML::Node> node = attrs.find("activation");
  return node ? readActivation(*node, attrs.context()) : Activation{};
}

float epsilonOr(const AttributeMap &attrs) {
  const double epsilon = attrs.numberOr("epsilon", 1e-5);
  if (epsilon <= 0)
    attrs.context().fail(*attrs.find("epsilon"), "'epsilon' must be positive");
  return float(epsilon);
}

PaddingSpec paddingOr(const AttributeMap &attrs) {
  std::optional<YAML::Node> node = attrs.find("padding");
  return node ? readPadding(*node, attrs.context()) : PaddingSpec{};
}

void readGroups(const AttributeMap &attrs, ConvAttrs &conv) {
  std::optional<YAML::Node> node = attrs.find("groups");
  if (!node)
    return;
  if (node->IsScalar() && node->Scalar() == "depthwise") {
    conv.depthwise = true;
    return;
  }
  if (node->IsScalar() && llvm::any_of(node->Scalar(), llvm::isAlpha))
    attrs.context().fail(*node,
                         fmt::format("'groups' takes a positive integer or depthwise, got {}",
                                     describeValue(*node)));
  conv.groups = readInt(*node, attrs.context(), "groups", IntRange{});
}

// Reads a conv2d, adding the `<name>.bn` layer for `batch_norm: true`.
void parseConv(const AttributeMap &attrs, LayerEntry &entry) {
  Layer &layer = entry.layers.front();
  ConvAttrs &conv = layer.conv;
  conv.outChannels = attrs.integer("filters");
  const SpatialPair kernel = attrs.spatial("kernel");
  const SpatialPair stride = attrs.spatialOr("stride", {1, 1});
  const SpatialPair dilation = attrs.spatialOr("dilation", {1, 1});
  conv.kernelH = kernel.h;
  conv.kernelW = kernel.w;
  conv.strideH = stride.h;
  conv.strideW = stride.w;
  conv.dilationH = dilation.h;
  conv.dilationW = dilation.w;
  const PaddingSpec padding = paddingOr(attrs);
  conv.samePadding = padding.same;
  conv.padding = Padding{padding.top, padding.left, padding.bottom, padding.right};
  readGroups(attrs, conv);

  const bool batchNorm = attrs.flagOr("batch_norm", false);
  conv.bias = attrs.flagOr("bias", !batchNorm);
  const Activation activation = activationOr(attrs);
  if (!batchNorm) {
    if (std::optional<YAML::Node> epsilon = attrs.find("epsilon"))
      attrs.context().fail(*epsilon, "'epsilon' applies only with batch_norm: true");
    layer.activation = activation;
    return;
  }
  // The normalized result is what the layer stands for, so the batch-norm
  // layer carries the activation.
  Layer norm;
  norm.name = layer.name + ".bn";
  norm.op = OpKind::BatchNorm;
  norm.loc = attrs.context().locOf(*attrs.find("batch_norm"));
  norm.batchNorm.epsilon = epsilonOr(attrs);
  norm.activation = activation;
  entry.layers.push_back(norm);
}

void parsePool(const AttributeMap &attrs, Layer &layer) {
  PoolAttrs &pool = layer.pool;
  const SpatialPair kernel = attrs.spatial("kernel");
  const SpatialPair stride = attrs.spatialOr("stride", kernel);
  pool.kernelH = kernel.h;
  pool.kernelW = kernel.w;
  pool.strideH = stride.h;
  pool.strideW = stride.w;
  const PaddingSpec padding = paddingOr(attrs);
  pool.samePadding = padding.same;
  pool.padding = Padding{padding.top, padding.left, padding.bottom, padding.right};
  pool.ceilMode = attrs.flagOr("ceil_mode", false);
  if (pool.ceilMode && pool.samePadding)
    attrs.context().fail(*attrs.find("ceil_mode"),
                         "ceil_mode cannot be combined with padding: same, which already fixes "
                         "the output size");
  pool.countIncludePad = attrs.flagOr("count_include_pad", false);
}

} // namespace

LayerEntry parseLayerEntry(const YAML::Node &node, ReadContext &context) {
  context.layer.clear();
  AttributeMap attrs(node, context, "each layer");
  // Without name or op, a misspelled key is the likely cause: say so.
  if (!attrs.has("name"))
    attrs.allowOnly(allLayerAttributes(), "a layer");
  LayerEntry entry;
  entry.nameNode = attrs.require("name");
  Layer layer;
  layer.name = readLayerName(entry.nameNode, context);
  context.layer = layer.name;
  if (!attrs.has("op"))
    attrs.allowOnly(allLayerAttributes(), "a layer");
  const OpInfo &op = readOp(attrs.require("op"), context);
  attrs.allowOnly(op.attributes, op.name);
  layer.op = op.kind;
  layer.loc = context.locOf(node);
  entry.inputs = attrs.find("inputs");
  entry.attributeLocations = attrs.valueLocations();
  entry.layers.push_back(layer);

  Layer &parsed = entry.layers.front();
  switch (op.kind) {
  case OpKind::Conv2d: parseConv(attrs, entry); break;
  case OpKind::BatchNorm:
    parsed.batchNorm.epsilon = epsilonOr(attrs);
    parsed.activation = activationOr(attrs);
    break;
  case OpKind::Activation:
    parsed.activation.kind = op.activation;
    parsed.activation.alpha = float(attrs.numberOr("alpha", parsed.activation.alpha));
    break;
  case OpKind::MaxPool:
  case OpKind::AvgPool: parsePool(attrs, parsed); break;
  case OpKind::FullyConnected:
    parsed.fc.outFeatures = attrs.integer("units");
    parsed.fc.bias = attrs.flagOr("bias", true);
    parsed.activation = activationOr(attrs);
    break;
  case OpKind::Add: parsed.activation = activationOr(attrs); break;
  case OpKind::Input:
  case OpKind::GlobalAvgPool:
  case OpKind::Concat:
  case OpKind::Softmax: break;
  }
  return entry;
}

} // namespace tessel
