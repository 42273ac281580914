// `tessel compile NET.yaml -o DIR [--budget SIZE] [--target BOARD] [--threads N] [--force]`:
// searches the fastest schedule that fits the budget (unless --schedule
// gives one), generates the C++ project for it and writes the report beside
// it (report.json, pareto.svg, arena.svg), all in one step that replaces only
// tessel's own earlier output (codegen/output_folder.h). The work is
// compileNetwork() (pipeline/compile_network.h); this file reads the options
// and prints.
#include "driver/layer_table.h"
#include "driver/options.h"
#include "ops/conv_primitives.h"
#include "pipeline/compile_network.h"
#include "support/byte_size.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>

namespace cl = llvm::cl;

namespace tessel::driver {

static cl::opt<std::string> OutputDirectory("o", cl::desc("Output directory"),
                                            cl::value_desc("dir"), cl::Required,
                                            cl::sub(compileCommand()));
static cl::opt<std::string>
    Budget("budget",
           cl::desc("Largest arena allowed (e.g. 4MiB, 512KiB, 3MB); more than the target can "
                    "address (2 GiB - 1 on 32-bit boards) is lowered to that"),
           cl::value_desc("size"), cl::sub(compileCommand()));
static cl::opt<std::string> SymbolName(
    "name", cl::value_desc("identifier"),
    cl::desc("Prefix of the generated symbols and files (default: from the network's name)"),
    cl::sub(compileCommand()));
static cl::opt<std::string>
    TargetName("target", cl::init(kDefaultTargetName), cl::value_desc("board"),
               cl::desc("Board profile from targets/: host (default), rpi3, rpi4, rpi5, "
                        "rpi-zero2, cortex-m33, cortex-m0plus. Sets what counts against the "
                        "budget and the default budget"),
               cl::sub(compileCommand()));
static cl::opt<std::string> TargetFile("target-file", cl::value_desc("profile.yaml"),
                                       cl::desc("Read the board profile from a file instead"),
                                       cl::sub(compileCommand()));
static cl::opt<int> Threads("threads", cl::value_desc("N"),
                            cl::desc("Threads the generated code runs on (default: the target's "
                                     "`threads`: 1 for host and bare-metal boards, 4 for the "
                                     "Raspberry Pis)"),
                            cl::sub(compileCommand()));
static cl::opt<bool> Force("force",
                           cl::desc("Replace files in the output directory that tessel did not "
                                    "write there, or that changed since it did"),
                           cl::sub(compileCommand()));
static cl::opt<bool> Quiet("quiet", cl::desc("Print only the summary line"),
                           cl::sub(compileCommand()));
enum class WeightStorage { Embedded, External };
static cl::opt<WeightStorage> WeightStorageOption(
    "weight-storage", cl::init(WeightStorage::Embedded),
    cl::desc("Where the generated code finds its weights"),
    cl::values(clEnumValN(WeightStorage::Embedded, "embedded",
                          "built into the library from NET.weights (default)"),
               clEnumValN(WeightStorage::External, "external",
                          "passed to run() by the caller, who loads NET.weights (flash, file, "
                          "DMA); NET_check_weights() checks its size and checksum")),
    cl::sub(compileCommand()));
static cl::opt<int> MaxTileGrid("max-grid", cl::init(SearchOptions{}.maxTileGrid),
                                cl::value_desc("n"),
                                cl::desc("Largest tile grid the search tries (n x n)"),
                                cl::sub(compileCommand()));
static cl::opt<int> MaxStreamBands(
    "max-bands", cl::init(1), cl::value_desc("n"),
    cl::desc("Most column bands the search tries for a stream, streamHxB (default 1: full-width "
             "stripes only)"),
    cl::sub(compileCommand()));
static cl::opt<bool> NoBranchGroups(
    "no-branch-groups", cl::init(false),
    cl::desc("Fuse chains of layers only: no tile or stream group spanning a residual block or "
             "the branches of a concat"),
    cl::sub(compileCommand()));

static cl::opt<bool> NoChannelSplits(
    "no-channel-splits", cl::init(false),
    cl::desc("Leave channel splits (channels N, tile RxC+channels N) out of the search"),
    cl::sub(compileCommand()));

static cl::opt<std::string> PrimitivesOption(
    "primitives", cl::init("all"), cl::value_desc("list"),
    cl::desc(
        "Convolution primitives the search may choose per layer, comma-separated: direct, "
        "im2row, winograd2, winograd4, or all (default). 'direct' alone forces the direct kernels; "
        "direct is always allowed. A --schedule names its own (\"...; winograd4: 2-5\")"),
    cl::sub(compileCommand()));

namespace {

// --primitives: those besides direct the search may use.
llvm::Expected<std::vector<ConvPrimitive>> parsePrimitives(llvm::StringRef text) {
  if (text.trim() == "all")
    return SearchOptions{}.primitives;
  llvm::SmallVector<llvm::StringRef, 4> names;
  text.split(names, ',');
  std::vector<ConvPrimitive> primitives;
  for (llvm::StringRef name : names) {
    std::optional<ConvPrimitive> primitive = primitiveNamed(name.trim());
    if (!primitive)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "--primitives: unknown primitive '%s' (expected direct, "
                                     "im2row, winograd2, winograd4 or all)",
                                     name.trim().str().c_str());
    if (*primitive != ConvPrimitive::Direct &&
        std::find(primitives.begin(), primitives.end(), *primitive) == primitives.end())
      primitives.push_back(*primitive);
  }
  return primitives;
}

// The options as compileNetwork() takes them; --budget is parsed here.
llvm::Expected<CompileOptions> compileOptions() {
  CompileOptions options;
  if (Budget.getNumOccurrences() > 0) { // even when empty: '' is not a size
    llvm::Expected<int64_t> parsed = parseByteSize(Budget);
    if (!parsed)
      return parsed.takeError();
    options.budgetBytes = *parsed;
  }
  llvm::Expected<std::optional<std::pair<int, int>>> inputSize = parsedInputSize();
  if (!inputSize)
    return inputSize.takeError();
  options.inputSize = *inputSize;
  options.networkPath = NetworkPath;
  options.weightsPath = weightsPathOption();
  options.outputDirectory = OutputDirectory;
  options.symbolName = SymbolName;
  if (TargetName.getNumOccurrences() > 0)
    options.targetName = TargetName;
  options.targetFile = TargetFile;
  if (Threads.getNumOccurrences() > 0)
    options.threads = Threads;
  if (ScheduleOption.getNumOccurrences() > 0)
    options.schedule = ScheduleOption;
  options.maxTileGrid = MaxTileGrid;
  options.maxStreamBands = MaxStreamBands;
  options.branchGroups = !NoBranchGroups;
  options.channelSplits = !NoChannelSplits;
  llvm::Expected<std::vector<ConvPrimitive>> primitives = parsePrimitives(PrimitivesOption);
  if (!primitives)
    return primitives.takeError();
  options.primitives = std::move(*primitives);
  options.force = Force;
  options.externalWeights = WeightStorageOption == WeightStorage::External;
  options.onWarning = printWarning;
  return options;
}

// "wrote 9 files to out: tiny_chain.h (arena 1234 bytes, weights 5678 bytes;
// target rpi4: arena + weights 6912 bytes of budget 1073741824; 4 threads)"
std::string summaryLine(const CompileResult &result) {
  const BudgetUse &use = result.budget;
  const std::string budgetText =
      use.budget
          ? fmt::format(" of {}budget {}", use.budgetFromCommandLine ? "" : "default ", *use.budget)
          : std::string(", no budget");
  return fmt::format(
      "wrote {} files to {}: {} (arena {} bytes, weights {} bytes; target {}: {} {} bytes{}; "
      "{} thread{})\n",
      result.files.size(), OutputDirectory.getValue(), result.symbol + ".h", result.arenaBytes,
      result.weightBytes, result.target.name, use.counted, use.countedBytes, budgetText,
      result.threads, result.threads == 1 ? "" : "s");
}

} // namespace

int runCompileCommand() {
  llvm::Expected<CompileOptions> options = compileOptions();
  if (!options)
    return reportError(options.takeError(), kExitUsage);
  llvm::Expected<CompileResult> result = compileNetwork(*options);
  if (!result)
    return reportFailure(result.takeError());
  if (!Quiet)
    llvm::outs() << formatLayerTable(result->network, result->plan) << "\n"
                 << formatReportTable(result->network, result->report, result->plan);
  llvm::outs() << summaryLine(*result);
  return kExitOk;
}

} // namespace tessel::driver
