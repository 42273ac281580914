#include "codegen/network_emitter.h"

#include "analysis/layer_costs.h"
#include "codegen/block_folding.h"
#include "codegen/escaping.h"
#include "codegen/identifiers.h"
#include "codegen/layer_calls.h"
#include "codegen/template_filler.h"
#include "codegen/weight_packing.h"
#include "schedule/thread_split.h"
#include "support/diagnostic.h"
#include "support/embedded_files.h"
#include "support/invariant.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel {
namespace {

std::string shapeText(const Shape &s) {
  return fmt::format("{}x{}x{}", s.c, s.h, s.w);
}

// The storage (by layer, and by thread copy) some operation touches. A
// layer can go untouched when every output cell it would compute lies where
// its consumer reads only padding (e.g. a strided 1x1 convolution over
// padding); it then needs no pointer.
std::vector<std::vector<bool>> touchedStorage(const Network &net, const ExecutionPlan &plan) {
  std::vector<std::vector<bool>> touched(net.layers.size());
  for (size_t layer = 0; layer < net.layers.size(); ++layer)
    touched[layer].assign(std::max<size_t>(1, plan.storage[layer].threadOffsets.size()), false);
  auto touch = [&](int layer, int copy = 0) { touched[size_t(layer)][size_t(copy)] = true; };
  for (const Operation &op : plan.operations) {
    switch (op.kind) {
    case Operation::Kind::ConvertInput: touch(0); break;
    case Operation::Kind::ConvertOutput: touch(net.outputIndex()); break;
    case Operation::Kind::ConvertOutputRegion:
      touch(op.call.inputs.front().layer, op.call.inputs.front().copy);
      break;
    case Operation::Kind::ShiftRows: touch(op.shift.layer, op.shift.copy); break;
    case Operation::Kind::Kernel:
      touch(op.call.output.layer, op.call.output.copy);
      for (const WindowRef &input : op.call.inputs)
        touch(input.layer, input.copy);
      break;
    case Operation::Kind::Comment:
    case Operation::Kind::Fork:
    case Operation::Kind::Join: break;
    }
  }
  return touched;
}

// What an arena buffer holds, for its declaration's comment.
const char *arenaBufferText(StorageKind kind) {
  switch (kind) {
  case StorageKind::Full: return "whole map";
  case StorageKind::TileBuffer: return "tile buffer";
  case StorageKind::RowWindow: return "row window";
  case StorageKind::UserInput:
  case StorageKind::UserOutput: break;
  }
  return "not in the arena";
}

// Declarations of the workspace pointers some kernel call uses.
std::string emitWorkspaceDeclarations(const Network &net, const ExecutionPlan &plan) {
  std::vector<std::vector<bool>> used(net.layers.size());
  for (size_t layer = 0; layer < net.layers.size(); ++layer)
    used[layer].assign(plan.storage[layer].workspaceOffsets.size(), false);
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::Kernel &&
        plan.storage[size_t(op.call.layer)].workspaceBytes > 0)
      used[size_t(op.call.layer)][size_t(op.call.copy)] = true;
  std::string code;
  for (size_t layer = 0; layer < net.layers.size(); ++layer) {
    const LayerStorage &storage = plan.storage[layer];
    for (size_t copy = 0; copy < used[layer].size(); ++copy)
      if (used[layer][copy])
        code += fmt::format(
            "  float *const {} = reinterpret_cast<float *>(arena + {}); // {} workspace{}, {} "
            "bytes\n",
            workspaceName(int(layer), int(copy)), storage.workspaceOffsets[copy],
            commentText(net.layers[layer].name),
            storage.workspaceOffsets.size() > 1 ? fmt::format(" of thread {}", copy) : "",
            storage.workspaceBytes);
  }
  return code;
}

// Declarations of the tensor pointers: arena offsets, or the user's buffers.
std::string emitTensorDeclarations(const Network &net, const ExecutionPlan &plan) {
  std::string code;
  const std::vector<std::vector<bool>> touched = touchedStorage(net, plan);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer &layer = net.layers[i];
    const LayerStorage &storage = plan.storage[i];
    const std::string shape = shapeText(layer.output), layerName = commentText(layer.name);
    for (size_t copy = 0; copy < touched[i].size(); ++copy) {
      if (!touched[i][copy])
        continue;
      const std::string name = tensorName(int(i), int(copy));
      switch (storage.kind) {
      case StorageKind::UserInput:
        code += fmt::format("  const float *const {} = input; // {} {}, read in place\n", name,
                            layerName, shape);
        break;
      case StorageKind::UserOutput:
        code += fmt::format("  float *const {} = output; // {} {}, written in place\n", name,
                            layerName, shape);
        break;
      case StorageKind::Full:
      case StorageKind::TileBuffer:
      case StorageKind::RowWindow: {
        const bool perThread = !storage.threadOffsets.empty();
        code += fmt::format(
            "  float *const {} = reinterpret_cast<float *>(arena + {}); // {} {}, {}{}, {} "
            "bytes\n",
            name, perThread ? storage.threadOffsets[copy] : storage.offset, layerName, shape,
            arenaBufferText(storage.kind), perThread ? fmt::format(" of thread {}", copy) : "",
            storage.bytes);
        break;
      }
      }
    }
  }
  return code + emitWorkspaceDeclarations(net, plan);
}

