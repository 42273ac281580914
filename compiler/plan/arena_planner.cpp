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

// Places buffers in `order`, each at the lowest aligned offset where it does
// not overlap any already placed buffer with an overlapping lifetime.
ArenaPlan placeFirstFit(const std::vector<BufferRequest> &requests, const std::vector<int> &order) {
  ArenaPlan plan;
  plan.offsets.assign(requests.size(), -1);
  // The placed buffers live at each step, so that a buffer meets only the
  // ones whose lifetimes overlap its own instead of every placed one.
  int lastStep = 0;
  for (const BufferRequest &request : requests)
    lastStep = std::max(lastStep, request.lastStep);
  std::vector<std::vector<int>> placedAt(size_t(lastStep) + 1);
  std::vector<size_t> seen(requests.size(), 0); // the placement that last met each buffer
  std::vector<std::pair<int64_t, int64_t>> occupied;
  for (size_t placedCount = 0; placedCount < order.size(); ++placedCount) {
    const int index = order[placedCount];
    const BufferRequest &request = requests[index];
    int64_t size = alignUp(request.bytes);
    // Occupied intervals among buffers live at the same time, by offset.
    occupied.clear();
    const int firstStep = std::max(request.firstStep, 0);
    for (int step = firstStep; step <= request.lastStep; ++step)
      for (int other : placedAt[size_t(step)])
        if (seen[size_t(other)] != placedCount + 1) {
          seen[size_t(other)] = placedCount + 1;
          occupied.emplace_back(plan.offsets[other],
                                plan.offsets[other] + alignUp(requests[other].bytes));
        }
    std::sort(occupied.begin(), occupied.end());
    int64_t offset = 0;
    for (auto [begin, end] : occupied) {
      if (begin - offset >= size)
        break;
      offset = std::max(offset, end);
    }
    plan.offsets[index] = offset;
    plan.arenaBytes = std::max(plan.arenaBytes, offset + size);
    for (int step = firstStep; step <= request.lastStep; ++step)
      placedAt[size_t(step)].push_back(index);
  }
  return plan;
}

} // namespace

std::vector<int64_t> liveBytesPerStep(const std::vector<BufferRequest> &requests) {
  std::vector<int64_t> live;
  for (const BufferRequest &request : requests) {
    if (request.lastStep >= int(live.size()))
      live.resize(size_t(request.lastStep) + 1, 0);
    for (int step = std::max(request.firstStep, 0); step <= request.lastStep; ++step)
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

  ArenaPlan best;
  best.arenaBytes = -1;
  for (const auto &strategy : orders) {
    std::vector<int> order(requests.size());
    std::iota(order.begin(), order.end(), 0);
    // Stable: ties keep request order, so plans are deterministic.
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return strategy.second(requests[a], requests[b]); });
    ArenaPlan plan = placeFirstFit(requests, order);
    if (best.arenaBytes < 0 || plan.arenaBytes < best.arenaBytes) {
      best = std::move(plan);
      best.strategy = strategy.first;
    }
  }
  if (best.arenaBytes < 0)
    best.arenaBytes = 0;
  const std::vector<int64_t> live = liveBytesPerStep(requests);
  best.lowerBoundBytes = live.empty() ? 0 : *std::max_element(live.begin(), live.end());
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
    for (size_t j = i + 1; j < requests.size(); ++j) {
      const BufferRequest &b = requests[j];
      int64_t bBegin = plan.offsets[j], bEnd = bBegin + b.bytes;
      if (lifetimesOverlap(a, b) && aBegin < bEnd && bBegin < aEnd && a.bytes > 0 && b.bytes > 0)
        return fmt::format("buffers '{}' and '{}' are live together and overlap", a.name, b.name);
    }
  }
  return {};
}

} // namespace tessel
