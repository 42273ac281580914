#include "plan/arena_planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <numeric>

namespace tessel {

int64_t alignUp(int64_t bytes, int64_t alignment) {
  return (bytes + alignment - 1) / alignment * alignment;
}

namespace {

bool lifetimesOverlap(const BufferRequest &a, const BufferRequest &b) {
  return a.firstStep <= b.lastStep && b.firstStep <= a.lastStep;
}

// Buffers placed together: one, or a chain of buffers each written over the
// one before (BufferRequest::overwrites), all at the same offset.
struct Unit {
  std::vector<int> members;
  BufferRequest extent; // the largest member's bytes, over all members' steps
};

std::vector<Unit> unitsOf(const std::vector<BufferRequest> &requests) {
  std::vector<Unit> units;
  std::vector<int> unitOf(requests.size(), -1);
  for (size_t i = 0; i < requests.size(); ++i) {
    const BufferRequest &request = requests[i];
    const int over = request.overwrites;
    const bool chained = over >= 0 && size_t(over) < i;
    if (!chained) {
      unitOf[i] = int(units.size());
      units.push_back(Unit{{}, request});
    } else {
      unitOf[i] = unitOf[size_t(over)];
    }
    Unit &unit = units[size_t(unitOf[i])];
    unit.members.push_back(int(i));
    unit.extent.bytes = std::max(unit.extent.bytes, request.bytes);
    unit.extent.firstStep = std::min(unit.extent.firstStep, request.firstStep);
    unit.extent.lastStep = std::max(unit.extent.lastStep, request.lastStep);
  }
  return units;
}

// Places units in `order`, each at the lowest aligned offset where none of
// its members overlaps an already placed buffer live at the same time.
ArenaPlan placeFirstFit(const std::vector<BufferRequest> &requests, const std::vector<Unit> &units,
                        const std::vector<int> &order) {
  ArenaPlan plan;
  plan.offsets.assign(requests.size(), -1);
  // The placed buffers live at each step, so that a buffer meets only the
  // ones whose lifetimes overlap its own instead of every placed one.
  int lastStep = 0;
  for (const BufferRequest &request : requests)
    lastStep = std::max(lastStep, request.lastStep);
  std::vector<std::vector<int>> placedAt(size_t(lastStep) + 1);
  std::vector<size_t> seen(requests.size(), 0); // the member that last met each buffer
  size_t meeting = 0;
  // Offsets o at which a member would overlap a placed buffer [begin, end):
  // begin - size < o < end.
  std::vector<std::pair<int64_t, int64_t>> blocked;
  for (int unitIndex : order) {
    const Unit &unit = units[size_t(unitIndex)];
    blocked.clear();
    for (int member : unit.members) {
      const BufferRequest &request = requests[size_t(member)];
      const int64_t size = alignUp(request.bytes);
      ++meeting;
      for (int step = std::max(request.firstStep, 0); step <= request.lastStep; ++step)
        for (int other : placedAt[size_t(step)])
          if (seen[size_t(other)] != meeting) {
            seen[size_t(other)] = meeting;
            const int64_t begin = plan.offsets[size_t(other)];
            blocked.emplace_back(begin - size, begin + alignUp(requests[size_t(other)].bytes));
          }
    }
    std::sort(blocked.begin(), blocked.end());
    int64_t offset = 0;
    for (auto [low, high] : blocked) {
      if (low >= offset)
        break; // this range and every later one start at or above the offset
      offset = std::max(offset, high);
    }
    for (int member : unit.members) {
      const BufferRequest &request = requests[size_t(member)];
      plan.offsets[size_t(member)] = offset;
      plan.arenaBytes = std::max(plan.arenaBytes, offset + alignUp(request.bytes));
      for (int step = std::max(request.firstStep, 0); step <= request.lastStep; ++step)
        placedAt[size_t(step)].push_back(member);
    }
  }
  return plan;
}

// Above the lower bound, some unit reaches the arena's top: placed first,
// at offset 0, it may leave the others room below it. Each unit at the top
// is moved to the front of the order in turn (the one reaching highest
// first); an improvement is kept and the search starts again from it, up
// to kTopUnitMoves placements. (resnet18@224 under `0-4:stream4,
// 5-6:tile2x2, ...`: 2,369,536 bytes by the orders alone, lower bound
// 2,085,120.)
void refineTopUnits(const std::vector<BufferRequest> &requests, const std::vector<Unit> &units,
                    std::vector<int> order, ArenaPlan &best) {
  constexpr int kTopUnitMoves = 64;
  std::vector<bool> tried(units.size(), false);
  bool improved = false;
  for (int move = 0; move < kTopUnitMoves && best.arenaBytes > best.lowerBoundBytes; ++move) {
    int top = -1;
    int64_t topEnd = 0;
    for (size_t u = 0; u < units.size(); ++u) {
      if (tried[u] || order.front() == int(u))
        continue;
      for (int member : units[u].members) {
        const int64_t end = best.offsets[size_t(member)] + alignUp(requests[size_t(member)].bytes);
        if (end > topEnd) {
          top = int(u);
          topEnd = end;
        }
      }
    }
    if (top < 0 || topEnd < best.arenaBytes) // no untried unit reaches the top
      break;
    std::vector<int> moved = order;
    moved.erase(std::find(moved.begin(), moved.end(), top));
    moved.insert(moved.begin(), top);
    ArenaPlan plan = placeFirstFit(requests, units, moved);
    if (plan.arenaBytes < best.arenaBytes) {
      plan.lowerBoundBytes = best.lowerBoundBytes;
      plan.strategy = best.strategy;
      best = std::move(plan);
      improved = true;
      order = std::move(moved);
      std::fill(tried.begin(), tried.end(), false);
    } else {
      tried[size_t(top)] = true;
    }
  }
  if (improved)
    best.strategy += ", top units first";
}

} // namespace

std::vector<int64_t> liveBytesPerStep(const std::vector<BufferRequest> &requests) {
  std::vector<int64_t> live;
  for (const BufferRequest &request : requests) {
    if (request.lastStep >= int(live.size()))
      live.resize(size_t(request.lastStep) + 1, 0);
    // A buffer written over another shares its bytes at its first step.
    const int first = request.overwrites >= 0 ? request.firstStep + 1 : request.firstStep;
    for (int step = std::max(first, 0); step <= request.lastStep; ++step)
      live[size_t(step)] += alignUp(request.bytes);
  }
  return live;
}

ArenaPlan planArena(const std::vector<BufferRequest> &requests) {
  using Before = std::function<bool(const BufferRequest &, const BufferRequest &)>;
  auto lifetime = [](const BufferRequest &r) { return int64_t(r.lastStep - r.firstStep + 1); };
  const std::vector<std::pair<const char *, Before>> orders = {
      {"largest first", [](auto &a, auto &b) { return a.bytes > b.bytes; }},
      {"longest-lived first", [&](auto &a, auto &b) { return lifetime(a) > lifetime(b); }},
      {"earliest first", [](auto &a, auto &b) { return a.firstStep < b.firstStep; }},
      {"largest area first",
       [&](auto &a, auto &b) { return a.bytes * lifetime(a) > b.bytes * lifetime(b); }},
  };

  const std::vector<Unit> units = unitsOf(requests);
  ArenaPlan best;
  best.arenaBytes = -1;
  std::vector<int> bestOrder;
  for (const auto &strategy : orders) {
    std::vector<int> order(units.size());
    std::iota(order.begin(), order.end(), 0);
    // Stable: ties keep request order, so plans are deterministic.
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return strategy.second(units[size_t(a)].extent, units[size_t(b)].extent);
    });
    ArenaPlan plan = placeFirstFit(requests, units, order);
    if (best.arenaBytes < 0 || plan.arenaBytes < best.arenaBytes) {
      best = std::move(plan);
      best.strategy = strategy.first;
      bestOrder = std::move(order);
    }
  }
  if (best.arenaBytes < 0)
    best.arenaBytes = 0;
  const std::vector<int64_t> live = liveBytesPerStep(requests);
  best.lowerBoundBytes = live.empty() ? 0 : *std::max_element(live.begin(), live.end());
  refineTopUnits(requests, units, bestOrder, best);
  return best;
}