// Code that runs `parts` pieces of work on `threads` threads at once: the
// opening, the label before piece `part` (closing the piece before), and
// the closing. Part p runs the same piece whichever thread takes it.
std::string parallelForOpening(int threads, int parts) {
  return fmt::format("  tessel::ThreadPool<{}>::parallelFor({}, [&](int part) {{\n"
                     "    switch (part) {{\n",
                     threads, parts);
}
std::string partLabel(int part, int parts) {
  return std::string(part > 0 ? "      break;\n" : "") +
         (part + 1 < parts ? fmt::format("    case {}:\n", part) : "    default:\n");
}
const char *const kParallelForClosing = "      break;\n    }\n  });\n";

// The call, split into bands when lowering chose so: one case per band,
// each the same kernel call on its own band of the region.
std::string emitKernel(const Network &net, const WeightBlob &weights, const KernelCall &call,
                       int threads, bool hasWorkspace, const std::string &indent) {
  requireInvariant(!hasWorkspace || call.threads == 1, "code generation",
                   "layer {} has a workspace and its call is split across threads", call.layer);
  const std::vector<MapRegion> bands = callBands(call.region, call.threads);
  if (bands.size() == 1)
    return emitLayerCall(net, weights, call, hasWorkspace, indent);
  std::string code = parallelForOpening(threads, int(bands.size()));
  for (size_t i = 0; i < bands.size(); ++i) {
    KernelCall band = call;
    band.region = bands[i];
    code += partLabel(int(i), int(bands.size()));
    code += emitLayerCall(net, weights, band, hasWorkspace, "      ");
  }
  return code + kParallelForClosing;
}

// The code of one operation (not Fork, Join or Comment), `indent` before each line.
std::string emitOperation(const Network &net, const ExecutionPlan &plan, const WeightBlob &weights,
                          const Operation &op, const std::string &indent) {
  const Shape &in = net.layers[0].output;
  const Shape &out = net.layers[size_t(net.outputIndex())].output;
  switch (op.kind) {
  case Operation::Kind::ConvertInput:
    return fmt::format("  tessel::nchwToHwc(input, {}, {}, {}, {});\n", tensorName(0), in.c, in.h,
                       in.w);
  case Operation::Kind::Kernel:
    return "\n" + emitKernel(net, weights, op.call, plan.threads,
                             plan.storage[size_t(op.call.layer)].workspaceBytes > 0, indent);
  case Operation::Kind::ConvertOutputRegion:
    return "\n" + emitOutputConversion(net, op.call, indent);
  case Operation::Kind::ShiftRows: {
    const Shape &s = net.layers[op.shift.layer].output;
    const int64_t rowFloats = int64_t(op.shift.width) * s.c;
    return fmt::format("\n{}// {}: keep the last {} rows of its window\n"
                       "{}tessel::shiftWindow({}, {}, {});\n",
                       indent, commentText(net.layers[op.shift.layer].name), op.shift.rows, indent,
                       tensorName(op.shift.layer, op.shift.copy), op.shift.by * rowFloats,
                       op.shift.rows * rowFloats);
  }
  case Operation::Kind::ConvertOutput:
    return fmt::format("\n  tessel::hwcToNchw({}, output, {}, {}, {});\n",
                       tensorName(net.outputIndex()), out.c, out.h, out.w);
  case Operation::Kind::Comment:
  case Operation::Kind::Fork:
  case Operation::Kind::Join: break;
  }
  return "";
}

