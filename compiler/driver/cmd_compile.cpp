// `tessel compile NET.yaml -o DIR [--budget SIZE] [--target BOARD] [--threads N] [--force]`:
// searches the fastest schedule that fits the budget (unless --schedule
// gives one), generates the C++ project for it and writes the report beside
// it (report.json, pareto.svg, arena.svg), all in one step that replaces only
// tessel's own earlier output (codegen/output_folder.h).
#include "analysis/layer_costs.h"
#include "codegen/identifiers.h"
#include "codegen/network_emitter.h"
#include "codegen/output_folder.h"
#include "driver/layer_table.h"
#include "driver/network_loading.h"
#include "driver/options.h"
#include "plan/arena_planner.h"
#include "report/compile_report.h"
#include "search/schedule_search.h"
#include "support/byte_size.h"
#include "target/memory_budget.h"
#include "target/target_profile.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

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
static cl::opt<int> MaxTileGrid("max-grid", cl::init(SearchOptions{}.maxTileGrid),
                                cl::value_desc("n"),
                                cl::desc("Largest tile grid the search tries (n x n)"),
                                cl::sub(compileCommand()));

namespace {

// More than the weight blob can take: every tensor is 64-byte aligned in it.
// The search keeps this much of a budget that counts weights free for them;
// the exact size is checked once the code is generated.
int64_t weightBytesUpperBound(const Network &net) {
  int64_t bytes = 0;
  for (int i = 1; i < int(net.layers.size()); ++i)
    bytes += alignUp(layerWeightBytes(net, i)) + 2 * kArenaAlignment;
  return bytes;
}

bool countsWeights(const TargetProfile &target) {
  return std::find(target.budgetCounts.begin(), target.budgetCounts.end(), BudgetItem::Weights) !=
         target.budgetCounts.end();
}

llvm::Error impossibleBudget(const SearchOutcome &outcome, int64_t budget, bool fromCommandLine,
                             const TargetProfile &target, int64_t weightBound) {
  const int64_t arena = outcome.plan.arena.arenaBytes;
  const std::string whichBudget = fromCommandLine ? "budget" : target.name + "'s default budget";
  std::string needs = fmt::format("{} bytes ({})", arena, formatBytes(arena));
  if (countsWeights(target))
    needs = fmt::format("an arena of {} plus up to {} bytes of weights", needs, weightBound);
  else
    needs = "an arena of " + needs;
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "no schedule fits the %s of %lld bytes (%s): the smallest tessel reaches is %s, with the "
      "schedule '%s' (searched %zu candidate groups, tiles up to %dx%d)",
      whichBudget.c_str(), (long long)budget, formatBytes(budget).c_str(), needs.c_str(),
      formatSchedule(outcome.choice.schedule).c_str(), outcome.candidates, MaxTileGrid.getValue(),
      MaxTileGrid.getValue());
}

// The network needs more than the target can address, whatever the budget.
llvm::Error beyondAddressSpace(const TargetProfile &target, const std::string &needs) {
  const int64_t addressable = addressableBytes(target);
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      fmt::format("{}, more than {} can address: at most {} bytes ({}) of arena and weights", needs,
                  describeAddressSpace(target), addressable, formatBytes(addressable)));
}

// A budget beyond the target's address space means "as much as it can take":
// it is lowered to that limit, with a warning.
void clampBudget(std::optional<int64_t> &budget, const TargetProfile &target,
                 const std::string &what) {
  const int64_t addressable = addressableBytes(target);
  if (!budget || *budget <= addressable)
    return;
  llvm::WithColor::warning(llvm::errs(), "tessel") << fmt::format(
      "{} of {} bytes ({}) is more than {} can address; using {} bytes ({})\n", what, *budget,
      formatBytes(*budget), describeAddressSpace(target), addressable, formatBytes(addressable));
  budget = addressable;
}

} // namespace

