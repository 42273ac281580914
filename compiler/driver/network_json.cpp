#include "driver/network_json.h"

#include "analysis/parameter_layout.h"
#include "support/overloaded.h"

#include <variant>

namespace tessel::driver {
namespace {

llvm::json::Array shapeJson(const Shape &shape) {
  return llvm::json::Array{shape.c, shape.h, shape.w};
}

llvm::json::Object activationJson(const Activation &activation) {
  llvm::json::Object object{{"type", activationName(activation.kind)}};
  if (activation.kind == ActivationKind::Leaky)
    object["alpha"] = double(activation.alpha);
  return object;
}

// Spatial pairs are [height, width], as a description writes them.
void addWindow(llvm::json::Object &attributes, const KernelWindow &window) {
  const Padding &pad = window.padding;
  attributes["kernel"] = llvm::json::Array{window.kernelH, window.kernelW};
  attributes["stride"] = llvm::json::Array{window.strideH, window.strideW};
  attributes["padding"] = llvm::json::Array{pad.top, pad.left, pad.bottom, pad.right};
}

// Keys as the description spells them.
llvm::json::Object attributesJson(const Layer &layer) {
  llvm::json::Object attributes;
  std::visit(Overloaded{
                 [](std::monostate) {},
                 [&](const ConvAttrs &conv) {
                   attributes["filters"] = conv.outChannels;
                   addWindow(attributes, conv.window);
                   attributes["dilation"] =
                       llvm::json::Array{conv.window.dilationH, conv.window.dilationW};
                   attributes["groups"] = conv.groups;
                   attributes["bias"] = conv.bias;
                 },
                 [&](const BatchNormAttrs &norm) {
                   attributes["epsilon"] = double(norm.epsilon);
                   if (norm.epsilonAfterSqrt) // Darknet's form, from a .cfg
                     attributes["epsilon_after_sqrt"] = true;
                 },
                 [&](const PoolAttrs &pool) {
                   addWindow(attributes, pool.window);
                   attributes["ceil_mode"] = pool.window.ceilMode;
                   attributes["count_include_pad"] = pool.countIncludePad;
                 },
                 [&](const FullyConnectedAttrs &fc) {
                   attributes["units"] = fc.outFeatures;
                   attributes["bias"] = fc.bias;
                 },
                 [&](const ReorgAttrs &reorg) { attributes["stride"] = reorg.stride; },
                 [&](const UpsampleAttrs &upsample) {
                   attributes["scale"] = llvm::json::Array{upsample.scaleH, upsample.scaleW};
                 },
             },
             layer.attributes);
  return attributes;
}

} // namespace

llvm::json::Value networkJson(const Network &network) {
  llvm::json::Array layers;
  int64_t offset = 0;
  for (int index = 0; index < int(network.layers.size()); ++index) {
    const Layer &layer = network.layers[size_t(index)];
    llvm::json::Array inputs, parameters;
    for (int input : layer.inputs)
      inputs.push_back(network.layers[size_t(input)].name);
    for (const ParameterTensor &tensor : parameterTensors(network, index)) {
      parameters.push_back(llvm::json::Object{{"role", parameterRoleName(tensor.role)},
                                              {"dims", llvm::json::Array(tensor.dims)},
                                              {"offset", offset}});
      offset += tensor.elements();
    }
    layers.push_back(llvm::json::Object{{"name", layer.name},
                                        {"op", opName(layer.op)},
                                        {"inputs", std::move(inputs)},
                                        {"output", shapeJson(layer.output)},
                                        {"activation", activationJson(layer.activation)},
                                        {"attributes", attributesJson(layer)},
                                        {"parameters", std::move(parameters)}});
  }
  return llvm::json::Object{{"name", network.name},
                            {"input", shapeJson(network.inputShape)},
                            {"parameters", offset},
                            {"layers", std::move(layers)}};
}

} // namespace tessel::driver