std::string emitBody(const Network &net, const ExecutionPlan &plan, const WeightBlob &weights) {
  std::string body;
  int sectionParts = 0, part = -1; // of the parallel section being printed
  // A stream's stripes, collected until the run ends, then folded into loops.
  std::vector<CodeBlock> stripes;
  std::string stripesIndent;
  auto flushStripes = [&] {
    body += foldRepeatedBlocks(stripes, stripesIndent, "stripe");
    stripes.clear();
  };
  for (const Operation &op : plan.operations) {
    const bool inStripe = op.kind != Operation::Kind::Fork && op.kind != Operation::Kind::Join &&
                          (op.kind != Operation::Kind::Comment || op.opensStripe);
    if (!stripes.empty() && (!inStripe || op.part != part))
      flushStripes();
    if (op.part != part && op.part >= 0) // the next part of a section
      body += partLabel(op.part, sectionParts);
    part = op.part;
    const std::string indent = part >= 0 ? "      " : "  ";
    switch (op.kind) {
    case Operation::Kind::Comment:
      if (op.opensStripe) {
        stripes.push_back(CodeBlock{commentText(op.comment), ""});
        stripesIndent = indent;
      } else {
        body += fmt::format("\n{}// ---- {}\n", indent, commentText(op.comment));
      }
      break;
    case Operation::Kind::Fork:
      sectionParts = op.fork.parts;
      body += "\n" + parallelForOpening(plan.threads, op.fork.parts);
      break;
    case Operation::Kind::Join: body += kParallelForClosing; break;
    default:
      (stripes.empty() ? body : stripes.back().code) +=
          emitOperation(net, plan, weights, op, indent);
      break;
    }
  }
  flushStripes();
  return body;
}

std::string emitAllParams(const Network &net, const ExecutionPlan &plan) {
  std::string code;
  const std::vector<std::vector<ChannelSlice>> slices =
      slicesOf(plan.operations, net.layers.size());
  for (int i = 1; i < int(net.layers.size()); ++i) {
    code += emitLayerParams(net, i);
    for (const ChannelSlice &slice : slices[size_t(i)])
      code += emitSliceParams(net, i, slice);
  }
  return code;
}

// What the generated CMakeLists.txt adds for code running on several threads.
std::string threadsLink(const std::string &library, int threads) {
  if (threads <= 1)
    return "";
  return fmt::format("\n# The network runs on {} threads (tessel compile --threads).\n"
                     "find_package(Threads REQUIRED)\n"
                     "target_link_libraries({} PUBLIC Threads::Threads)\n",
                     threads, library);
}

// FNV-1a, 64 bits: the checksum the header states for the weights file. It
// must equal tessel::weightsChecksum (runtime/include/tessel/status.h), which
// NET_check_weights() computes; a unit test holds them together.
uint64_t weightsFileChecksum(const std::vector<char> &blob) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (char byte : blob) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 0x100000001B3ull;
  }
  return hash;
}

