#include "search/group_estimate.h"

#include "analysis/layer_costs.h"
#include "search/latency_model.h"

#include <algorithm>

namespace tessel {

std::vector<int64_t> liveBytesPerStep(const ExecutionPlan &plan, int layerCount) {
  std::vector<int64_t> live = liveBytesPerStep(plan.buffers);
  live.resize(size_t(layerCount) + 1, 0); // steps without buffers hold nothing
  return live;
}

GroupEstimate estimateGroup(const Network &net, const ExecutionPlan &plan,
                            const std::vector<int64_t> &liveBytes, const GroupSchedule &group,
                            const LatencyProfile &profile) {
  GroupEstimate estimate;
  estimate.group = group;
  estimate.convertsOutput = groupConvertsOutput(net, group);
  // The first group owns the input conversion (step 0): a fused first group
  // converts the input tile by tile inside its own steps instead.
  const int firstStep = group.first == 1 ? 0 : group.first;
  for (int step = firstStep; step <= group.last; ++step)
    estimate.peakBytes = std::max(estimate.peakBytes, liveBytes[size_t(step)]);
  estimate.seconds = predictLayersSeconds(net, plan, profile, firstStep, group.last);
  for (int layer = group.first; layer <= group.last; ++layer)
    estimate.layerMacs += layerMacs(net, layer);
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::Kernel && op.call.layer >= group.first &&
        op.call.layer <= group.last)
      estimate.macs += callMacs(net, op.call);
  return estimate;
}

std::vector<GroupEstimate> estimateGroups(const Network &net, const ExecutionPlan &plan,
                                          const std::vector<int64_t> &liveBytes,
                                          const LatencyProfile &profile) {
  std::vector<GroupEstimate> estimates;
  for (const GroupSchedule &group : plan.schedule.groups)
    estimates.push_back(estimateGroup(net, plan, liveBytes, group, profile));
  return estimates;
}

OutsideGroups estimateOutsideGroups(const Network &net, const ExecutionPlan &plan,
                                    const std::vector<int64_t> &liveBytes,
                                    const LatencyProfile &profile) {
  OutsideGroups outside;
  outside.peakBytes = liveBytes.back();
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::ConvertOutput)
      outside.seconds += predictSeconds(*featuresOf(net, op), profile);
  return outside;
}

} // namespace tessel
