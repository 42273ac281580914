// `tessel compile NET.yaml -o DIR [--budget SIZE]`: generates the C++
// project for a network and prints its report.
#include "codegen/network_emitter.h"
#include "driver/byte_size.h"
#include "driver/layer_table.h"
#include "driver/network_loading.h"
#include "driver/options.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace cl = llvm::cl;

namespace tessel::driver {

static cl::opt<std::string> OutputDirectory("o", cl::desc("Output directory"),
                                            cl::value_desc("dir"), cl::Required,
                                            cl::sub(compileCommand()));
static cl::opt<std::string> Budget("budget",
                                   cl::desc("Largest arena allowed (e.g. 4MiB, 512KiB, 3MB)"),
                                   cl::value_desc("size"), cl::sub(compileCommand()));
static cl::opt<std::string> SymbolName(
    "name", cl::value_desc("identifier"),
    cl::desc("Prefix of the generated symbols and files (default: from the network's name)"),
    cl::sub(compileCommand()));
static cl::opt<bool> Quiet("quiet", cl::desc("Print only the summary line"),
                           cl::sub(compileCommand()));

int runCompileCommand() {
  std::optional<int64_t> budget;
  if (!Budget.empty()) {
    llvm::Expected<int64_t> parsed = parseByteSize(Budget);
    if (!parsed)
      return reportError(parsed.takeError(), kExitUsage);
    budget = *parsed;
  }
  llvm::Expected<Network> net = loadNormalizedNetwork();
  if (!net)
    return reportError(net.takeError(), kExitInvalidInput);

  CodegenOptions options;
  options.sourceName = llvm::sys::path::filename(NetworkPath).str();
  options.version = TESSEL_VERSION;
  options.symbolName = SymbolName;
  llvm::Expected<ExecutionPlan> plan = planCommandLineSchedule(*net);
  if (!plan)
    return reportError(plan.takeError(), kExitUsage);
  llvm::Expected<GeneratedNetwork> generated = emitNetwork(*net, std::move(*plan), options);
  if (!generated)
    return reportError(generated.takeError(), kExitInvalidInput);

  const int64_t arenaBytes = generated->plan.arena.arenaBytes;
  if (budget && arenaBytes > *budget)
    return reportError(
        llvm::createStringError(
            llvm::inconvertibleErrorCode(),
            "the network needs an arena of %lld bytes (%s) with the schedule '%s', over the "
            "budget of %lld bytes (%s)",
            (long long)arenaBytes, formatBytes(arenaBytes).c_str(),
            formatSchedule(generated->plan.schedule).c_str(), (long long)*budget,
            formatBytes(*budget).c_str()),
        kExitImpossible);

  if (llvm::Error error = writeFilesAtomically(OutputDirectory, generated->files))
    return reportError(std::move(error), kExitIoError);

  if (!Quiet)
    llvm::outs() << formatLayerTable(*net, generated->plan);
  llvm::outs() << fmt::format(
      "wrote {} files to {}: {} (arena {} bytes{}, weights {} bytes)\n", generated->files.size(),
      OutputDirectory.getValue(), generated->cName + ".h", arenaBytes,
      budget ? fmt::format(", budget {}", *budget) : std::string(), generated->weightBytes);
  return kExitOk;
}

} // namespace tessel::driver
