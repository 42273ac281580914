#include "codegen/layer_calls.h"

#include "codegen/escaping.h"
#include "codegen/identifiers.h"

#include <fmt/format.h>

namespace tessel {
namespace {

const char *actTemplateArgument(ActivationKind kind) {
  switch (kind) {
  case ActivationKind::Linear: return "tessel::Act::Linear";
  case ActivationKind::Relu: return "tessel::Act::Relu";
  case ActivationKind::Relu6: return "tessel::Act::Relu6";
  case ActivationKind::Leaky: return "tessel::Act::Leaky";
  case ActivationKind::Sigmoid: return "tessel::Act::Sigmoid";
  }
  return "tessel::Act::Linear";
}

std::string alphaLiteral(const Activation &activation) {
  return floatLiteral(activation.kind == ActivationKind::Leaky ? activation.alpha : 0.0f);
}

std::string viewExpression(const char *type, const WindowRef &window, const Shape &map) {
  return fmt::format("tessel::{}{{{}, {}, {}, {}, {}, {}, {}, {}}}", type, tensorName(window.layer),
                     map.c, map.h, map.w, window.y0, window.x0, window.h, window.w);
}

std::string regionExpression(const MapRegion &r) {
  return fmt::format("tessel::Region{{{}, {}, {}, {}}}", r.y0, r.y1, r.x0, r.x1);
}

std::string weightPointer(int64_t offset) {
  return offset < 0 ? "nullptr" : fmt::format("w + {}", offset);
}

// "// conv3: conv2d 32x152x152 -> 64x152x152, leaky"
std::string describe(const Network &net, int index) {
  const Layer &layer = net.layers[index];
  std::string inputs;
  for (int input : layer.inputs) {
    const Shape &s = net.layers[input].output;
    inputs += fmt::format("{}{}x{}x{}", inputs.empty() ? "" : " + ", s.c, s.h, s.w);
  }
  std::string text =
      fmt::format("// {}: {} {} -> {}x{}x{}", commentText(layer.name), opName(layer.op), inputs,
                  layer.output.c, layer.output.h, layer.output.w);
  if (layer.activation.kind != ActivationKind::Linear && layer.op != OpKind::Activation)
    text += fmt::format(", {}", activationName(layer.activation.kind));
  if (layer.op == OpKind::Activation)
    text += fmt::format(" ({})", activationName(layer.activation.kind));
  return text;
}

} // namespace

std::string tensorName(int layer) {
  return fmt::format("t{}", layer);
}

std::string paramsName(int layer) {
  return fmt::format("kLayer{}", layer);
}

std::string emitLayerParams(const Network &net, int index) {
  const Layer &layer = net.layers[index];
  const std::string name = paramsName(index), comment = commentText(layer.name);
  if (layer.op == OpKind::Conv2d) {
    const ConvAttrs &c = layer.conv;
    const Shape &in = net.layers[layer.inputs[0]].output;
    return fmt::format("// {}: in, out channels; kernel, stride, dilation (h, w); groups; padding "
                       "top, left; leaky slope\n"
                       "constexpr tessel::Conv2dParams {}{{{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, "
                       "{}, {}}};\n",
                       comment, name, in.c, c.outChannels, c.kernelH, c.kernelW, c.strideH,
                       c.strideW, c.dilationH, c.dilationW, c.groups, c.padding.top, c.padding.left,
                       alphaLiteral(layer.activation));
  }
  if (layer.op == OpKind::MaxPool || layer.op == OpKind::AvgPool) {
    const PoolAttrs &p = layer.pool;
    return fmt::format(
        "// {}: channels; kernel, stride (h, w); padding top, left, bottom, right; "
        "count padding in the average\n"
        "constexpr tessel::PoolParams {}{{{}, {}, {}, {}, {}, {}, {}, {}, {}, {}}};\n",
        comment, name, layer.output.c, p.kernelH, p.kernelW, p.strideH, p.strideW, p.padding.top,
        p.padding.left, p.padding.bottom, p.padding.right, p.countIncludePad ? "true" : "false");
  }
  return "";
}

std::string emitLayerCall(const Network &net, const WeightBlob &weights, const KernelCall &call,
                          const std::string &indent) {
  const Layer &layer = net.layers[call.layer];
  const PackedLayerWeights &packed = weights.layers[call.layer];
  const Shape &out = layer.output;
  const std::string act = actTemplateArgument(layer.activation.kind);
  const std::string alpha = alphaLiteral(layer.activation);
  const std::string params = paramsName(call.layer);
  const std::string region = regionExpression(call.region);
  const std::string outView = viewExpression("MapView", call.output, out);
  auto inView = [&](size_t i) {
    return viewExpression("ConstMapView", call.inputs[i], net.layers[layer.inputs[i]].output);
  };
  // Opens a block declaring `inputs`, the array of input views add and concat take.
  auto viewArray = [&]() {
    std::string items;
    for (size_t i = 0; i < call.inputs.size(); ++i)
      items += fmt::format("{}    {},\n", indent, inView(i));
    return fmt::format("{{\n{}  const tessel::ConstMapView inputs[] = {{\n{}{}  }};\n", indent,
                       items, indent);
  };

  std::string code;
  switch (layer.op) {
  case OpKind::Conv2d: {
    const char *kernel =
        isDepthwise(layer, net.layers[layer.inputs[0]].output) ? "depthwiseConv2d" : "conv2d";
    code = fmt::format("tessel::{}<{}>({}, {}, {},\n{}  {},\n{}  {},\n{}  {});", kernel, act,
                       params, weightPointer(packed.weightOffset), weightPointer(packed.biasOffset),
                       indent, inView(0), indent, outView, indent, region);
    break;
  }
  case OpKind::MaxPool:
  case OpKind::AvgPool:
    code = fmt::format("tessel::{}({},\n{}  {},\n{}  {},\n{}  {});",
                       layer.op == OpKind::MaxPool ? "maxPool2d" : "avgPool2d", params, indent,
                       inView(0), indent, outView, indent, region);
    break;
  case OpKind::GlobalAvgPool:
    code = fmt::format("tessel::globalAvgPool({}, {});", inView(0), tensorName(call.output.layer));
    break;
  case OpKind::FullyConnected:
    code = fmt::format("tessel::fullyConnected<{}>({}, {}, {}, {}, {}, {}, {});", act,
                       net.layers[layer.inputs[0]].output.elements(), out.elements(),
                       weightPointer(packed.weightOffset), weightPointer(packed.biasOffset),
                       tensorName(call.inputs[0].layer), tensorName(call.output.layer), alpha);
    break;
  case OpKind::Softmax:
    code = fmt::format("tessel::softmax({}, {}, {});", tensorName(call.inputs[0].layer),
                       tensorName(call.output.layer), out.elements());
    break;
  case OpKind::Activation:
    code = fmt::format("tessel::activateMap<{}>({},\n{}  {},\n{}  {}, {});", act, inView(0), indent,
                       outView, indent, region, alpha);
    break;
  case OpKind::Add:
    code = fmt::format("{}{}  tessel::add<{}>(inputs, {}, {},\n{}    {}, {});\n{}}}", viewArray(),
                       indent, act, call.inputs.size(), outView, indent, region, alpha, indent);
    break;
  case OpKind::Concat:
    code = fmt::format("{}{}  tessel::concatChannels(inputs, {}, {},\n{}    {});\n{}}}",
                       viewArray(), indent, call.inputs.size(), outView, indent, region, indent);
    break;
  case OpKind::Input: // the part of the NCHW input a tile or stripe reads
    code = fmt::format("tessel::nchwToHwcRegion(input,\n{}  {},\n{}  {});", indent, outView, indent,
                       region);
    break;
  case OpKind::BatchNorm:
    code = fmt::format(
        "#error {}", // unreachable after normalize()
        stringLiteral("layer " + layer.name + " has no kernel; normalize() removes it"));
    break;
  }
  return fmt::format("{}{}\n{}{}\n", indent, describe(net, call.layer), indent, code);
}

} // namespace tessel
