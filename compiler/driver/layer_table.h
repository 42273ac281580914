// The per-layer table `tessel info` and `tessel compile` print.
#pragma once

#include "ir/network.h"
#include "schedule/execution_plan.h"

#include <string>

namespace tessel::driver {

// One row per layer of the normalized network (what the generated code
// runs): shape, MACs, weight and activation bytes, where its output lives;
// then totals, the schedule and the arena.
std::string formatLayerTable(const Network &normalized, const ExecutionPlan &plan);

} // namespace tessel::driver
