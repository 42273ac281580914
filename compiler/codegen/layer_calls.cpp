#include "codegen/layer_calls.h"

#include "codegen/escaping.h"
#include "codegen/identifiers.h"
#include "ops/emit_helpers.h"
#include "ops/op_table.h"
#include "support/invariant.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace tessel {
namespace {

const char *actTemplateArgument(ActivationKind kind) {
  switch (kind) {
  case ActivationKind::Linear: return "tessel::Act::Linear";
  case ActivationKind::Relu: return "tessel::Act::Relu";
  case ActivationKind::Relu6: return "tessel::Act::Relu6";
  case ActivationKind::Leaky: return "tessel::Act::Leaky";
  case ActivationKind::Sigmoid: return "tessel::Act::Sigmoid";
  case ActivationKind::HardSigmoid: return "tessel::Act::HardSigmoid";
  case ActivationKind::HardSwish: return "tessel::Act::HardSwish";
  }
  return "tessel::Act::Linear";
}

// A window of channels [c0, c1) (a channels group's slice) is a buffer of
// just those channels: a view of a map of c1 - c0 channels.
std::string viewExpression(const char *type, const WindowRef &window, const Shape &map) {
  const int channels = window.allChannels() ? map.c : std::min(window.c1, map.c) - window.c0;
  return fmt::format("tessel::{}{{{}, {}, {}, {}, {}, {}, {}, {}}}", type,
                     tensorName(window.layer, window.copy), channels, map.h, map.w, window.y0,
                     window.x0, window.h, window.w);
}

std::string regionExpression(const MapRegion &r) {
  requireInvariant(r.allChannels(), "code generation",
                   "{}: kernels compute every channel of a region", formatRegion(r));
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

std::string tensorName(int layer, int copy) {
  return copy == 0 ? fmt::format("t{}", layer) : fmt::format("t{}_{}", layer, copy);
}

std::string workspaceName(int layer, int copy) {
  return copy == 0 ? fmt::format("s{}", layer) : fmt::format("s{}_{}", layer, copy);
}

std::string paramsName(int layer) {
  return fmt::format("kLayer{}", layer);
}

std::string paramsName(int layer, const ChannelSlice &slice) {
  if (slice.whole())
    return paramsName(layer);
  return fmt::format("kLayer{}{}{}", layer, slice.ofInput ? "_in" : "_", slice.c0);
}

// Sets every field by name, in C++17: a constexpr lambda that fills a
// value-initialized struct. A renamed or reordered runtime field fails to
// compile or still gets its value, never another field's.
std::string emitLayerParams(const Network &net, int index, const std::string &name) {
  std::optional<KernelParams> params =
      describeOp(net.layers[size_t(index)].op).kernelParams(OpSite(net, index));
  if (!params)
    return "";
  // Several assignments a line, as they fit in 100 columns.
  std::string assignments, line;
  for (const ParamsField &field : params->fields) {
    const std::string assignment = fmt::format("p.{} = {};", field.name.str(), field.value);
    if (!line.empty() && line.size() + 1 + assignment.size() > 98) {
      assignments += "  " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + assignment;
  }
  assignments += "  " + line + "\n";
  return fmt::format("// {}\nconstexpr {} {} = [] {{\n  {} p{{}};\n{}  return p;\n}}();\n",
                     commentText(net.layers[size_t(index)].name), params->type.str(), name,
                     params->type.str(), assignments);
}

std::string emitLayerParams(const Network &net, int index) {
  return emitLayerParams(net, index, paramsName(index));
}

std::string emitSliceParams(const Network &net, int layer, const ChannelSlice &slice) {
  const Network sliced = sliceLayer(net, layer, slice);
  return emitLayerParams(sliced, sliced.outputIndex(), paramsName(layer, slice));
}

std::string emitLayerCall(const Network &net, const WeightBlob &weights, const KernelCall &call,
                          bool hasWorkspace, const std::string &indent) {
  const Layer &layer = net.layers[size_t(call.layer)];
  const PackedWeights &packed = weights.layers[size_t(call.layer)].of(call.slice);
  // What the kernel sees: the layer, or the slice as a layer of its own.
  const CalledLayer called = calledLayer(net, call);
  const OpSite site(called.network(), called.layer);
  CallPieces pieces{site};
  for (size_t i = 0; i < call.inputs.size(); ++i) {
    pieces.inputViews.push_back(
        viewExpression("ConstMapView", call.inputs[i], net.layers[size_t(layer.inputs[i])].output));
    pieces.inputTensors.push_back(tensorName(call.inputs[i].layer, call.inputs[i].copy));
  }
  pieces.outputView = viewExpression("MapView", call.output, layer.output);
  pieces.outputTensor = tensorName(call.output.layer, call.output.copy);
  pieces.region = regionExpression(call.region);
  pieces.params = paramsName(call.layer, call.slice);
  pieces.weights = weightPointer(packed.weightOffset);
  pieces.bias = weightPointer(packed.biasOffset);
  // A slice of the sums gets the epilogue only once they are complete.
  const bool epilogue = !call.slice.ofInput || call.slice.finishes;
  pieces.activation =
      actTemplateArgument(epilogue ? layer.activation.kind : ActivationKind::Linear);
  pieces.alpha = slopeLiteral(layer.activation);
  pieces.accumulates = call.slice.accumulates;
  pieces.workspace = hasWorkspace ? workspaceName(call.layer, call.copy) : "nullptr";
  pieces.indent = indent;

  const OpDescription &op = describeOp(layer.op);
  const std::string code = op.emitCall
                               ? op.emitCall(pieces)
                               : fmt::format("#error {}", // e.g. batch_norm: normalize() removes it
                                             stringLiteral("layer " + layer.name +
                                                           " has no kernel; normalize() "
                                                           "removes it"));
  std::string heading = describe(net, call.layer);
  if (!call.slice.whole())
    heading += fmt::format(", {} channels [{}, {})", call.slice.ofInput ? "input" : "output",
                           call.slice.c0, call.slice.c1);
  return fmt::format("{}{}\n{}{}\n", indent, heading, indent, code);
}

std::string emitOutputConversion(const Network &net, const KernelCall &conversion,
                                 const std::string &indent) {
  const WindowRef &held = conversion.inputs.front();
  return fmt::format("{}// {}: into the caller's output, NCHW\n{}tessel::hwcToNchwRegion({}, "
                     "output,\n{}  {});\n",
                     indent, commentText(net.layers[size_t(held.layer)].name), indent,
                     viewExpression("ConstMapView", held, net.layers[size_t(held.layer)].output),
                     indent, regionExpression(conversion.region));
}

} // namespace tessel
