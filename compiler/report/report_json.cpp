#include "report/compile_report.h"

#include "ops/conv_primitives.h"

namespace tessel {
namespace {

llvm::json::Value groupJson(const GroupEstimate &g) {
  return llvm::json::Object{{"first", g.group.first - 1},
                            {"last", g.group.last - 1},
                            {"kind", groupKindName(g.group)},
                            {"schedule", groupKindText(g.group)},
                            {"peak_bytes", g.peakBytes},
                            {"predicted_ms", g.seconds * 1e3},
                            {"macs", g.macs},
                            {"extra_macs", g.macs - g.layerMacs}};
}

} // namespace

llvm::json::Value reportJson(const Network &net, const CompileReport &report,
                             const ExecutionPlan &plan) {
  const ScheduleChoice &chosen = report.chosen;
  llvm::json::Array groups, pareto, convolutions;
  for (int layer = 1; layer < int(net.layers.size()); ++layer) {
    const Layer &conv = net.layers[size_t(layer)];
    if (conv.op != OpKind::Conv2d)
      continue;
    const KernelWindow &w = conv.conv().window;
    const Shape &in = net.layers[size_t(conv.inputs.front())].output;
    convolutions.push_back(llvm::json::Object{
        {"layer", layer - 1},
        {"name", conv.name},
        {"input", llvm::json::Array{in.c, in.h, in.w}},
        {"output", llvm::json::Array{conv.output.c, conv.output.h, conv.output.w}},
        {"kernel", llvm::json::Array{w.kernelH, w.kernelW}},
        {"stride", llvm::json::Array{w.strideH, w.strideW}},
        {"groups", conv.conv().groups},
        {"primitive", primitiveName(primitiveOf(conv))},
        {"workspace_bytes", plan.storage[size_t(layer)].workspaceBytes}});
  }
  int64_t macs = 0, layerMacs = 0;
  for (const GroupEstimate &g : chosen.groups) {
    groups.push_back(groupJson(g));
    macs += g.macs;
    layerMacs += g.layerMacs;
  }
  for (const ParetoPoint &point : report.pareto)
    pareto.push_back(llvm::json::Object{{"schedule", formatSchedule(point.choice.schedule)},
                                        {"predicted_ms", point.choice.seconds * 1e3},
                                        {"peak_bytes", point.choice.peakBytes},
                                        {"arena_bytes", point.arenaBytes}});
  llvm::json::Object root{
      {"network", net.name},
      {"input", llvm::json::Array{report.input.c, report.input.h, report.input.w}},
      {"target", report.target},
      {"threads", report.threads},
      {"budget_counts", report.budgetCountsWeights ? "arena+weights" : "arena"},
      {"latency_source", report.latencySource},
      {"searched", report.searched},
      {"chosen", llvm::json::Object{{"schedule", formatSchedule(chosen.schedule)},
                                    {"predicted_ms", chosen.seconds * 1e3},
                                    {"arena_bytes", plan.arena.arenaBytes},
                                    {"lower_bound_bytes", plan.arena.lowerBoundBytes},
                                    {"peak_bytes", chosen.peakBytes},
                                    {"weights_bytes", report.weightBytes},
                                    {"macs", macs},
                                    {"layer_macs", layerMacs}}},
      {"groups", std::move(groups)},
      {"convolutions", std::move(convolutions)},
      {"pareto", std::move(pareto)},
  };
  root["budget_bytes"] = report.budgetBytes ? llvm::json::Value(*report.budgetBytes) : nullptr;
  if (report.searched) // (not the search time: the files are the same on every run)
    root["candidates"] = int64_t(report.candidates);
  return root;
}

} // namespace tessel
