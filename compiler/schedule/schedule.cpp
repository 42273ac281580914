#include "schedule/schedule.h"

#include "analysis/regions.h"
#include "support/overloaded.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <fmt/format.h>

namespace tessel {
namespace {

llvm::Error scheduleError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "schedule: " + message);
}

// User numbering leaves out the input layer.
int userIndex(int layer) {
  return layer - 1;
}

std::string rangeText(const GroupSchedule &g) {
  return g.first == g.last ? std::to_string(userIndex(g.first))
                           : fmt::format("{}-{}", userIndex(g.first), userIndex(g.last));
}

} // namespace

bool GroupSchedule::fused() const {
  return std::visit(Overloaded{[](const LayerByLayer &) { return false; },
                               [](const TileGrid &) { return true; },
                               [](const Stripes &) { return true; }},
                    way);
}

const char *groupKindName(const GroupSchedule &g) {
  return std::visit(Overloaded{[](const LayerByLayer &) { return "layers"; },
                               [](const TileGrid &) { return "tile"; },
                               [](const Stripes &) { return "stream"; }},
                    g.way);
}

namespace {

const char *threadUseSuffix(ThreadUse use) {
  switch (use) {
  case ThreadUse::Parts: return "";
  case ThreadUse::Split: return "/split";
  }
  return "";
}

} // namespace

std::string groupKindText(const GroupSchedule &g) {
  return std::visit(Overloaded{[](const LayerByLayer &) { return std::string("layers"); },
                               [](const TileGrid &grid) {
                                 return fmt::format("tile{}x{}{}", grid.rows, grid.cols,
                                                    threadUseSuffix(grid.threads));
                               },
                               [](const Stripes &stripes) {
                                 return fmt::format(
                                     "stream{}{}{}", stripes.rows,
                                     stripes.bands > 1 ? fmt::format("x{}", stripes.bands) : "",
                                     threadUseSuffix(stripes.threads));
                               }},
                    g.way);
}

namespace {

llvm::Expected<GroupSchedule> parseGroup(llvm::StringRef item) {
  auto [range, kind] = item.split(':');
  range = range.trim();
  kind = kind.trim();
  GroupSchedule group;
  auto [firstText, lastText] = range.split('-');
  int first = 0, last = 0;
  if (firstText.trim().getAsInteger(10, first) ||
      (lastText.empty() ? (last = first, false) : lastText.trim().getAsInteger(10, last)))
    return scheduleError(fmt::format("'{}' is not a layer range like 0-7", range.str()));
  group.first = first + 1;
  group.last = last + 1;
  ThreadUse threads = ThreadUse::Parts;
  if (auto [base, use] = kind.split('/'); base.size() < kind.size()) {
    if (use.trim() != "split")
      return scheduleError(fmt::format("'{}': unknown thread use '{}' (expected /split)",
                                       item.trim().str(), use.trim().str()));
    if (base.trim() == "layers")
      return scheduleError(fmt::format("'{}': /split is for tile and stream groups (a layers "
                                       "group always splits its large calls)",
                                       item.trim().str()));
    kind = base.trim();
    threads = ThreadUse::Split;
  }
  if (kind == "layers") {
    group.way = LayerByLayer{};
  } else if (kind.consume_front("tile")) {
    auto [rows, cols] = kind.split('x');
    TileGrid grid;
    grid.threads = threads;
    if (rows.getAsInteger(10, grid.rows) || cols.getAsInteger(10, grid.cols) || grid.rows < 1 ||
        grid.cols < 1)
      return scheduleError(fmt::format("'{}' is not a grid like tile5x5", item.trim().str()));
    group.way = grid;
  } else if (kind.consume_front("stream")) {
    Stripes stripes;
    stripes.threads = threads;
    auto [rows, bands] = kind.split('x');
    if (rows.getAsInteger(10, stripes.rows) || stripes.rows < 1 ||
        (bands.size() < kind.size() - rows.size() &&
         (bands.getAsInteger(10, stripes.bands) || stripes.bands < 1)))
      return scheduleError(fmt::format(
          "'{}' is not a stripe height like stream4, or a height and column bands like stream1x4",
          item.trim().str()));
    group.way = stripes;
  } else {
    return scheduleError(
        fmt::format("unknown group kind '{}' (expected layers, tileRxC or streamH)", kind.str()));
  }
  return group;
}

// Fills the gaps between the given groups with `layers` groups.
NetworkSchedule coverAllLayers(const std::vector<GroupSchedule> &given, int layerCount) {
  NetworkSchedule schedule;
  int next = 1;
  auto addLayers = [&](int first, int last) {
    if (first <= last)
      schedule.groups.push_back(GroupSchedule{first, last, LayerByLayer{}});
  };
  for (const GroupSchedule &group : given) {
    addLayers(next, group.first - 1);
    schedule.groups.push_back(group);
    next = group.last + 1;
  }
  addLayers(next, layerCount - 1);
  return schedule;
}

// Whether the group's parameters fit the map its last layer makes.
llvm::Error checkFitsOutput(const GroupSchedule &g, const Shape &out, const std::string &where) {
  return std::visit(
      Overloaded{[](const LayerByLayer &) -> llvm::Error { return llvm::Error::success(); },
                 [&](const TileGrid &grid) -> llvm::Error {
                   if (grid.rows <= out.h && grid.cols <= out.w)
                     return llvm::Error::success();
                   return scheduleError(
                       fmt::format("{}: a {}x{} grid does not fit the group's {}x{} output", where,
                                   grid.rows, grid.cols, out.h, out.w));
                 },
                 [&](const Stripes &stripes) -> llvm::Error {
                   if (stripes.rows > out.h)
                     return scheduleError(
                         fmt::format("{}: stripes of {} rows exceed the group's {} output rows",
                                     where, stripes.rows, out.h));
                   if (stripes.bands > out.w)
                     return scheduleError(
                         fmt::format("{}: {} column bands exceed the group's {} output columns",
                                     where, stripes.bands, out.w));
                   return llvm::Error::success();
                 }},
      g.way);
}

llvm::Error checkFusedGroup(const GroupSchedule &g, const Network &net,
                            const std::vector<std::vector<int>> &consumers) {
  const std::string where = fmt::format("group {}:{}", rangeText(g), groupKindText(g));
  for (int i = g.first; i <= g.last; ++i) {
    const Layer &layer = net.layers[i];
    if (!isSpatiallyTileable(layer.op))
      return scheduleError(fmt::format("{}: layer {} '{}' ({}) needs its whole input and cannot be "
                                       "tiled or streamed; put it in a layers group",
                                       where, userIndex(i), layer.name, opName(layer.op)));
    if (i > g.first && (layer.inputs.size() != 1 || layer.inputs[0] != i - 1))
      return scheduleError(fmt::format("{}: layer {} '{}' must read only the layer before it; "
                                       "start a new group at it",
                                       where, userIndex(i), layer.name));
    if (i < g.last && consumers[size_t(i)] != std::vector<int>{i + 1})
      return scheduleError(fmt::format("{}: the output of layer {} '{}' is read outside the "
                                       "group; end the group there",
                                       where, userIndex(i), layer.name));
  }
  return checkFitsOutput(g, net.layers[g.last].output, where);
}

} // namespace

