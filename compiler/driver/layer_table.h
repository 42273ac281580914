// The per-layer table `tessel info` and `tessel compile` print.
#pragma once

#include "ir/network.h"
#include "plan/layer_plan.h"

#include <string>

namespace tessel::driver {

// One row per layer of the normalized network (what the generated code
// runs): shape, MACs, weight and activation bytes, arena offset; then totals.
std::string formatLayerTable(const Network &normalized, const LayerPlan &plan);

} // namespace tessel::driver
