#include "codegen/network_emitter.h"

#include "codegen/embedded_files.h"
#include "codegen/identifiers.h"
#include "codegen/layer_calls.h"
#include "codegen/template_filler.h"
#include "codegen/weight_packing.h"

#include <fmt/format.h>

namespace tessel {
namespace {

std::string shapeText(const Shape &s) { return fmt::format("{}x{}x{}", s.c, s.h, s.w); }

std::string tensorName(int layer) { return fmt::format("t{}", layer); }

// Declarations of the tensor pointers: arena offsets, or the user's buffers.
std::string emitTensorDeclarations(const Network &net, const LayerPlan &plan) {
  std::string code;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer &layer = net.layers[i];
    const std::string comment =
        fmt::format("{} {}", layer.name, shapeText(layer.output));
    if (plan.tensorOffset[i] >= 0)
      code += fmt::format("  float *const {} = reinterpret_cast<float *>(arena + {}); // {}, {} bytes\n",
                          tensorName(int(i)), plan.tensorOffset[i], comment,
                          layer.output.elements() * 4);
    else if (i == 0)
      code += fmt::format("  const float *const {} = input; // {}, read in place\n",
                          tensorName(int(i)), comment);
    else
      code += fmt::format("  float *const {} = output; // {}, written in place\n", tensorName(int(i)),
                          comment);
  }
  return code;
}

std::string emitBody(const Network &net, const LayerPlan &plan, const WeightBlob &weights) {
  const Shape &in = net.layers[0].output;
  const Shape &out = net.layers[size_t(net.outputIndex())].output;
  std::string body;
  if (plan.inputConverted)
    body += fmt::format("  tessel::nchwToHwc(input, {}, {}, {}, {});\n", tensorName(0), in.c, in.h,
                        in.w);
  for (int i = 1; i < int(net.layers.size()); ++i) {
    const Layer &layer = net.layers[i];
    LayerCall call;
    call.layer = i;
    for (int input : layer.inputs)
      call.inputs.push_back(wholeWindow(tensorName(input), net.layers[input].output));
    call.output = wholeWindow(tensorName(i), layer.output);
    call.region = OutputRegion{0, layer.output.h, 0, layer.output.w};
    body += "\n" + emitLayerCall(net, weights, call, "  ");
  }
  if (plan.outputConverted)
    body += fmt::format("\n  tessel::hwcToNchw({}, output, {}, {}, {});\n",
                        tensorName(net.outputIndex()), out.c, out.h, out.w);
  return body;
}

std::string emitAllParams(const Network &net) {
  std::string code;
  for (int i = 1; i < int(net.layers.size()); ++i)
    code += emitLayerParams(net, i);
  return code;
}

} // namespace

llvm::Expected<GeneratedNetwork> emitNetwork(const Network &net, const CodegenOptions &options) {
  GeneratedNetwork result;
  result.cName = cIdentifier(net.name);
  result.plan = planLayers(net);
  WeightBlob weights = packWeights(net);
  result.weightBytes = weights.bytes();

  const std::string &c = result.cName;
  const Shape &in = net.layers[0].output;
  const Shape &out = net.layers[size_t(net.outputIndex())].output;
  TemplateValues values = {
      {"version", options.version},
      {"source", options.sourceName},
      {"c_name", c},
      {"macro", macroName(c)},
      {"guard", macroName(c) + "_H"},
      {"header_file", c + ".h"},
      {"source_file", c + ".cpp"},
      {"weights_file", c + ".weights"},
      {"weights_asm_file", c + "_weights.S"},
      {"weights_symbol", "tessel_" + c + "_weights"},
      {"weights_bytes", std::to_string(weights.bytes())},
      {"arena_bytes", std::to_string(result.plan.arena.arenaBytes)},
      {"arena_alignment", std::to_string(kArenaAlignment)},
      {"input_elements", std::to_string(in.elements())},
      {"output_elements", std::to_string(out.elements())},
      {"input_shape", shapeText(in)},
      {"output_shape", shapeText(out)},
      {"input_c", std::to_string(in.c)},
      {"input_h", std::to_string(in.h)},
      {"input_w", std::to_string(in.w)},
      {"output_c", std::to_string(out.c)},
      {"output_h", std::to_string(out.h)},
      {"output_w", std::to_string(out.w)},
      {"summary", fmt::format("Network '{}': {} layers, {} parameters.", net.name,
                              net.layers.size() - 1, net.parameterCount())},
      {"schedule", "layers"},
      {"layer_params", emitAllParams(net)},
      {"tensors", emitTensorDeclarations(net, result.plan)},
      {"body", emitBody(net, result.plan, weights)},
  };

  // Each template uses a subset of the values.
  auto fill = [&](const char *templateName,
                  std::initializer_list<const char *> keys) -> llvm::Expected<std::string> {
    TemplateValues subset;
    for (const char *key : keys)
      subset[key] = values.at(key);
    return fillTemplate(templateName, subset);
  };
  struct Output {
    std::string path;
    const char *templateName;
    std::initializer_list<const char *> keys;
  };
  const Output outputs[] = {
      {c + ".h", "network.h.in",
       {"version", "source", "summary", "input_elements", "input_shape", "output_elements",
        "output_shape", "arena_bytes", "arena_alignment", "guard", "macro", "c_name", "input_c",
        "input_h", "input_w", "output_c", "output_h", "output_w"}},
      {c + ".cpp", "network.cpp.in",
       {"version", "source", "schedule", "header_file", "weights_bytes", "weights_asm_file",
        "weights_symbol", "c_name", "layer_params", "tensors", "body"}},
      {c + "_weights.S", "weights.S.in",
       {"version", "source", "weights_file", "weights_bytes", "weights_symbol"}},
      {"CMakeLists.txt", "CMakeLists.txt.in",
       {"version", "source", "c_name", "source_file", "weights_asm_file", "weights_file"}},
      {"demo.cpp", "demo.cpp.in", {"version", "source", "c_name", "header_file", "macro"}},
  };
  for (const Output &output : outputs) {
    llvm::Expected<std::string> text = fill(output.templateName, output.keys);
    if (!text)
      return text.takeError();
    result.files.push_back({output.path, std::move(*text)});
  }
  std::vector<char> blob = serializeLittleEndian(weights.data);
  result.files.push_back({c + ".weights", std::string(blob.begin(), blob.end())});

  // The runtime headers, so the folder builds on its own.
  const std::string runtimePrefix = "runtime/include/";
  for (const EmbeddedFile &file : embeddedFiles())
    if (file.path.substr(0, runtimePrefix.size()) == runtimePrefix)
      result.files.push_back({"runtime/" + std::string(file.path.substr(runtimePrefix.size())),
                              std::string(file.text)});
  return result;
}

} // namespace tessel