NetworkSchedule layerByLayer(const Network &net) {
  return coverAllLayers({}, int(net.layers.size()));
}

llvm::Error validateSchedule(const NetworkSchedule &schedule, const Network &net) {
  int next = 1;
  const int layerCount = int(net.layers.size());
  std::vector<std::vector<int>> consumers; // computed once, for the first fused group
  for (const GroupSchedule &g : schedule.groups) {
    if (g.first != next || g.last < g.first || g.last >= layerCount)
      return scheduleError(
          fmt::format("group {} does not continue at layer {} within the {} layers", rangeText(g),
                      userIndex(next), layerCount - 1));
    if (g.fused()) {
      if (consumers.empty())
        consumers = net.allConsumers();
      if (llvm::Error error = checkFusedGroup(g, net, consumers))
        return error;
    }
    next = g.last + 1;
  }
  if (next != layerCount)
    return scheduleError(fmt::format("layers {} to {} are not in any group", userIndex(next),
                                     userIndex(layerCount - 1)));
  return llvm::Error::success();
}

llvm::Expected<NetworkSchedule> parseSchedule(const std::string &text, const Network &net) {
  llvm::SmallVector<llvm::StringRef, 8> items;
  llvm::StringRef(text).split(items, ',', -1, /*KeepEmpty=*/false);
  std::vector<GroupSchedule> given;
  const int layerCount = int(net.layers.size());
  for (llvm::StringRef item : items) {
    if (item.trim().empty())
      continue;
    llvm::Expected<GroupSchedule> group = parseGroup(item);
    if (!group)
      return group.takeError();
    if (group->first < 1 || group->last < group->first || group->last >= layerCount)
      return scheduleError(
          fmt::format("range {} is outside layers 0-{}", rangeText(*group), layerCount - 2));
    if (!given.empty() && group->first <= given.back().last)
      return scheduleError(fmt::format("range {} overlaps or precedes range {}; list groups in "
                                       "order",
                                       rangeText(*group), rangeText(given.back())));
    given.push_back(*group);
  }
  NetworkSchedule schedule = coverAllLayers(given, layerCount);
  if (llvm::Error error = validateSchedule(schedule, net))
    return error;
  return schedule;
}

std::string formatSchedule(const NetworkSchedule &schedule) {
  std::string text;
  for (const GroupSchedule &g : schedule.groups)
    text += fmt::format("{}{}:{}", text.empty() ? "" : ", ", rangeText(g), groupKindText(g));
  return text;
}

} // namespace tessel
