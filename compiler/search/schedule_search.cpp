#include "search/schedule_search.h"

#include "search/latency_model.h"

#include <algorithm>
#include <limits>

namespace tessel {
namespace {

// The schedule running `group` and every other layer on its own.
NetworkSchedule withSingleGroup(const Network &net, const GroupSchedule &group) {
  NetworkSchedule schedule;
  for (int layer = 1; layer < int(net.layers.size()); ++layer) {
    if (layer == group.first) {
      schedule.groups.push_back(group);
      layer = group.last;
      continue;
    }
    GroupSchedule single;
    single.first = single.last = layer;
    schedule.groups.push_back(single);
  }
  return schedule;
}

// The fused ways of running layers first..last the options allow.
std::vector<GroupSchedule> fusedKinds(const Network &net, int first, int last,
                                      const SearchOptions &options) {
  const Shape &out = net.layers[size_t(last)].output;
  std::vector<GroupSchedule> kinds;
  GroupSchedule g;
  g.first = first;
  g.last = last;
  g.kind = GroupKind::Tile;
  for (int rows = 1; rows <= std::min(options.maxTileGrid, out.h); ++rows)
    for (int cols = 1; cols <= std::min(options.maxTileGrid, out.w); ++cols) {
      if (rows * cols == 1)
        continue; // one tile is the `layers` schedule with extra steps
      g.tileRows = rows;
      g.tileCols = cols;
      kinds.push_back(g);
    }
  g.kind = GroupKind::Stream;
  for (int stripe : options.stripeRows)
    if (stripe < out.h) {
      g.stripeRows = stripe;
      kinds.push_back(g);
    }
  return kinds;
}

// Neighbouring layers that each run on their own make one `layers` group:
// the same execution, written the way people write schedules.
std::vector<GroupEstimate> mergeLayersRuns(const std::vector<GroupEstimate> &groups) {
  std::vector<GroupEstimate> merged;
  for (const GroupEstimate &g : groups) {
    if (!merged.empty() && g.group.kind == GroupKind::Layers &&
        merged.back().group.kind == GroupKind::Layers) {
      GroupEstimate &run = merged.back();
      run.group.last = g.group.last;
      run.peakBytes = std::max(run.peakBytes, g.peakBytes);
      run.seconds += g.seconds;
      run.macs += g.macs;
      run.layerMacs += g.layerMacs;
      continue;
    }
    merged.push_back(g);
  }
  return merged;
}

} // namespace

llvm::Expected<ScheduleSearch> ScheduleSearch::prepare(const Network &net,
                                                       const LatencyProfile &profile,
                                                       const SearchOptions &options) {
  ScheduleSearch search(net, profile);
  search.lowering_ = options.lowering;
  const int layerCount = int(net.layers.size());
  search.endingAt_.assign(size_t(layerCount), {});

  llvm::Expected<ExecutionPlan> base = lowerSchedule(net, layerByLayer(net), options.lowering);
  if (!base)
    return base.takeError();
  const std::vector<int64_t> baseLive = liveBytesPerStep(*base, layerCount);
  search.outside_ = estimateOutsideGroups(net, *base, baseLive, profile);
  for (int layer = 1; layer < layerCount; ++layer) { // each layer on its own
    GroupSchedule single;
    single.first = single.last = layer;
    search.endingAt_[size_t(layer)].push_back(estimateGroup(net, *base, baseLive, single, profile));
  }

  for (int first = 1; first < layerCount; ++first) {
    for (int last = first + 1; last < layerCount; ++last) {
      GroupSchedule probe;
      probe.first = first;
      probe.last = last;
      probe.kind = GroupKind::Stream;
      // A segment that cannot fuse stays so when extended (a non-spatial
      // layer or an inner result read elsewhere is still inside).
      if (llvm::Error error = validateSchedule(withSingleGroup(net, probe), net)) {
        llvm::consumeError(std::move(error));
        break;
      }
      for (const GroupSchedule &group : fusedKinds(net, first, last, options)) {
        llvm::Expected<ExecutionPlan> plan =
            lowerSchedule(net, withSingleGroup(net, group), options.lowering);
        if (!plan) {
          llvm::consumeError(plan.takeError());
          continue;
        }
        const std::vector<int64_t> live = liveBytesPerStep(*plan, layerCount);
        search.endingAt_[size_t(last)].push_back(estimateGroup(net, *plan, live, group, profile));
      }
    }
  }
  return search;
}

size_t ScheduleSearch::candidateCount() const {
  size_t count = 0;
  for (const auto &candidates : endingAt_)
    count += candidates.size();
  return count;
}

std::optional<ScheduleChoice> ScheduleSearch::fastestWithin(int64_t peakLimit) const {
  if (outside_.peakBytes > peakLimit)
    return std::nullopt;
  // best[p]: the fastest way through layers 1..p, as (seconds, peak) compared
  // lexicographically; `from[p]` the candidate that ends it.
  struct Partial {
    double seconds = std::numeric_limits<double>::infinity();
    int64_t peak = 0;
    const GroupEstimate *last = nullptr;
  };
  const size_t layerCount = net_->layers.size();
  std::vector<Partial> best(layerCount);
  best[0].seconds = 0;
  for (size_t p = 1; p < layerCount; ++p) {
    for (const GroupEstimate &candidate : endingAt_[p]) {
      if (candidate.peakBytes > peakLimit)
        continue;
      const Partial &before = best[size_t(candidate.group.first - 1)];
      if (before.seconds == std::numeric_limits<double>::infinity())
        continue;
      const double seconds = before.seconds + candidate.seconds;
      const int64_t peak = std::max(before.peak, candidate.peakBytes);
      Partial &here = best[p];
      if (seconds < here.seconds || (seconds == here.seconds && peak < here.peak))
        here = Partial{seconds, peak, &candidate};
    }
  }
  if (best[layerCount - 1].last == nullptr)
    return std::nullopt;
  ScheduleChoice choice;
  for (size_t p = layerCount - 1; p > 0; p = size_t(best[p].last->group.first - 1))
    choice.groups.push_back(*best[p].last);
  std::reverse(choice.groups.begin(), choice.groups.end());
  choice.groups = mergeLayersRuns(choice.groups);
  for (const GroupEstimate &group : choice.groups)
    choice.schedule.groups.push_back(group.group);
  choice.seconds = best[layerCount - 1].seconds + outside_.seconds;
  choice.peakBytes = std::max(best[layerCount - 1].peak, outside_.peakBytes);
  return choice;
}

llvm::Expected<std::vector<ParetoPoint>> ScheduleSearch::paretoFront() const {
  std::vector<ParetoPoint> front;
  int64_t limit = std::numeric_limits<int64_t>::max();
  while (std::optional<ScheduleChoice> choice = fastestWithin(limit)) {
    llvm::Expected<ExecutionPlan> plan = lowerSchedule(*net_, choice->schedule, lowering_);
    if (!plan)
      return plan.takeError();
    limit = choice->peakBytes - 1;
    // A smaller lower bound whose planned arena is no smaller is no better.
    if (!front.empty() && plan->arena.arenaBytes >= front.back().arenaBytes)
      continue;
    front.push_back(ParetoPoint{std::move(*choice), plan->arena.arenaBytes});
  }
  return front;
}

ScheduleChoice describeSchedule(const Network &net, const ExecutionPlan &plan,
                                const LatencyProfile &profile) {
  ScheduleChoice choice;
  choice.schedule = plan.schedule;
  const std::vector<int64_t> live = liveBytesPerStep(plan, int(net.layers.size()));
  choice.groups = estimateGroups(net, plan, live, profile);
  const OutsideGroups outside = estimateOutsideGroups(net, plan, live, profile);
  choice.seconds = outside.seconds;
  choice.peakBytes = outside.peakBytes;
  for (const GroupEstimate &group : choice.groups) {
    choice.seconds += group.seconds;
    choice.peakBytes = std::max(choice.peakBytes, group.peakBytes);
  }
  return choice;
}

llvm::Expected<SearchOutcome> searchSchedule(const Network &net, const LatencyProfile &profile,
                                             const SearchOptions &options,
                                             std::optional<int64_t> arenaBudget) {
  llvm::Expected<ScheduleSearch> search = ScheduleSearch::prepare(net, profile, options);
  if (!search)
    return search.takeError();
  SearchOutcome outcome;
  outcome.candidates = search->candidateCount();
  llvm::Expected<std::vector<ParetoPoint>> pareto = search->paretoFront();
  if (!pareto)
    return pareto.takeError();
  outcome.pareto = std::move(*pareto);

  // The front holds, for every peak limit, the fastest schedule: the first
  // point (fastest first) whose planned arena fits is the answer.
  const ParetoPoint *chosen = nullptr;
  for (const ParetoPoint &point : outcome.pareto)
    if (!arenaBudget || point.arenaBytes <= *arenaBudget) {
      chosen = &point;
      break;
    }
  outcome.fits = chosen != nullptr;
  if (!chosen) // the smallest arena reachable, the faster one on ties
    for (const ParetoPoint &point : outcome.pareto)
      if (!chosen || point.arenaBytes < chosen->arenaBytes)
        chosen = &point;
  if (!chosen)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the search found no schedule for the network");
  outcome.choice = chosen->choice;
  llvm::Expected<ExecutionPlan> plan =
      lowerSchedule(net, outcome.choice.schedule, options.lowering);
  if (!plan)
    return plan.takeError();
  outcome.plan = std::move(*plan);
  return outcome;
}

} // namespace tessel
