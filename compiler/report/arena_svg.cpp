#include "report/compile_report.h"
#include "report/svg.h"
#include "support/byte_size.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel {
namespace {

const char *storageColor(StorageKind kind) {
  switch (kind) {
  case StorageKind::TileBuffer: return "#ee7733";
  case StorageKind::RowWindow: return "#009988";
  case StorageKind::Full:
  case StorageKind::UserInput:
  case StorageKind::UserOutput: break;
  }
  return "#4477aa"; // a whole map
}

constexpr double kLeft = 90, kRight = 20, kTop = 50, kBottom = 70, kPlotH = 420;

// Where steps and arena offsets fall: one column per step, offsets down.
struct ArenaLayout {
  int steps = 0; // 0 converts the input, N the output
  double columnW = 0, plotW = 0;
  int width = 0, height = 0;
  double arena = 1; // bytes, at least 1

  ArenaLayout(const Network &net, const ExecutionPlan &plan)
      : steps(int(net.layers.size()) + 1), columnW(std::clamp(900.0 / steps, 14.0, 60.0)),
        plotW(columnW * steps), width(int(kLeft + plotW + kRight)),
        height(int(kTop + kPlotH + kBottom)),
        arena(double(std::max<int64_t>(plan.arena.arenaBytes, 1))) {}

  double x(int step) const { return kLeft + columnW * step; }
  double y(int64_t offset) const { return kTop + kPlotH * double(offset) / arena; }
};

// The title, the plot's background, offsets in MiB and the steps' labels.
std::string frame(const Network &net, const ExecutionPlan &plan, const ArenaLayout &layout) {
  std::string out =
      svg::text(layout.width / 2.0, 22,
                fmt::format("{}: arena occupancy, {} ({} bytes)", net.name,
                            formatBytes(plan.arena.arenaBytes), plan.arena.arenaBytes),
                "middle", 15);
  out += svg::text(layout.width / 2.0, 40, formatSchedule(plan.schedule), "middle", 11);
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#f6f6f6\" "
                     "stroke=\"black\"/>\n",
                     kLeft, kTop, layout.plotW, kPlotH);
  for (double t : svg::niceTicks(0, layout.arena / (1 << 20), 8)) {
    const double ty = kTop + kPlotH * t * (1 << 20) / layout.arena;
    out += svg::text(kLeft - 6, ty + 4, fmt::format("{:g} MiB", t), "end", 10);
  }
  for (int step = 0; step < layout.steps; ++step) {
    const std::string label = step == 0                  ? "in"
                              : step == layout.steps - 1 ? "out"
                                                         : fmt::format("{}", step - 1);
    out += svg::text(layout.x(step) + layout.columnW / 2, kTop + kPlotH + 14, label, "middle", 10);
  }
  out += svg::text(kLeft + layout.plotW / 2, kTop + kPlotH + 34, "execution step (layer)", "middle",
                   12);
  return out;
}

// Each buffer as a rectangle over its steps and offsets, coloured by what
// its layer's storage is.
std::string bufferRects(const ExecutionPlan &plan, const ArenaLayout &layout) {
  std::vector<int> ownerOf(plan.buffers.size(), -1);
  for (size_t layer = 0; layer < plan.storage.size(); ++layer) {
    if (plan.storage[layer].buffer >= 0)
      ownerOf[size_t(plan.storage[layer].buffer)] = int(layer);
    for (int space : plan.storage[layer].threadBuffers) // each thread's, in a group in parts
      ownerOf[size_t(space)] = int(layer);
  }
  std::string out;
  for (size_t i = 0; i < plan.buffers.size(); ++i) {
    const BufferRequest &b = plan.buffers[i];
    const int64_t offset = plan.arena.offsets[i];
    const StorageKind kind =
        ownerOf[i] >= 0 ? plan.storage[size_t(ownerOf[i])].kind : StorageKind::Full;
    const double rx = layout.x(b.firstStep), rw = layout.x(b.lastStep + 1) - rx;
    const double ry = layout.y(offset), rh = std::max(1.0, layout.y(offset + b.bytes) - ry);
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                       "fill=\"{}\" fill-opacity=\"0.8\" stroke=\"white\"><title>{}: {} bytes at "
                       "offset {}, steps {}-{}</title></rect>\n",
                       rx, ry, rw, rh, storageColor(kind), svg::escape(b.name), b.bytes, offset,
                       b.firstStep, b.lastStep);
    if (rh >= 12 && rw >= 7.0 * double(b.name.size()))
      out += svg::text(rx + rw / 2, ry + rh / 2 + 4, b.name, "middle", 10, " fill=\"white\"");
  }
  return out;
}

std::string legend(const ArenaLayout &layout) {
  const double legendY = layout.height - 14;
  const std::pair<const char *, StorageKind> entries[] = {{"whole map", StorageKind::Full},
                                                          {"tile buffer", StorageKind::TileBuffer},
                                                          {"row window", StorageKind::RowWindow}};
  std::string out;
  double lx = kLeft;
  for (const auto &[name, kind] : entries) {
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n",
                       lx, legendY - 10, storageColor(kind));
    out += svg::text(lx + 16, legendY, name, "start", 11);
    lx += 110;
  }
  return out;
}

} // namespace

std::string arenaSvg(const Network &net, const ExecutionPlan &plan) {
  const ArenaLayout layout(net, plan);
  return svg::open(layout.width, layout.height) + frame(net, plan, layout) +
         bufferRects(plan, layout) + legend(layout) + svg::close();
}

} // namespace tessel
