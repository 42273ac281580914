// What one group of a lowered schedule costs: the most arena bytes live
// during its steps and its predicted time. Both depend only on the group
// itself: the tensors that cross group boundaries are whole maps whatever
// the other groups do, so a schedule's peak is the largest of its groups'
// peaks (and of the output conversion step), and its time the sum.
// That is what lets the search combine groups by dynamic programming.
#pragma once

#include "schedule/execution_plan.h"
#include "target/latency_profile.h"

#include <cstdint>
#include <map>
#include <vector>

namespace tessel {

struct GroupEstimate {
  GroupSchedule group;
  int64_t peakBytes = 0; // most bytes live at one of the group's steps (64-byte aligned buffers)
  double seconds = 0;    // predicted
  int64_t macs = 0;      // executed, halos included
  int64_t layerMacs = 0; // what `layers` executes for the same layers
  // The group converts the network's output tile by tile or stripe by stripe
  // (convertsOutputInGroup): no output conversion step follows it.
  bool convertsOutput = false;
  // The primitives of its conv2d layers but `direct` (NetworkSchedule::primitives).
  std::map<int, ConvPrimitive> primitives;
};

// Bytes live at each step 0..N of the plan, as the planner's lower bound
// counts them. The estimates below take it so one plan's is computed once.
std::vector<int64_t> liveBytesPerStep(const ExecutionPlan &plan, int layerCount);

// The estimate of every group of the plan's schedule, in order.
std::vector<GroupEstimate> estimateGroups(const Network &normalized, const ExecutionPlan &plan,
                                          const std::vector<int64_t> &liveBytes,
                                          const LatencyProfile &profile);

// The estimate of one group of the plan.
GroupEstimate estimateGroup(const Network &normalized, const ExecutionPlan &plan,
                            const std::vector<int64_t> &liveBytes, const GroupSchedule &group,
                            const LatencyProfile &profile);

// What no group owns: the output conversion step, when a plan has one. (The input conversion,
// step 0, belongs to the group holding the first layer.)
struct OutsideGroups {
  int64_t peakBytes = 0;
  double seconds = 0;
};
OutsideGroups estimateOutsideGroups(const Network &normalized, const ExecutionPlan &plan,
                                    const std::vector<int64_t> &liveBytes,
                                    const LatencyProfile &profile);

} // namespace tessel
