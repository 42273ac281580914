// How work is spread over the generated code's threads: a kernel call's
// region in bands, a fused group's tiles or columns in parts. Lowering, code
// generation and the latency model all take the geometry from here, so they
// agree; whether a call is split at all is the latency model's decision
// (LoweringOptions::callThreads).
#pragma once

#include "schedule/execution_plan.h"

#include <vector>

namespace tessel {

// The bands `threads` threads compute of `region`: row bands (each a
// contiguous part of the output) when the region has a row per thread or at
// least as many rows as columns, else column bands; never more bands than
// rows or columns. A pure function of the thread count: part p always
// computes the same band, and every output element is computed the same way
// in any band, so the output is bit-identical to one thread's.
std::vector<MapRegion> callBands(const MapRegion &region, int threads);

// Whether the layer's kernel takes a region, so that its calls can be split.
bool callsSplit(const Network &normalized, int layer);

// The parts a fused group runs in on `threads` threads: one per thread, but
// no more than its tiles (tile grid) or its output's columns (stream); 1 for
// `/split` and `layers` groups, whose calls are split instead.
int groupParts(const Network &normalized, const GroupSchedule &group, int threads);

} // namespace tessel
