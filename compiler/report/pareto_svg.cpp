#include "report/compile_report.h"
#include "report/svg.h"
#include "support/byte_size.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace tessel {
namespace {

constexpr int kWidth = 760, kHeight = 480;
constexpr double kLeft = 80, kRight = 30, kTop = 50, kBottom = 60;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

struct Point {
  double mib, ms;
};

// Points in MiB and ms: the front, the chosen schedule, the budget; and the
// ranges of the axes, which hold them all (the budget unless far off).
struct ParetoPlot {
  std::vector<Point> front;
  Point chosen;
  std::optional<double> budgetMib;
  double maxMib = 1, maxMs = 1;

  double x(double mib) const { return kLeft + kPlotW * std::min(mib, maxMib) / maxMib; }
  double y(double ms) const { return kTop + kPlotH * (1 - ms / maxMs); }
};

ParetoPlot placePoints(const CompileReport &report, const ExecutionPlan &plan) {
  ParetoPlot plot;
  for (const ParetoPoint &p : report.pareto)
    plot.front.push_back({double(p.arenaBytes) / (1 << 20), p.choice.seconds * 1e3});
  plot.chosen = Point{double(plan.arena.arenaBytes) / (1 << 20), report.chosen.seconds * 1e3};
  double maxMib = plot.chosen.mib, maxMs = plot.chosen.ms;
  for (const Point &p : plot.front) {
    maxMib = std::max(maxMib, p.mib);
    maxMs = std::max(maxMs, p.ms);
  }
  if (report.budgetBytes) {
    const int64_t arenaBudget =
        *report.budgetBytes - (report.budgetCountsWeights ? report.weightBytes : 0);
    plot.budgetMib = double(arenaBudget) / (1 << 20);
    if (*plot.budgetMib <= maxMib * 1.5)
      maxMib = std::max(maxMib, *plot.budgetMib);
  }
  maxMib *= 1.05;
  maxMs *= 1.1;
  plot.maxMib = maxMib <= 0 ? 1 : maxMib;
  plot.maxMs = maxMs <= 0 ? 1 : maxMs;
  return plot;
}

// Axes with ticks and labels.
std::string axes(const ParetoPlot &plot) {
  std::string out = fmt::format("<path d=\"M{0} {1} V{2} H{3}\" stroke=\"black\" fill=\"none\"/>\n",
                                kLeft, kTop, kTop + kPlotH, kLeft + kPlotW);
  for (double t : svg::niceTicks(0, plot.maxMib, 8)) {
    out +=
        fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>\n",
                    plot.x(t), kTop, kTop + kPlotH);
    out += svg::text(plot.x(t), kTop + kPlotH + 18, fmt::format("{:g}", t), "middle", 11);
  }
  for (double t : svg::niceTicks(0, plot.maxMs, 6)) {
    out +=
        fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>\n",
                    kLeft, plot.y(t), kLeft + kPlotW);
    out += svg::text(kLeft - 8, plot.y(t) + 4, fmt::format("{:g}", t), "end", 11);
  }
  out += svg::text(kLeft + kPlotW / 2, kHeight - 18, "arena (MiB)", "middle", 13);
  out += svg::text(20, kTop + kPlotH / 2, "predicted latency (ms)", "middle", 13,
                   fmt::format(" transform=\"rotate(-90 20 {:.1f})\"", kTop + kPlotH / 2).c_str());
  return out;
}

std::string budgetLine(const ParetoPlot &plot) {
  if (!plot.budgetMib || *plot.budgetMib > plot.maxMib)
    return "";
  const double bx = plot.x(*plot.budgetMib);
  return fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#c00\" "
                     "stroke-dasharray=\"6 4\"/>\n",
                     bx, kTop, kTop + kPlotH) +
         svg::text(bx + 4, kTop + 12, "budget", "start", 11, " fill=\"#c00\"");
}

// The front as a staircase: each schedule is the fastest down to the next
// one's arena. Each point names its schedule.
std::string frontCurve(const ParetoPlot &plot, const CompileReport &report) {
  const std::vector<Point> &points = plot.front;
  std::string out;
  if (!points.empty()) {
    std::string path =
        fmt::format("M{:.1f} {:.1f}", plot.x(points.front().mib), plot.y(points.front().ms));
    for (size_t i = 1; i < points.size(); ++i)
      path += fmt::format(" H{:.1f} V{:.1f}", plot.x(points[i].mib), plot.y(points[i].ms));
    out += fmt::format("<path d=\"{}\" stroke=\"#4477aa\" fill=\"none\"/>\n", path);
  }
  for (size_t i = 0; i < points.size(); ++i)
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"#4477aa\"><title>{}: "
                       "{:.3f} ms, {}</title></circle>\n",
                       plot.x(points[i].mib), plot.y(points[i].ms),
                       svg::escape(formatSchedule(report.pareto[i].choice.schedule)), points[i].ms,
                       formatBytes(report.pareto[i].arenaBytes));
  return out;
}

std::string chosenMark(const ParetoPlot &plot, const ExecutionPlan &plan) {
  const double cx = plot.x(plot.chosen.mib), cy = plot.y(plot.chosen.ms);
  std::string out = fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"7\" fill=\"none\" "
                                "stroke=\"#c00\" stroke-width=\"2.5\"/>\n",
                                cx, cy);
  const bool labelLeft = cx > kLeft + kPlotW * 0.6;
  out += svg::text(
      cx + (labelLeft ? -12 : 12), cy - 10,
      fmt::format("chosen ({:.1f} ms, {})", plot.chosen.ms, formatBytes(plan.arena.arenaBytes)),
      labelLeft ? "end" : "start", 11, " fill=\"#c00\"");
  return out;
}

} // namespace

std::string paretoSvg(const CompileReport &report, const ExecutionPlan &plan) {
  const ParetoPlot plot = placePoints(report, plan);
  std::string out = svg::open(kWidth, kHeight);
  out += svg::text(kWidth / 2.0, 24,
                   fmt::format("{}: predicted latency against arena ({} Pareto schedules)",
                               report.network, report.pareto.size()),
                   "middle", 15);
  out += svg::text(kWidth / 2.0, 40, "chosen: " + formatSchedule(report.chosen.schedule), "middle",
                   11, " fill=\"#c00\"");
  out += axes(plot);
  out += budgetLine(plot);
  out += frontCurve(plot, report);
  out += chosenMark(plot, plan);
  out += svg::close();
  return out;
}

} // namespace tessel
