// What `tessel compile` tells about its choice, in three forms written
// beside the generated code: a table for people (also printed), report.json
// for tools, and two pictures — the Pareto front of predicted latency
// against peak memory with the chosen point marked (pareto.svg), and the
// arena's occupancy over the execution (arena.svg).
#pragma once

#include "search/schedule_search.h"

#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace tessel {

struct CompileReport {
  std::string network;
  Shape input;
  std::string target;
  int threads = 1;
  std::optional<int64_t> budgetBytes; // as given or the target's default
  bool budgetCountsWeights = false;   // Linux boards: arena + weights against the budget
  int64_t weightBytes = 0;
  std::string latencySource; // where the latency figures come from
  bool searched = false;     // false when the schedule came from --schedule
  size_t candidates = 0;
  double searchSeconds = 0;
  ScheduleChoice chosen;
  std::vector<ParetoPoint> pareto; // fastest first
};

// The human table: one row per group with its schedule, peak, predicted
// time, MACs and extra MACs over `layers`, and a summary.
std::string formatReportTable(const Network &normalized, const CompileReport &report,
                              const ExecutionPlan &plan);

llvm::json::Value reportJson(const Network &normalized, const CompileReport &report,
                             const ExecutionPlan &plan);

// Predicted latency against peak memory for every point of the front.
std::string paretoSvg(const CompileReport &report, const ExecutionPlan &plan);

// Each buffer as a rectangle: steps across, arena offsets down.
std::string arenaSvg(const Network &normalized, const ExecutionPlan &plan);

} // namespace tessel
