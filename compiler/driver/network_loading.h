// Loads the network named on the command line (honouring --input-size),
// normalizes it and lowers the schedule asked for, for the subcommands that
// generate or describe code.
#pragma once

#include "ir/network.h"
#include "schedule/execution_plan.h"

#include "llvm/Support/Error.h"

namespace tessel::driver {

llvm::Expected<Network> loadCommandLineNetwork();
llvm::Expected<Network> loadNormalizedNetwork();

// The schedule given with --schedule (every layer in `layers` by default),
// lowered to an execution plan for `normalized`.
llvm::Expected<ExecutionPlan> planCommandLineSchedule(const Network &normalized,
                                                      const LoweringOptions &options = {});

} // namespace tessel::driver