std::string findPlanConflict(const std::vector<BufferRequest> &requests, const ArenaPlan &plan) {
  if (plan.offsets.size() != requests.size())
    return fmt::format("plan has {} offsets for {} buffers", plan.offsets.size(), requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const BufferRequest &a = requests[i];
    int64_t aBegin = plan.offsets[i], aEnd = aBegin + a.bytes;
    if (aBegin < 0 || aBegin % kArenaAlignment != 0)
      return fmt::format("buffer '{}' at misaligned offset {}", a.name, aBegin);
    if (aEnd > plan.arenaBytes)
      return fmt::format("buffer '{}' [{}, {}) exceeds the arena of {} bytes", a.name, aBegin, aEnd,
                         plan.arenaBytes);
    if (a.overwrites >= 0) {
      if (size_t(a.overwrites) >= i)
        return fmt::format("buffer '{}' is written over a later buffer", a.name);
      const BufferRequest &under = requests[size_t(a.overwrites)];
      if (plan.offsets[size_t(a.overwrites)] != aBegin || under.lastStep != a.firstStep ||
          under.bytes < a.bytes)
        return fmt::format("buffer '{}' is not written over '{}' as it says", a.name, under.name);
    }
    for (size_t j = i + 1; j < requests.size(); ++j) {
      const BufferRequest &b = requests[j];
      int64_t bBegin = plan.offsets[j], bEnd = bBegin + b.bytes;
      if (b.overwrites == int(i) && b.firstStep == a.lastStep)
        continue; // b takes over a's bytes as a ends
      if (lifetimesOverlap(a, b) && aBegin < bEnd && bBegin < aEnd && a.bytes > 0 && b.bytes > 0)
        return fmt::format("buffers '{}' and '{}' are live together and overlap", a.name, b.name);
    }
  }
  return {};
}

} // namespace tessel
