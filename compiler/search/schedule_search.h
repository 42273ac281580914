// The budgeted search: the schedule with the lowest predicted latency whose
// arena fits a budget.
//
// Candidates are every group the schedule language can express over the
// network — each layer on its own (`layers`), and every segment that may
// fuse (chains, and segments spanning branches whose inner results nothing
// after them reads) under `tile RxC` (R, C up to a grid limit) and
// `stream H` — each
// lowered once and measured (group_estimate.h). A schedule's peak is the
// largest of its groups' peaks and its latency the sum of theirs, so a
// dynamic program over group boundaries finds, for a peak limit, the
// fastest sequence of candidates: exact under the latency model. The arena
// the planner then places can exceed that peak when buffers fragment; the
// search re-plans with a tighter limit until the real arena fits, so the
// budget check is always against the arena the generated code declares.
#pragma once

#include "search/group_estimate.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace tessel {

struct SearchOptions {
  int maxTileGrid = 6;                        // tile R x C with R, C <= this
  std::vector<int> stripeRows = {1, 2, 4, 8}; // stream H candidates
  // stream HxB candidates: column bands. Full-width only by default: bands
  // recompute halo columns and pay only below the smallest full-width
  // stream (tessel compile --max-bands).
  std::vector<int> stripeBands = {1};
  // Threads of the generated code: the search lowers with
  // threadedLowering(threads, profile) and, on several threads, tries each
  // tile grid and stripe height in parts and `/split`.
  int threads = 1;
  // The convolution primitives the search may give a conv2d besides
  // `direct` (tessel compile --primitives). Each candidate group computes
  // every convolution in it that a primitive applies to with that one
  // primitive (or all with `direct`), so a layer on its own may take any.
  std::vector<ConvPrimitive> primitives = {ConvPrimitive::Im2row, ConvPrimitive::Winograd2,
                                           ConvPrimitive::Winograd4};
  // Channel splits (`channels N`, `tile RxC+channels N`) over groups of up
  // to maxChannelGroupLayers layers with a run to slice: the slice counts
  // tried (where the widest run takes that many slices of 8 channels or more),
  // in each square grid of channelGrids cells a side. No slice counts: none.
  // The runs' layers compute with `direct`.
  std::vector<int> channelSlices = {2, 4, 8};
  std::vector<int> channelGrids = {1, 2, 3, 4, 6};
  int maxChannelGroupLayers = 16;
  // Fused groups may span branches (residual blocks, concats of branches);
  // false: chains only (tessel compile --no-branch-groups).
  bool branchGroups = true;
  // Lower every candidate inside a whole schedule, one by one: the plain
  // preparation, slow on deep networks, kept as the reference the default
  // one is tested against (both give the same candidates and figures).
  bool exhaustive = false;
};

struct ScheduleChoice {
  NetworkSchedule schedule;
  std::vector<GroupEstimate> groups;
  double seconds = 0;    // predicted, conversions included
  int64_t peakBytes = 0; // most bytes live at once: the arena's lower bound
};

struct ParetoPoint {
  ScheduleChoice choice;
  int64_t arenaBytes = 0; // what the planner places for it
};

struct SearchOutcome;

class ScheduleSearch {
public:
  // Lowers and measures every candidate group.
  static llvm::Expected<ScheduleSearch>
  prepare(const Network &normalized, const LatencyProfile &profile, const SearchOptions &options);

  // The fastest schedule whose peak is at most `peakLimit`; among equally
  // fast ones the smallest peak. std::nullopt when none is that small.
  std::optional<ScheduleChoice> fastestWithin(int64_t peakLimit) const;
  // The `count` fastest (fewer when there are fewer), fastest first.
  std::vector<ScheduleChoice> fastestWithin(int64_t peakLimit, int count) const;

  // Schedules no other beats in both latency and planned arena, smallest
  // latency first, each with its planned arena: at each arena limit, the
  // first of the kSchedulesTriedPerLimit fastest within that peak whose
  // planned arena fits. Stepped over every candidate and again over the
  // chain candidates alone (those of a search without branch groups and
  // channel splits), the two fronts merged: the stepping is a heuristic
  // where arenas fragment, and more kinds of candidates must never lose a
  // point the plainer search finds.
  llvm::Expected<std::vector<ParetoPoint>> paretoFront() const;

  // The fastest schedule on the front whose planned arena is at most
  // `arenaBudget` (searchSchedule, on candidates already prepared).
  llvm::Expected<SearchOutcome> outcomeWithin(std::optional<int64_t> arenaBudget) const;

  // How many schedules paretoFront plans at one limit before it looks
  // below the fastest one's peak.
  static constexpr int kSchedulesTriedPerLimit = 2;

  size_t candidateCount() const;

private:
  ScheduleSearch(const Network &net, const LatencyProfile &profile)
      : net_(withoutWeights(net)), profile_(&profile) {}
  // The candidates with every convolution `primitive` applies to computing
  // with it (the others `direct`), added to endingAt_.
  llvm::Error preparePrimitive(ConvPrimitive primitive, const SearchOptions &options);
  void prepareExhaustive(const SearchOptions &options,
                         std::vector<std::vector<GroupEstimate>> &endingAt);
  void prepareGroupByGroup(const SearchOptions &options, const ExecutionPlan &base,
                           std::vector<std::vector<GroupEstimate>> &endingAt);
  // The network with the schedule's primitives.
  Network assigned(const NetworkSchedule &schedule) const;
  // fastestWithin over every candidate, or the chain candidates alone.
  std::vector<ScheduleChoice> fastestWithin(int64_t peakLimit, int count, bool chainsOnly) const;
  // paretoFront's stepping over every candidate or the chain ones alone.
  llvm::Expected<std::vector<ParetoPoint>> steppedFront(bool chainsOnly) const;

  Network net_; // without weights; primitives as the candidates being prepared need
  const LatencyProfile *profile_;
  LoweringOptions lowering_;
  std::vector<std::vector<GroupEstimate>> endingAt_; // candidates by their last layer
  // By candidate, as endingAt_: whether it is a chain candidate (isChainCandidate).
  std::vector<std::vector<bool>> chain_;
  bool allChains_ = true;
  OutsideGroups outside_;
};

struct SearchOutcome {
  bool fits = false;
  ScheduleChoice choice; // the fastest that fits, else the one with the smallest arena
  ExecutionPlan plan;    // its lowering
  std::vector<ParetoPoint> pareto;
  size_t candidates = 0;
};

// The fastest schedule whose planned arena is at most `arenaBudget` (no
// limit when std::nullopt). When nothing fits, `fits` is false and the
// outcome holds the schedule with the smallest arena the search can reach.
llvm::Expected<SearchOutcome> searchSchedule(const Network &normalized,
                                             const LatencyProfile &profile,
                                             const SearchOptions &options,
                                             std::optional<int64_t> arenaBudget);

// The choice's figures for a given schedule (e.g. one from --schedule).
ScheduleChoice describeSchedule(const Network &normalized, const ExecutionPlan &plan,
                                const LatencyProfile &profile);

} // namespace tessel
