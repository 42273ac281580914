#include "ops/attribute_readers.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

namespace tessel {
namespace {

const std::vector<std::pair<llvm::StringRef, ActivationKind>> &activationNames() {
  static const std::vector<std::pair<llvm::StringRef, ActivationKind>> kinds = {
      {"linear", ActivationKind::Linear},       {"relu", ActivationKind::Relu},
      {"relu6", ActivationKind::Relu6},         {"sigmoid", ActivationKind::Sigmoid},
      {"leaky", ActivationKind::Leaky},         {"hard_sigmoid", ActivationKind::HardSigmoid},
      {"hard_swish", ActivationKind::HardSwish}};
  return kinds;
}

ActivationKind readActivationKind(const YAML::Node &node, const ReadContext &context) {
  const std::string name = readString(node, context, "activation");
  if (std::optional<ActivationKind> kind = activationNamed(name))
    return *kind;
  std::vector<llvm::StringRef> names;
  for (const auto &[kindName, kind] : activationNames())
    names.push_back(kindName);
  context.fail(node,
               fmt::format("unknown activation '{}'; known: {}", name, llvm::join(names, ", ")));
}

Activation readActivation(const YAML::Node &node, const ReadContext &context) {
  if (!node.IsMap())
    return withDefaultSlope(readActivationKind(node, context));
  AttributeMap map(node, context, "'activation'");
  map.allowOnly({"type", "alpha"}, "activation");
  Activation activation = withDefaultSlope(readActivationKind(map.require("type"), context));
  if (std::optional<YAML::Node> alpha = map.find("alpha")) {
    if (activation.kind != ActivationKind::Leaky && activation.kind != ActivationKind::HardSigmoid)
      context.fail(*alpha, "'alpha' applies only to leaky and hard_sigmoid");
    activation.alpha = float(readNumber(*alpha, context, "alpha"));
  }
  return activation;
}

} // namespace

Activation withDefaultSlope(ActivationKind kind) {
  Activation activation{kind};
  if (kind == ActivationKind::HardSigmoid)
    activation.alpha = 0.2f; // ONNX's and Keras's default
  return activation;
}

std::optional<ActivationKind> activationNamed(llvm::StringRef name) {
  for (const auto &[kindName, kind] : activationNames())
    if (kindName == name)
      return kind;
  return std::nullopt;
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

KernelWindow readKernelWindow(const AttributeMap &attrs, WindowDefaults defaults) {
  KernelWindow window;
  const SpatialPair kernel = attrs.spatial("kernel");
  const SpatialPair stride =
      attrs.spatialOr("stride", defaults.strideIsKernel ? kernel : SpatialPair{1, 1});
  window.kernelH = kernel.h;
  window.kernelW = kernel.w;
  window.strideH = stride.h;
  window.strideW = stride.w;
  if (defaults.dilated) {
    const SpatialPair dilation = attrs.spatialOr("dilation", {1, 1});
    window.dilationH = dilation.h;
    window.dilationW = dilation.w;
  }
  if (std::optional<YAML::Node> node = attrs.find("padding")) {
    const PaddingSpec padding = readPadding(*node, attrs.context());
    window.samePadding = padding.same;
    window.padding = Padding{padding.top, padding.left, padding.bottom, padding.right};
  }
  return window;
}

} // namespace tessel
