#include "report/compile_report.h"
#include "support/byte_size.h"

#include <fmt/format.h>

namespace tessel {
namespace {

// Layer numbers as users write them: the input is not counted.
std::string rangeText(const GroupSchedule &g) {
  return g.first == g.last ? fmt::format("{}", g.first - 1)
                           : fmt::format("{}-{}", g.first - 1, g.last - 1);
}

std::string extraText(int64_t macs, int64_t layerMacs) {
  if (layerMacs == 0 || macs == layerMacs)
    return "0";
  return fmt::format("{:+.1f}%", 100.0 * double(macs - layerMacs) / double(layerMacs));
}

std::string gigaText(int64_t count) {
  return fmt::format("{:.3f} G", double(count) * 1e-9);
}

} // namespace

std::string formatReportTable(const Network &net, const CompileReport &report,
                              const ExecutionPlan &plan) {
  const ScheduleChoice &chosen = report.chosen;
  std::string text = fmt::format("schedule: {}\n", formatSchedule(chosen.schedule));
  if (report.searched)
    text += fmt::format("  chosen by the search among {} candidate groups in {:.2f} s\n",
                        report.candidates, report.searchSeconds);
  else
    text += "  as given by --schedule\n";
  text += fmt::format("  latency figures: {}\n\n", report.latencySource);

  text += fmt::format("{:>9}  {:<24}  {:<10}  {:>24}  {:>12}  {:>11}  {:>7}\n", "layers", "names",
                      "schedule", "peak bytes", "predicted", "MACs", "extra");
  int64_t macs = 0, layerMacs = 0;
  for (const GroupEstimate &g : chosen.groups) {
    std::string names = net.layers[size_t(g.group.first)].name;
    if (g.group.last != g.group.first)
      names += ".." + net.layers[size_t(g.group.last)].name;
    if (names.size() > 24)
      names = names.substr(0, 21) + "...";
    text += fmt::format("{:>9}  {:<24}  {:<10}  {:>13} {:>10}  {:>9.3f} ms  {:>11}  {:>7}\n",
                        rangeText(g.group), names, groupKindText(g.group), g.peakBytes,
                        "(" + formatBytes(g.peakBytes) + ")", g.seconds * 1e3, gigaText(g.macs),
                        extraText(g.macs, g.layerMacs));
    macs += g.macs;
    layerMacs += g.layerMacs;
  }
  text +=
      fmt::format("\npredicted {:.3f} ms; arena {} bytes ({}; lower bound {}); MACs {} ({} "
                  "over layers)\n",
                  chosen.seconds * 1e3, plan.arena.arenaBytes, formatBytes(plan.arena.arenaBytes),
                  plan.arena.lowerBoundBytes, gigaText(macs), extraText(macs, layerMacs));
  if (report.budgetBytes) {
    const int64_t counted =
        plan.arena.arenaBytes + (report.budgetCountsWeights ? report.weightBytes : 0);
    text += fmt::format("budget {} bytes ({}): {} {} bytes\n", *report.budgetBytes,
                        formatBytes(*report.budgetBytes),
                        report.budgetCountsWeights ? "arena + weights" : "arena", counted);
  }
  if (!report.pareto.empty()) {
    const ParetoPoint &fastest = report.pareto.front();
    const ParetoPoint &smallest = report.pareto.back();
    text += fmt::format("Pareto front: {} schedules, from {:.3f} ms with a {} arena to {:.3f} ms "
                        "with a {} arena\n",
                        report.pareto.size(), fastest.choice.seconds * 1e3,
                        formatBytes(fastest.arenaBytes), smallest.choice.seconds * 1e3,
                        formatBytes(smallest.arenaBytes));
  }
  return text;
}

} // namespace tessel
