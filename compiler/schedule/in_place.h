// Outputs written over their input. A layer running on its own whose input
// map is read by nothing else may compute its output in the input's bytes
// when its kernel allows it (OpDescription::inPlace): max pooling with no
// window reaching back, activations, adds. The planner then places the two
// buffers at one offset (BufferRequest::overwrites), and the step holds the
// larger map only instead of both.
#pragma once

#include "ir/network.h"
#include "schedule/execution_plan.h"

#include <vector>

namespace tessel {

// The input whose buffer `layer`'s output is written over in `plan`, or -1:
// the layer runs on its own (its group is `layers`), the input and the
// output are whole maps in the arena, the layer is the input's only reader,
// the output is no larger, and the kernel allows it for the calls the plan
// makes (an in-order kernel: one call, on one thread).
int inputWrittenOver(const Network &normalized, const ExecutionPlan &plan,
                     const GroupSchedule &group, int layer,
                     const std::vector<std::vector<int>> &consumers);

} // namespace tessel