int runCompileCommand() {
  std::optional<int64_t> budget;
  if (Budget.getNumOccurrences() > 0) { // even when empty: '' is not a size
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
  if (budget)
    clampBudget(budget, *target, "--budget");
  else
    clampBudget(target->defaultBudget, *target, target->name + "'s default budget");
  const int64_t addressable = addressableBytes(*target);
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
  if (!SymbolName.empty())
    if (const std::string problem = symbolNameProblem(cIdentifier(SymbolName)); !problem.empty())
      return reportError(llvm::createStringError(llvm::inconvertibleErrorCode(), "--name '%s' %s",
                                                 SymbolName.c_str(), problem.c_str()),
                         kExitUsage);
  llvm::Expected<Network> net = loadNormalizedNetwork();
  if (!net)
    return reportError(net.takeError(), kExitInvalidInput);
  CodegenOptions options;
  options.sourceName = llvm::sys::path::filename(NetworkPath).str();
  options.version = TESSEL_VERSION;
  options.symbolName = SymbolName;
  // Before the search, so a name that cannot be used fails fast.
  if (llvm::Expected<std::string> symbol = generatedSymbolName(*net, options); !symbol)
    return reportError(symbol.takeError(), kExitInvalidInput);

  if (MaxTileGrid < 1 || MaxTileGrid > 64)
    return reportError(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                               "--max-grid must be between 1 and 64"),
                       kExitUsage);

  CompileReport report;
  report.network = net->name;
  report.input = net->layers[0].output;
  report.target = target->name;
  report.threads = lowering.threads;
  report.budgetBytes = budget ? budget : target->defaultBudget;
  report.budgetCountsWeights = countsWeights(*target);
  report.latencySource = target->latency.source;

  ExecutionPlan plan;
  if (ScheduleOption.getNumOccurrences() > 0) {
    llvm::Expected<ExecutionPlan> given = planCommandLineSchedule(*net, lowering);
    if (!given)
      return reportError(given.takeError(), kExitUsage);
    plan = std::move(*given);
    report.chosen = describeSchedule(*net, plan, target->latency);
  } else {
    std::optional<int64_t> arenaBudget;
    const int64_t weightBound = weightBytesUpperBound(*net);
    if (weightBound >= addressable)
      return reportError(
          beyondAddressSpace(*target, fmt::format("the weights take up to {} bytes", weightBound)),
          kExitImpossible);
    if (report.budgetBytes)
      arenaBudget = *report.budgetBytes - (report.budgetCountsWeights ? weightBound : 0);
    // The address space bounds the arena even without a budget.
    const bool addressBound = !arenaBudget || *arenaBudget >= addressable - weightBound;
    if (addressBound)
      arenaBudget = addressable - weightBound;
    SearchOptions searchOptions;
    searchOptions.maxTileGrid = MaxTileGrid;
    searchOptions.lowering = lowering;
    const auto start = std::chrono::steady_clock::now();
    llvm::Expected<SearchOutcome> outcome =
        searchSchedule(*net, target->latency, searchOptions, arenaBudget);
    if (!outcome)
      return reportError(outcome.takeError(), kExitInvalidInput);
    report.searchSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!outcome->fits && addressBound)
      return reportError(
          beyondAddressSpace(*target,
                             fmt::format("the smallest arena tessel reaches is {} bytes ({}), "
                                         "with up to {} bytes of weights",
                                         outcome->plan.arena.arenaBytes,
                                         formatBytes(outcome->plan.arena.arenaBytes), weightBound)),
          kExitImpossible);
    if (!outcome->fits)
      return reportError(
          impossibleBudget(*outcome, *report.budgetBytes, budget.has_value(), *target, weightBound),
          kExitImpossible);
    report.searched = true;
    report.candidates = outcome->candidates;
    report.chosen = outcome->choice;
    report.pareto = std::move(outcome->pareto);
    plan = std::move(outcome->plan);
  }

  llvm::Expected<GeneratedNetwork> generated = emitNetwork(*net, std::move(plan), options);
  if (!generated)
    return reportError(generated.takeError(), kExitInvalidInput);

  const int64_t arenaBytes = generated->plan.arena.arenaBytes;
  if (arenaBytes + generated->weightBytes > addressable)
    return reportError(
        beyondAddressSpace(*target,
                           fmt::format("the network needs an arena of {} bytes ({}) and {} "
                                       "bytes of weights with the schedule '{}'",
                                       arenaBytes, formatBytes(arenaBytes), generated->weightBytes,
                                       formatSchedule(generated->plan.schedule))),
        kExitImpossible);
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

  report.weightBytes = generated->weightBytes;
  std::string json;
  llvm::raw_string_ostream jsonStream(json);
  jsonStream << llvm::formatv("{0:2}", reportJson(*net, report, generated->plan)) << "\n";
  jsonStream.flush();
  generated->files.push_back({"report.json", json});
  generated->files.push_back({"pareto.svg", paretoSvg(report, generated->plan)});
  generated->files.push_back({"arena.svg", arenaSvg(*net, generated->plan)});

  OutputFolderOptions folder;
  folder.force = Force;
  folder.inputs = {NetworkPath, net->weightsFile, TargetFile};
  if (llvm::Error error = writeOutputFolder(OutputDirectory, generated->files, folder))
    return reportError(std::move(error), kExitIoError);

  if (!Quiet)
    llvm::outs() << formatLayerTable(*net, generated->plan) << "\n"
                 << formatReportTable(*net, report, generated->plan);
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
