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
  default: return "#4477aa";
  }
}

} // namespace

std::string arenaSvg(const Network &net, const ExecutionPlan &plan) {
  const int steps = int(net.layers.size()) + 1; // 0 converts the input, N the output
  constexpr double kLeft = 90, kRight = 20, kTop = 50, kBottom = 70;
  const double columnW = std::clamp(900.0 / steps, 14.0, 60.0);
  const double plotW = columnW * steps, plotH = 420;
  const int width = int(kLeft + plotW + kRight), height = int(kTop + plotH + kBottom);
  const double arena = double(std::max<int64_t>(plan.arena.arenaBytes, 1));
  auto x = [&](int step) { return kLeft + columnW * step; };
  auto y = [&](int64_t offset) { return kTop + plotH * double(offset) / arena; };

  std::string out = svg::open(width, height);
  out += svg::text(width / 2.0, 22,
                   fmt::format("{}: arena occupancy, {} ({} bytes)", net.name,
                               formatBytes(plan.arena.arenaBytes), plan.arena.arenaBytes),
                   "middle", 15);
  out += svg::text(width / 2.0, 40, formatSchedule(plan.schedule), "middle", 11);
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#f6f6f6\" "
                     "stroke=\"black\"/>\n",
                     kLeft, kTop, plotW, plotH);
  for (double t : svg::niceTicks(0, arena / (1 << 20), 8)) {
    const double ty = kTop + plotH * t * (1 << 20) / arena;
    out += svg::text(kLeft - 6, ty + 4, fmt::format("{:g} MiB", t), "end", 10);
  }
  for (int step = 0; step < steps; ++step) {
    const std::string label = step == 0           ? "in"
                              : step == steps - 1 ? "out"
                                                  : fmt::format("{}", step - 1);
    out += svg::text(x(step) + columnW / 2, kTop + plotH + 14, label, "middle", 10);
  }
  out += svg::text(kLeft + plotW / 2, kTop + plotH + 34, "execution step (layer)", "middle", 12);

  // Which layer owns each buffer, for its color and label.
  std::vector<int> ownerOf(plan.buffers.size(), -1);
  for (size_t layer = 0; layer < plan.storage.size(); ++layer)
    if (plan.storage[layer].buffer >= 0)
      ownerOf[size_t(plan.storage[layer].buffer)] = int(layer);
  for (size_t i = 0; i < plan.buffers.size(); ++i) {
    const BufferRequest &b = plan.buffers[i];
    const int64_t offset = plan.arena.offsets[i];
    const StorageKind kind =
        ownerOf[i] >= 0 ? plan.storage[size_t(ownerOf[i])].kind : StorageKind::Full;
    const double rx = x(b.firstStep), rw = x(b.lastStep + 1) - rx;
    const double ry = y(offset), rh = std::max(1.0, y(offset + b.bytes) - ry);
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                       "fill=\"{}\" fill-opacity=\"0.8\" stroke=\"white\"><title>{}: {} bytes at "
                       "offset {}, steps {}-{}</title></rect>\n",
                       rx, ry, rw, rh, storageColor(kind), svg::escape(b.name), b.bytes, offset,
                       b.firstStep, b.lastStep);
    if (rh >= 12 && rw >= 7.0 * double(b.name.size()))
      out += svg::text(rx + rw / 2, ry + rh / 2 + 4, b.name, "middle", 10, " fill=\"white\"");
  }
  const double legendY = height - 14;
  const std::pair<const char *, StorageKind> legend[] = {{"whole map", StorageKind::Full},
                                                         {"tile buffer", StorageKind::TileBuffer},
                                                         {"row window", StorageKind::RowWindow}};
  double lx = kLeft;
  for (const auto &[name, kind] : legend) {
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n",
                       lx, legendY - 10, storageColor(kind));
    out += svg::text(lx + 16, legendY, name, "start", 11);
    lx += 110;
  }
  out += svg::close();
  return out;
}

} // namespace tessel
