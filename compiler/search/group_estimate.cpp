#include "search/group_estimate.h"

#include "analysis/layer_costs.h"
#include "search/latency_model.h"

#include <algorithm>

namespace tessel {

std::vector<int64_t> liveBytesPerStep(const ExecutionPlan &plan, int layerCount) {
  std::vector<int64_t> live(size_t(layerCount) + 1, 0);
  for (const BufferRequest &buffer : plan.buffers)
    for (int step = std::max(buffer.firstStep, 0); step <= std::min(buffer.lastStep, layerCount);
         ++step)
      live[size_t(step)] += alignUp(buffer.bytes);
  return live;
}

GroupEstimate estimateGroup(const Network &net, const ExecutionPlan &plan,
                            const std::vector<int64_t> &liveBytes, const GroupSchedule &group,
                            const LatencyProfile &profile) {
  GroupEstimate estimate;
  estimate.group = group;
  // The first group owns the input conversion (step 0): a fused first group
  // converts the input tile by tile inside its own steps instead.
  const int firstStep = group.first == 1 ? 0 : group.first;
  for (int step = firstStep; step <= group.last; ++step)
    estimate.peakBytes = std::max(estimate.peakBytes, liveBytes[size_t(step)]);
  estimate.seconds = predictLayersSeconds(net, plan, profile, firstStep, group.last);
  for (int layer = group.first; layer <= group.last; ++layer)
    estimate.layerMacs += layerMacs(net, layer);
  for (const Operation &op : plan.operations) {
    if (op.kind != Operation::Kind::Kernel || op.call.layer < group.first ||
        op.call.layer > group.last)
      continue;
    const Shape &out = net.layers[size_t(op.call.layer)].output;
    const int64_t area = int64_t(op.call.region.height()) * op.call.region.width();
    estimate.macs += layerMacs(net, op.call.layer) * area / (int64_t(out.h) * out.w);
  }
  return estimate;
}

std::vector<GroupEstimate> estimateGroups(const Network &net, const ExecutionPlan &plan,
                                          const LatencyProfile &profile) {
  const std::vector<int64_t> live = liveBytesPerStep(plan, int(net.layers.size()));
  std::vector<GroupEstimate> estimates;
  for (const GroupSchedule &group : plan.schedule.groups)
    estimates.push_back(estimateGroup(net, plan, live, group, profile));
  return estimates;
}

OutsideGroups estimateOutsideGroups(const Network &net, const ExecutionPlan &plan,
                                    const LatencyProfile &profile) {
  const int layerCount = int(net.layers.size());
  const std::vector<int64_t> live = liveBytesPerStep(plan, layerCount);
  OutsideGroups outside;
  outside.peakBytes = live.back();
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::ConvertOutput)
      outside.seconds += predictSeconds(*featuresOf(net, op), profile);
  return outside;
}

} // namespace tessel
