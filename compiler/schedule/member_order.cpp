#include "schedule/member_order.h"

#include "plan/arena_planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>

namespace tessel {

MemberOrder::MemberOrder(const GroupSchedule &group)
    : MemberOrder(group, [&] {
        std::vector<int> layers(size_t(group.last - group.first + 1));
        std::iota(layers.begin(), layers.end(), group.first);
        return layers;
      }()) {}

MemberOrder::MemberOrder(const GroupSchedule &group, std::vector<int> layers)
    : first_(group.first), layers_(std::move(layers)), stepOf_(layers_.size()) {
  for (size_t place = 0; place < layers_.size(); ++place)
    stepOf_[size_t(layers_[place] - first_)] = first_ + int(place);
}

bool MemberOrder::isLayerOrder() const {
  for (size_t place = 0; place < layers_.size(); ++place)
    if (layers_[place] != first_ + int(place))
      return false;
  return true;
}

namespace {

// The live bytes of one tile group as its members run, for weighing orders.
class LiveBytes {
public:
  LiveBytes(const Network &net, const GroupSchedule &group, HeldMembers held,
            const std::vector<int64_t> &capacity, const std::vector<int64_t> &workspace)
      : first_(group.first), count_(group.last - group.first + 1), inputHeld_(held.first == 0),
        readers_(size_t(count_)), inputs_(size_t(count_)) {
    if (inputHeld_)
      inputBytes_ = alignUp(capacity[0]);
    // Each member's readers inside the group, from the members' inputs (the
    // input a group converts is read by its first layer only).
    for (int place = 0; place < count_; ++place) {
      const int member = first_ + place;
      const bool holds = member >= held.first && member <= held.last;
      bytes_.push_back(holds ? alignUp(capacity[size_t(member)]) : 0);
      scratch_.push_back(size_t(member) < workspace.size() ? alignUp(workspace[size_t(member)])
                                                           : 0);
      for (int input : net.layers[size_t(member)].inputs)
        if (input >= first_) {
          inputs_[size_t(place)].push_back(input - first_);
          readers_[size_t(input - first_)].push_back(place);
        } else if (inputHeld_ && input == 0) {
          inputReaders_.push_back(place);
        }
    }
  }

  int count() const { return count_; }
  int first() const { return first_; }
  // Whether the group's edges allow layer order only: each layer reads the
  // one before it.
  bool oneOrder() const {
    for (int place = 1; place < count_; ++place)
      if (std::find(inputs_[size_t(place)].begin(), inputs_[size_t(place)].end(), place - 1) ==
          inputs_[size_t(place)].end())
        return false;
    return true;
  }
  bool ready(const std::vector<bool> &run, int place) const {
    if (run[size_t(place)])
      return false;
    for (int input : inputs_[size_t(place)])
      if (!run[size_t(input)])
        return false;
    return true;
  }
  // The bytes live while `place` runs after the members `run`: its own
  // buffer and scratch, and every buffer already written that it or a
  // member still to run reads.
  int64_t atStep(const std::vector<bool> &run, int place) const {
    auto stillRead = [&](const std::vector<int> &readers) {
      return std::any_of(readers.begin(), readers.end(),
                         [&](int reader) { return !run[size_t(reader)]; });
    };
    int64_t live = bytes_[size_t(place)] + scratch_[size_t(place)];
    if (inputHeld_ && stillRead(inputReaders_))
      live += inputBytes_;
    for (int member = 0; member < count_; ++member)
      if (run[size_t(member)] && bytes_[size_t(member)] > 0 && stillRead(readers_[size_t(member)]))
        live += bytes_[size_t(member)];
    return live;
  }

private:
  int first_ = 0, count_ = 0;
  bool inputHeld_ = false;
  int64_t inputBytes_ = 0;
  std::vector<int> inputReaders_;
  std::vector<int64_t> bytes_, scratch_; // by place (layer - first)
  std::vector<std::vector<int>> readers_, inputs_;
};

int64_t peakOf(const LiveBytes &live, const std::vector<int> &places) {
  std::vector<bool> run(size_t(live.count()), false);
  int64_t peak = 0;
  for (int place : places) {
    peak = std::max(peak, live.atStep(run, place));
    run[size_t(place)] = true;
  }
  return peak;
}

// The order with the smallest peak, by dynamic programming over the sets of
// members already run (each set's best peak and the member run last to
// reach it); empty when there are more than kMaxOrderStates sets.
std::vector<int> smallestPeakOrder(const LiveBytes &live) {
  struct Reached {
    int64_t peak = 0;
    int last = -1;
  };
  const size_t count = size_t(live.count());
  std::vector<std::map<std::vector<bool>, Reached>> levels(count + 1);
  levels[0][std::vector<bool>(count, false)] = Reached{};
  size_t states = 1;
  for (size_t level = 0; level < count; ++level)
    for (const auto &[run, reached] : levels[level])
      for (int place = 0; place < int(count); ++place) {
        if (!live.ready(run, place))
          continue;
        const int64_t peak = std::max(reached.peak, live.atStep(run, place));
        std::vector<bool> next = run;
        next[size_t(place)] = true;
        auto [it, added] = levels[level + 1].try_emplace(std::move(next), Reached{peak, place});
        if (added && ++states > size_t(kMaxOrderStates))
          return {};
        if (!added && peak < it->second.peak)
          it->second = Reached{peak, place};
      }
  std::vector<int> order(count);
  std::vector<bool> run(count, true);
  for (size_t level = count; level > 0; --level) {
    const int place = levels[level].at(run).last;
    order[level - 1] = place;
    run[size_t(place)] = false;
  }
  return order;
}

} // namespace

MemberOrder chooseMemberOrder(const Network &net, const GroupSchedule &group, HeldMembers held,
                              const std::vector<int64_t> &capacity,
                              const std::vector<int64_t> &workspace) {
  if (!std::holds_alternative<TileGrid>(group.way))
    return MemberOrder(group);
  const LiveBytes live(net, group, held, capacity, workspace);
  if (live.oneOrder())
    return MemberOrder(group);
  std::vector<int> places = smallestPeakOrder(live);
  std::vector<int> layerOrder(size_t(live.count()));
  std::iota(layerOrder.begin(), layerOrder.end(), 0);
  if (places.empty() || peakOf(live, places) >= peakOf(live, layerOrder))
    return MemberOrder(group);
  for (int &place : places)
    place += live.first();
  return MemberOrder(group, std::move(places));
}

std::string describeOrder(const Network &net, const MemberOrder &order) {
  std::string names;
  for (int layer : order.layers())
    names += fmt::format("{}{}", names.empty() ? "" : ", ", net.layers[size_t(layer)].name);
  return names;
}

} // namespace tessel
