#include "report/compile_report.h"
#include "report/svg.h"
#include "support/byte_size.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel {

std::string paretoSvg(const CompileReport &report, const ExecutionPlan &plan) {
  constexpr int kWidth = 760, kHeight = 480;
  constexpr double kLeft = 80, kRight = 30, kTop = 50, kBottom = 60;
  const double plotW = kWidth - kLeft - kRight, plotH = kHeight - kTop - kBottom;

  // Points in MiB and ms: the front, the chosen schedule, the budget.
  struct Point {
    double mib, ms;
  };
  std::vector<Point> points;
  for (const ParetoPoint &p : report.pareto)
    points.push_back({double(p.arenaBytes) / (1 << 20), p.choice.seconds * 1e3});
  const Point chosen{double(plan.arena.arenaBytes) / (1 << 20), report.chosen.seconds * 1e3};
  double maxMib = chosen.mib, maxMs = chosen.ms;
  for (const Point &p : points) {
    maxMib = std::max(maxMib, p.mib);
    maxMs = std::max(maxMs, p.ms);
  }
  std::optional<double> budgetMib;
  if (report.budgetBytes) {
    const int64_t arenaBudget =
        *report.budgetBytes - (report.budgetCountsWeights ? report.weightBytes : 0);
    budgetMib = double(arenaBudget) / (1 << 20);
    if (*budgetMib <= maxMib * 1.5)
      maxMib = std::max(maxMib, *budgetMib);
  }
  maxMib *= 1.05;
  maxMs *= 1.1;
  if (maxMib <= 0)
    maxMib = 1;
  if (maxMs <= 0)
    maxMs = 1;
  auto x = [&](double mib) { return kLeft + plotW * std::min(mib, maxMib) / maxMib; };
  auto y = [&](double ms) { return kTop + plotH * (1 - ms / maxMs); };

  std::string out = svg::open(kWidth, kHeight);
  out += svg::text(kWidth / 2.0, 24,
                   fmt::format("{}: predicted latency against arena ({} Pareto schedules)",
                               report.network, report.pareto.size()),
                   "middle", 15);
  out += svg::text(kWidth / 2.0, 40, "chosen: " + formatSchedule(report.chosen.schedule), "middle",
                   11, " fill=\"#c00\"");
  // Axes with ticks.
  out += fmt::format("<path d=\"M{0} {1} V{2} H{3}\" stroke=\"black\" fill=\"none\"/>\n", kLeft,
                     kTop, kTop + plotH, kLeft + plotW);
  for (double t : svg::niceTicks(0, maxMib, 8)) {
    out +=
        fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>\n",
                    x(t), kTop, kTop + plotH);
    out += svg::text(x(t), kTop + plotH + 18, fmt::format("{:g}", t), "middle", 11);
  }
  for (double t : svg::niceTicks(0, maxMs, 6)) {
    out +=
        fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>\n",
                    kLeft, y(t), kLeft + plotW);
    out += svg::text(kLeft - 8, y(t) + 4, fmt::format("{:g}", t), "end", 11);
  }
  out += svg::text(kLeft + plotW / 2, kHeight - 18, "arena (MiB)", "middle", 13);
  out += svg::text(20, kTop + plotH / 2, "predicted latency (ms)", "middle", 13,
                   fmt::format(" transform=\"rotate(-90 20 {:.1f})\"", kTop + plotH / 2).c_str());
  if (budgetMib && *budgetMib <= maxMib) {
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#c00\" "
                       "stroke-dasharray=\"6 4\"/>\n",
                       x(*budgetMib), kTop, kTop + plotH);
    out += svg::text(x(*budgetMib) + 4, kTop + 12, "budget", "start", 11, " fill=\"#c00\"");
  }
  // The front as a staircase: each schedule is the fastest down to the next one's arena.
  if (!points.empty()) {
    std::string path = fmt::format("M{:.1f} {:.1f}", x(points.front().mib), y(points.front().ms));
    for (size_t i = 1; i < points.size(); ++i)
      path += fmt::format(" H{:.1f} V{:.1f}", x(points[i].mib), y(points[i].ms));
    out += fmt::format("<path d=\"{}\" stroke=\"#4477aa\" fill=\"none\"/>\n", path);
  }
  for (size_t i = 0; i < points.size(); ++i)
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"#4477aa\"><title>{}: "
                       "{:.3f} ms, {}</title></circle>\n",
                       x(points[i].mib), y(points[i].ms),
                       svg::escape(formatSchedule(report.pareto[i].choice.schedule)), points[i].ms,
                       formatBytes(report.pareto[i].arenaBytes));
  out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"7\" fill=\"none\" stroke=\"#c00\" "
                     "stroke-width=\"2.5\"/>\n",
                     x(chosen.mib), y(chosen.ms));
  const bool labelLeft = x(chosen.mib) > kLeft + plotW * 0.6;
  out += svg::text(
      x(chosen.mib) + (labelLeft ? -12 : 12), y(chosen.ms) - 10,
      fmt::format("chosen ({:.1f} ms, {})", chosen.ms, formatBytes(plan.arena.arenaBytes)),
      labelLeft ? "end" : "start", 11, " fill=\"#c00\"");
  out += svg::close();
  return out;
}

} // namespace tessel