// The template values that differ between embedded and external weights.
void addWeightStorageValues(TemplateValues &values, const CodegenOptions &options,
                            const std::string &c, uint64_t checksum) {
  const std::string macro = macroName(c), weightsFile = c + ".weights";
  const std::string symbol = "tessel_" + c + "_weights";
  const std::string runParameters = "const float *input, float *output, void *arena";
  if (!options.externalWeights) {
    values.insert({
        {"weights_storage", "embedded in the library (" + c + "_weights.S)."},
        {"external_weights", "0"},
        {"weights_macros", ""},
        {"run_status_extra", ""},
        {"run_parameters", runParameters},
        {"run_parameters_definition", "const float *input, float *output, void *arena_"},
        {"run_arguments", "input, output, arena"},
        {"check_weights_declaration", ""},
        {"check_weights_definition", ""},
        {"weights_source", fmt::format("// The parameters, {} bytes, embedded by {}_weights.S.\n"
                                       "extern \"C\" const float {}[];\n",
                                       values.at("weights_bytes"), c, symbol)},
        {"weights_null_check", ""},
        {"weights_alignment_check", ""},
        {"weights_pointer", symbol},
        {"languages", "CXX ASM"},
        {"library_sources", c + ".cpp " + c + "_weights.S"},
        {"weights_embedding",
         fmt::format("# The assembler's .incbin reads the parameters from this file.\n"
                     "set_source_files_properties({0}_weights.S PROPERTIES\n"
                     "  COMPILE_DEFINITIONS "
                     "\"TESSEL_WEIGHTS_FILE=\\\"${{CMAKE_CURRENT_SOURCE_DIR}}/{1}\\\"\"\n"
                     "  OBJECT_DEPENDS ${{CMAKE_CURRENT_SOURCE_DIR}}/{1})\n",
                     c, weightsFile)},
        {"demo_weights_definition", ""},
    });
    return;
  }
  values.insert({
      {"weights_storage", fmt::format("given to run() by the caller: the contents of {},\n"
                                      " *         aligned to {}_WEIGHTS_ALIGNMENT; check a blob "
                                      "with {}_check_weights() first.",
                                      weightsFile, macro, c)},
      {"external_weights", "1"},
      {"weights_macros",
       fmt::format("#define {0}_WEIGHTS_ALIGNMENT 64u\n"
                   "#define {0}_WEIGHTS_CHECKSUM 0x{1:016X}ull /* FNV-1a, 64 bits, of {2} */\n",
                   macro, checksum, weightsFile)},
      {"run_status_extra",
       fmt::format(",\n * 3 if the weights are not aligned to {}_WEIGHTS_ALIGNMENT", macro)},
      {"run_parameters", runParameters + ", const void *weights"},
      {"run_parameters_definition",
       "const float *input, float *output, void *arena_, const void *weights"},
      {"run_arguments", "input, output, arena, weights"},
      {"check_weights_declaration",
       fmt::format("\n/* Checks a weights blob before use: 0 if it is {0}_WEIGHTS_BYTES long and "
                   "its FNV-1a\n * checksum is {0}_WEIGHTS_CHECKSUM; 1 if it is null, 4 if its "
                   "size differs, 5 if its\n * checksum does (another network's weights, or "
                   "corrupted). Reads every byte. */\n"
                   "int {1}_check_weights(const void *weights, unsigned long bytes);\n",
                   macro, c)},
      {"check_weights_definition",
       fmt::format("\nextern \"C\" int {0}_check_weights(const void *weights, unsigned long "
                   "bytes) {{\n"
                   "  if (weights == nullptr)\n"
                   "    return tessel::kNullArgument;\n"
                   "  if (bytes != {1}_WEIGHTS_BYTES)\n"
                   "    return tessel::kWrongWeightsSize;\n"
                   "  if (tessel::weightsChecksum(static_cast<const unsigned char *>(weights), "
                   "bytes) !=\n"
                   "      {1}_WEIGHTS_CHECKSUM)\n"
                   "    return tessel::kWrongWeightsChecksum;\n"
                   "  return tessel::kOk;\n"
                   "}}\n",
                   c, macro)},
      {"weights_source", fmt::format("// The parameters, {} bytes ({}), are given to run().\n",
                                     values.at("weights_bytes"), weightsFile)},
      {"weights_null_check", " || weights == nullptr"},
      {"weights_alignment_check",
       "  if (reinterpret_cast<uintptr_t>(weights) % tessel::kWeightsAlignment != 0)\n"
       "    return tessel::kMisalignedWeights;\n"},
      {"weights_pointer", "static_cast<const float *>(weights)"},
      {"languages", "CXX"},
      {"library_sources", c + ".cpp"},
      {"weights_embedding",
       fmt::format("# The parameters are not built in: the caller loads {} and passes it to "
                   "run().\n",
                   weightsFile)},
      {"demo_weights_definition",
       fmt::format("  target_compile_definitions({}_demo PRIVATE\n"
                   "    TESSEL_WEIGHTS_PATH=\"${{CMAKE_CURRENT_SOURCE_DIR}}/{}\")\n",
                   c, weightsFile)},
  });
}

// The values the code templates are filled with.
TemplateValues templateValues(const Network &net, const ExecutionPlan &plan,
                              const WeightBlob &weights, const CodegenOptions &options,
                              const std::string &c, uint64_t weightsChecksum) {
  const Shape &in = net.layers[0].output;
  const Shape &out = net.layers[size_t(net.outputIndex())].output;
  TemplateValues values = {
      {"version", options.version},
      {"source", commentText(options.sourceName)},
      {"c_name", c},
      {"macro", macroName(c)},
      {"guard", "TESSEL_GENERATED_" + macroName(c) + "_H"}, // no clash with a library's guard
      {"header_file", c + ".h"},
      {"source_file", c + ".cpp"},
      {"weights_file", c + ".weights"},
      {"weights_asm_file", c + "_weights.S"},
      {"weights_symbol", "tessel_" + c + "_weights"},
      {"weights_bytes", std::to_string(weights.bytes())},
      // Never 0, so that `unsigned char arena[NET_ARENA_BYTES]` is a valid array.
      {"arena_bytes", std::to_string(std::max(plan.arena.arenaBytes, kArenaAlignment))},
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
      {"summary", commentText(fmt::format("Network '{}': {} layers, {} parameters.", net.name,
                                          net.layers.size() - 1, net.parameterCount()))},
      {"schedule", commentText(formatSchedule(plan.schedule))},
      {"layer_params", emitAllParams(net, plan)},
      {"tensors", emitTensorDeclarations(net, plan)},
      {"body", emitBody(net, plan, weights)},
      {"threads", std::to_string(plan.threads)},
      {"threads_include", plan.threads > 1 ? "#include \"tessel/thread_pool.h\"\n" : ""},
      {"threads_link", threadsLink(c, plan.threads)},
      {"build_flags", buildFlagsCMake(options.buildFlags, c)},
  };
  addWeightStorageValues(values, options, c, weightsChecksum);
  return values;
}

