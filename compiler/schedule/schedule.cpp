#include "schedule/schedule.h"

#include "analysis/regions.h"

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

std::string groupKindText(const GroupSchedule &g) {
  switch (g.kind) {
  case GroupKind::Layers: return "layers";
  case GroupKind::Tile: return fmt::format("tile{}x{}", g.tileRows, g.tileCols);
  case GroupKind::Stream: return fmt::format("stream{}", g.stripeRows);
  }
  return "?";
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
  if (kind == "layers") {
    group.kind = GroupKind::Layers;
  } else if (kind.consume_front("tile")) {
    auto [rows, cols] = kind.split('x');
    group.kind = GroupKind::Tile;
    if (rows.getAsInteger(10, group.tileRows) || cols.getAsInteger(10, group.tileCols) ||
        group.tileRows < 1 || group.tileCols < 1)
      return scheduleError(fmt::format("'{}' is not a grid like tile5x5", item.trim().str()));
  } else if (kind.consume_front("stream")) {
    group.kind = GroupKind::Stream;
    if (kind.getAsInteger(10, group.stripeRows) || group.stripeRows < 1)
      return scheduleError(
          fmt::format("'{}' is not a stripe height like stream4", item.trim().str()));
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
      schedule.groups.push_back(GroupSchedule{first, last, GroupKind::Layers, 1, 1, 1});
  };
  for (const GroupSchedule &group : given) {
    addLayers(next, group.first - 1);
    schedule.groups.push_back(group);
    next = group.last + 1;
  }
  addLayers(next, layerCount - 1);
  return schedule;
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
  const Shape &out = net.layers[g.last].output;
  if (g.kind == GroupKind::Tile && (g.tileRows > out.h || g.tileCols > out.w))
    return scheduleError(fmt::format("{}: a {}x{} grid does not fit the group's {}x{} output",
                                     where, g.tileRows, g.tileCols, out.h, out.w));
  if (g.kind == GroupKind::Stream && g.stripeRows > out.h)
    return scheduleError(fmt::format("{}: stripes of {} rows exceed the group's {} output rows",
                                     where, g.stripeRows, out.h));
  return llvm::Error::success();
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
    if (g.kind != GroupKind::Layers) {
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
