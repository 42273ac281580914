// `tessel compile` as a library call: load a network, resolve the board
// profile and its budget, search the fastest schedule that fits (or lower
// the one given), generate the C++ project with its report, and write the
// output folder. Failures carry their FailureKind (pipeline_error.h).
#pragma once

#include "ir/network.h"
#include "pipeline/network_input.h"
#include "report/compile_report.h"
#include "schedule/execution_plan.h"
#include "search/schedule_search.h"
#include "target/memory_budget.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tessel {

struct CompileOptions {
  std::string networkPath;
  std::optional<std::string> weightsPath; // a Darknet .weights file for a .cfg network
  std::string outputDirectory;
  std::string symbolName;                // "": from the network's name
  std::optional<int64_t> budgetBytes;    // none: the target's default budget
  std::optional<std::string> targetName; // none: kDefaultTargetName unless targetFile is given
  std::string targetFile;                // a profile file instead of a shipped one
  std::optional<int> threads;            // none: the target's `threads`
  std::optional<std::string> schedule;   // none: search; "" runs every layer whole
  std::optional<std::pair<int, int>> inputSize; // height and width instead of the declared ones
  int maxTileGrid = SearchOptions{}.maxTileGrid;
  int maxStreamBands = 1;    // the search tries streams in 1 to this many column bands
  bool branchGroups = true;  // fused groups may span branches (SearchOptions::branchGroups)
  bool channelSplits = true; // the search tries channel splits (SearchOptions::channelSlices)
  // The convolution primitives the search may use besides `direct`
  // (SearchOptions::primitives); empty: direct only. Where the budget counts
  // the weights, the search reserves room for the largest weights they could
  // store, and searches direct only when nothing fits that way.
  std::vector<ConvPrimitive> primitives = SearchOptions{}.primitives;
  bool force = false;           // replace files tessel did not write in the output folder
  bool externalWeights = false; // --weight-storage external (CodegenOptions::externalWeights)
  WarningSink onWarning;        // called as each warning arises; they are also in CompileResult
};

struct CompileResult {
  Network network;      // normalized
  TargetProfile target; // its default budget lowered to its address space
  ExecutionPlan plan;   // the chosen schedule (plan.schedule), its calls and arena
  CompileReport report; // the chosen schedule's figures and the Pareto front
  BudgetUse budget;     // how the arena and weights count against the budget
  std::string symbol;   // the generated symbols' prefix, and the header's name
  int threads = 1;
  int64_t arenaBytes = 0;
  int64_t weightBytes = 0;
  std::vector<std::string> files; // written, relative to the output directory
  std::vector<std::string> warnings;
};

llvm::Expected<CompileResult> compileNetwork(const CompileOptions &options);

} // namespace tessel
