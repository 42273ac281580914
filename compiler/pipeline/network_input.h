// The network a pipeline works on: loaded, its warnings passed on, and
// normalized; and a schedule text lowered for it.
#pragma once

#include "frontend/load_network.h"
#include "ir/network.h"
#include "schedule/execution_plan.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <string>

namespace tessel {

// Receives each warning when it arises: the text after "warning: ".
using WarningSink = std::function<void(const std::string &)>;

// loadNetwork(), with a warning for each non-finite weight.
llvm::Expected<Network> loadNetworkWithWarnings(const std::string &path, const LoadOptions &options,
                                                const WarningSink &warn);

// loadNetworkWithWarnings(), then normalize().
llvm::Expected<Network> loadNormalizedNetwork(const std::string &path, const LoadOptions &options,
                                              const WarningSink &warn);

// A schedule text (schedule/schedule.h; "" runs every layer whole) lowered
// for `normalized`, whose convolutions get the schedule's primitives
// (applyPrimitives).
llvm::Expected<ExecutionPlan> planScheduleText(const std::string &text, Network &normalized,
                                               const LoweringOptions &options = {});

} // namespace tessel
