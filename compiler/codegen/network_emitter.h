// Emits the complete generated project for a network: header, source,
// weights (blob + assembler file embedding it), CMakeLists.txt, a demo
// program and a copy of the runtime headers, so the output folder builds on
// its own, on any machine, for any target.
#pragma once

#include "codegen/build_flags.h"
#include "codegen/file_writer.h"
#include "ir/network.h"
#include "schedule/execution_plan.h"

#include "llvm/Support/Error.h"

namespace tessel {

struct CodegenOptions {
  std::string sourceName; // the description's file name, quoted in comments
  std::string version;    // tessel's version, quoted in comments
  std::string symbolName; // prefix of generated symbols; default: from the network's name
  BuildFlags buildFlags;  // the CPU CMakeLists.txt builds for; none by default
  // Leave the weights out of the library: run() takes them as an argument,
  // and the caller loads NET.weights (from flash, a file, DMA) and may check
  // it with NET_check_weights() first. Default: embedded by NET_weights.S.
  bool externalWeights = false;
};

struct GeneratedNetwork {
  std::string cName;       // identifier prefix of every generated symbol
  ExecutionPlan plan;      // what the code does, and its memory plan
  int64_t weightBytes = 0; // size of the weights blob
  std::vector<GeneratedFile> files;
};

// The identifier every generated symbol and file is named after:
// options.symbolName, else the network's name, made an identifier. An error,
// located at the network's `name:` when the name comes from there, when it
// cannot name C++ symbols (symbolNameProblem()).
llvm::Expected<std::string> generatedSymbolName(const Network &net, const CodegenOptions &options);

// `normalized` must come from normalize(); `plan` from lowerSchedule() on it.
llvm::Expected<GeneratedNetwork> emitNetwork(const Network &normalized, ExecutionPlan plan,
                                             const CodegenOptions &options);

} // namespace tessel
