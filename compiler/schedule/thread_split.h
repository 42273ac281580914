// How a kernel call is spread over the generated code's threads. Code
// generation emits one band per thread and the latency model predicts the
// slowest band, so both use this one decision.
#pragma once

#include "schedule/execution_plan.h"

#include <vector>

namespace tessel {

// The regions the threads compute for `call`: row bands (each a contiguous
// part of the output) when the region has a row per thread, else column
// bands; the whole region when the call is too small or its kernel takes no
// region. The split depends on the thread count only, and every output
// element is computed the same way in any band, so the output is
// bit-identical to one thread's.
std::vector<MapRegion> threadParts(const Network &normalized, const KernelCall &call, int threads);

} // namespace tessel
