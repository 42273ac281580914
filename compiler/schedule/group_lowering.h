// Internal to the schedule lowering: what each kind of group contributes.
#pragma once

#include "schedule/execution_plan.h"

namespace tessel {

// Shared state while lowering one network.
struct LoweringContext {
  const Network &net;
  ExecutionPlan &plan;
  std::vector<int64_t> capacity; // bytes each tile buffer or row window must hold
  bool comments = true;          // tile and stripe headings, for the generated code only

  WindowRef wholeWindow(int layer) const;
  // The group's first layer, or the input (0) when the group converts the
  // input region by region (convertsInputInGroup).
  int firstMember(const GroupSchedule &group) const;
  void addKernel(KernelCall call);
  void addComment(std::string text);
};

void lowerLayersGroup(LoweringContext &context, const GroupSchedule &group);
void lowerTiledGroup(LoweringContext &context, const GroupSchedule &group, const TileGrid &grid);
void lowerStreamedGroup(LoweringContext &context, const GroupSchedule &group,
                        const Stripes &stripes);

} // namespace tessel
