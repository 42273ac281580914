#include "pipeline/compile_network.h"

#include "analysis/layer_costs.h"
#include "codegen/identifiers.h"
#include "codegen/network_emitter.h"
#include "codegen/output_folder.h"
#include "ops/conv_primitives.h"
#include "pipeline/board_build_flags.h"
#include "pipeline/pipeline_error.h"
#include "plan/arena_planner.h"
#include "search/latency_model.h"
#include "support/limits.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <chrono>

namespace tessel {
namespace {

// The options' checks and choices that come before the network is loaded.
struct Request {
  TargetProfile target;
  std::optional<int64_t> askedBudget; // lowered to the target's address space
  LoweringOptions lowering; // threadedLowering: calls split where the target's figures say it pays
};

// Passes each warning on as it arises and keeps it for the result.
struct Warnings {
  const WarningSink &sink;
  std::vector<std::string> given;

  void operator()(const std::string &warning) {
    if (warning.empty())
      return;
    if (sink)
      sink(warning);
    given.push_back(warning);
  }
};

llvm::Expected<TargetProfile> resolveTarget(const CompileOptions &options) {
  if (options.targetName && !options.targetFile.empty())
    return failureOf(FailureKind::BadRequest, "give either --target or --target-file, not both");
  if (!options.targetFile.empty()) {
    llvm::Expected<TargetProfile> target = loadTargetProfileFile(options.targetFile);
    if (!target)
      return failureOf(FailureKind::InvalidInput, target.takeError());
    return target;
  }
  llvm::Expected<TargetProfile> target =
      loadBuiltinTargetProfile(options.targetName.value_or(kDefaultTargetName));
  if (!target)
    return failureOf(FailureKind::BadRequest, target.takeError());
  return target;
}

llvm::Error checkThreads(const TargetProfile &target, int threads) {
  if (threads < 1 || threads > kMaxThreads)
    return failureOf(FailureKind::BadRequest,
                     fmt::format("--threads must be in [1, {}], got {}", kMaxThreads, threads));
  if (threads > 1 && !hasThreads(target))
    return failureOf(FailureKind::BadRequest,
                     fmt::format("--threads {}: target {} runs bare metal ({}), without threads; "
                                 "its generated code runs on one thread",
                                 threads, target.name, target.triple.str()));
  return llvm::Error::success();
}

llvm::Expected<Request> resolveRequest(const CompileOptions &options, Warnings &warn) {
  llvm::Expected<TargetProfile> target = resolveTarget(options);
  if (!target)
    return target.takeError();
  Request request{std::move(*target), options.budgetBytes, {}};
  warn(limitBudgetToAddressSpace(request.target, request.askedBudget));
  const int threads = options.threads.value_or(request.target.threads);
  if (llvm::Error error = checkThreads(request.target, threads))
    return error;
  request.lowering = threadedLowering(threads, request.target.latency);
  if (!options.symbolName.empty())
    if (const std::string problem = symbolNameProblem(cIdentifier(options.symbolName));
        !problem.empty())
      return failureOf(FailureKind::BadRequest,
                       fmt::format("--name '{}' {}", options.symbolName, problem));
  return request;
}

// More than the weight blob can take when each convolution computes with
// the primitive among `primitives` (or direct) that stores the most: every
// tensor is 64-byte aligned in it. The search keeps this much of a budget
// that counts weights free for them; the exact size is checked once the
// code is generated.
int64_t weightBytesUpperBound(const Network &net, const std::vector<ConvPrimitive> &primitives) {
  int64_t bytes = 0;
  for (int i = 1; i < int(net.layers.size()); ++i) {
    int64_t extra = 0;
    for (ConvPrimitive primitive : primitives)
      extra = std::max(extra, 4 * primitiveExtraWeightFloats(OpSite(net, i), primitive));
    bytes += alignUp(layerWeightBytes(net, i) + extra) + 2 * kArenaAlignment;
  }
  return bytes;
}

// The fastest schedule that fits the budget, recorded in `report`. Where
// the budget counts the weights, the search reserves room for the largest
// weights its primitives could store; when nothing fits that way, it
// searches again with every convolution direct, whose weights are smaller.
llvm::Expected<ExecutionPlan> searchPlan(Network &net, const Request &request,
                                         const CompileOptions &options, CompileReport &report) {
  SearchOptions searchOptions;
  searchOptions.maxTileGrid = options.maxTileGrid;
  searchOptions.stripeBands.clear();
  for (int bands = 1; bands <= options.maxStreamBands; ++bands)
    searchOptions.stripeBands.push_back(bands);
  searchOptions.threads = request.lowering.threads;
  searchOptions.branchGroups = options.branchGroups;
  if (!options.channelSplits)
    searchOptions.channelSlices.clear();
  std::vector<std::vector<ConvPrimitive>> attempts = {options.primitives};
  if (countsWeights(request.target) && !options.primitives.empty())
    attempts.push_back({}); // direct only: its weights leave the arena more room
  const auto start = std::chrono::steady_clock::now();
  int64_t weightBound = 0;
  std::optional<ArenaLimit> limit;
  std::optional<SearchOutcome> outcome;
  for (size_t attempt = 0; attempt < attempts.size(); ++attempt) {
    const bool last = attempt + 1 == attempts.size();
    searchOptions.primitives = attempts[attempt];
    weightBound = weightBytesUpperBound(net, searchOptions.primitives);
    llvm::Expected<ArenaLimit> found =
        searchArenaLimit(request.target, report.budgetBytes, weightBound);
    if (!found) {
      if (last)
        return failureOf(FailureKind::Impossible, found.takeError());
      llvm::consumeError(found.takeError());
      continue;
    }
    limit = *found;
    llvm::Expected<SearchOutcome> searched =
        searchSchedule(net, request.target.latency, searchOptions, limit->bytes);
    if (!searched)
      return failureOf(FailureKind::InvalidInput, searched.takeError());
    outcome = std::move(*searched);
    if (outcome->fits)
      break;
  }
  report.searchSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!outcome->fits)
    return failureOf(
        FailureKind::Impossible,
        noScheduleFits(request.target, *limit, request.askedBudget, outcome->plan.arena.arenaBytes,
                       weightBound, formatSchedule(outcome->choice.schedule),
                       fmt::format("searched {} candidate groups, tiles up to {}x{}",
                                   outcome->candidates, options.maxTileGrid, options.maxTileGrid)));
  applyPrimitives(net, outcome->choice.schedule);
  report.searched = true;
  report.candidates = outcome->candidates;
  report.chosen = outcome->choice;
  report.pareto = std::move(outcome->pareto);
  return std::move(outcome->plan);
}

// The schedule given in the options, or the one the search picks.
llvm::Expected<ExecutionPlan> choosePlan(Network &net, const Request &request,
                                         const CompileOptions &options, CompileReport &report) {
  if (!options.schedule)
    return searchPlan(net, request, options, report);
  llvm::Expected<ExecutionPlan> given = planScheduleText(*options.schedule, net, request.lowering);
  if (!given)
    return failureOf(FailureKind::BadRequest, given.takeError());
  report.chosen = describeSchedule(net, *given, request.target.latency);
  return given;
}

CompileReport startReport(const Network &net, const Request &request) {
  CompileReport report;
  report.network = net.name;
  report.input = net.layers[0].output;
  report.target = request.target.name;
  report.threads = request.lowering.threads;
  report.budgetBytes = effectiveBudget(request.target, request.askedBudget);
  report.budgetCountsWeights = countsWeights(request.target);
  report.latencySource = request.target.latency.source;
  return report;
}

// report.json, pareto.svg and arena.svg, written beside the code.
void addReportFiles(const Network &net, const CompileReport &report, GeneratedNetwork &generated) {
  std::string json;
  llvm::raw_string_ostream jsonStream(json);
  jsonStream << llvm::formatv("{0:2}", reportJson(net, report, generated.plan)) << "\n";
  jsonStream.flush();
  generated.files.push_back({"report.json", json});
  generated.files.push_back({"pareto.svg", paretoSvg(report, generated.plan)});
  generated.files.push_back({"arena.svg", arenaSvg(net, generated.plan)});
}

// Generates the code for `plan`, checks it fits and writes the folder.
llvm::Error generate(const CompileOptions &options, const CodegenOptions &codegen,
                     const Request &request, ExecutionPlan plan, CompileResult &result) {
  llvm::Expected<GeneratedNetwork> generated =
      emitNetwork(result.network, std::move(plan), codegen);
  if (!generated)
    return failureOf(FailureKind::InvalidInput, generated.takeError());
  result.arenaBytes = generated->plan.arena.arenaBytes;
  result.weightBytes = generated->weightBytes;
  llvm::Expected<BudgetUse> use =
      checkGeneratedFits(request.target, result.arenaBytes, result.weightBytes, request.askedBudget,
                         formatSchedule(generated->plan.schedule));
  if (!use)
    return failureOf(FailureKind::Impossible, use.takeError());
  result.budget = *use;
  result.report.weightBytes = result.weightBytes;
  addReportFiles(result.network, result.report, *generated);

  OutputFolderOptions folder;
  folder.force = options.force;
  folder.inputs = {options.networkPath, result.network.weightsFile, options.targetFile};
  if (llvm::Error error = writeOutputFolder(options.outputDirectory, generated->files, folder))
    return failureOf(FailureKind::CannotWrite, std::move(error));
  for (const GeneratedFile &file : generated->files)
    result.files.push_back(file.path);
  result.symbol = generated->cName;
  result.plan = std::move(generated->plan);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<CompileResult> compileNetwork(const CompileOptions &options) {
  Warnings warn{options.onWarning, {}};
  llvm::Expected<Request> request = resolveRequest(options, warn);
  if (!request)
    return request.takeError();
  LoadOptions load;
  load.inputSize = options.inputSize;
  load.weightsPath = options.weightsPath;
  llvm::Expected<Network> net =
      loadNormalizedNetwork(options.networkPath, load, [&](const std::string &w) { warn(w); });
  if (!net)
    return failureOf(FailureKind::InvalidInput, net.takeError());
  CodegenOptions codegen;
  codegen.sourceName = llvm::sys::path::filename(options.networkPath).str();
  codegen.version = TESSEL_VERSION;
  codegen.symbolName = options.symbolName;
  codegen.externalWeights = options.externalWeights;
  codegen.buildFlags = buildFlagsFor(request->target);
  // Before the search, so a name that cannot be used fails fast.
  if (llvm::Expected<std::string> symbol = generatedSymbolName(*net, codegen); !symbol)
    return failureOf(FailureKind::InvalidInput, symbol.takeError());
  if (options.maxTileGrid < 1 || options.maxTileGrid > 64)
    return failureOf(FailureKind::BadRequest, "--max-grid must be between 1 and 64");
  if (options.maxStreamBands < 1 || options.maxStreamBands > 64)
    return failureOf(FailureKind::BadRequest, "--max-bands must be between 1 and 64");

  CompileResult result;
  result.network = std::move(*net);
  result.report = startReport(result.network, *request);
  llvm::Expected<ExecutionPlan> plan = choosePlan(result.network, *request, options, result.report);
  if (!plan)
    return plan.takeError();
  if (llvm::Error error = generate(options, codegen, *request, std::move(*plan), result))
    return error;
  result.target = std::move(request->target);
  result.threads = request->lowering.threads;
  result.warnings = std::move(warn.given);
  return result;
}

} // namespace tessel
