// The memory plan of the `layers` schedule: every tensor materialized once,
// layer after layer.
//
// Execution steps: step 0 converts the user's NCHW input into the internal
// channels-last layout (layer 0's buffer), step i runs layer i, and the last
// step converts the output back to NCHW. A tensor lives from the step that
// writes it to the last step that reads it. Where the user-facing layout and
// the internal one coincide (one channel, or a 1x1 map), the input is read
// and the output written in place, with no arena buffer.
#pragma once

#include "ir/network.h"
#include "plan/arena_planner.h"

namespace tessel {

struct LayerPlan {
  // Per layer: byte offset of its output tensor in the arena, or -1 when the
  // tensor is the user's input or output buffer itself.
  std::vector<int64_t> tensorOffset;
  bool inputConverted = false;  // step 0 converts NCHW -> HWC
  bool outputConverted = false; // the last step converts HWC -> NCHW
  std::vector<BufferRequest> buffers; // what was planned, for reports and checks
  ArenaPlan arena;
};

// True when NCHW and HWC order the elements of `shape` identically.
bool layoutsCoincide(const Shape &shape);

LayerPlan planLayers(const Network &normalized);

} // namespace tessel