// The files made from the templates, each from the values it uses.
llvm::Error addTemplatedFiles(const TemplateValues &values, const std::string &c,
                              std::vector<GeneratedFile> &files) {
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
      {c + ".h", "network.h.in", {"version",         "source",
                                  "summary",         "input_elements",
                                  "input_shape",     "output_elements",
                                  "output_shape",    "arena_bytes",
                                  "arena_alignment", "guard",
                                  "macro",           "c_name",
                                  "input_c",         "input_h",
                                  "input_w",         "output_c",
                                  "output_h",        "output_w",
                                  "threads",         "weights_bytes",
                                  "weights_storage", "external_weights",
                                  "weights_macros",  "run_status_extra",
                                  "run_parameters",  "check_weights_declaration"}},
      {c + ".cpp",
       "network.cpp.in",
       {"version", "source", "schedule", "header_file", "c_name", "layer_params", "tensors", "body",
        "threads_include", "weights_source", "run_parameters", "run_parameters_definition",
        "run_arguments", "weights_null_check", "weights_alignment_check", "weights_pointer",
        "check_weights_definition"}},
      {c + "_weights.S",
       "weights.S.in",
       {"version", "source", "weights_file", "weights_bytes", "weights_symbol"}},
      {"CMakeLists.txt",
       "CMakeLists.txt.in",
       {"version", "source", "c_name", "languages", "library_sources", "weights_embedding",
        "threads_link", "build_flags", "demo_weights_definition"}},
      {"demo.cpp", "demo.cpp.in", {"version", "source", "c_name", "header_file", "macro"}},
  };
  for (const Output &output : outputs) {
    if (values.at("external_weights") == "1" && output.templateName == std::string("weights.S.in"))
      continue; // nothing to embed
    llvm::Expected<std::string> text = fill(output.templateName, output.keys);
    if (!text)
      return text.takeError();
    files.push_back({output.path, std::move(*text)});
  }
  return llvm::Error::success();
}

// The runtime headers, so the folder builds on its own.
void addRuntimeHeaders(std::vector<GeneratedFile> &files) {
  const std::string runtimePrefix = "runtime/include/";
  for (const EmbeddedFile &file : embeddedFiles())
    if (file.path.substr(0, runtimePrefix.size()) == runtimePrefix)
      files.push_back({"runtime/" + std::string(file.path.substr(runtimePrefix.size())),
                       std::string(file.text)});
}

} // namespace

llvm::Expected<std::string> generatedSymbolName(const Network &net, const CodegenOptions &options) {
  const bool fromOption = !options.symbolName.empty();
  const std::string &name = fromOption ? options.symbolName : net.name;
  const std::string id = cIdentifier(name);
  const std::string problem = symbolNameProblem(id);
  if (problem.empty())
    return id;
  const std::string subject =
      fmt::format("{} '{}'{}", fromOption ? "symbol name" : "network name", name,
                  id == name ? "" : fmt::format(" (as C++ '{}')", id));
  if (fromOption)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s %s", subject.c_str(),
                                   problem.c_str());
  return makeDiagnostic(net.nameLoc, "",
                        fmt::format("{} cannot name the generated code: it {}; rename the network "
                                    "or name the code with --name",
                                    subject, problem));
}

llvm::Expected<GeneratedNetwork> emitNetwork(const Network &net, ExecutionPlan plan,
                                             const CodegenOptions &options) {
  llvm::Expected<std::string> symbol = generatedSymbolName(net, options);
  if (!symbol)
    return symbol.takeError();
  GeneratedNetwork result;
  result.cName = std::move(*symbol);
  result.plan = std::move(plan);
  WeightBlob weights = packWeights(net, slicesOf(result.plan.operations, net.layers.size()));
  result.weightBytes = weights.bytes();

  const std::string &c = result.cName;
  std::vector<char> blob = serializeLittleEndian(weights.data);
  const TemplateValues values =
      templateValues(net, result.plan, weights, options, c, weightsFileChecksum(blob));
  if (llvm::Error error = addTemplatedFiles(values, c, result.files))
    return error;
  result.files.push_back({c + ".weights", std::string(blob.begin(), blob.end())});

  addRuntimeHeaders(result.files);
  return result;
}

} // namespace tessel
