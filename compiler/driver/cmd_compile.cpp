// `tessel compile NET.yaml -o DIR [--budget SIZE] [--target BOARD] [--threads N]`:
// generates the C++ project for a network and prints its report.
#include "codegen/network_emitter.h"
#include "driver/byte_size.h"
#include "driver/layer_table.h"
#include "driver/network_loading.h"
#include "driver/options.h"
#include "target/memory_budget.h"
#include "target/target_profile.h"

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
  if (TargetName.getNumOccurrences() > 0 && !TargetFile.empty())
    return reportError(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                               "give either --target or --target-file, not both"),
                       kExitUsage);
  llvm::Expected<TargetProfile> target =
      TargetFile.empty() ? loadBuiltinTargetProfile(TargetName) : loadTargetProfileFile(TargetFile);
  if (!target)
    return reportError(target.takeError(), TargetFile.empty() ? kExitUsage : kExitInvalidInput);
  LoweringOptions lowering;
  lowering.threads = Threads.getNumOccurrences() > 0 ? int(Threads) : target->threads;
  if (lowering.threads < 1 || lowering.threads > kMaxThreads)
    return reportError(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                               "--threads must be in [1, %d], got %d", kMaxThreads,
                                               lowering.threads),
                       kExitUsage);
  if (lowering.threads > 1 && !hasThreads(*target))
    return reportError(llvm::createStringError(
                           llvm::inconvertibleErrorCode(),
                           "--threads %d: target %s runs bare metal (%s), without threads; "
                           "its generated code runs on one thread",
                           lowering.threads, target->name.c_str(), target->triple.str().c_str()),
                       kExitUsage);
  llvm::Expected<Network> net = loadNormalizedNetwork();
  if (!net)
    return reportError(net.takeError(), kExitInvalidInput);

  CodegenOptions options;
  options.sourceName = llvm::sys::path::filename(NetworkPath).str();
  options.version = TESSEL_VERSION;
  options.symbolName = SymbolName;
  llvm::Expected<ExecutionPlan> plan = planCommandLineSchedule(*net, lowering);
  if (!plan)
    return reportError(plan.takeError(), kExitUsage);
  llvm::Expected<GeneratedNetwork> generated = emitNetwork(*net, std::move(*plan), options);
  if (!generated)
    return reportError(generated.takeError(), kExitInvalidInput);

  const int64_t arenaBytes = generated->plan.arena.arenaBytes;
  const BudgetUse use = accountBudget(*target, arenaBytes, generated->weightBytes, budget);
  if (!use.fits()) {
    const bool arenaOnly = target->budgetCounts == std::vector<BudgetItem>{BudgetItem::Arena};
    const std::string needs =
        arenaOnly ? fmt::format("an arena of {} bytes ({})", arenaBytes, formatBytes(arenaBytes))
                  : fmt::format("{} bytes ({}: {})", use.countedBytes,
                                formatBytes(use.countedBytes), use.counted);
    const std::string whichBudget =
        use.budgetFromCommandLine ? "budget" : target->name + "'s default budget";
    return reportError(
        llvm::createStringError(llvm::inconvertibleErrorCode(),
                                "the network needs %s with the schedule '%s', over the %s of %lld "
                                "bytes (%s)",
                                needs.c_str(), formatSchedule(generated->plan.schedule).c_str(),
                                whichBudget.c_str(), (long long)*use.budget,
                                formatBytes(*use.budget).c_str()),
        kExitImpossible);
  }

  if (llvm::Error error = writeFilesAtomically(OutputDirectory, generated->files))
    return reportError(std::move(error), kExitIoError);

  if (!Quiet)
    llvm::outs() << formatLayerTable(*net, generated->plan);
  // "..., target rpi4: arena + weights 1234 bytes of budget 1073741824)"
  const std::string budgetText =
      use.budget
          ? fmt::format(" of {}budget {}", use.budgetFromCommandLine ? "" : "default ", *use.budget)
          : std::string(", no budget");
  llvm::outs() << fmt::format(
      "wrote {} files to {}: {} (arena {} bytes, weights {} bytes; target {}: {} {} bytes{}; "
      "{} thread{})\n",
      generated->files.size(), OutputDirectory.getValue(), generated->cName + ".h", arenaBytes,
      generated->weightBytes, target->name, use.counted, use.countedBytes, budgetText,
      lowering.threads, lowering.threads == 1 ? "" : "s");
  return kExitOk;
}

} // namespace tessel::driver
