#include "schedule/schedule.h"

#include "analysis/regions.h"
#include "ops/conv_primitives.h"
#include "support/overloaded.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

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

ConvPrimitive NetworkSchedule::primitiveOf(int layer) const {
  const auto found = primitives.find(layer);
  return found == primitives.end() ? ConvPrimitive::Direct : found->second;
}

void applyPrimitives(Network &net, const NetworkSchedule &schedule) {
  for (int layer = 1; layer < int(net.layers.size()); ++layer)
    if (net.layers[size_t(layer)].op == OpKind::Conv2d)
      net.layers[size_t(layer)].conv().primitive = schedule.primitiveOf(layer);
}

bool primitivesApplied(const Network &net, const NetworkSchedule &schedule) {
  for (int layer = 1; layer < int(net.layers.size()); ++layer)
    if (tessel::primitiveOf(net.layers[size_t(layer)]) != schedule.primitiveOf(layer))
      return false;
  return true;
}

bool GroupSchedule::fused() const {
  return !std::holds_alternative<LayerByLayer>(way);
}

const char *groupKindName(const GroupSchedule &g) {
  return std::visit(Overloaded{[](const LayerByLayer &) { return "layers"; },
                               [](const TileGrid &) { return "tile"; },
                               [](const Stripes &) { return "stream"; },
                               [](const ChannelSplit &) { return "channels"; }},
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
  return std::visit(
      Overloaded{
          [](const LayerByLayer &) { return std::string("layers"); },
          [](const TileGrid &grid) {
            return fmt::format("tile{}x{}{}", grid.rows, grid.cols, threadUseSuffix(grid.threads));
          },
          [](const Stripes &stripes) {
            return fmt::format("stream{}{}{}", stripes.rows,
                               stripes.bands > 1 ? fmt::format("x{}", stripes.bands) : "",
                               threadUseSuffix(stripes.threads));
          },
          [](const ChannelSplit &split) {
            return split.rows * split.cols == 1
                       ? fmt::format("channels{}", split.slices)
                       : fmt::format("tile{}x{}+channels{}", split.rows, split.cols, split.slices);
          }},
      g.way);
}

namespace {

// "channels4" or "tile2x3+channels4".
llvm::Expected<ChannelSplit> parseChannelSplit(llvm::StringRef kind, llvm::StringRef item) {
  ChannelSplit split;
  auto [grid, slices] = kind.split("channels");
  bool bad = slices.getAsInteger(10, split.slices) || split.slices < 2;
  if (!grid.empty()) {
    auto [rows, cols] = grid.drop_back().drop_front(4).split('x');
    bad = bad || !grid.startswith("tile") || !grid.endswith("+") ||
          rows.getAsInteger(10, split.rows) || cols.getAsInteger(10, split.cols) ||
          split.rows < 1 || split.cols < 1;
  }
  if (bad)
    return scheduleError(fmt::format("'{}' is not a channel split like channels4 or "
                                     "tile2x2+channels4 (2 or more slices)",
                                     item.str()));
  return split;
}

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
  if (kind.contains("channels")) {
    llvm::Expected<ChannelSplit> split = parseChannelSplit(kind, item.trim());
    if (!split)
      return split.takeError();
    if (threads == ThreadUse::Split)
      return scheduleError(fmt::format("'{}': /split is for tile and stream groups (a channels "
                                       "group splits its large calls)",
                                       item.trim().str()));
    group.way = *split;
  } else if (kind == "layers") {
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
    return scheduleError(fmt::format(
        "unknown group kind '{}' (expected layers, tileRxC, streamH or channelsN)", kind.str()));
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
                 [&](const ChannelSplit &split) -> llvm::Error {
                   if (split.rows <= out.h && split.cols <= out.w)
                     return llvm::Error::success();
                   return scheduleError(
                       fmt::format("{}: a {}x{} grid does not fit the group's {}x{} output", where,
                                   split.rows, split.cols, out.h, out.w));
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
  if (std::holds_alternative<ChannelSplit>(g.way) && slicedRuns(net, g.first, g.last).empty())
    return scheduleError(fmt::format("{}: {}", where, noSlicedRunReason(net, g.first, g.last)));
  for (int i = g.first; i <= g.last; ++i) {
    const Layer &layer = net.layers[i];
    if (!isSpatiallyTileable(layer.op))
      return scheduleError(fmt::format("{}: layer {} '{}' ({}) needs its whole input and cannot be "
                                       "tiled or streamed; put it in a layers group",
                                       where, userIndex(i), layer.name, opName(layer.op)));
    if (i == g.last)
      break;
    // An inner result lives only in the group's tile buffers or row
    // windows, so every layer reading it must be inside. (Layers may read
    // maps made before the group, whole, like the first layer does.)
    const std::vector<int> &readers = consumers[size_t(i)];
    if (readers.empty())
      return scheduleError(fmt::format("{}: the output of layer {} '{}' is a network output; end "
                                       "the group there",
                                       where, userIndex(i), layer.name));
    if (readers.back() > g.last)
      return scheduleError(fmt::format("{}: the output of layer {} '{}' is read by layer {} '{}', "
                                       "outside the group; end the group at or after it",
                                       where, userIndex(i), layer.name, userIndex(readers.back()),
                                       net.layers[size_t(readers.back())].name));
  }
  return checkFitsOutput(g, net.layers[g.last].output, where);
}

llvm::Error checkPrimitive(const Network &net, int layer, ConvPrimitive primitive) {
  if (layer < 1 || layer >= int(net.layers.size()))
    return scheduleError(fmt::format("{}: layer {} is outside layers 0-{}",
                                     primitiveName(primitive), userIndex(layer),
                                     int(net.layers.size()) - 2));
  const Layer &l = net.layers[size_t(layer)];
  if (l.op != OpKind::Conv2d)
    return scheduleError(fmt::format("{}: layer {} '{}' is a {}, not a conv2d",
                                     primitiveName(primitive), userIndex(layer), l.name,
                                     opName(l.op)));
  if (!primitiveApplies(OpSite(net, layer), primitive))
    return scheduleError(
        primitive == ConvPrimitive::Im2row
            ? fmt::format("{}: layer {} '{}' is a depthwise convolution, which im2row does not "
                          "compute",
                          primitiveName(primitive), userIndex(layer), l.name)
            : fmt::format("{}: layer {} '{}' is not a 3x3, stride-1, undilated convolution with "
                          "one group, which Winograd computes",
                          primitiveName(primitive), userIndex(layer), l.name));
  return llvm::Error::success();
}

// "winograd4: 2-5, 9" (user numbering), or "winograd4: all" (every conv2d
// it applies to), into `primitives`.
llvm::Error parsePrimitiveClause(llvm::StringRef clause, const Network &net,
                                 std::map<int, ConvPrimitive> &primitives) {
  const int layerCount = int(net.layers.size());
  auto [name, list] = clause.split(':');
  std::optional<ConvPrimitive> primitive = primitiveNamed(name.trim());
  if (!primitive || list.size() == clause.size())
    return scheduleError(fmt::format("'{}' is not a primitive and its layers, like 'winograd4: "
                                     "2-5, 9' (primitives: direct, im2row, winograd2, winograd4)",
                                     clause.trim().str()));
  if (list.trim() == "all") {
    for (int layer = 1; layer < layerCount; ++layer)
      if (net.layers[size_t(layer)].op == OpKind::Conv2d &&
          primitiveApplies(OpSite(net, layer), *primitive)) {
        if (*primitive == ConvPrimitive::Direct)
          primitives.erase(layer);
        else
          primitives[layer] = *primitive;
      }
    return llvm::Error::success();
  }
  llvm::SmallVector<llvm::StringRef, 8> ranges;
  list.split(ranges, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef range : ranges) {
    auto [firstText, lastText] = range.trim().split('-');
    int first = 0, last = 0;
    if (firstText.trim().getAsInteger(10, first) ||
        (lastText.empty() ? (last = first, false) : lastText.trim().getAsInteger(10, last)) ||
        first < 0 || last < first)
      return scheduleError(fmt::format("{}: '{}' is not a layer range like 2-5",
                                       primitiveName(*primitive), range.trim().str()));
    if (last > layerCount - 2)
      return scheduleError(fmt::format("{}: range {} is outside layers 0-{}",
                                       primitiveName(*primitive), range.trim().str(),
                                       layerCount - 2));
    for (int layer = first + 1; layer <= last + 1; ++layer) {
      if (*primitive == ConvPrimitive::Direct)
        primitives.erase(layer);
      else
        primitives[layer] = *primitive;
    }
  }
  return llvm::Error::success();
}

// "2-5, 9": the layers (normalized indices, ascending) in user numbering.
std::string layerListText(const std::vector<int> &layers) {
  std::string text;
  for (size_t i = 0; i < layers.size();) {
    size_t j = i;
    while (j + 1 < layers.size() && layers[j + 1] == layers[j] + 1)
      ++j;
    text += text.empty() ? "" : ", ";
    text += i == j ? std::to_string(userIndex(layers[i]))
                   : fmt::format("{}-{}", userIndex(layers[i]), userIndex(layers[j]));
    i = j + 1;
  }
  return text;
}

} // namespace

NetworkSchedule layerByLayer(const Network &net) {
  NetworkSchedule schedule = coverAllLayers({}, int(net.layers.size()));
  schedule.primitives = primitivesOf(net);
  return schedule;
}

namespace {

bool hasRole(const Network &net, int layer, SliceRole role) {
  return (sliceRoles(net, layer) & (1u << unsigned(role))) != 0;
}

// Whether layer i + 1 reads only layer i, which nothing else reads.
bool chainLink(const Network &net, const std::vector<std::vector<int>> &consumers, int i) {
  return net.layers[size_t(i + 1)].inputs == std::vector<int>{i} &&
         consumers[size_t(i)] == std::vector<int>{i + 1};
}

} // namespace

std::vector<SlicedRun> slicedRuns(const Network &net, int first, int last) {
  const std::vector<std::vector<int>> consumers = net.allConsumers();
  // The longest run starting at each layer, if any.
  std::vector<SlicedRun> candidates;
  for (int i = first; i < last; ++i) {
    if (!hasRole(net, i, SliceRole::Splits))
      continue;
    int j = i + 1;
    while (j < last && chainLink(net, consumers, j - 1) && hasRole(net, j, SliceRole::ChannelWise))
      ++j;
    if (chainLink(net, consumers, j - 1) && hasRole(net, j, SliceRole::Sums))
      candidates.push_back(SlicedRun{i, j});
  }
  // Runs with channel-wise layers first (an inverted-residual block rather
  // than its project and the next block's expand), then the others that
  // overlap none of them.
  std::vector<SlicedRun> runs;
  auto overlaps = [&](const SlicedRun &r) {
    return std::any_of(runs.begin(), runs.end(),
                       [&](const SlicedRun &o) { return r.first <= o.last && o.first <= r.last; });
  };
  for (bool withChannelWise : {true, false})
    for (const SlicedRun &run : candidates)
      if ((run.last - run.first > 1) == withChannelWise && !overlaps(run))
        runs.push_back(run);
  std::sort(runs.begin(), runs.end(),
            [](const SlicedRun &a, const SlicedRun &b) { return a.first < b.first; });
  return runs;
}

std::string noSlicedRunReason(const Network &net, int first, int last) {
  auto named = [&](int layer) {
    return fmt::format("layer {} '{}' ({})", userIndex(layer), net.layers[size_t(layer)].name,
                       opName(net.layers[size_t(layer)].op));
  };
  const std::string what = "no run of layers to split by channels (a convolution with one group, "
                           "channel-wise layers, a 1x1 convolution with one group)";
  const std::vector<std::vector<int>> consumers = net.allConsumers();
  for (int i = first; i < last; ++i)
    if (!chainLink(net, consumers, i))
      return what;
  if (last == first)
    return what + ": a run has two layers or more";
  if (!hasRole(net, first, SliceRole::Splits))
    return fmt::format("{}: {} cannot make a slice of its channels, not being a convolution with "
                       "one group",
                       what, named(first));
  for (int i = first + 1; i < last; ++i)
    if (!hasRole(net, i, SliceRole::ChannelWise))
      return fmt::format("{}: {} is not channel-wise", what, named(i));
  return fmt::format("{}: {} cannot sum the slices, not being a 1x1 convolution with one group",
                     what, named(last));
}

std::vector<ChannelSlice> channelSlices(int channels, int slices) {
  std::vector<ChannelSlice> result;
  if (channels < 2 * kSliceChannelUnit) { // too narrow for whole units: balanced
    for (const AxisRange &range : balancedSplit(channels, std::min(slices, channels)))
      result.push_back(ChannelSlice{int(range.begin), int(range.end)});
    return result;
  }
  const int units = channels / kSliceChannelUnit;
  for (const AxisRange &range : balancedSplit(units, std::min(slices, units)))
    result.push_back(
        ChannelSlice{int(range.begin) * kSliceChannelUnit,
                     range.end == units ? channels : int(range.end) * kSliceChannelUnit});
  return result;
}

std::vector<ChannelSlice> runSlices(const Network &net, const SlicedRun &run, int slices) {
  return channelSlices(net.layers[size_t(run.first)].output.c, slices);
}

std::map<int, ConvPrimitive> primitivesOf(const Network &net) {
  std::map<int, ConvPrimitive> primitives;
  for (int layer = 1; layer < int(net.layers.size()); ++layer)
    if (const ConvPrimitive primitive = tessel::primitiveOf(net.layers[size_t(layer)]);
        primitive != ConvPrimitive::Direct)
      primitives[layer] = primitive;
  return primitives;
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
  for (const auto &[layer, primitive] : schedule.primitives)
    if (llvm::Error error = checkPrimitive(net, layer, primitive))
      return error;
  for (const GroupSchedule &g : schedule.groups) {
    if (!std::holds_alternative<ChannelSplit>(g.way))
      continue;
    for (const SlicedRun &run : slicedRuns(net, g.first, g.last))
      for (int layer = run.first; layer <= run.last; ++layer)
        if (const ConvPrimitive primitive = schedule.primitiveOf(layer);
            primitive != ConvPrimitive::Direct)
          return scheduleError(fmt::format("group {}:{}: layer {} '{}' computes with {}; a "
                                           "channel split runs direct convolutions only",
                                           rangeText(g), groupKindText(g), userIndex(layer),
                                           net.layers[size_t(layer)].name,
                                           primitiveName(primitive)));
  }
  return llvm::Error::success();
}

llvm::Expected<NetworkSchedule> parseSchedule(const std::string &text, const Network &net) {
  llvm::SmallVector<llvm::StringRef, 4> clauses;
  llvm::StringRef(text).split(clauses, ';');
  std::map<int, ConvPrimitive> primitives;
  for (size_t i = 1; i < clauses.size(); ++i)
    if (llvm::Error error = parsePrimitiveClause(clauses[i], net, primitives))
      return error;
  llvm::SmallVector<llvm::StringRef, 8> items;
  clauses.front().split(items, ',', -1, /*KeepEmpty=*/false);
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
  schedule.primitives = std::move(primitives);
  if (llvm::Error error = validateSchedule(schedule, net))
    return error;
  return schedule;
}

std::string formatSchedule(const NetworkSchedule &schedule) {
  std::string text;
  for (const GroupSchedule &g : schedule.groups)
    text += fmt::format("{}{}:{}", text.empty() ? "" : ", ", rangeText(g), groupKindText(g));
  for (ConvPrimitive primitive : kAllPrimitives) {
    std::vector<int> layers;
    for (const auto &[layer, assigned] : schedule.primitives)
      if (assigned == primitive && primitive != ConvPrimitive::Direct)
        layers.push_back(layer);
    if (!layers.empty())
      text += fmt::format("; {}: {}", primitiveName(primitive), layerListText(layers));
  }
  return text;
}

} // namespace tessel
